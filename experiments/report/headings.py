"""The findings in words: each chart's title states what it shows, read off the analysis tables.

A heading names an arm only where the paired contrasts the tables show say so: an arm leads when
no other arm's paired interval lies above it, and a title never places an arm above another
that the intervals put higher. Otherwise it says there is no clear difference.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from experiments import analysis
from experiments.report.style import ArmLook, lower_case, metric_label, sentence_case

Look = Mapping[str, ArmLook]


@dataclass(frozen=True)
class Claim:
    """What a title says about the arms on one metric, and the arms it names as leading."""

    kind: str
    """"top": one arm clearly above every other; "leads": one arm that no other is clearly
    above; "tie": several such arms; "none": no clear difference between any two arms;
    "single": one arm only."""
    arms: tuple[str, ...]
    text: str


MAX_NAMED = 3
"""A title names at most this many leading arms; more are counted."""


def comparison_claim(pairwise: pd.DataFrame, metric: str, look: Look) -> Claim:
    """The finding of a chart of arms on `metric`, from the paired contrasts of every pair of
    arms (`analysis.pairwise_differences`): the arms no other arm is clearly above lead, so a
    title never ranks an arm above one whose paired interval puts it higher."""
    label = metric_label(metric)
    rows = pairwise[pairwise["metric"] == metric]
    arms = list(dict.fromkeys(rows["arm"]))
    if len(arms) <= 1:
        return Claim("single", tuple(arms), label)
    top = analysis.leaders(pairwise, metric)
    if len(top) == len(arms):
        return Claim("none", (), f"{label}: no clear difference between the arms")
    words = lower_case(label)
    if len(top) == 1:
        name = sentence_case(look[top[0]].name)
        if analysis.clearly_above_all(pairwise, metric, top[0]):
            return Claim("top", tuple(top), f"{name} has the highest {words}")
        return Claim("leads", tuple(top), f"{name} leads on {words}")
    if len(top) > MAX_NAMED:
        return Claim("tie", tuple(top), f"{len(top)} of {len(arms)} arms lead on {words}, "
                                        "with no clear difference between them")
    names = [look[a].name for a in top]
    joined = ", ".join(names[:-1]) + " and " + names[-1]
    return Claim("tie", tuple(top), f"{sentence_case(joined)} lead on {words}")


def comparison_heading(pairwise: pd.DataFrame, metric: str, look: Look) -> str:
    return comparison_claim(pairwise, metric, look).text


def trajectory_heading(pairwise: pd.DataFrame, look: Look) -> str:
    """Who leads on trust and on cooperation over the measured weeks, from the paired contrasts
    of the runs' mean trust and cooperation."""
    claims = {m: comparison_claim(pairwise, m, look) for m in ("trust", "cooperation")
              if m in set(pairwise["metric"])}
    if not claims:
        return "Trust and cooperation over the run"
    named = {m: c for m, c in claims.items() if c.kind in ("top", "leads", "tie")
             and len(c.arms) <= MAX_NAMED}
    if len(named) == 2 and named["trust"].arms == named["cooperation"].arms:
        return sentence_case(_lead_words(named["trust"].arms, look,
                                         "both trust and cooperation"))
    if not named:
        return "Trust and cooperation: no arm clearly leads on either"
    parts = [_lead_words(c.arms, look, m) for m, c in named.items()]
    parts += [f"no clear leader on {m}" for m in claims if m not in named]
    return sentence_case("; ".join(parts))


def _lead_words(arms: tuple[str, ...], look: Look, what: str) -> str:
    names = [look[a].name for a in arms]
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"{joined} {'leads' if len(names) == 1 else 'lead'} on {what}"


def waterfall_heading(stages: pd.DataFrame, look: Look) -> str:
    """Name the step where most arms lose the largest share of their leads."""
    rates = stages.dropna(subset=["rate"])
    worst = rates.loc[rates.groupby("arm")["rate"].idxmin()]
    stage = worst["stage"].mode().iloc[0]
    part = worst[worst["stage"] == stage]
    lo, hi = part["rate"].min(), part["rate"].max()
    names = [s for s, _ in analysis.FUNNEL_STAGES]
    previous = names[names.index(stage) - 1]
    spread = f"{lo:.0%}" if round(lo, 2) == round(hi, 2) else f"{lo:.0%} to {hi:.0%}"
    arms = "" if len(part) == len(worst) else f" in {len(part)} of {len(worst)} arms"
    return f"Most leads are lost between {previous} and {stage}{arms}: {spread} get through"


