"""A report from any results folder: one self-contained folder a consultant can zip and send.

``build_report(store)`` reads the stored tables (never a live model, except to redraw a stored
run's network, see `experiments.report.figures.network`), runs the analysis, draws every chart
(`steps`) and writes ``index.html`` (no network needed to view it) and ``report.md`` (`page`),
the figures as PNG (200 dpi) and SVG, and the tables as CSV. A partial store still reports and
says how many runs are missing; failed runs are left out and counted.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from experiments import analysis, files
from experiments.errors import UsageError
from experiments.report.context import Context
from experiments.report.figures import save
from experiments.report.page import Page
from experiments.report.steps import report_steps
from experiments.report.style import arm_colour, colour_key, short_arm
from experiments.spec import ExperimentSpec, parse_spec
from experiments.store import load, read_manifest, status

DEFAULT_METRICS = (
    "alignment_index", "revenue_usd_per_week", "mql_acceptance_rate", "closure_rate",
    "win_rate", "marketing_sourced_share", "new_business_share",
)
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
    look = {arm: (short_arm(arm), arm_colour(colour_key(runs, arm), i))
            for i, arm in enumerate(order)}
    base = _baseline(order, look, baseline) if not spec.sampled else order[0]
    notes = _notes(state)
    ctx = Context(spec=spec, runs=runs, weekly=weekly, metrics=chosen, look=look,
                   baseline=base, source=_source(store, spec, state),
                   burn_in_weeks=spec.base_params().burn_in_weeks)

    with files.staged_folder(out) as tmp:
        (tmp / "figures").mkdir()
        (tmp / "tables").mkdir()
        tasks = report_steps(ctx, network_week, n_boot)
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
        page = Page(ctx, tables, sections, notes, state, sizes)
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
    if not spec.sampled:
        design = (f"{spec.replicates} replicate{'s' if spec.replicates > 1 else ''} per arm, "
                  f"{spec.weeks} weeks, base seed {spec.seed}{partial}. {code}. "
                  "Intervals: 95% bootstrap over replicates.")
    else:
        design = (f"{spec.design} design, {state.planned} runs of {spec.weeks} weeks, base "
                  f"seed {spec.seed}{partial}. {code}.")
    return f"Experiment {spec.name}: {design}"


def _png_size(path: Path) -> tuple[int, int]:
    """Width and height in pixels, from the PNG header."""
    with open(path, "rb") as f:
        header = f.read(24)
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")
