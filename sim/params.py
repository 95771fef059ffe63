"""One frozen, validated parameter object for a run.

Parameters come in four groups (org, market, governance, behaviour) plus the run length. Every
field declares its default, its allowed values (a closed range or a set of choices), a unit and a
one-line meaning in its metadata; `validate()` checks each field against that declaration at
construction, so a Params that exists is a valid one. Variants are made with `with_overrides`,
which takes dotted names (``"governance.cadence_weeks"``) and values or strings (from a CLI).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


class ParamError(ValueError):
    """A parameter is unknown, of the wrong type or out of range.

    The message names the field, the value received and what is allowed.
    """

    def __init__(self, field_name: str, value: Any, allowed: str) -> None:
        self.field_name = field_name
        self.value = value
        self.allowed = allowed
        super().__init__(f"{field_name}={value!r} is not allowed: {allowed}")


CALIBRATED = "calibrated: docs/calibration.md"
"""The source of a default fitted by `alignsim calibrate experiments/firms/default.toml`."""


def p(default: Any, *, lo: float | None = None, hi: float | None = None,
      choices: tuple[str, ...] | None = None, unit: str = "", doc: str,
      source: str = "assumption") -> Any:
    """Declare a parameter field with its range or choices, unit, meaning and source."""
    meta = {"lo": lo, "hi": hi, "choices": choices, "unit": unit, "doc": doc, "source": source}
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class OrgParams:
    n_reps: int = p(20, lo=1, hi=2000, unit="people", doc="sales reps")
    n_marketers: int = p(6, lo=1, hi=600, unit="people", doc="marketers")
    rep_hours_per_week: float = p(40.0, lo=10, hi=70, unit="h/week",
                                  doc="working hours of one rep")
    rep_cost_per_week_usd: float = p(5_000.0, lo=0, hi=50_000, unit="USD/week",
                                     doc="loaded cost of one rep (salary, tools)")
    rep_skill_mean: float = p(1.0, lo=0.5, hi=1.5, unit="x",
                              doc="mean multiplier of a rep's win probability")
    rep_skill_sd: float = p(0.1, lo=0, hi=0.5, unit="x", doc="spread of rep skill")
    meeting_hours_per_event: float = p(2.0, lo=0, hi=16, unit="h/person",
                                       doc="hours each participant spends in one planning event")
    mql_followup_hours: float = p(1.0, lo=0.1, hi=8, unit="h/MQL",
                                  doc="hours to contact and qualify one MQL")
    opportunity_hours_per_week: float = p(1.0, lo=0.1, hi=10, unit="h/opportunity/week",
                                          doc="hours one open opportunity needs each week")
    account_hours_per_customer: float = p(0.25, lo=0, hi=5, unit="h/customer/week",
                                          doc="account-management hours one customer wants")
    prospects_per_hour: float = p(0.0588, lo=0, hi=1, unit="leads/h",
                                  doc="self-sourced leads a rep finds per prospecting hour",
                                  source=CALIBRATED)
    crm_outcome_coverage: float = p(0.5, lo=0, hi=1, unit="share",
                                    doc="share of MQL outcomes a shared scoreboard shows "
                                        "marketing without a rep's disposition (wins, losses)")
    merged_scoring_noise_increase: float = p(0.3, lo=0, hi=2, unit="share",
                                             doc="extra scoring noise of a merged department, "
                                                 "which loses specialist scoring skill",
                                             source="model brief; size an assumption")


@dataclass(frozen=True)
class MarketParams:
    """The market: segments SMB / mid-market / enterprise (index 0, 1, 2)."""

    inquiry_alpha: float = p(0.01196, lo=0.01, hi=100, unit="inquiries/week/USD^0.7",
                             doc="inquiries per week = Poisson(alpha * demand spend^elasticity)",
                             source=CALIBRATED)
    spend_elasticity: float = p(0.7, lo=0.1, hi=1.0, unit="-",
                                doc="diminishing returns of demand spend", source="model brief")
    budget_ratio: float = p(0.22, lo=0.01, hi=1.0, unit="of revenue",
                            doc="sales+marketing budget as a share of trailing revenue")
    initial_arr_usd: float = p(60e6, lo=1e5, hi=1e11, unit="USD/year",
                               doc="installed-base ARR at week 0")
    segment_mix_smb: float = p(0.6, lo=0, hi=1, unit="share", doc="SMB share of inquiries")
    segment_mix_mid: float = p(0.3, lo=0, hi=1, unit="share",
                               doc="mid-market share of inquiries (enterprise: the rest)")
    deal_size_scale: float = p(1.0, lo=0.1, hi=10, unit="x",
                               doc="multiplier on segment deal sizes (12k/45k/150k USD ARR)")
    win_rate_scale: float = p(1.075, lo=0.2, hi=3, unit="x",
                              doc="multiplier on segment base win rates (0.22/0.18/0.14)",
                              source=CALIBRATED)
    cycle_scale: float = p(1.223, lo=0.2, hi=5, unit="x",
                           doc="multiplier on segment sales cycles (4/10/22 weeks)",
                           source=CALIBRATED)
    churn_scale: float = p(1.031, lo=0, hi=5, unit="x",
                           doc="multiplier on segment annual churn (16%/10%/6%)",
                           source=CALIBRATED)
    fit_heterogeneity: float = p(1.0, lo=0.1, hi=3, unit="x",
                                 doc="spread of lead fit; low = homogeneous leads")
    turbulence: float = p(0.05, lo=0, hi=1, unit="sd/year",
                          doc="yearly sd of segment attractiveness drift")
    readiness_decay_untouched: float = p(0.25, lo=0, hi=1, unit="/week",
                                         doc="readiness lost per week by an MQL nobody contacts")
    readiness_decay_nurture: float = p(0.02, lo=0, hi=1, unit="/week",
                                       doc="readiness lost per week in nurture without programmes")
    nurture_max_weeks: int = p(26, lo=1, hi=260, unit="weeks",
                               doc="weeks in nurture before a lead is disqualified")


@dataclass(frozen=True)
class GovernanceParams:
    budget_structure: str = p("separate", choices=("separate", "shared_pool"),
                              doc="two departmental budgets, or one pool re-split at planning")
    planning_owner: str = p("finance", choices=("marketing", "sales", "finance", "joint", "cro",
                                                "formula"),
                            doc="who chooses the plan (objective, horizon, bias); formula: a "
                                "published rule splits the budget by measured contribution")
    cadence_weeks: int = p(13, lo=1, hi=52, unit="weeks", doc="weeks between planning events")
    metrics: str = p("siloed", choices=("siloed", "partial", "shared"),
                     doc="what people are paid for: own KPI, a mix, or shared revenue")
    structure: str = p("separate_leaders", choices=("separate_leaders", "cro", "merged"),
                       doc="two leaders, a CRO over both, or one merged department")
    sla: str = p("off", choices=("off", "on"), doc="lead hand-off service-level agreement")
    sla_monitoring_prob: float = p(0.5, lo=0, hi=1, unit="probability/week",
                                   doc="chance a late follow-up is detected under an SLA")
    sla_followup_weeks: int = p(1, lo=1, hi=8, unit="weeks",
                                doc="weeks within which an MQL must be contacted under an SLA")
    sanctions: str = p("graduated", choices=("none", "graduated"),
                       doc="under an SLA: detected breaches go unpunished, or cost reputation "
                           "then more, with forced return of hoarded leads")
    lead_definition: str = p("unilateral", choices=("unilateral", "agreed"),
                             doc="marketing sets the MQL threshold alone, or planning agrees it")
    shared_scoreboard: bool = p(False, doc="both departments see the whole funnel's outcomes")


@dataclass(frozen=True)
class BehaviourParams:
    trust_initial: float = p(0.5, lo=0, hi=1, unit="0-1",
                             doc="initial trust of each person in the other department")
    cooperation_initial: float = p(0.5, lo=0, hi=1, unit="probability",
                                   doc="initial propensity to cooperate (follow-up, feedback)")
    prospect_bias: float = p(1.75, lo=1, hi=5, unit="x",
                             doc="how much reps overvalue own prospects over marketing leads",
                             source=CALIBRATED)
    scoring_noise: float = p(0.5, lo=0, hi=1, unit="sd",
                             doc="noise of marketing's lead score without closed-loop feedback",
                             source=CALIBRATED)
    feedback_noise_reduction: float = p(0.6, lo=0, hi=1, unit="share",
                                        doc="share of scoring noise removed by full feedback")
    planner_bias: float = p(0.25, lo=0, hi=1, unit="share",
                            doc="self-serving tilt of a departmental planner's estimates")
    plan_step: float = p(0.05, lo=0.005, hi=0.3, unit="share",
                         doc="largest change of the marketing share or a programme share per event")
    mode_volume_initial: float = p(0.0932, lo=0, hi=1, unit="probability",
                                   doc="initial propensity of marketers for the volume mode",
                                   source=CALIBRATED)
    mode_quality_initial: float = p(0.33, lo=0, hi=1, unit="probability",
                                    doc="initial propensity for the quality mode (balanced: rest)")
    learning_forgetting: float = p(0.1, lo=0, hi=1, unit="/week",
                                   doc="Roth-Erev forgetting of strategy propensities",
                                   source="Erev & Roth 1998")
    learning_experimentation: float = p(0.2, lo=0, hi=1, unit="share",
                                        doc="Roth-Erev share of reinforcement spilling to other "
                                            "strategies", source="Erev & Roth 1998")
    conditional_cooperation_slope: float = p(0.7, lo=0, hi=1.5, unit="-",
                                             doc="pull toward the other side's observed "
                                                 "cooperation; below 1 it decays",
                                             source="Fischbacher & Gachter 2010")
    distrust_discount: float = p(0.0051, lo=0, hi=0.9, unit="share",
                                 doc="share of a lead's worth a rep with no trust in marketing "
                                     "discounts when judging it (full trust: none)",
                                 source=CALIBRATED)
    rejection_cost: float = p(4.988, lo=0, hi=5, unit="x",
                              doc="what a rejected MQL costs marketing's standing with sales, "
                                  "against what an accepted one brings (marketing's objective)",
                              source=CALIBRATED)
    lead_definition_review_weeks: int = p(13, lo=1, hi=52, unit="weeks",
                                          doc="how often marketing revisits an MQL threshold "
                                              "it sets alone (unilateral lead definition)")
    informal_followup_weeks: int = p(2, lo=1, hi=8, unit="weeks",
                                     doc="weeks after which a cooperating rep hands back an MQL "
                                         "not yet worked, where no SLA sets the window")
    cooperation_learning_rate: float = p(0.05, lo=0, hi=1, unit="per payoff unit",
                                         doc="how fast what cooperation pays moves the chance "
                                             "to cooperate (reinforcement comparison)",
                                         source="assumption; rule: Sutton & Barto 2018")
    imitation_rate: float = p(0.05, lo=0, hi=1, unit="/week",
                              doc="chance a person compares payoffs with a network neighbour")
    imitation_noise: float = p(0.2, lo=0.01, hi=10, unit="payoff units",
                               doc="Fermi-rule noise of imitation", source="Szabo & Toke 1998")
    trust_rate: float = p(0.05, lo=0, hi=1, unit="/event share",
                          doc="how far one week's trust events move trust")
    loss_aversion: float = p(3.0, lo=1, hi=10, unit="x",
                             doc="weight of a trust loss against an equal gain")
    trust_spillover: float = p(0.1, lo=0, hi=1, unit="/week",
                               doc="pull of a person's trust toward same-department neighbours'")
    tie_lapse_weeks: int = p(26, lo=1, hi=520, unit="weeks",
                             doc="weeks without contact after which a cross-department tie lapses")
    cooperation_feedback_hours: float = p(1.0, lo=0, hi=10, unit="h/week",
                                          doc="hours a cooperating rep spends on feedback")
    marketer_cooperation_cost: float = p(0.15, lo=0, hi=1, unit="share",
                                         doc="own programme volume a cooperating marketer gives "
                                             "up for enablement and feedback work")
    sanction_first: float = p(0.3, lo=0, hi=5, unit="payoff units",
                              doc="reputational cost of a first detected SLA breach")
    sanction_repeat: float = p(1.0, lo=0, hi=10, unit="payoff units",
                               doc="cost of each repeat breach (plus forced return of leads)")
    lobbying_sway: float = p(0.5, lo=0, hi=2, unit="tilt",
                             doc="how far lobbying can bend a discretionary allocator's view")
    lobbying_trust_cost: float = p(0.02, lo=0, hi=1, unit="/week",
                                   doc="trust the other side loses per week of full lobbying")
    blame_shock: float = p(0.03, lo=0, hi=1, unit="trust",
                           doc="trust lost by the blamed side when a quarter's bookings fall")
    behaviour_on: bool = p(True, doc="off: fixed threshold, full acceptance, fixed time split, "
                                     "no planning and no learning (the docking configuration)")


@dataclass(frozen=True)
class Params:
    org: OrgParams = field(default_factory=OrgParams)
    market: MarketParams = field(default_factory=MarketParams)
    governance: GovernanceParams = field(default_factory=GovernanceParams)
    behaviour: BehaviourParams = field(default_factory=BehaviourParams)
    weeks: int = p(182, lo=1, hi=2080, unit="weeks", doc="weeks simulated, burn-in included")
    burn_in_weeks: int = p(26, lo=0, hi=520, unit="weeks",
                           doc="first weeks left out of the run summary")

    def __post_init__(self) -> None:
        validate(self)

    def with_overrides(self, overrides: dict[str, Any]) -> Params:
        """A copy with dotted fields replaced; string values are parsed to the field's type."""
        groups: dict[str, dict[str, Any]] = {}
        top: dict[str, Any] = {}
        for dotted, value in overrides.items():
            fld = field_of(dotted, value)
            group, name = _split(dotted, value)
            parsed = parse_value(dotted, fld, value)
            if group is None:
                top[name] = parsed
            else:
                groups.setdefault(group, {})[name] = parsed
        for group, changes in groups.items():
            top[group] = dataclasses.replace(getattr(self, group), **changes)
        return dataclasses.replace(self, **top)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Params:
        """Inverse of `to_dict`; unknown keys are errors."""
        flat: dict[str, Any] = {}
        for key, value in data.items():
            if isinstance(value, dict):
                flat.update({f"{key}.{k}": v for k, v in value.items()})
            else:
                flat[key] = value
        return cls().with_overrides(flat)


