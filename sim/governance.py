"""Governance as data plus small strategy objects, built once from the parameters.

This is the only module that reads governance names. It turns them into the five levers of the
model brief, and mechanisms read only those levers:
1. who plans, with what objective, horizon and bias  -> `PlannerRule`
2. what each person can see                           -> `Visibility`
3. how often the plan is revised                      -> `cadence_weeks`, `share_revisable`
4. what people are paid for                           -> `w_shared`
5. monitoring and sanctions                           -> `Monitoring`
plus the hand-off gate and scoring skill of a merged department, which the brief names as the
structural consequence of merging (how much skill is lost is a parameter, not a constant here).
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.forecast import OBJECTIVES, Objective
from sim.params import Params

LEADER_ROLES = ("cmo", "head_of_sales", "finance", "cro")


@dataclass(frozen=True)
class DataView:
    """What a planner can see of what became of marketing's leads."""

    outcomes_by_score: bool
    """Links the pipeline MQLs brought to marketing's scores (by score band)."""
    outcomes_via_feedback: bool
    """Sees those outcomes only as far as reps report them or a scoreboard shows them (the
    rest it fills with marketing's own belief); otherwise sees them in full."""


@dataclass(frozen=True)
class PlannerRule:
    planners: tuple[str, ...]
    """Roles whose members plan together (one role: a functional planner)."""
    objective: Objective
    horizon_weeks: int
    tilt: float
    """Self-serving bias: +1 inflates marketing's returns, -1 sales', 0 none; times planner_bias."""
    view: DataView
    everyone_meets: bool
    """Planning events pull every person into the meeting (joint pipeline and plan reviews)."""
    split_by_contribution: bool
    """The marketing share follows a published rule (each side's measured share of bookings)
    instead of a planner's judgement: nobody has discretion over it, so nobody can be lobbied."""


@dataclass(frozen=True)
class Visibility:
    marketing_sees_outcomes: bool
    """A shared scoreboard shows marketing what became of its MQLs without relying on reps'
    feedback (as far as the CRM records outcomes without a rep's disposition)."""
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
    """One person's judgement splits the budget (a functional planner or a CRO), so the other
    leaders can lobby them; under separate budgets only at the annual round."""
    planner_sets_threshold: bool
    """The MQL threshold is set at planning (agreed) rather than by marketing alone."""
    w_shared: float
    handoff_gate: bool
    """Sales accepts or rejects MQLs; a merged department has no gate."""
    merged_department: bool
    """One department scores and sells: the specialist scoring skill it loses is the parameter
    org.merged_scoring_noise_increase."""
    has_cro: bool
    cross_ties: int
    """How many standing channels tie the departments (scoreboard, CRO, merger)."""


_MARKETING_VIEW = DataView(outcomes_by_score=True, outcomes_via_feedback=True)
_SALES_VIEW = DataView(outcomes_by_score=True, outcomes_via_feedback=False)
_FINANCE_VIEW = DataView(outcomes_by_score=False, outcomes_via_feedback=False)
_POOLED_VIEW = DataView(outcomes_by_score=True, outcomes_via_feedback=False)
MARKETING_VIEW = _MARKETING_VIEW
"""The CMO's own view: also what a unilateral lead definition is set on."""

# Planning owners: planners, objective, horizon, tilt, data, who meets, split by rule (the
# brief's "ruling department prioritises its goals" table; formula: seed 003's equitable
# budget, a published rule splitting the budget by measured contribution).
_OWNERS: dict[str, tuple[tuple[str, ...], str, int, float, DataView, bool, bool]] = {
    "marketing": (("cmo",), "marketing", 26, +1.0, _MARKETING_VIEW, False, False),
    "sales": (("head_of_sales",), "sales", 13, -1.0, _SALES_VIEW, False, False),
    "finance": (("finance",), "revenue", 13, 0.0, _FINANCE_VIEW, False, False),
    "joint": (("cmo", "head_of_sales"), "revenue", 52, 0.0, _POOLED_VIEW, True, False),
    "formula": (("cmo", "head_of_sales"), "revenue", 26, 0.0, _POOLED_VIEW, False, True),
    "cro": (("cro",), "revenue", 26, -1.0, _POOLED_VIEW, False, False),
}

W_SHARED = {"siloed": 0.0, "partial": 0.4, "shared": 0.8}


def from_params(params: Params) -> Governance:
    g = params.governance
    planners, objective, horizon, tilt, view, everyone, by_rule = _OWNERS[g.planning_owner]
    merged = g.structure == "merged"
    has_cro = g.structure in ("cro", "merged")
    single_planner = len(planners) == 1
    return Governance(
        planner=PlannerRule(planners, OBJECTIVES[objective], horizon, tilt, view, everyone,
                            by_rule),
        visibility=Visibility(
            marketing_sees_outcomes=g.shared_scoreboard,
            shared_scoreboard=g.shared_scoreboard,
        ),
        monitoring=Monitoring(g.sla == "on", g.sla_monitoring_prob, g.sla_followup_weeks,
                              g.sanctions == "graduated"),
        cadence_weeks=g.cadence_weeks,
        share_revisable=g.budget_structure == "shared_pool",
        allocator_discretion=single_planner and not by_rule,
        planner_sets_threshold=g.lead_definition == "agreed",
        w_shared=W_SHARED[g.metrics],
        handoff_gate=not merged,
        merged_department=merged,
        has_cro=has_cro,
        cross_ties=int(g.shared_scoreboard) + int(has_cro) + int(merged),
    )
