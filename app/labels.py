"""The page's words: parameters, their choices and the presets in plain language.

A workshop room reads "one shared pool", not ``shared_pool``; the code names stay in the hover
text so a facilitator can still find the field in `sim/params.py` or type it on the command line.
Words are looked up here and fall back to a readable form of the code name (underscores to
spaces), so a parameter, choice or preset that sim adds later still reads as words.
"""

from __future__ import annotations

from typing import Any

from sim import presets
from sim.params import field_of

# Short names a facilitator says aloud; the field's own one-line meaning goes in the hover.
FIELDS: dict[str, str] = {
    "weeks": "Run length",
    "governance.budget_structure": "Budget",
    "governance.planning_owner": "Who plans the budget",
    "governance.structure": "Leadership",
    "governance.cadence_weeks": "Weeks between planning meetings",
    "governance.metrics": "What people are paid for",
    "governance.sla": "Lead hand-off agreement (SLA)",
    "governance.sla_monitoring_prob": "Chance a late follow-up is noticed",
    "governance.sla_followup_weeks": "Weeks to follow up a lead under the SLA",
    "governance.sanctions": "Penalty for a noticed breach",
    "governance.lead_definition": "Who decides what a good lead is",
    "governance.shared_scoreboard": "Shared scoreboard",
    "org.n_reps": "Sales reps",
    "org.n_marketers": "Marketers",
    "behaviour.trust_initial": "Trust at the start",
    "behaviour.cooperation_initial": "Willingness to cooperate at the start",
    "behaviour.prospect_bias": "Reps' preference for their own prospects",
    "behaviour.planner_bias": "A planner's bias toward their own side",
    "behaviour.loss_aversion": "A let-down weighs more than a favour (loss aversion)",
}

CHOICES: dict[str, dict[str, str]] = {
    "governance.budget_structure": {"separate": "two budgets", "shared_pool": "one shared pool"},
    "governance.planning_owner": {
        "marketing": "marketing (the CMO)", "sales": "sales (the head of sales)",
        "finance": "finance", "joint": "CMO and head of sales together", "cro": "a CRO",
        "formula": "a published formula"},
    "governance.structure": {"separate_leaders": "two leaders", "cro": "a CRO over both",
                             "merged": "one merged department"},
    "governance.metrics": {"siloed": "own targets", "partial": "partly shared revenue",
                           "shared": "shared revenue"},
    "governance.sla": {"off": "none", "on": "agreed"},
    "governance.sanctions": {"none": "none", "graduated": "graduated"},
    "governance.lead_definition": {"unilateral": "marketing alone", "agreed": "agreed with sales"},
}

PRESETS: dict[str, str] = {
    "undefined": "Undefined (Kotler)",
    "defined": "Defined (Kotler)",
    "aligned": "Aligned (Kotler)",
    "integrated": "Integrated (Kotler)",
    "marketing_led": "Marketing-led",
    "sales_led": "Sales-led",
    "joint": "Joint planning",
    "finance_led": "Finance-led",
    "formula": "Budget by formula",
    "cro": "CRO",
    "merged": "Merged department",
}

ACRONYMS = {"cro": "CRO", "cmo": "CMO", "sla": "SLA", "mql": "MQL", "mqls": "MQLs"}


def words(code: str) -> str:
    """A code name as words: ``separate_leaders`` -> ``separate leaders``, ``cro`` -> ``CRO``."""
    return " ".join(ACRONYMS.get(w, w) for w in code.replace("_led", "-led").split("_"))


def field(dotted: str) -> str:
    """A parameter's name on the page (raises sim's ParamError for an unknown name)."""
    field_of(dotted)
    if dotted in FIELDS:
        return FIELDS[dotted]
    text = words(dotted.rpartition(".")[2])
    return text[:1].upper() + text[1:]


def choice(dotted: str, value: Any) -> str:
    """A value of a parameter as the page shows it: a choice in words, a number plainly."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, str):
        return CHOICES.get(dotted, {}).get(value) or words(value)
    return f"{value:g}"


def preset(name: str) -> str:
    """A preset's name on the page."""
    presets.describe(name)  # an unknown preset is sim's ParamError, not a made-up name
    if name in PRESETS:
        return PRESETS[name]
    text = words(name)
    return text[:1].upper() + text[1:]


def change(dotted: str, value: Any) -> str:
    """One setting changed from the preset, in words: ``one shared pool``, ``sales reps 40``."""
    if isinstance(value, str):
        return choice(dotted, value)
    if isinstance(value, bool):
        return f"{field(dotted).lower()} {choice(dotted, value)}"
    return f"{field(dotted)[:1].lower()}{field(dotted)[1:]} {choice(dotted, value)}"
