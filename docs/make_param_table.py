"""Print the generated tables of docs/odd.md, or rewrite them in place.

The ODD description carries four tables that must match the code exactly, so they are generated
from it rather than typed:

- ``params``: every parameter, from ``sim.params.field_table()``;
- ``constants``: the main module constants of the submodels, imported from their modules;
- ``levers``: what each governance factor level sets, from ``sim.governance.from_params``;
- ``presets``: the governance fields each named preset resolves to, from ``sim.presets``.

Each sits in docs/odd.md between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->``;
tests/docs/test_odd.py fails when one differs from what this script prints now.

    python docs/make_param_table.py                    # the parameter table
    python docs/make_param_table.py --table constants  # another table (or: all)
    python docs/make_param_table.py --write            # refresh every table in docs/odd.md
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ODD = ROOT / "docs" / "odd.md"
# After anything on PYTHONPATH or installed, so a checkout works without installing.
sys.path.append(str(ROOT))

from sim import presets  # noqa: E402
from sim.governance import DataView, Governance, from_params  # noqa: E402
from sim.params import Params, field_table  # noqa: E402

# (module, name, meaning, source). The value column is imported, never typed. In the order of
# the submodels of section 7.
CONSTANTS: tuple[tuple[str, str, str, str], ...] = (
    ("sim.market", "DEAL_SIZE_USD",
     "first-year ARR of a won deal by segment (SMB, mid-market, enterprise), before "
     "`market.deal_size_scale`", "B2B SaaS benchmarks, loosely (module docstring); assumption"),
    ("sim.market", "BASE_WIN_RATE",
     "base win probability of an opportunity by segment, before `market.win_rate_scale`",
     "chosen to give about the brief's 20% win rate on all opportunities; assumption"),
    ("sim.market", "CYCLE_WEEKS", "sales cycle by segment, before `market.cycle_scale`",
     "B2B SaaS benchmarks, loosely; assumption"),
    ("sim.market", "ANNUAL_CHURN", "gross annual logo churn by segment, before "
     "`market.churn_scale`", "blended near the brief's 10% a year; assumption"),
    ("sim.market", "PROSPECT_MIX", "segment mix of reps' own prospects",
     "assumption (reps prospect bigger accounts than inbound reaches)"),
    ("sim.model", "BASE_SEGMENT_MIX", "segment mix of the installed base at week 0", "assumption"),
    ("sim.model", "MARKETING_SOURCED_BASE", "share of the installed base counted as "
     "marketing-sourced", "assumption"),
    ("sim.funnel", "SCORE_FIT_WEIGHT", "weight of fit in marketing's score (readiness: the rest)",
     "assumption"),
    ("sim.funnel", "MODE_FIT", "Beta(a, b) of an inquiry's fit by marketer mode (volume, "
     "balanced, quality)", "assumption"),
    ("sim.funnel", "MODE_VOLUME", "inquiry-volume multiplier by marketer mode", "assumption"),
    ("sim.funnel", "NEW_READINESS", "Beta(a, b) of a new inquiry's readiness", "assumption"),
    ("sim.funnel", "PROSPECT_FIT", "Beta(a, b) of an own prospect's fit", "assumption"),
    ("sim.funnel", "PROSPECT_READINESS", "Beta(a, b) of an own prospect's readiness",
     "assumption"),
    ("sim.funnel", "REP_JUDGEMENT_SD", "sd of a rep's noisy read of an MQL's sales worth",
     "assumption"),
    ("sim.funnel", "MAX_RETURNS", "hand-backs a lead survives; the next one disqualifies it",
     "assumption"),
    ("sim.funnel", "RECYCLE_WEEKS", "weeks a returned lead waits in nurture before it can be an "
     "MQL again", "assumption"),
    ("sim.funnel", "UNTOUCHED_MQL_EXPIRY_WEEKS", "weeks after which an MQL nobody contacted or "
     "returned is disqualified (counted as never contacted)", "assumption"),
    ("sim.funnel", "QUALIFY_SLOPE", "slope of P(SQL) on the mean of fit and readiness",
     "assumption"),
    ("sim.funnel", "QUALIFY_BOUNDS", "bounds of P(SQL)", "assumption"),
    ("sim.funnel", "WIN_FIT_ELASTICITY", "elasticity of win probability in fit / 0.5",
     "assumption"),
    ("sim.funnel", "WIN_READINESS_BASE", "win-probability factor of a lead with readiness 0",
     "assumption"),
    ("sim.funnel", "WIN_READINESS_SLOPE", "rise of the win-probability factor per unit of "
     "readiness", "assumption"),
    ("sim.funnel", "WIN_BOUNDS", "bounds of an opportunity's win probability", "assumption"),
    ("sim.funnel", "CYCLE_BASE", "cycle factor of a lead with readiness 0", "assumption"),
    ("sim.funnel", "CYCLE_READINESS_SLOPE", "fall of the cycle factor per unit of readiness "
     "(ready buyers close sooner)", "assumption"),
    ("sim.funnel", "NEGLECTED_OPPORTUNITY_WIN_LOSS", "win probability lost per week by an "
     "opportunity that gets none of the hours it needs", "assumption"),
    ("sim.customers", "FIT_NEUTRAL", "fit at which the fit term of the churn hazard is 1",
     "assumption"),
    ("sim.customers", "FIT_CHURN_SLOPE", "log-slope of the churn hazard in (FIT_NEUTRAL - fit)",
     "assumption; direction from the brief (mis-sold customers churn)"),
    ("sim.customers", "CHURN_NEGLECTED", "churn multiplier of a customer given no "
     "account-management hours", "assumption"),
    ("sim.customers", "CHURN_CARED", "churn multiplier of a customer given all the hours it "
     "wants", "assumption"),
    ("sim.customers", "RETENTION_MAX_CUT", "largest share of churn retention marketing removes",
     "assumption"),
    ("sim.customers", "RETENTION_REF_SHARE_OF_ARR", "weekly retention spend, as a share of ARR, "
     "that gives 63% of the largest cut", "assumption"),
    ("sim.customers", "EXPANSION_PER_YEAR", "ARR growth (upsell) a year at full "
     "account-management attention", "assumption"),
    ("sim.budget", "TRAILING_WEEKS", "weeks of revenue the budget is set from", "assumption"),
    ("sim.plan", "INITIAL_PLAN", "the plan at week 0", "assumption"),
    ("sim.plan", "SHARE_RANGE", "bounds of the marketing share of the budget", "assumption"),
    ("sim.plan", "THRESHOLD_RANGE", "bounds of the MQL threshold", "assumption"),
    ("sim.plan", "MIX_FLOOR", "smallest share of any programme in the mix", "assumption"),
    ("sim.plan", "ADOPTION_MARGIN", "relative margin a candidate plan must beat the current "
     "one by", "assumption (planning inertia)"),
    ("sim.programmes", "NURTURE_GAIN", "readiness gain a week at saturating nurture spend",
     "assumption"),
    ("sim.programmes", "NURTURE_REF_USD_PER_LEAD", "nurture spend per pooled lead a week that "
     "gives 63% of NURTURE_GAIN", "assumption"),
    ("sim.programmes", "ENABLEMENT_MAX_LIFT", "win-probability lift at saturating enablement",
     "assumption"),
    ("sim.programmes", "ENABLEMENT_REF_USD", "effective enablement spend a week that gives 63% of "
     "the largest lift", "assumption"),
    ("sim.programmes", "PROSPECTING_MAX_LIFT", "prospecting-yield lift at saturating sales "
     "programme spend", "assumption"),
    ("sim.programmes", "SALES_PROGRAMME_REF_USD", "sales programme spend a week that gives 63% of "
     "the largest lift", "assumption"),
    ("sim.forecast", "LAG_HANDOFF", "planners' assumed weeks from MQL to opportunity",
     "assumption"),
    ("sim.forecast", "LAG_RETENTION", "planners' assumed weeks before retention spend shows "
     "(at renewals)", "assumption"),
    ("sim.forecast", "MARKETING_CLOSE_BELIEF", "close rate of accepted MQLs marketing assumes "
     "for the outcomes neither reps' feedback nor a scoreboard shows it", "assumption (optimism)"),
    ("sim.forecast", "BAND_SHRINK", "pseudo-observations shrinking a score band's own rate toward "
     "the line fitted through the bands (a band with this many observations weighs both "
     "equally)", "assumption"),
    ("sim.flows", "SCORE_BANDS", "lower edges of the score bands of the demand waterfall planners "
     "read (leads leaving the pool, MQLs, contacts, acceptances, pipeline)", "assumption"),
    ("sim.flows", "_INNER_EDGES", "SCORE_BANDS without its lowest edge: a score's band in one "
     "search", "derived from SCORE_BANDS"),
    ("sim.evidence", "PRIOR_WEIGHT", "pseudo-observations of the priors that smooth observed "
     "rates", "assumption"),
    ("sim.evidence", "QUALIFICATION_PRIOR", "prior of the SAL-to-SQL rate", "assumption"),
    ("sim.evidence", "CYCLE_PRIOR_WEEKS", "prior of the won-deal cycle, times "
     "`market.cycle_scale`", "assumption"),
    ("sim.evidence", "SATURATED_CONTACT_SHARE", "reps who contact less than this share of the "
     "MQLs handed to them are read by planners as working at capacity", "assumption"),
    ("sim.planning", "FIRST_PLANNING_WEEK", "no planning event (or lead-definition review) "
     "before this week", "assumption"),
    ("sim.planning", "BUDGET_YEAR_WEEKS", "length of a budget year: separate budgets are re-split "
     "at the first planning event on or after each multiple of it", "assumption"),
    ("sim.planning", "UNILATERAL_HORIZON_WEEKS", "marketing's horizon when it sets the MQL "
     "threshold alone", "assumption (the marketing planner's horizon)"),
    ("sim.model", "HISTORY_WEEKS", "weeks of weekly flows and score-band counts kept as what "
     "people can see", "assumption"),
    ("sim.model", "FEEDBACK_MEMORY", "weight of this week in the exponentially smoothed "
     "feedback rate", "assumption"),
    ("sim.model", "CYCLE_WINDOW_WEEKS", "weeks of won deals the weekly median sales cycle is "
     "taken over", "assumption"),
    ("agents.sales_rep", "ALLOCATION_SHARPNESS", "exponent of the power-law choice rule of a "
     "rep's time split", "rule after Luce 1959; value assumption"),
    ("agents.sales_rep", "RENEWAL_COMMISSION", "credit a rep gets for a saved renewal under "
     "siloed pay (1 under shared revenue)", "assumption"),
    ("agents.sales_rep", "ACCEPT_BAR_RANGE", "bounds of a rep's acceptance bar on the read sales "
     "worth of an MQL", "assumption"),
    ("agents.sales_rep", "BELIEF_RATE", "weight of one week in a rep's running counts of leads "
     "and wins (its beliefs)", "assumption"),
    ("agents.sales_rep", "PRIOR_LEADS", "leads' worth of experience a rep's initial beliefs carry "
     "(where its running counts start)", "assumption"),
    ("agents.sales_rep", "FIXED_ACCOUNT_SHARE", "accounts' weight in the split of hours left "
     "after opportunities and MQLs, behaviour off", "assumption (docking)"),
    ("sim.network", "REP_TEAM_SIZE", "reps per sales team (a clique in the network)",
     "assumption"),
    ("sim.network", "NEW_TIE_PROB", "chance that a marketer and a rep who deal with one lead "
     "start a cross-department tie", "assumption"),
    ("agents.learning", "PROPENSITY_FLOOR", "smallest Roth-Erev propensity", "assumption"),
    ("agents.base", "PROPENSITY_SCALE", "sum of the initial Roth-Erev propensities of "
     "marketers' modes (the constructor writes the same 10 as a literal)",
     "Erev & Roth 1998 (initial strength); value assumption"),
    ("agents.base", "PAYOFF_MEMORY", "weight of this week in a person's running payoff (the "
     "reference of cooperation learning; what imitation compares)", "assumption"),
    ("sim.adaptation", "REFERENCE_MEMORY", "weight of this week in the running means payoffs "
     "are relative to", "assumption"),
    ("sim.adaptation", "REP_REJECT_WEIGHT", "weight of an MQL a rep rejected as a bad trust "
     "event for the rep", "assumption"),
    ("sim.adaptation", "REP_WASTED_WEIGHT", "weight of an accepted MQL disqualified at first "
     "contact as a bad trust event for the rep", "assumption"),
    ("sim.adaptation", "ENABLEMENT_GOOD", "good trust event for a rep per unit of the share of "
     "marketers cooperating", "assumption"),
    ("sim.adaptation", "MARKETER_REJECT_WEIGHT", "weight of a rejected MQL as a bad trust event "
     "for its marketer (an overdue one weighs 1)", "assumption"),
    ("sim.adaptation", "FEEDBACK_GOOD", "good trust event for a marketer per MQL, times the "
     "share of reps cooperating (feedback arriving)", "assumption"),
    ("sim.adaptation", "TIE_OBSERVATION", "trust event (good or bad) of seeing a tied colleague "
     "of the other department cooperate or defect this week", "assumption"),
    ("sim.sanctions", "OFFENCE_MEMORY_WEEKS", "weeks after an offence within which a new one "
     "counts as a repeat and forced return applies", "assumption"),
    ("agents.leaders", "LOBBYING_HOURS", "a leader's lobbying levels, hours a week",
     "assumption"),
    ("sim.lobbying", "LOBBYING_COST", "payoff cost of lobbying at the highest level",
     "assumption"),
    ("sim.lobbying", "COACHING_LOSS", "share of a team's effectiveness lost when its leader "
     "lobbies FULL_TIME_HOURS", "assumption"),
    ("sim.lobbying", "FULL_TIME_HOURS", "a leader's working week, hours", "assumption"),
    ("sim.metrics", "END_WEEKS", "last weeks of a run over which the end-of-run cooperation and "
     "trust levels are averaged", "assumption"),
)

# Module-level names in sim/ and agents/ holding numbers that are not model constants: codes,
# indices and values derived from a constant above. tests/docs/test_odd.py checks that every
# other numeric module constant is in CONSTANTS.
NOT_CONSTANTS: dict[str, tuple[str, ...]] = {
    "sim.leads": ("MARKETING", "SALES", "NO_WEEK", "NO_OWNER", "N_STAGES", "CLOSED", "ACTIVE"),
    "sim.network": ("STRUCTURAL",),
    "sim.programmes": ("DEMAND", "NURTURE", "RETENTION", "ENABLEMENT"),
    "sim.flows": ("BANDS",),
    "sim.forecast": ("BAND_WIDTH", "BAND_CENTRES"),
    "sim.metrics": ("WEEK_END_STAGES",),
    "agents.sales_rep": ("OPPORTUNITIES", "MQL_FOLLOW_UP", "ACCOUNTS", "PROSPECTING"),
}

# Initial values set inside agents' constructors (not module constants): read off a built model.
INITIAL_ATTRIBUTES: tuple[tuple[str, Callable[[Any], Any], str], ...] = (
    ("SalesRep.belief_mql_win", lambda m: m.reps[0].belief_mql_win,
     "a rep's initial belief that a contacted MQL ends won (its win record starts here, 7.11)"),
    ("SalesRep.belief_win_per_worth", lambda m: m.reps[0].belief_win_per_worth,
     "a rep's initial belief of wins per unit of sales worth of an accepted MQL (7.4, 7.11)"),
    ("SalesRep.belief_prospect_win", lambda m: m.reps[0].belief_prospect_win,
     "a rep's initial belief that an own prospect ends won (7.11)"),
    ("Marketer.mode_propensity (sum)", lambda m: float(sum(m.marketers[0].mode_propensity)),
     "scale of a marketer's initial Roth-Erev mode propensities: initial inertia"),
    ("Person.payoff", lambda m: m.reps[0].payoff,
     "initial running payoff (the reference of cooperation learning; what imitation compares)"),
    ("Leader.lobbying_propensity", lambda m: m.leaders["cmo"].lobbying_propensity,
     "initial Roth-Erev propensities over the LOBBYING_HOURS levels"),
)


def fmt(value: Any) -> str:
    """A value as it reads in a table: plain numbers, tuples for arrays, Plans field by field."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:_}" if abs(value) >= 10_000 else str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) >= 10_000:
            return f"{int(value):_}"
        return format(value, ".10g")
    if isinstance(value, list | tuple):
        return "(" + ", ".join(fmt(v) for v in value) + ")"
    if dataclasses.is_dataclass(value):
        return ", ".join(f"{f.name} {fmt(getattr(value, f.name))}"
                         for f in dataclasses.fields(value))
    return str(value)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def param_table() -> str:
    rows = []
    for row in field_table():
        allowed, unit = row["allowed"], row["unit"]
        if unit and allowed.endswith(" " + unit):
            allowed = allowed[: -len(unit) - 1]
        default = row["default"]
        rows.append((f"`{row['name']}`", f"`{fmt(default)}`", allowed, unit or "-", row["doc"],
                     row["source"]))
    return _table(("name", "default", "allowed", "unit", "meaning", "source"), rows)