GROUPS = ("org", "market", "governance", "behaviour")


def _split(dotted: str, value: Any) -> tuple[str | None, str]:
    if "." not in dotted:
        return None, dotted
    group, _, name = dotted.partition(".")
    if group not in GROUPS:
        raise ParamError(dotted, value,
                         f"unknown group {group!r}; groups are {', '.join(GROUPS)}")
    return group, name


_GROUP_CLASSES: dict[str | None, type] = {None: Params, "org": OrgParams,
                                           "market": MarketParams,
                                           "governance": GovernanceParams,
                                           "behaviour": BehaviourParams}


def _own_fields(cls: type) -> dict[str, dataclasses.Field]:
    return {f.name: f for f in dataclasses.fields(cls) if f.name not in GROUPS}


def field_of(dotted: str, value: Any = None) -> dataclasses.Field:
    """The declared field behind a dotted parameter name (``"governance.cadence_weeks"``, or a
    top-level name such as ``"weeks"``); ParamError naming the known fields if there is none.
    The one lookup every way in (CLI, experiment files, the dashboard) goes through."""
    group, name = _split(dotted, value)
    fields = _own_fields(_GROUP_CLASSES[group])
    if name not in fields:
        raise ParamError(dotted, value, f"unknown field; known: {', '.join(sorted(fields))}")
    return fields[name]


