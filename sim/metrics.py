"""Metrics: pure functions of the model's state, weekly through Mesa's DataCollector, and a run
summary over the measured weeks computed from the weekly table alone.

Weekly flows are recorded as counts and sums so that run-level rates are ratios of sums (an
acceptance rate over the run is accepted / routed over all measured weeks, not a mean of noisy
weekly ratios). Weekly rates with nothing to divide are 0.

Definitions (see docs/odd.md): MQL acceptance = MQLs accepted by sales / MQL hand-offs (a lead
recycled and handed over again counts again); inquiry-to-MQL counts first hand-offs; closure =
marketing-sourced deals won / MQLs accepted; win rate = won / (won + lost) on all opportunities;
marketing-sourced share = marketing-sourced bookings / all bookings; new-business share =
revenue from customers in their first 52 weeks / all revenue; churn is annualised.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import TYPE_CHECKING

import mesa
import numpy as np
import pandas as pd

from agents.base import cooperation_share
from agents.sales_rep import ACCOUNTS, MQL_FOLLOW_UP, OPPORTUNITIES, PROSPECTING
from sim.flows import Flows
from sim.leads import Stage
from sim.numerics import mean

if TYPE_CHECKING:
    from sim.model import AlignmentModel

Reporter = Callable[["AlignmentModel"], float]
# Stages a lead can be in when a week ends: an inquiry is scored into nurture, an accepted lead
# qualified, and closed leads archived, all within the week.
WEEK_END_STAGES = (Stage.NURTURE, Stage.MQL, Stage.SQL, Stage.RETURNED)
# Weeks at the end of a run over which end-of-run levels (cooperation, trust) are averaged.
END_WEEKS = 13
# Every flow of the week is a column, but the squared scoring error, which only feeds
# `scoring_accuracy`.
FLOW_COLUMNS = tuple(f.name for f in fields(Flows) if f.name != "scoring_error_sq")


def _div(a: float, b: float) -> float:
    return float(a) / float(b) if b > 0 else 0.0


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def cooperation_sales(m: AlignmentModel) -> float:
    return cooperation_share(m.reps)


def cooperation_marketing(m: AlignmentModel) -> float:
    return cooperation_share(m.marketers)


def trust_sales_in_marketing(m: AlignmentModel) -> float:
    return _mean([r.trust for r in m.reps])


def trust_marketing_in_sales(m: AlignmentModel) -> float:
    return _mean([p.trust for p in m.marketers])


def hour_share(activity: int) -> Reporter:
    def share(m: AlignmentModel) -> float:
        return _div(m.rep_hours_by_activity[activity], m.rep_hours_total)
    return share


def prompt_follow_up(m: AlignmentModel) -> float:
    """Share of this week's due MQLs worked in time: contacted, against contacted plus overdue."""
    f = m.flows
    return 1.0 - _div(f.mqls_overdue, f.mqls_contacted + f.mqls_overdue)


def cross_tie_density(m: AlignmentModel) -> float:
    return min(1.0, _div(m.cross_ties, len(m.marketers) * 3))


def alignment_components(m: AlignmentModel) -> dict[str, float]:
    """Kotler-style diagnostic dimensions, each scored 0-1 from what people do and feel (never
    from the governance settings themselves): sales takes marketing's leads, works them in time,
    tells marketing what became of them; both sides cooperate and trust each other, talk across
    the line, and do not fight over the budget."""
    f = m.flows
    return {
        "lead_acceptance": _div(f.mqls_accepted, f.mqls_contacted),
        "prompt_follow_up": prompt_follow_up(m),
        "feedback": m.feedback_rate,
        "cooperation": (cooperation_sales(m) + cooperation_marketing(m)) / 2,
        "trust": (trust_sales_in_marketing(m) + trust_marketing_in_sales(m)) / 2,
        "cross_ties": cross_tie_density(m),
        "no_lobbying": 1.0 - min(1.0, lobbying_effort(m)),
    }


def lobbying_effort(m: AlignmentModel) -> float:
    """Share of the leaders' week spent lobbying for budget."""
    return _div(m.flows.lobbying_hours, 40.0 * len(m.leaders))


def alignment_index(m: AlignmentModel) -> float:
    """20-100, like Kotler, Rackham & Krishnaswamy's diagnostic (20 items scored 1-5)."""
    return 20.0 + 80.0 * mean(list(alignment_components(m).values()))