def constant_table() -> str:
    rows = []
    for module, name, meaning, source in CONSTANTS:
        value = getattr(importlib.import_module(module), name)
        rows.append((f"`{module}.{name}`", f"`{fmt(value)}`", meaning, source))
    from sim.model import AlignmentModel

    model = AlignmentModel(Params(), seed=0)
    for name, read, meaning in INITIAL_ATTRIBUTES:
        rows.append((f"`{name}`", f"`{fmt(read(model))}`", meaning,
                     "assumption (initial value set in the agent's constructor)"))
    return _table(("constant", "value", "meaning", "source"), rows)


def _governance(**fields: Any) -> Governance:
    overrides = {f"governance.{k}": v for k, v in fields.items()}
    if fields.get("structure") in ("cro", "merged"):
        overrides["governance.planning_owner"] = "cro"
    if fields.get("planning_owner") == "cro":
        overrides["governance.structure"] = "cro"
    return from_params(Params().with_overrides(overrides))


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _outcome_data(view: DataView) -> str:
    """What a planner sees of what became of marketing's MQLs (7.12), in words."""
    if not view.outcomes_by_score:
        return "average pipeline per MQL, not by score"
    if view.outcomes_via_feedback:
        return "by score band, through feedback (rest: belief)"
    return "by score band, in full"