def known_fields() -> list[str]:
    """Every dotted parameter name, top-level fields first."""
    return [name if group is None else f"{group}.{name}"
            for group, cls in _GROUP_CLASSES.items() for name in _own_fields(cls)]


def value_of(params: Params, dotted: str) -> Any:
    """The value of a dotted parameter name in `params`."""
    field_of(dotted)
    group, name = _split(dotted, None)
    return getattr(params if group is None else getattr(params, group), name)


def field_kind(fld: dataclasses.Field) -> type:
    """The Python type a field holds: int, float, str or bool."""
    return {"int": int, "float": float, "str": str, "bool": bool}[str(fld.type)]


_type_of = field_kind


def parse_value(dotted: str, fld: dataclasses.Field, value: Any) -> Any:
    """Turn a CLI string (or a TOML value) into the field's type, or raise ParamError."""
    kind = _type_of(fld)
    if not isinstance(value, str) or kind is str:
        return value
    text = value.strip()
    try:
        if kind is bool:
            lowered = text.lower()
            if lowered in ("true", "1", "yes", "on"):
                return True
            if lowered in ("false", "0", "no", "off"):
                return False
            raise ValueError(text)
        if kind is int:
            return int(text)
        return float(text)
    except ValueError:
        raise ParamError(dotted, value, describe_allowed(fld)) from None


