"""Governance as data plus small strategy objects, built once from the parameters.

This is the only module that reads governance names. It turns them into the five levers of the
model brief, and mechanisms read only those levers:
1. who plans, with what objective, horizon and bias  -> `PlannerRule`
2. what each person can see                           -> `Visibility`
3. how often the plan is revised                      -> `cadence_weeks`, `share_revisable`
4. what people are paid for                           -> `w_shared`
5. monitoring and sanctions                           -> `Monitoring`
plus the hand-off gate and scoring skill of a merged department, which the brief names as the
structural consequence of merging.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.forecast import OBJECTIVES, Objective
from sim.params import Params

LEADER_ROLES = ("cmo", "head_of_sales", "finance", "cro")


@dataclass(frozen=True)
class PlannerRule:
    planners: tuple[str, ...]
    """Roles whose members plan together (one role: a functional planner)."""
    objective: Objective
    horizon_weeks: int
    tilt: float
    """Self-serving bias: +1 inflates marketing's returns, -1 sales', 0 none; times planner_bias."""
    pooled_data: bool
    """Plans on both departments' data; otherwise on the planner's own view."""
    everyone_meets: bool
    """Planning events pull every person into the meeting (joint pipeline and plan reviews)."""


@dataclass(frozen=True)
class Visibility:
    marketing_sees_outcomes: bool
    """Marketing sees what became of its MQLs without relying on reps' feedback."""
    shared_scoreboard: bool


@dataclass(frozen=True)
class Monitoring:
    sla_on: bool
    detection_prob: float
    followup_weeks: int
    graduated_sanctions: bool


@dataclass(frozen=True)
class Governance:
    planner: PlannerRule
    visibility: Visibility
    monitoring: Monitoring
    cadence_weeks: int
    share_revisable: bool
    """One pool: the marketing share may move at every planning event (else once a year)."""
    allocator_discretion: bool
    """One pool split by a single functional planner, whom leaders can lobby."""
    planner_sets_threshold: bool
    """The MQL threshold is set at planning (agreed) rather than by marketing alone."""
    w_shared: float
    handoff_gate: bool
    """Sales accepts or rejects MQLs; a merged department has no gate."""
    scoring_skill_loss: float
    has_cro: bool
    cross_ties: int
    """How many standing channels tie the departments (scoreboard, CRO, merger)."""


# Planning owners: objective, horizon, tilt, pooled data, who meets (the brief's
# "ruling department prioritises its goals" table).
_OWNERS: dict[str, tuple[tuple[str, ...], str, int, float, bool, bool]] = {
    "marketing": (("cmo",), "marketing", 26, +1.0, False, False),
    "sales": (("head_of_sales",), "sales", 13, -1.0, False, False),
    "finance": (("finance",), "revenue", 13, 0.0, False, False),
    "joint": (("cmo", "head_of_sales"), "revenue", 52, 0.0, True, True),
    "cro": (("cro",), "revenue", 26, -1.0, True, False),
}

W_SHARED = {"siloed": 0.0, "partial": 0.4, "shared": 0.8}
MERGED_SCORING_SKILL_LOSS = 0.3


def from_params(params: Params) -> Governance:
    g = params.governance
    planners, objective, horizon, tilt, pooled, everyone = _OWNERS[g.planning_owner]
    merged = g.structure == "merged"
    has_cro = g.structure in ("cro", "merged")
    single_planner = len(planners) == 1
    pool = g.budget_structure == "shared_pool"
    return Governance(
        planner=PlannerRule(planners, OBJECTIVES[objective], horizon, tilt, pooled, everyone),
        visibility=Visibility(
            marketing_sees_outcomes=g.shared_scoreboard or pooled,
            shared_scoreboard=g.shared_scoreboard,
        ),
        monitoring=Monitoring(g.sla == "on", g.sla_monitoring_prob, g.sla_followup_weeks,
                              g.sanctions == "graduated"),
        cadence_weeks=g.cadence_weeks,
        share_revisable=pool,
        allocator_discretion=pool and single_planner,
        planner_sets_threshold=g.lead_definition == "agreed",
        w_shared=W_SHARED[g.metrics],
        handoff_gate=not merged,
        scoring_skill_loss=MERGED_SCORING_SKILL_LOSS if merged else 0.0,
        has_cro=has_cro,
        cross_ties=int(g.shared_scoreboard) + int(has_cro) + int(merged),
    )
