"""A report from any results folder: one self-contained folder a consultant can zip and send.

``build_report(store)`` reads the stored tables (never a live model, except to redraw a stored
run's network, see `experiments.figures.network`), runs the analysis, draws every chart and
writes ``index.html`` (no network needed to view it), ``report.md``, the figures as PNG (200 dpi)
and SVG, and the tables as CSV. A partial store still reports and says how many runs are
missing; failed runs are left out and counted.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from experiments import analysis, files
from experiments.charts import arm_colour, format_value, metric_kind, metric_label, save
from experiments.errors import UsageError
from experiments.spec import ExperimentSpec, parse_spec
from experiments.store import load, read_manifest, status

DEFAULT_METRICS = (
    "alignment_index", "revenue_usd_per_week", "mql_acceptance_rate", "closure_rate",
    "win_rate", "marketing_sourced_share", "new_business_share",
)
# Weekly metrics drawn over time: (weekly column, summary metric it matches, smoothing weeks).
TIME_SERIES = (
    ("alignment_index", "alignment_index", 1),
    ("revenue_usd", "revenue_usd_per_week", 1),
    ("mql_acceptance_rate", "mql_acceptance_rate", 8),
    ("win_rate", "win_rate", 8),
)
MARKER = ".alignsim-report"
"""A file in every report folder: a rerun may replace a folder holding it, and no other."""
MAX_NETWORK_PANELS = 6


@dataclass
class Figures:
    """Figures of a report in order: (file stem, section, caption)."""

    items: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class Report:
    folder: Path
    planned: int
    done: int
    failed: int
    figures: list[Path]
    notes: list[str]

    @property
    def missing(self) -> int:
        return max(self.planned - self.done - self.failed, 0)


@dataclass
class _Context:
    spec: ExperimentSpec
    runs: pd.DataFrame
    weekly: pd.DataFrame
    metrics: list[str]
    look: dict[str, tuple[str, str]]
    baseline: str
    source: str
    burn_in_weeks: int


def build_report(store: str | Path, out: str | Path | None = None, *,
                 metrics: Sequence[str] | None = None, baseline: str | None = None,
                 network_week: int | None = None, progress: bool = False,
                 formats: Sequence[str] = ("png", "svg"), n_boot: int = analysis.N_BOOT
                 ) -> Report:
    """Analyse a results folder and write the report folder (default ``<store>/report``)."""
    store = Path(store)
    if not store.exists():
        raise UsageError(f"{store}: no such folder")
    state = status(store)  # refuses a folder that is not a results store
    if state.done == 0:
        failed = f", {state.failed} failed" if state.failed else ""
        raise UsageError(
            f"{store}: no finished runs to report (0 of {state.planned} planned{failed}); "
            f"run `alignsim sweep FILE --out {store}` first")
    out = Path(out) if out is not None else store / "report"
    files.check_destination(out, MARKER, "is not an alignsim report folder; choose another --out")
    spec = parse_spec((store / "spec.toml").read_text(encoding="utf-8"),
                      source=str(store / "spec.toml"))
    runs, weekly = load(store)
    chosen = _metrics(runs, metrics)
    done = analysis.finished(runs)
    order = analysis.arm_order(done)
    look = {arm: (analysis.short_arm(arm), arm_colour(analysis.colour_key(runs, arm), i))
            for i, arm in enumerate(order)}
    base = _baseline(order, look, baseline) if spec.design == "factorial" else order[0]
    notes = _notes(state)
    ctx = _Context(spec=spec, runs=runs, weekly=weekly, metrics=chosen, look=look,
                   baseline=base, source=_source(store, spec, state),
                   burn_in_weeks=spec.base_params().burn_in_weeks)

    with files.staged_folder(out) as tmp:
        (tmp / "figures").mkdir()
        (tmp / "tables").mkdir()
        tasks = _tasks(ctx, network_week, n_boot)
        from tqdm import tqdm

        written: list[Path] = []
        sections: list[tuple[str, str, str, str]] = []  # (section, stem, caption, heading)
        sizes: dict[str, tuple[int, int]] = {}
        tables: dict[str, Any] = {}
        for task in tqdm(tasks, desc="report", unit="step", disable=not progress, leave=False):
            result = task(tables)
            if result is None:
                continue
            section, stem, caption, fig = result
            heading = fig.get_label()
            written += save(fig, tmp / "figures" / stem, formats)
            sections.append((section, stem, caption, heading))
            sizes[stem] = _png_size(tmp / "figures" / f"{stem}.png")
        for name, table in tables.items():
            if isinstance(table, pd.DataFrame) and not name.startswith("_"):
                if "arm" in table.columns:  # the chart name beside the stored label
                    table = table.assign(arm_name=table["arm"].map(lambda a: look[a][0]))
                named = any(n is not None for n in table.index.names)
                table.to_csv(tmp / "tables" / f"{name}.csv", index=named)
        page = _Page(ctx, tables, sections, notes, state, sizes)
        (tmp / "index.html").write_text(page.html(), encoding="utf-8")
        (tmp / "report.md").write_text(page.markdown(), encoding="utf-8")
        (tmp / MARKER).write_text(json.dumps({"store": str(store.resolve())}) + "\n")
    figures = [out / "figures" / p.name for p in written]
    return Report(folder=out, planned=state.planned, done=state.done, failed=state.failed,
                  figures=figures, notes=notes)


# -- inputs ---------------------------------------------------------------------------------------
def _metrics(runs: pd.DataFrame, wanted: Sequence[str] | None) -> list[str]:
    numeric = [c for c in runs.columns if c not in ("run_id", "arm", "replicate", "seed",
                                                    "status", "error", "duration_s")
               and pd.api.types.is_numeric_dtype(runs[c])]
    if wanted:
        unknown = [m for m in wanted if m not in numeric]
        if unknown:
            raise UsageError(f"--metrics {' '.join(unknown)}: not a summary metric of this "
                             f"store; metrics are {', '.join(numeric)}")
        return list(dict.fromkeys(wanted))
    return [m for m in DEFAULT_METRICS if m in numeric]


def _baseline(order: list[str], look: dict[str, tuple[str, str]], wanted: str | None) -> str:
    if wanted is None:
        return order[0]
    def norm(text: str) -> str:
        return text.lower().replace("-", "_").replace(" ", "_")

    for arm in order:
        if norm(wanted) in (norm(arm), norm(look[arm][0])):
            return arm
    several = any(", " in arm for arm in order)
    names = [f"'{arm}'" if several else norm(look[arm][0]) for arm in order]
    raise UsageError(f"--baseline {wanted}: not an arm of this experiment; arms are "
                     + ", ".join(names))


def _notes(state: Any) -> list[str]:
    notes = []
    if state.remaining:
        notes.append(f"Partial results: {state.done + state.failed} of {state.planned} planned "
                     f"runs are stored; {state.remaining} are missing (rerun the sweep to "
                     "finish it).")
    if state.failed:
        notes.append(f"{state.failed} runs failed and are left out of every table and chart.")
    return notes


def _source(store: Path, spec: ExperimentSpec, state: Any) -> str:
    manifest = read_manifest(store) or {}
    commit = manifest.get("git_commit")
    code = f"alignsim {manifest.get('alignsim', '?')}"
    if commit:
        code += f" (git {commit[:7]}{', modified' if manifest.get('git_dirty') else ''})"
    partial = f"; partial: {state.done} of {state.planned} runs" if state.remaining else ""
    if spec.design == "factorial":
        design = (f"{spec.replicates} replicate{'s' if spec.replicates > 1 else ''} per arm, "
                  f"{spec.weeks} weeks, base seed {spec.seed}{partial}. {code}. "
                  "Intervals: 95% bootstrap over replicates.")
    else:
        design = (f"{spec.design} design, {state.planned} runs of {spec.weeks} weeks, base "
                  f"seed {spec.seed}{partial}. {code}.")
    return f"Experiment {spec.name}: {design}"


# -- findings in words -----------------------------------------------------------------------
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
        name = analysis.sentence_case(look[top][0])
        return f"{name} has the highest {analysis.lower_case(label)}"
    if len(level) == len(others):
        return f"{label}: no clear difference between the arms"
    label = analysis.lower_case(label)
    if len(level) > 2:
        return (f"{len(level) + 1} of {len(rows)} arms share the highest {label}, led by "
                f"{look[top][0]}")
    names = [look[a][0] for a in [top, *level]]
    joined = ", ".join(names[:-1]) + " and " + names[-1]
    return f"{analysis.sentence_case(joined)} share the highest {label}"


def _top_arm(means: pd.DataFrame, metric: str) -> str:
    part = means[means["metric"] == metric]
    return str(part.loc[part["mean"].idxmax(), "arm"])


# -- the work, as steps for the progress bar -----------------------------------------------------
Step = Callable[[dict[str, Any]], tuple[str, str, str, Figure] | None]


def _tasks(ctx: _Context, network_week: int | None, n_boot: int) -> list[Step]:
    if ctx.spec.design == "factorial":
        return _factorial_tasks(ctx, network_week, n_boot)
    return _sampled_tasks(ctx, n_boot)


def _factorial_tasks(ctx: _Context, network_week: int | None, n_boot: int) -> list[Step]:
    from experiments import figures

    runs, weekly, look, source = ctx.runs, ctx.weekly, ctx.look, ctx.source
    steps: list[Step] = []

    def tables_step(t: dict[str, Any]) -> None:
        t["arm_means"] = analysis.arm_means(runs, ctx.metrics, n_boot=n_boot)
        t["paired"] = analysis.paired_differences(runs, ctx.metrics, ctx.baseline, n_boot=n_boot)
        t["_vs_top"] = pd.concat([
            analysis.paired_differences(runs, [m], _top_arm(t["arm_means"], m), n_boot=n_boot)
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
                        runs, [summary_metric], _top_arm(means, summary_metric), n_boot=n_boot)
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


def _network_step(ctx: _Context, network_week: int | None, t: dict[str, Any]
                  ) -> tuple[str, str, str, Figure] | None:
    from experiments import figures
    from experiments.design import arms as design_arms

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
    heading = (f"{analysis.sentence_case(ctx.look[most][0])} keeps the most marketing-sales ties "
               f"({cross[most]} vs {cross[least]} for {ctx.look[least][0]})"
               if cross[most] != cross[least] else f"The people network in week {week}")
    fig = figures.network_figure(panels, source=ctx.source, heading=heading,
                                 titles=[ctx.look[a][0] for a in panels])
    t["network_matches"] = [p.matches_store for p in panels.values()]
    return ("People network", "network",
            f"Who works with whom in week {week} (replicate 1 of each arm, rebuilt from its "
            "stored parameters and seed).", fig)


def _sampled_tasks(ctx: _Context, n_boot: int) -> list[Step]:
    from experiments import figures

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
        return f"{analysis.sentence_case(look[claims[0][0]][0])} ends with the most trust and " \
               "cooperation"
    text = ", ".join(f"{look[arm][0]} with {words}" for arm, words in claims)
    return f"Trust and cooperation: {text} at the end"


def heatmap_heading(table: pd.DataFrame, metric: str) -> str:
    row, col = np.unravel_index(np.nanargmax(table.to_numpy(float)), table.shape)

    def level(factor: object, value: object) -> str:
        if factor == "preset":
            return analysis.short_arm(f"preset={value}")
        return analysis.short_arm(f"{factor}={value}")

    return (f"{metric_label(metric)} is highest at {level(table.index.name, table.index[row])}, "
            f"{level(table.columns.name, table.columns[col])}")


def sensitivity_heading(result: analysis.Sensitivity) -> str:
    key = {"sobol": "ST", "morris": "mu_star", "rbd_fast": "S1"}[result.method]
    ranked = result.table[key].sort_values(ascending=False)
    label = analysis.lower_case(metric_label(result.metric))
    first = metric_label(str(ranked.index[0]))
    if len(ranked) == 1 or ranked.iloc[0] > 2 * max(ranked.iloc[1], 0):
        return analysis.sentence_case(f"{first} drives most of the variation in {label}")
    return analysis.sentence_case(
        f"{label} depends mostly on {first} and {metric_label(str(ranked.index[1]))}")


# -- writing ---------------------------------------------------------------------------------
class _Page:
    """index.html and report.md from the same content."""

    def __init__(self, ctx: _Context, tables: dict[str, Any],
                 sections: list[tuple[str, str, str, str]], notes: list[str], state: Any,
                 sizes: dict[str, tuple[int, int]]) -> None:
        self.ctx, self.tables, self.sections, self.notes, self.state = (
            ctx, tables, sections, list(notes), state)
        self.sizes = sizes
        if False in tables.get("network_matches", []):
            self.notes.append("The network chart was redrawn by rerunning the stored runs, "
                              "but this version of the model gives different numbers: the "
                              "model code changed since the sweep.")

    # content shared by both formats -----------------------------------------------------------
    def _title(self) -> str:
        return f"Experiment report: {self.ctx.spec.name}"

    def _facts(self) -> list[str]:
        spec, state = self.ctx.spec, self.state
        factors = ", ".join(
            f"{metric_label(f.name) if f.name != 'preset' else 'preset'} "
            f"({', '.join(_level(v) for v in f.levels) if f.levels else f'{f.lo:g} to {f.hi:g}'})"
            for f in spec.factors) or "none"
        return [
            f"Design: {spec.design}; factors: {factors}",
            f"Base preset: {spec.preset}; {spec.weeks} weeks per run, first "
            f"{self.ctx.burn_in_weeks} weeks burn-in (left out of the summaries)",
            f"Replicates: {spec.replicates} per arm, on the same seeds in every arm (common "
            f"random numbers), base seed {spec.seed}",
            f"Runs: {state.done} finished, {state.failed} failed, {state.remaining} missing, of "
            f"{state.planned} planned",
        ]

    def _arm_rows(self) -> tuple[list[str], list[list[str]]]:
        means = self.tables["arm_means"]
        header = ["Arm", *[metric_label(m) for m in self.ctx.metrics]]
        rows = []
        for arm, (name, _) in self.ctx.look.items():
            part = means[means["arm"] == arm].set_index("metric")
            rows.append([name, *[
                f"{format_value(m, part.loc[m, 'mean'])} "
                f"[{format_value(m, part.loc[m, 'low'])}, {format_value(m, part.loc[m, 'high'])}]"
                for m in self.ctx.metrics]])
        return header, rows

    def _paired_sentences(self) -> dict[str, list[str]]:
        paired, look = self.tables["paired"], self.ctx.look
        base_name = look[self.ctx.baseline][0]
        out: dict[str, list[str]] = {}
        for metric in self.ctx.metrics:
            rows = paired[(paired["metric"] == metric) & (paired["arm"] != self.ctx.baseline)]
            out[metric] = [
                analysis.describe_difference(
                    r, analysis.sentence_case(look[r["arm"]][0]), base_name,
                    lambda v, m=metric: format_value(m, v, signed=True).lstrip("+"),
                    analysis.lower_case(metric_label(metric)),
                    relative=metric_kind(metric) != "pct")
                for _, r in rows.iterrows()]
        return out

    def _paired_rows(self) -> tuple[list[str], list[list[str]]]:
        paired = self.tables["paired"]
        header = ["Arm", *[metric_label(m) for m in self.ctx.metrics]]
        rows = []
        for arm, (name, _) in self.ctx.look.items():
            if arm == self.ctx.baseline:
                continue
            part = paired[paired["arm"] == arm].set_index("metric")
            cells = []
            for m in self.ctx.metrics:
                r = part.loc[m]
                cells.append(f"{r['verdict']}: {format_value(m, r['difference'], signed=True)} "
                             f"[{format_value(m, r['low'], signed=True)}, "
                             f"{format_value(m, r['high'], signed=True)}]")
            rows.append([name, *cells])
        return header, rows

    def _sampled_text(self) -> list[str]:
        out = []
        box = self.tables.get("_box")
        if box is not None:
            out.append(box.describe(label=metric_label))
        for result in self.tables.get("_sensitivity", []):
            if result.table.empty:
                out.append(f"{metric_label(result.metric)}: no sensitivity indices "
                           f"({result.note}).")
        return out

    def _overall_rows(self) -> tuple[list[str], list[list[str]]]:
        overall = self.tables["overall"]
        rows = [[metric_label(m), format_value(m, r["mean"]),
                 f"[{format_value(m, r['low'])}, {format_value(m, r['high'])}]",
                 f"{format_value(m, r['min'])} to {format_value(m, r['max'])}"]
                for m, r in overall.iterrows()]
        return ["Metric", "Mean over all runs", "95% interval", "Range"], rows

    def _figure_groups(self) -> dict[str, list[tuple[str, str, str]]]:
        groups: dict[str, list[tuple[str, str, str]]] = {}
        for section, stem, caption, heading in self.sections:
            groups.setdefault(section, []).append((stem, caption, heading))
        return groups

    # html ----------------------------------------------------------------------------------------
    def html(self) -> str:
        e = html.escape
        ctx = self.ctx
        parts = [
            "<!DOCTYPE html>", "<html lang=\"en\"><head><meta charset=\"utf-8\">",
            f"<title>{e(self._title())}</title>", f"<style>{_CSS}</style></head><body>",
            f"<h1>{e(self._title())}</h1>",
        ]
        if ctx.spec.description:
            parts.append(f"<p class=\"lead\">{e(ctx.spec.description)}</p>")
        for note in self.notes:
            parts.append(f"<p class=\"note\">{e(note)}</p>")
        parts.append("<ul>" + "".join(f"<li>{e(f)}</li>" for f in self._facts()) + "</ul>")
        if ctx.spec.design == "factorial":
            parts.append("<h2>Results by arm</h2><p>Mean over replicates with the 95% bootstrap "
                         "interval in brackets.</p>")
            parts.append(_html_table(*self._arm_rows()))
        if ctx.spec.design == "factorial" and len(ctx.look) > 1:
            base = ctx.look[ctx.baseline][0]
            parts.append(f"<h2>Differences from {e(base)}</h2><p>Paired by replicate: each arm "
                         f"minus {e(base)} on the same seed, mean difference and 95% interval. "
                         "An interval that excludes zero is a clear difference.</p>")
            for metric, sentences in self._paired_sentences().items():
                if sentences:
                    parts.append(f"<h3>{e(metric_label(metric))}</h3><ul>"
                                 + "".join(f"<li>{e(s)}</li>" for s in sentences) + "</ul>")
            parts.append("<details><summary>The same as a table</summary>"
                         + _html_table(*self._paired_rows()) + "</details>")
        if ctx.spec.design != "factorial":
            parts.append("<h2>Results over the design</h2>")
            parts.append(_html_table(*self._overall_rows()))
            parts.append("<h2>Where alignment fails</h2>")
            parts += [f"<p>{e(t)}</p>" for t in self._sampled_text()]
        for section, items in self._figure_groups().items():
            parts.append(f"<h2>{e(section)}</h2>")
            for stem, caption, heading in items:
                w, h = self.sizes[stem]
                # Shown at half its pixel size: 200 dpi images stay sharp on high-density screens.
                parts.append(
                    f"<figure><img src=\"figures/{stem}.png\" alt=\"{e(heading)}\" "
                    f"width=\"{w // 2}\" height=\"{h // 2}\" data-px=\"{w}x{h}\">"
                    f"<figcaption>{e(caption)} <a href=\"figures/{stem}.svg\">SVG</a></figcaption>"
                    "</figure>")
        parts.append("<h2>Files</h2><p>Tables as CSV in <code>tables/</code>; figures as PNG "
                     "(200 dpi) and SVG in <code>figures/</code>; the same text in "
                     "<code>report.md</code>.</p>")
        parts.append(f"<p class=\"source\">{e(ctx.source)}</p></body></html>")
        return "\n".join(parts)

    # markdown -------------------------------------------------------------------------------------
    def markdown(self) -> str:
        ctx = self.ctx
        lines = [f"# {self._title()}", ""]
        if ctx.spec.description:
            lines += [ctx.spec.description, ""]
        lines += [f"> {n}" for n in self.notes] + ([""] if self.notes else [])
        lines += [f"- {f}" for f in self._facts()] + [""]
        if ctx.spec.design == "factorial":
            lines += ["## Results by arm", "",
                      "Mean over replicates with the 95% bootstrap interval in brackets.", ""]
            lines += [*_md_table(*self._arm_rows()), ""]
        if ctx.spec.design == "factorial" and len(ctx.look) > 1:
            lines += [f"## Differences from {ctx.look[ctx.baseline][0]}", "",
                      "Paired by replicate (same seed), mean difference and 95% interval.", ""]
            for metric, sentences in self._paired_sentences().items():
                if sentences:
                    lines += [f"### {metric_label(metric)}", ""]
                    lines += [f"- {s}" for s in sentences] + [""]
        if ctx.spec.design != "factorial":
            lines += ["## Results over the design", "", *_md_table(*self._overall_rows())]
            lines += ["", "## Where alignment fails", "", *self._sampled_text(), ""]
        for section, items in self._figure_groups().items():
            lines += [f"## {section}", ""]
            for stem, caption, heading in items:
                lines += [f"![{heading}](figures/{stem}.png)", "", f"*{caption}*", ""]
        lines += ["---", "", ctx.source, ""]
        return "\n".join(lines)


def _level(value: object) -> str:
    return analysis.short_arm(f"preset={value}")


def _png_size(path: Path) -> tuple[int, int]:
    """Width and height in pixels, from the PNG header."""
    with open(path, "rb") as f:
        header = f.read(24)
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")


def _html_table(header: list[str], rows: list[list[str]]) -> str:
    e = html.escape
    head = "".join(f"<th>{e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return (f"<div class=\"wide\"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody>"
            "</table></div>")


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    return (["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
            + ["| " + " | ".join(row) + " |" for row in rows])


_CSS = """
body{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;max-width:1100px;
margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:1.8em;border-bottom:1px solid #ddd}
h3{font-size:1em;margin-bottom:.3em}.lead{font-size:1.1em;color:#444}
.note{background:#fff4e0;border-left:4px solid #E69F00;padding:.5em .8em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}
th,td{border:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f4f4f4}td{white-space:nowrap}.wide{overflow-x:auto}
figure{margin:1.5em 0}img{max-width:100%;height:auto}
figcaption{font-size:.9em;color:#555}.source{font-size:.8em;color:#777;margin-top:3em}
"""