def describe_allowed(fld: dataclasses.Field) -> str:
    meta = fld.metadata
    if meta.get("choices"):
        return "one of " + ", ".join(meta["choices"])
    if _type_of(fld) is bool:
        return "true or false"
    lo, hi = meta.get("lo"), meta.get("hi")
    kind = _type_of(fld).__name__
    return f"{kind} in [{lo:g}, {hi:g}]" + (f" {meta['unit']}" if meta.get("unit") else "")


def _check(obj: Any, prefix: str) -> None:
    for fld in dataclasses.fields(obj):
        if fld.name in GROUPS:
            continue
        value = getattr(obj, fld.name)
        name = prefix + fld.name
        kind = _type_of(fld)
        allowed = describe_allowed(fld)
        ok_type = (
            isinstance(value, bool) if kind is bool
            else isinstance(value, int) and not isinstance(value, bool) if kind is int
            else isinstance(value, int | float) and not isinstance(value, bool) if kind is float
            else isinstance(value, str)
        )
        if not ok_type:
            raise ParamError(name, value, allowed)
        choices = fld.metadata.get("choices")
        if choices and value not in choices:
            raise ParamError(name, value, allowed)
        lo, hi = fld.metadata.get("lo"), fld.metadata.get("hi")
        if lo is not None and not (lo <= value <= hi):  # also rejects NaN
            raise ParamError(name, value, allowed)