def lever_table() -> str:
    """Planning owners first (the planner rule), then every other factor level's levers."""
    owner_rows = []
    for owner in _choices("planning_owner"):
        g = _governance(planning_owner=owner)
        rule = g.planner
        owner_rows.append((f"`{owner}`", ", ".join(rule.planners), rule.objective.name,
                           str(rule.horizon_weeks), fmt(rule.tilt), _outcome_data(rule.view),
                           "published rule" if rule.split_by_contribution else "planner",
                           _yes(g.allocator_discretion), _yes(rule.everyone_meets)))
    owners = _table(("planning_owner", "planner roles", "objective", "horizon (weeks)",
                     "tilt (x `behaviour.planner_bias`)", "outcome data (view)",
                     "marketing share set by", "allocator discretion (lobbied)",
                     "everyone meets"), owner_rows)

    def describe(factor: str, level: Any, g: Governance) -> str:
        if factor == "budget_structure":
            return f"share_revisable={g.share_revisable}"
        if factor == "metrics":
            return f"w_shared={fmt(g.w_shared)}"
        if factor == "structure":
            return (f"handoff_gate={g.handoff_gate}, merged_department={g.merged_department}, "
                    f"has_cro={g.has_cro}, structural cross-tie channels={g.cross_ties}")
        if factor == "sla":
            m = g.monitoring
            return (f"sla_on={m.sla_on}, detection_prob={fmt(m.detection_prob)}, "
                    f"followup_weeks={m.followup_weeks}")
        if factor == "sanctions":
            return f"graduated_sanctions={g.monitoring.graduated_sanctions}"
        if factor == "lead_definition":
            return f"planner_sets_threshold={g.planner_sets_threshold}"
        if factor == "shared_scoreboard":
            v = g.visibility
            return (f"marketing_sees_outcomes={v.marketing_sees_outcomes}, "
                    f"structural cross-tie channels={g.cross_ties}")
        raise ValueError(factor)

    rows = []
    for factor in ("budget_structure", "metrics", "structure", "sla", "sanctions",
                   "lead_definition", "shared_scoreboard"):
        levels = _choices(factor) or (False, True)
        for level in levels:
            rows.append((f"`{factor}` = `{level}`",
                         describe(factor, level, _governance(**{factor: level}))))
    others = _table(("governance factor = level", "levers it sets"), rows)
    return owners + "\n\n" + others


