"""Named governance presets.

The four relationship types of Kotler, Rackham & Krishnaswamy (HBR 2006) and the planning-owner
arms the practitioner debate names. A preset sets only governance fields (the five levers of the
model brief); every other field keeps its default. Arms combine with any budget structure and
cadence through overrides, e.g. ``get("joint", {"governance.budget_structure": "shared_pool"})``.
"""

from __future__ import annotations

from typing import Any

from sim.params import ParamError, Params

# Arms share a neutral base so that they differ in the planning owner (and structure) only.
_ARM_BASE: dict[str, Any] = {
    "governance.budget_structure": "separate",
    "governance.cadence_weeks": 13,
    "governance.metrics": "siloed",
    "governance.sla": "off",
    "governance.lead_definition": "agreed",
}

PRESETS: dict[str, tuple[str, dict[str, Any]]] = {
    "undefined": (
        "Kotler 'Undefined': departments grew apart; annual budgets set by finance, siloed pay, "
        "marketing defines MQLs alone, no SLA, no shared view.",
        {
            "governance.budget_structure": "separate",
            "governance.planning_owner": "finance",
            "governance.cadence_weeks": 52,
            "governance.metrics": "siloed",
            "governance.sla": "off",
            "governance.lead_definition": "unilateral",
            "governance.shared_scoreboard": False,
        },
    ),
    "defined": (
        "Kotler 'Defined': rules and an agreed lead definition, quarterly finance-led planning, "
        "an SLA with light monitoring; pay still siloed.",
        {
            "governance.budget_structure": "separate",
            "governance.planning_owner": "finance",
            "governance.cadence_weeks": 13,
            "governance.metrics": "siloed",
            "governance.sla": "on",
            "governance.sla_monitoring_prob": 0.3,
            "governance.lead_definition": "agreed",
            "governance.shared_scoreboard": False,
        },
    ),
    "aligned": (
        "Kotler 'Aligned': joint monthly planning over one pool, partly shared pay, an SLA with "
        "monitoring, a shared scoreboard.",
        {
            "governance.budget_structure": "shared_pool",
            "governance.planning_owner": "joint",
            "governance.cadence_weeks": 4,
            "governance.metrics": "partial",
            "governance.sla": "on",
            "governance.sla_monitoring_prob": 0.6,
            "governance.lead_definition": "agreed",
            "governance.shared_scoreboard": True,
        },
    ),
    "integrated": (
        "Kotler 'Integrated': a CRO plans one pool fortnightly, pay on shared revenue, a strictly "
        "monitored SLA, one scoreboard.",
        {
            "governance.budget_structure": "shared_pool",
            "governance.planning_owner": "cro",
            "governance.structure": "cro",
            "governance.cadence_weeks": 2,
            "governance.metrics": "shared",
            "governance.sla": "on",
            "governance.sla_monitoring_prob": 0.9,
            "governance.lead_definition": "agreed",
            "governance.shared_scoreboard": True,
        },
    ),
    "marketing_led": ("Planning-owner arm: the CMO plans.",
                      {**_ARM_BASE, "governance.planning_owner": "marketing"}),
    "sales_led": ("Planning-owner arm: the head of sales plans.",
                  {**_ARM_BASE, "governance.planning_owner": "sales"}),
    "joint": ("Planning-owner arm: CMO and head of sales plan together on pooled data.",
              {**_ARM_BASE, "governance.planning_owner": "joint"}),
    "finance_led": ("Planning-owner arm: the finance planner allocates.",
                    {**_ARM_BASE, "governance.planning_owner": "finance"}),
    "formula": ("Planning-owner arm: a published rule splits the budget by each side's measured "
                "share of bookings; the leaders plan programmes and lead definition together.",
                {**_ARM_BASE, "governance.planning_owner": "formula"}),
    "cro": ("Structure arm: a CRO over both departments plans.",
            {**_ARM_BASE, "governance.planning_owner": "cro", "governance.structure": "cro"}),
    "merged": ("Structure arm: one merged revenue department, no hand-off gate.",
               {**_ARM_BASE, "governance.planning_owner": "cro",
                "governance.structure": "merged"}),
}

KOTLER_TYPES = ("undefined", "defined", "aligned", "integrated")
PLANNING_ARMS = ("marketing_led", "sales_led", "joint", "finance_led", "formula", "cro",
                 "merged")


def names() -> list[str]:
    return list(PRESETS)


def describe(name: str) -> str:
    return _lookup(name)[0]


def settings(name: str) -> dict[str, Any]:
    return dict(_lookup(name)[1])


def get(name: str, overrides: dict[str, Any] | None = None) -> Params:
    """The preset's Params, with optional dotted overrides applied on top."""
    merged = {**settings(name), **(overrides or {})}
    return Params().with_overrides(merged)


def _lookup(name: str) -> tuple[str, dict[str, Any]]:
    if name not in PRESETS:
        raise ParamError("preset", name, "one of " + ", ".join(PRESETS))
    return PRESETS[name]
