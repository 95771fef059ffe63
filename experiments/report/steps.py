"""The work of a report as steps (one per chart, for the progress bar): each step runs the
analysis it needs, draws its chart and keeps its tables for the page.

A step takes the tables gathered so far (a dict it may add to) and returns (section, file stem,
caption, figure), or None when it has nothing to draw.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from experiments import analysis
from experiments.errors import UsageError
from experiments.report.context import Context
from experiments.report.headings import (
    comparison_heading,
    heatmap_heading,
    sensitivity_heading,
    top_arm,
    trajectory_heading,
    waterfall_heading,
)
from experiments.report.style import metric_label, sentence_case

# Weekly metrics drawn over time: (weekly column, summary metric it matches, smoothing weeks).
TIME_SERIES = (
    ("alignment_index", "alignment_index", 1),
    ("revenue_usd", "revenue_usd_per_week", 1),
    ("mql_acceptance_rate", "mql_acceptance_rate", 8),
    ("win_rate", "win_rate", 8),
)
MAX_NETWORK_PANELS = 6

Step = Callable[[dict[str, Any]], tuple[str, str, str, Figure] | None]


def report_steps(ctx: Context, network_week: int | None, n_boot: int) -> list[Step]:
    """Every step of the report of `ctx`, in the order of the page."""
    if not ctx.spec.sampled:
        return _factorial_steps(ctx, network_week, n_boot)
    return _sampled_steps(ctx, n_boot)


def _factorial_steps(ctx: Context, network_week: int | None, n_boot: int) -> list[Step]:
    from experiments.report import figures

    runs, weekly, look, source = ctx.runs, ctx.weekly, ctx.look, ctx.source
    steps: list[Step] = []

    def tables_step(t: dict[str, Any]) -> None:
        t["arm_means"] = analysis.arm_means(runs, ctx.metrics, n_boot=n_boot)
        t["paired"] = analysis.paired_differences(runs, ctx.metrics, ctx.baseline, n_boot=n_boot)
        t["_vs_top"] = pd.concat([
            analysis.paired_differences(runs, [m], top_arm(t["arm_means"], m), n_boot=n_boot)
            for m in ctx.metrics], ignore_index=True)

    steps.append(tables_step)
    for metric in ctx.metrics:
        def compare(t: dict[str, Any], metric: str = metric) -> tuple[str, str, str, Figure]:
            heading = comparison_heading(t["_vs_top"], metric, look)
            fig = figures.comparison_figure(t["arm_means"], metric, look, source=source,
                                            heading=heading, baseline=ctx.baseline)
            return ("Arms compared", f"compare-{metric}",
                    f"{metric_label(metric)} per arm with 95% intervals.", fig)
        steps.append(compare)
    has = set(weekly.columns)
    for column, summary_metric, smooth in TIME_SERIES:
        if column not in has:
            continue

        def series(t: dict[str, Any], column: str = column, summary_metric: str = summary_metric,
                   smooth: int = smooth) -> tuple[str, str, str, Figure]:
            bands = analysis.weekly_bands(runs, weekly, column, smooth_weeks=smooth,
                                          n_boot=min(n_boot, 1000))
            heading = None
            if summary_metric in runs.columns and "_vs_top" in t:
                vs_top = t["_vs_top"]
                if summary_metric not in set(vs_top["metric"]):
                    means = analysis.arm_means(runs, [summary_metric], n_boot=n_boot)
                    vs_top = analysis.paired_differences(
                        runs, [summary_metric], top_arm(means, summary_metric), n_boot=n_boot)
                heading = comparison_heading(vs_top, summary_metric, look)
            fig = figures.timeseries_figure(bands, column, look, burn_in_weeks=ctx.burn_in_weeks,
                                            source=source, heading=heading, smooth_weeks=smooth)
            return ("Over time", f"weekly-{column}",
                    f"{metric_label(column)} by week per arm, mean and 95% band.", fig)
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
                                            heading=trajectory_heading(paths, look))
            return ("Trust and cooperation", "trust-cooperation",
                    "Trust against cooperation week by week, one path per arm.", fig)
        steps.append(trajectory)
    if len(ctx.spec.factors) >= 2:
        rows, cols = ctx.spec.factors[0].name, ctx.spec.factors[1].name
        if len(ctx.spec.factors[0].levels) > len(ctx.spec.factors[1].levels):
            rows, cols = cols, rows
        for metric in ctx.metrics:
            def heat(t: dict[str, Any], metric: str = metric) -> tuple[str, str, str, Figure]:
                table = analysis.grid(runs, rows, cols, metric)
                # With two factors every cell is an arm: the paired verdicts say what is clear.
                heading = (comparison_heading(t["_vs_top"], metric, look)
                           if len(ctx.spec.factors) == 2 else heatmap_heading(table, metric))
                fig = figures.heatmap_figure(table, metric, source=source, heading=heading)
                return ("Two-factor grid", f"grid-{metric}",
                        f"{metric_label(metric)} in each cell of {metric_label(rows)} x "
                        f"{metric_label(cols)}.", fig)
            steps.append(heat)

    def network(t: dict[str, Any]) -> tuple[str, str, str, Figure] | None:
        return _network_step(ctx, network_week, t)
    steps.append(network)
    return steps


def _network_step(ctx: Context, network_week: int | None, t: dict[str, Any]
                  ) -> tuple[str, str, str, Figure] | None:
    from experiments.design import arms as design_arms
    from experiments.report import figures

    week = network_week or ctx.spec.weeks
    if not 1 <= week <= ctx.spec.weeks:
        raise UsageError(f"--network-week {week}: must be between 1 and {ctx.spec.weeks}")
    done = analysis.finished(ctx.runs)
    order = list(ctx.look)
    if len(order) > MAX_NETWORK_PANELS:
        by_index = done.groupby("arm")["alignment_index"].mean()
        order = [by_index.idxmin(), by_index.idxmax()]
    values = {a.label: a.values for a in design_arms(ctx.spec)}
    panels = {}
    for arm in order:
        first = done[done["arm"] == arm].sort_values("replicate").iloc[0]
        stored = ctx.weekly[(ctx.weekly["run_id"] == first["run_id"])
                            & (ctx.weekly["week"] == week)]
        row = stored.iloc[0].to_dict() if len(stored) else None
        panels[arm] = figures.snapshot(ctx.spec.arm_params(values[arm]), int(first["seed"]),
                                       week, row)
    cross = {arm: int(p.edges["cross"].sum()) for arm, p in panels.items()}
    most, least = max(cross, key=cross.get), min(cross, key=cross.get)  # type: ignore[arg-type]
    heading = (f"{sentence_case(ctx.look[most][0])} keeps the most marketing-sales ties "
               f"({cross[most]} vs {cross[least]} for {ctx.look[least][0]})"
               if cross[most] != cross[least] else f"The people network in week {week}")
    fig = figures.network_figure(panels, source=ctx.source, heading=heading,
                                 titles=[ctx.look[a][0] for a in panels])
    t["network_matches"] = [p.matches_store for p in panels.values()]
    return ("People network", "network",
            f"Who works with whom in week {week} (replicate 1 of each arm, rebuilt from its "
            "stored parameters and seed).", fig)


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
