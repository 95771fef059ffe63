"""A report from any results folder: one self-contained folder a consultant can zip and send.

``build_report(store)`` reads the stored tables only (runs, weekly metrics and the network at
the weeks the sweep kept; it never builds a model), runs the analysis, draws every chart
(`steps`) and writes ``index.html`` (no network needed to view it) and ``report.md`` (`page`),
the figures as PNG (200 dpi; SVG too on request), and the tables as CSV. A partial store still
reports and says how many runs are missing; failed runs are left out and counted.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm import tqdm

from experiments import analysis, files
from experiments.design import arms as design_arms
from experiments.engines import usable_cores
from experiments.errors import UsageError
from experiments.report.context import Context
from experiments.report.naming import resolve_arm
from experiments.report.page import Page
from experiments.report.render import draw_all, merge
from experiments.report.steps import report_steps
from experiments.report.style import KEY_METRICS, arm_looks, legend_title
from experiments.spec import SAMPLED, ExperimentSpec, parse_spec
from experiments.store import load, load_network, read_manifest, status

DEFAULT_METRICS = KEY_METRICS
MARKER = ".alignsim-report"
"""A file in every report folder: a rerun may replace a folder holding it, and no other."""


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


def build_report(store: str | Path, out: str | Path | None = None, *,
                 metrics: Sequence[str] | None = None, baseline: str | None = None,
                 network_week: int | None = None, progress: bool = False,
                 formats: Sequence[str] = ("png",), n_boot: int = analysis.N_BOOT,
                 precision: float = analysis.PRECISION, workers: int | None = None) -> Report:
    """Analyse a results folder and write the report folder (default ``<store>/report``).

    `baseline` names the arm the others are compared with by any unambiguous short name
    (`experiments.report.naming`); `precision` is the target half-width of a paired interval
    as a share of the baseline's value, for the replicates each contrast needs. The charts are
    drawn on `workers` processes (default: the usable cores; see `render`)."""
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
    if not 0 < precision < 1:
        raise UsageError(f"--precision {precision}: a share of the baseline's value between 0 "
                         "and 1, e.g. 0.02 for +-2%")
    week = _network_week(spec, network_week)
    runs, weekly = load(store)
    chosen = _metrics(runs, metrics)
    done = analysis.finished(runs)
    order = analysis.arm_order(done)
    values = {a.label: a.values for a in design_arms(spec)}
    look = arm_looks({arm: values.get(arm, {}) for arm in order})
    base = order[0]
    if baseline is not None and spec.design not in SAMPLED:
        base = resolve_arm(baseline, {a: values.get(a, {}) for a in order}, look)
    network = (load_network(store, done["run_id"], [week]) if week is not None
               else pd.DataFrame())
    notes = _notes(state)
    if week is not None and network.empty and spec.design not in SAMPLED:
        notes.append("This results folder keeps no network (it was made before alignsim "
                     "stored one), so the report has no network chart; run the sweep again "
                     "with --fresh to draw it.")
    ctx = Context(spec=spec, runs=runs, weekly=weekly, metrics=chosen, look=look,
                  baseline=base, source=_source(store, spec, state),
                  burn_in_weeks=spec.base_params().burn_in_weeks, network=network,
                  network_week=week if len(network) else None, precision=precision,
                  legend_title=legend_title(list(spec.varied)))

    with files.staged_folder(out) as tmp:
        (tmp / "figures").mkdir()
        (tmp / "tables").mkdir()
        first, *charts = report_steps(ctx, n_boot)

        written: list[Path] = []
        sections: list[tuple[str, str, str, str]] = []  # (section, stem, caption, heading)
        sizes: dict[str, tuple[int, int]] = {}
        tables: dict[str, Any] = {}
        first(tables)  # the shared tables every chart reads
        drawn = draw_all(charts, tables, tmp / "figures", formats,
                         usable_cores() if workers is None else workers)
        for result in _Bar(drawn, total=len(charts), desc="report", unit="chart",
                           disable=not progress, leave=False):
            if isinstance(result, dict):
                merge(tables, result)
                continue
            merge(tables, result.tables)
            written += result.files
            sections.append((result.section, result.stem, result.caption, result.heading))
            sizes[result.stem] = result.size
        for name, table in tables.items():
            if isinstance(table, pd.DataFrame) and not name.startswith("_"):
                if "arm" in table.columns:  # the chart name beside the stored label
                    table = table.assign(arm_name=table["arm"].map(lambda a: look[a].name))
                named = any(n is not None for n in table.index.names)
                table.to_csv(tmp / "tables" / f"{name}.csv", index=named)
        page = Page(ctx, tables, sections, notes, state, sizes, svg="svg" in formats)
        (tmp / "index.html").write_text(page.html(), encoding="utf-8")
        (tmp / "report.md").write_text(page.markdown(), encoding="utf-8")
        (tmp / MARKER).write_text(json.dumps({"store": str(store.resolve())}) + "\n")
    figures = [out / "figures" / p.name for p in written]
    return Report(folder=out, planned=state.planned, done=state.done, failed=state.failed,
                  figures=figures, notes=notes)


class _Bar(tqdm):
    # No monitor thread: the chart workers are forked, which a running thread makes unsafe.
    monitor_interval = 0


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


def _network_week(spec: ExperimentSpec, wanted: int | None) -> int | None:
    """The week of the network chart: `wanted`, which the sweep must have kept, else the last
    week it kept (None: it kept none)."""
    kept = spec.network_weeks
    if wanted is None:
        return kept[-1] if kept else None
    if wanted not in kept:
        where = (f"at week{'s' if len(kept) > 1 else ''} {', '.join(map(str, kept))}" if kept
                 else "at no week")
        raise UsageError(f"--network-week {wanted}: the sweep kept the network {where}; add "
                         "the week to output.network_weeks in the experiment file and run the "
                         "sweep again")
    return wanted


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
    if spec.design not in SAMPLED:
        design = (f"{spec.replicates} replicate{'s' if spec.replicates > 1 else ''} per arm, "
                  f"{spec.weeks} weeks, base seed {spec.seed}{partial}. {code}. "
                  "Intervals: 95% percentile bootstrap over replicates (differences paired by "
                  "replicate).")
    else:
        design = (f"{spec.design} design, {state.planned} runs of {spec.weeks} weeks, base "
                  f"seed {spec.seed}{partial}. {code}.")
    return f"Experiment {spec.name}: {design}"