def kotler_type(index: float) -> int:
    """0 Undefined (<40), 1 Defined (<60), 2 Aligned (<80), 3 Integrated."""
    return int(min(max((index - 20) // 20, 0), 3))  # plain floats: np.clip on a scalar is slow


def conflict_index(m: AlignmentModel) -> float:
    f = m.flows
    parts = [
        1 - trust_sales_in_marketing(m),
        1 - trust_marketing_in_sales(m),
        _div(f.mqls_rejected, f.mqls_contacted),
        _div(m.hoarded, m.hoarded + f.mqls_contacted),
        min(1.0, lobbying_effort(m)),
    ]
    return mean(parts)


def scoring_accuracy(m: AlignmentModel) -> float:
    """1 - root mean squared score error of this week's MQLs (1 = perfect scoring)."""
    return 1.0 - np.sqrt(_div(m.flows.scoring_error_sq, m.flows.mqls)) if m.flows.mqls else 0.0


def recent_cycle_median(m: AlignmentModel) -> float:
    """Median weeks from opportunity to close of the deals won in the last CYCLE_WINDOW_WEEKS."""
    cycles = [c for week in m.recent_cycles for c in week]
    return median_weeks(cycles) if cycles else 0.0


def median_weeks(weeks: list[int]) -> float:
    """np.median of whole weeks, without making an array (it runs twice a week): the middle
    value, or the mean of the two middle ones, which is exact for integers as np.median's is."""
    return middle_value(sorted(weeks))


def middle_value(ordered: list[int]) -> float:
    """The median of whole weeks already in ascending order (see `median_weeks`)."""
    mid = len(ordered) // 2
    return float(ordered[mid]) if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def _flow(name: str) -> Reporter:
    return lambda m: float(getattr(m.flows, name))


def _stage(stage: Stage) -> Reporter:
    return lambda m: float(m.stage_counts[stage])


WEEKLY_TABLE = "weekly"


def weekly_collector(reporters: dict[str, Reporter]) -> mesa.DataCollector:
    """Mesa's DataCollector with one table whose columns are the named reporters. A week is
    recorded as one table row (`record_week`) rather than through model reporters, whose
    defensive deep copy of every value (a float cannot change once stored) was a sixth of a
    run's time."""
    return mesa.DataCollector(tables={WEEKLY_TABLE: list(reporters)})


# Columns that are functions of an earlier column of the same row: `record_week` derives them
# from the row instead of running their reporter, which would compute that column again.
ROW_DERIVED: dict[str, Callable[[dict[str, float]], float]] = {
    "alignment_type": lambda row: float(kotler_type(row["alignment_index"])),
}


def record_week(collector: mesa.DataCollector, reporters: dict[str, Reporter],
                model: AlignmentModel) -> None:
    row: dict[str, float] = {}
    for name, reporter in reporters.items():
        derive = ROW_DERIVED.get(name)
        row[name] = derive(row) if derive is not None else reporter(model)
    collector.add_table_row(WEEKLY_TABLE, row)


def weekly_frame(collector: mesa.DataCollector) -> pd.DataFrame:
    df = collector.get_table_dataframe(WEEKLY_TABLE)
    df.index = pd.RangeIndex(1, len(df) + 1, name="week")
    return df


def weekly_reporters() -> dict[str, Reporter]:
    reporters: dict[str, Reporter] = {name: _flow(name) for name in FLOW_COLUMNS}
    reporters |= {f"active_{s.name.lower()}": _stage(s) for s in WEEK_END_STAGES}
    reporters |= {
        "leads_created": lambda m: float(m.leads.created),
        "leads_archived": lambda m: float(m.leads.archived.sum()),
        "archived_won": lambda m: float(m.leads.archived[Stage.WON].sum()),
        "archived_lost": lambda m: float(m.leads.archived[Stage.LOST].sum()),
        "archived_disqualified": lambda m: float(m.leads.archived[Stage.DISQUALIFIED].sum()),
        "customers": lambda m: float(len(m.customers)),
        "customers_won_total": lambda m: float(m.customers.won_total),
        "customers_churned_total": lambda m: float(m.customers.churned_total),
        "arr_usd": lambda m: float(m.customers.arr.sum()),
        "hoarded_leads": lambda m: float(m.hoarded),
        "mql_acceptance_rate": lambda m: _div(m.flows.mqls_accepted, m.flows.mqls),
        "inquiry_to_mql_rate": lambda m: _div(m.flows.mqls_new, m.flows.inquiries),
        "win_rate": lambda m: _div(m.flows.won_marketing + m.flows.won_sales,
                                   m.flows.won_marketing + m.flows.won_sales + m.flows.lost),
        "speed_to_lead_weeks": lambda m: _div(m.flows.mql_wait_weeks, m.flows.mqls_contacted),
        "opportunity_share": hour_share(OPPORTUNITIES),
        "mql_follow_up_share": hour_share(MQL_FOLLOW_UP),
        "account_share": hour_share(ACCOUNTS),
        "prospecting_share": hour_share(PROSPECTING),
        "rep_hours": lambda m: m.rep_hours_total,
        "scoring_accuracy": scoring_accuracy,
        "cooperation_sales": cooperation_sales,
        "cooperation_marketing": cooperation_marketing,
        "trust_sales_in_marketing": trust_sales_in_marketing,
        "trust_marketing_in_sales": trust_marketing_in_sales,
        "feedback_rate": lambda m: float(m.feedback_rate),
        "lobbying_effort": lobbying_effort,
        "conflict_index": conflict_index,
        "alignment_index": alignment_index,
        "alignment_type": lambda m: float(kotler_type(alignment_index(m))),
        "mql_threshold": lambda m: float(m.plan.mql_threshold),
        "marketing_share_of_budget": lambda m: float(m.allocation.marketing_usd
                                                     / max(m.allocation.total_usd, 1e-9)),
        "won_cycle_median_weeks": recent_cycle_median,
        "won_cycle_median_weeks_to_date": lambda m: middle_value(m.won_cycles_sorted)
        if m.won_cycles_sorted else 0.0,
    }
    return reporters


def summarise(weekly: pd.DataFrame, burn_in_weeks: int) -> dict[str, float]:
    """Run-level metrics over the weeks after the burn-in, from the weekly table alone."""
    w = weekly[weekly.index > burn_in_weeks]
    s = w.sum()
    n_weeks = max(len(w), 1)
    won = s.won_marketing + s.won_sales
    bookings = s.bookings_marketing_usd + s.bookings_sales_usd
    spend = s.marketing_spend_usd + s.sales_spend_usd
    mean_customers = w.customers.mean() if len(w) else 0.0
    mean_arr = w.arr_usd.mean() if len(w) else 0.0
    per_year = 52.0 / n_weeks
    summary = {
        "mql_acceptance_rate": _div(s.mqls_accepted, s.mqls),
        "inquiry_to_mql_rate": _div(s.mqls_new, s.inquiries),
        "mql_to_opportunity_rate": _div(s.sqls_marketing, s.mqls),
        "mql_to_won_rate": _div(s.won_marketing, s.mqls),
        "closure_rate": _div(s.won_marketing, s.mqls_accepted),
        "win_rate": _div(won, won + s.lost),
        "avg_deal_size_usd": _div(bookings, won),
        "bookings_usd_per_week": bookings / n_weeks,
        "revenue_usd_per_week": s.revenue_usd / n_weeks,
        "new_business_revenue_usd_per_week": s.new_business_revenue_usd / n_weeks,
        "new_business_share": _div(s.new_business_revenue_usd, s.revenue_usd),
        "marketing_sourced_share": _div(s.bookings_marketing_usd, bookings),
        "logo_churn_annual": _div(s.churned_logos, mean_customers) * per_year,
        "revenue_churn_annual": _div(s.churned_arr_usd, mean_arr) * per_year,
        "sales_cycle_weeks_median": float(w.won_cycle_median_weeks_to_date.iloc[-1])
        if len(w) else 0.0,
        "speed_to_lead_weeks": _div(s.mql_wait_weeks, s.mqls_contacted),
        "mqls_never_contacted_share": _div(s.mqls_never_contacted, s.mqls),
        "cost_per_lead_usd": _div(s.marketing_spend_usd, s.inquiries),
        "cost_per_mql_usd": _div(s.marketing_spend_usd, s.mqls),
        "cost_per_won_usd": _div(spend, won),
        "cost_of_sales": _div(s.sales_spend_usd, bookings),
        "prospecting_share": _div((w.prospecting_share * w.rep_hours).sum(), s.rep_hours),
        "account_share": _div((w.account_share * w.rep_hours).sum(), s.rep_hours),
        "self_directed_share": _div(((w.prospecting_share + w.account_share)
                                     * w.rep_hours).sum(), s.rep_hours),
        "arr_end_usd": float(w.arr_usd.iloc[-1]) if len(w) else 0.0,
    }
    for name in ("hoarded_leads", "scoring_accuracy", "cooperation_sales",
                 "cooperation_marketing", "trust_sales_in_marketing", "trust_marketing_in_sales",
                 "feedback_rate", "lobbying_effort", "conflict_index", "alignment_index",
                 "mql_threshold", "marketing_share_of_budget"):
        summary[name] = float(w[name].mean()) if len(w) else 0.0
    end = weekly.iloc[-END_WEEKS:]
    for name in ("cooperation_sales", "cooperation_marketing", "trust_sales_in_marketing",
                 "trust_marketing_in_sales"):
        summary[f"{name}_end"] = float(end[name].mean()) if len(end) else 0.0
    summary["alignment_type"] = float(kotler_type(summary["alignment_index"]))
    return {k: float(v) for k, v in summary.items()}
