"""The findings in words: each chart's title states what it shows, read off the analysis tables.

A heading names an arm only where the numbers say so clearly (a paired interval that excludes
zero, a lead of 0.05 on a 0-1 scale), and otherwise says there is no clear difference.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from experiments import analysis
from experiments.report.style import lower_case, metric_label, sentence_case, short_arm


def comparison_heading(paired_vs_top: pd.DataFrame, metric: str,
                       look: dict[str, tuple[str, str]]) -> str:
    """The finding of a dot-and-interval chart, from each arm's paired difference with the arm of
    the highest mean."""
    label = metric_label(metric)
    rows = paired_vs_top[paired_vs_top["metric"] == metric]
    top = rows["baseline"].iloc[0]
    others = rows[rows["arm"] != top]
    if others.empty:
        return label
    level = others[others["verdict"] == analysis.UNCLEAR]["arm"].tolist()
    if not level:
        name = sentence_case(look[top][0])
        return f"{name} has the highest {lower_case(label)}"
    if len(level) == len(others):
        return f"{label}: no clear difference between the arms"
    label = lower_case(label)
    if len(level) > 2:
        return (f"{len(level) + 1} of {len(rows)} arms share the highest {label}, led by "
                f"{look[top][0]}")
    names = [look[a][0] for a in [top, *level]]
    joined = ", ".join(names[:-1]) + " and " + names[-1]
    return f"{sentence_case(joined)} share the highest {label}"


def top_arm(means: pd.DataFrame, metric: str) -> str:
    part = means[means["metric"] == metric]
    return str(part.loc[part["mean"].idxmax(), "arm"])


def waterfall_heading(stages: pd.DataFrame, look: dict[str, tuple[str, str]]) -> str:
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


def trajectory_heading(paths: pd.DataFrame, look: dict[str, tuple[str, str]]) -> str:
    """Name an arm only where it ends clearly ahead (by 0.05 on the 0-1 scales)."""
    last = paths.sort_values("week").groupby("arm").tail(1).set_index("arm")
    claims = []
    for column, words in (("trust", "the most trust"), ("cooperation", "the most cooperation")):
        ranked = last[column].sort_values(ascending=False)
        if len(ranked) > 1 and ranked.iloc[0] - ranked.iloc[1] >= 0.05:
            claims.append((str(ranked.index[0]), words))
    if not claims:
        return "Trust and cooperation: no arm ends clearly ahead"
    if len(claims) == 2 and claims[0][0] == claims[1][0]:
        return f"{sentence_case(look[claims[0][0]][0])} ends with the most trust and " \
               "cooperation"
    text = ", ".join(f"{look[arm][0]} with {words}" for arm, words in claims)
    return f"Trust and cooperation: {text} at the end"


def heatmap_heading(table: pd.DataFrame, metric: str) -> str:
    row, col = np.unravel_index(np.nanargmax(table.to_numpy(float)), table.shape)

    def level(factor: object, value: object) -> str:
        if factor == "preset":
            return short_arm(f"preset={value}")
        return short_arm(f"{factor}={value}")

    return (f"{metric_label(metric)} is highest at {level(table.index.name, table.index[row])}, "
            f"{level(table.columns.name, table.columns[col])}")


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
