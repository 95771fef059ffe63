"""The work of a report as steps (one per chart, for the progress bar): each step runs the
analysis it needs, draws its chart and keeps its tables for the page.

A step takes the tables gathered so far (a dict it may add to) and returns (section, file stem,
caption, figure), or None when it has nothing to draw. The first step computes the tables every
chart reads, comparing every pair of arms once (`analysis.pairwise_differences`); every title,
sentence and table reads those rows. The chart steps after it depend on those tables only, so
they may run side by side (`experiments.report.render`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from experiments import analysis
from experiments.report.context import Context
from experiments.report.headings import (
    comparison_heading,
    heatmap_heading,
    network_heading,
    sensitivity_heading,
    trajectory_heading,
    waterfall_heading,
)
from experiments.report.style import metric_kind, metric_label, precision_words
from experiments.spec import SAMPLED

# Weekly metrics drawn over time: (weekly column, summary metric it matches, smoothing weeks).
TIME_SERIES = (
    ("alignment_index", "alignment_index", 1),
    ("revenue_usd", "revenue_usd_per_week", 1),
    ("mql_acceptance_rate", "mql_acceptance_rate", 8),
    ("win_rate", "win_rate", 8),
)
MAX_NETWORK_PANELS = 6
BAND_RESAMPLES = 500
# Summary metrics the report derives for its own titles: (name, the two run metrics averaged).
DERIVED = (
    ("trust", ("trust_sales_in_marketing", "trust_marketing_in_sales")),
    ("cooperation", ("cooperation_sales", "cooperation_marketing")),
)

Step = Callable[[dict[str, Any]], tuple[str, str, str, Figure] | None]


def report_steps(ctx: Context, n_boot: int) -> list[Step]:
    """Every step of the report of `ctx`, in the order of the page."""
    if ctx.spec.design not in SAMPLED:
        return _factorial_steps(ctx, n_boot)
    return _sampled_steps(ctx, n_boot)


def with_derived(ctx: Context) -> tuple[pd.DataFrame, list[str]]:
    """The runs table with the report's derived per-run metrics (mean trust and cooperation
    over the measured weeks, marketing-sales ties in the network week), and their names."""
    runs, names = ctx.runs.copy(), []
    for name, (a, b) in DERIVED:
        if {a, b} <= set(runs.columns):
            runs[name] = (runs[a] + runs[b]) / 2
            names.append(name)
    if len(ctx.network):
        ties = ctx.network.groupby("run_id")["cross"].sum().rename("cross_ties")
        runs = runs.merge(ties, left_on="run_id", right_index=True, how="left")
        names.append("cross_ties")
    return runs, names


def replicate_warning(guidance: pd.DataFrame, precision: float) -> str:
    """The warning every chart carries when contrasts have too few replicates, or ""."""
    if guidance.empty or guidance["enough"].all():
        return ""
    n = int(guidance["n_pairs"].min())
    most = guidance["needed"].max()
    need = f"{max(int(most), analysis.MIN_REPLICATES)}" if most == most else (
        f"{analysis.MIN_REPLICATES}")
    return (f"Too few replicates: {n} per arm; the contrasts need up to {need} for 95% "
            f"intervals within {precision_words(precision)}. Verdicts are provisional.")


def _factorial_steps(ctx: Context, n_boot: int) -> list[Step]:
    from experiments.report import figures

    runs, weekly, look, source = ctx.runs, ctx.weekly, ctx.look, ctx.source
    steps: list[Step] = []

    def tables_step(t: dict[str, Any]) -> None:
        wide, derived = with_derived(ctx)
        # Every summary metric a title reads, so the chart steps only read these rows.
        titled = [m for _, m, _ in TIME_SERIES if m in runs.columns and m not in ctx.metrics]
        pairwise = analysis.pairwise_differences(wide, [*ctx.metrics, *titled, *derived],
                                                 n_boot=n_boot)
        t["pairwise"] = pairwise
        t["arm_means"] = analysis.arm_means(runs, ctx.metrics, n_boot=n_boot)
        t["paired"] = analysis.paired_differences(wide, ctx.metrics, ctx.baseline,
                                                  pairwise=pairwise)
        t["replication"] = analysis.replication(
            t["paired"], ctx.precision, is_rate=lambda m: metric_kind(m) == "pct")
        t["_derived_means"] = analysis.arm_means(wide, derived, n_boot=n_boot)
        t["_warning"] = replicate_warning(t["replication"], ctx.precision)

    steps.append(tables_step)
    for metric in ctx.metrics:
        def compare(t: dict[str, Any], metric: str = metric) -> tuple[str, str, str, Figure]:
            fig = figures.comparison_figure(
                t["arm_means"], metric, look, source=source,
                heading=comparison_heading(t["pairwise"], metric, look),
                baseline=ctx.baseline, warning=t["_warning"])
            return ("Arms compared", f"compare-{metric}",
                    f"{metric_label(metric)} per arm with 95% intervals.", fig)
        steps.append(compare)
    has = set(weekly.columns)
    for column, summary_metric, smooth in TIME_SERIES:
        if column not in has:
            continue

        def series(t: dict[str, Any], column: str = column, summary_metric: str = summary_metric,
                   smooth: int = smooth) -> tuple[str, str, str, Figure]:
            # Bands are drawn, not read as numbers: 500 resamples keep their edges steady.
            bands = analysis.weekly_bands(runs, weekly, column, smooth_weeks=smooth,
                                          n_boot=min(n_boot, BAND_RESAMPLES))
            heading = (comparison_heading(t["pairwise"], summary_metric, look)
                       if summary_metric in runs.columns else None)
            fig = figures.timeseries_figure(bands, column, look, burn_in_weeks=ctx.burn_in_weeks,
                                            source=source, heading=heading, smooth_weeks=smooth,
                                            legend_title=ctx.legend_title,
                                            warning=t["_warning"])
            return ("Over time", f"weekly-{column}",
                    f"{metric_label(column)} by week per arm, mean and 95% band; the title "
                    f"compares the arms' {metric_label(summary_metric).lower()} over the "
                    "measured weeks, paired by replicate.", fig)
        steps.append(series)
    if {col for _, col in analysis.FUNNEL_STAGES} <= has:
        def waterfall(t: dict[str, Any]) -> tuple[str, str, str, Figure]:
            stages = analysis.funnel(runs, weekly, ctx.burn_in_weeks)
            t["funnel"] = stages
            fig = figures.waterfall_figure(stages, look, source=source,
                                           heading=waterfall_heading(stages, look))
            return ("Lead waterfall", "waterfall",
                    "Leads per week at each stage and the conversion from the stage before.",
                    fig)
        steps.append(waterfall)
    if {"trust_sales_in_marketing", "cooperation_sales"} <= has:
        def trajectory(t: dict[str, Any]) -> tuple[str, str, str, Figure]:
            paths = analysis.trajectories(runs, weekly)
            fig = figures.trajectory_figure(paths, look, source=source,
                                            heading=trajectory_heading(t["pairwise"], look),
                                            legend_title=ctx.legend_title,
                                            warning=t["_warning"])
            return ("Trust and cooperation", "trust-cooperation",
                    "Trust against cooperation week by week, one path per arm; the title "
                    "compares the arms' mean trust and cooperation over the measured weeks, "
                    "paired by replicate.", fig)
        steps.append(trajectory)
    if len(ctx.spec.factors) >= 2:
        rows, cols = ctx.spec.factors[0].name, ctx.spec.factors[1].name
        if len(ctx.spec.factors[0].levels) > len(ctx.spec.factors[1].levels):
            rows, cols = cols, rows
        for metric in ctx.metrics:
            def heat(t: dict[str, Any], metric: str = metric) -> tuple[str, str, str, Figure]:
                table = analysis.grid(runs, rows, cols, metric)
                # With two factors every cell is an arm: the paired verdicts say what is clear.
                heading = (comparison_heading(t["pairwise"], metric, look)
                           if len(ctx.spec.factors) == 2 else heatmap_heading(table, metric))
                fig = figures.heatmap_figure(table, metric, source=source, heading=heading,
                                             warning=t["_warning"])
                return ("Two-factor grid", f"grid-{metric}",
                        f"{metric_label(metric)} in each cell of {metric_label(rows)} x "
                        f"{metric_label(cols)}.", fig)
            steps.append(heat)

    def network(t: dict[str, Any]) -> tuple[str, str, str, Figure] | None:
        return _network_step(ctx, t)
    steps.append(network)
    return steps


def _network_step(ctx: Context, t: dict[str, Any]) -> tuple[str, str, str, Figure] | None:
    """One panel per arm (the first replicate's network, from the stored edge table); the title
    compares every replicate's marketing-sales ties, paired."""
    from experiments.report import figures

    if ctx.network.empty or ctx.network_week is None:
        return None
    done = analysis.finished(ctx.runs)
    order = list(ctx.look)
    if len(order) > MAX_NETWORK_PANELS:
        by_index = done.groupby("arm")["alignment_index"].mean()
        order = [by_index.idxmin(), by_index.idxmax()]
    panels = {}
    for arm in order:
        first = done[done["arm"] == arm].sort_values("replicate").iloc[0]
        edges = ctx.network[ctx.network["run_id"] == first["run_id"]]
        if len(edges):
            panels[arm] = figures.snapshot(edges)
    if not panels:
        return None
    week = ctx.network_week
    fig = figures.network_figure(
        panels, source=ctx.source, heading=network_heading(t["pairwise"], ctx.look, week),
        titles=[ctx.look[a].name for a in panels],
        subtitle=(f"Who works with whom in week {week}: the first replicate (replicate 0) of "
                  "each arm, from the stored network; the title compares the marketing-sales "
                  "ties of every replicate, paired"),
        warning=t["_warning"])
    return ("People network", "network",
            f"Who works with whom in week {week} (the first replicate of each arm, as stored "
            "by the sweep).", fig)


def _sampled_steps(ctx: Context, n_boot: int) -> list[Step]:
    from experiments.report import figures

    steps: list[Step] = []
    params = [f.name for f in ctx.spec.factors]

    def tables_step(t: dict[str, Any]) -> None:
        done = analysis.finished(ctx.runs)
        rows = [{"metric": m, **dict(zip(("mean", "low", "high"),
                                         analysis.bootstrap_ci(done[m], n_boot=n_boot),
                                         strict=True)),
                 "min": done[m].min(), "max": done[m].max()} for m in ctx.metrics]
        t["overall"] = pd.DataFrame(rows).set_index("metric")
        if "alignment_index" in done.columns:
            box = analysis.failure_box(ctx.runs, params, "alignment_index")
            t["_box"] = box
            t["failure_box"] = pd.DataFrame(
                [{"parameter": p, "low": lo, "high": hi, "sampled_low": box.ranges[p][0],
                  "sampled_high": box.ranges[p][1]} for p, (lo, hi) in box.limits.items()],
                columns=["parameter", "low", "high", "sampled_low", "sampled_high"])

    steps.append(tables_step)
    for metric in ctx.metrics:
        def bars(t: dict[str, Any], metric: str = metric) -> tuple[str, str, str, Figure] | None:
            result = analysis.sensitivity(ctx.spec, ctx.runs, metric)
            t.setdefault("_sensitivity", []).append(result)
            if result.table.empty:
                return None
            t[f"sensitivity-{metric}"] = result.table
            fig = figures.sensitivity_figure(result, source=ctx.source,
                                             heading=sensitivity_heading(result))
            return ("Sensitivity", f"sensitivity-{metric}",
                    f"Sensitivity indices of {metric_label(metric)}.", fig)
        steps.append(bars)
    return steps