def _choices(name: str) -> tuple[Any, ...]:
    for row in field_table():
        if row["name"] == f"governance.{name}":
            found = re.findall(r"one of (.*)", row["allowed"])
            return tuple(found[0].split(", ")) if found else ()
    raise KeyError(name)


def preset_table() -> str:
    fields = [f.name for f in dataclasses.fields(Params().governance)]
    rows = []
    for name in presets.names():
        g = presets.get(name).governance
        set_here = {k.removeprefix("governance.") for k in presets.settings(name)}
        cells = [f"**{fmt(getattr(g, f))}**" if f in set_here else fmt(getattr(g, f))
                 for f in fields]
        rows.append((f"`{name}`", *cells, presets.describe(name)))
    return _table(("preset", *fields, "description"), rows)


TABLES: dict[str, Callable[[], str]] = {
    "params": param_table,
    "constants": constant_table,
    "levers": lever_table,
    "presets": preset_table,
}


def markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def block(text: str, name: str) -> str:
    """The text between a table's markers in `text` (stripped); KeyError if they are missing."""
    start, end = markers(name)
    found = re.search(re.escape(start) + r"(.*?)" + re.escape(end), text, flags=re.S)
    if found is None:
        raise KeyError(f"markers {start} ... {end} not found")
    return found.group(1).strip()


def refresh(text: str) -> str:
    """`text` with every table between its markers replaced by what the code gives now."""
    for name, render in TABLES.items():
        start, end = markers(name)
        block(text, name)
        text = re.sub(re.escape(start) + r".*?" + re.escape(end),
                      lambda _m, s=start, e=end, r=render: f"{s}\n{r()}\n{e}", text, flags=re.S)
    return text


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--table", default="params", choices=(*TABLES, "all"),
                        help="which table to print (default: params)")
    parser.add_argument("--write", action="store_true",
                        help=f"rewrite every table in {ODD.relative_to(ROOT)} in place")
    args = parser.parse_args(argv)
    if args.write:
        ODD.write_text(refresh(ODD.read_text(encoding="utf-8")), encoding="utf-8")
        print(f"refreshed {len(TABLES)} tables in {ODD}")
        return 0
    names = list(TABLES) if args.table == "all" else [args.table]
    print("\n\n".join(TABLES[n]() for n in names))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