def validate(params: Params) -> None:
    """Check every field and the few rules that tie fields together."""
    _check(params, "")
    for group in GROUPS:
        _check(getattr(params, group), group + ".")
    m, g, b = params.market, params.governance, params.behaviour
    if m.segment_mix_smb + m.segment_mix_mid > 1:
        raise ParamError("market.segment_mix_mid", m.segment_mix_mid,
                         f"at most 1 - market.segment_mix_smb = {1 - m.segment_mix_smb:g}")
    if b.mode_volume_initial + b.mode_quality_initial > 1:
        raise ParamError("behaviour.mode_quality_initial", b.mode_quality_initial,
                         f"at most 1 - behaviour.mode_volume_initial = "
                         f"{1 - b.mode_volume_initial:g}")
    needs_cro = g.structure in ("cro", "merged")
    if needs_cro != (g.planning_owner == "cro"):
        raise ParamError("governance.planning_owner", g.planning_owner,
                         "'cro' exactly when governance.structure is cro or merged "
                         f"(structure is {g.structure!r})")
    if params.burn_in_weeks >= params.weeks:
        raise ParamError("burn_in_weeks", params.burn_in_weeks,
                         f"fewer than weeks ({params.weeks})")


def field_table() -> list[dict[str, Any]]:
    """Every parameter with its default, allowed values, unit, meaning and source (for docs)."""
    rows = []
    defaults = Params()
    for group in (None, *GROUPS):
        obj = defaults if group is None else getattr(defaults, group)
        for fld in dataclasses.fields(obj):
            if fld.name in GROUPS:
                continue
            rows.append({
                "name": fld.name if group is None else f"{group}.{fld.name}",
                "default": getattr(obj, fld.name),
                "allowed": describe_allowed(fld),
                "unit": fld.metadata.get("unit", ""),
                "doc": fld.metadata["doc"],
                "source": fld.metadata.get("source", "assumption"),
            })
    return rows