def heatmap_heading(table: pd.DataFrame, metric: str) -> str:
    """A grid of three or more factors shows means over the factors not drawn, which no paired
    contrast backs: the title says what is shown and ranks nothing."""
    rows, cols = (metric_label(str(n)) if n != "preset" else "preset"
                  for n in (table.index.name, table.columns.name))
    return f"{metric_label(metric)} by {rows} and {cols}, mean over the other factors"


def network_heading(pairwise: pd.DataFrame, look: Look, week: int) -> str:
    """Who keeps the most marketing-sales ties in `week`, from the paired contrasts of every
    replicate's count of ties (the chart shows one replicate's network)."""
    claim = comparison_claim(pairwise, "cross_ties", look)
    if claim.kind in ("top", "leads"):
        return (f"{sentence_case(look[claim.arms[0]].name)} keeps the most marketing-sales "
                f"ties in week {week}")
    if claim.kind == "tie" and len(claim.arms) <= MAX_NAMED:
        names = [look[a].name for a in claim.arms]
        joined = ", ".join(names[:-1]) + " and " + names[-1]
        return f"{sentence_case(joined)} keep the most marketing-sales ties in week {week}"
    if claim.kind == "none":
        return f"Marketing-sales ties in week {week}: no clear difference between the arms"
    return f"The people network in week {week}"


def sensitivity_heading(result: analysis.Sensitivity) -> str:
    key = {"sobol": "ST", "morris": "mu_star", "rbd_fast": "S1"}[result.method]
    ranked = result.table[key].sort_values(ascending=False)
    label = lower_case(metric_label(result.metric))
    first = metric_label(str(ranked.index[0]))
    if len(ranked) == 1 or ranked.iloc[0] > 2 * max(ranked.iloc[1], 0):
        return sentence_case(f"{first} drives most of the variation in {label}")
    return sentence_case(
        f"{label} depends mostly on {first} and {metric_label(str(ranked.index[1]))}")


def describe_difference(row: pd.Series, arm_name: str, baseline_name: str,
                        fmt: Callable[[float], str], metric_name: str, *,
                        relative: bool = True) -> str:
    """One sentence, e.g. 'Joint: revenue is higher than finance-led by $24.5k (+2%; 95% CI
    $11.5k to $38.8k).' `fmt` formats a difference; `relative` adds the change in percent."""
    if row["arm"] == row["baseline"]:
        return f"{arm_name} is the baseline."
    spread = f"95% CI {fmt(row['low'])} to {fmt(row['high'])}"
    if row["verdict"] == analysis.UNCLEAR:
        return (f"{arm_name}: no clear difference in {metric_name} from {baseline_name} "
                f"({fmt(row['difference'])}; {spread}).")
    rel = ""
    if relative and np.isfinite(row["relative"]):
        pct = row["relative"] * 100
        rel = f"{pct:+.1f}%; " if abs(pct) < 10 else f"{pct:+.0f}%; "
    return (f"{arm_name}: {metric_name} is {row['verdict']} than {baseline_name} by "
            f"{fmt(abs(row['difference']))} ({rel}{spread}).")


def describe_box(box: analysis.FailureBox, label: Callable[[str], str] = str,
                 fmt: Callable[[float], str] = "{:.3g}".format) -> str:
    """Where alignment fails, in words: the share of low runs, and the parameter ranges of the
    box (`analysis.failure_box`) with how many of the runs and of the low ones it holds."""
    name = lower_case(label(box.metric))
    intro = (f"{box.share_overall:.0%} of the {box.n_runs} runs have a low {name} "
             f"(below {fmt(box.threshold)}, the lowest {box.quantile:.0%} of runs).")
    if not box.limits:
        return intro + " No parameter range concentrates them: low values are spread " \
                       "across the design."
    conditions = []
    for param, (lo, hi) in box.limits.items():
        full_lo, full_hi = box.ranges[param]
        if lo > full_lo and hi < full_hi:
            conditions.append(f"{label(param)} is between {lo:.3g} and {hi:.3g}")
        elif lo > full_lo:
            conditions.append(f"{label(param)} is at least {lo:.3g}")
        else:
            conditions.append(f"{label(param)} is at most {hi:.3g}")
    return (f"{intro} When {' and '.join(conditions)}, {box.share_inside:.0%} of runs are "
            f"low: this box holds {box.support:.0%} of the runs and {box.coverage:.0%} of "
            "all low ones.")
