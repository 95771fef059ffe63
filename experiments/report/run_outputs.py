"""What `alignsim run` and `compare` print and write: a plain-text summary on screen, and one
folder with the weekly table per arm, ``summary.csv``, ``run.json`` (every parameter, the seeds,
the versions) and the key-metrics chart.

The screen and the chart show the same numbers, from the same analysis as a report
(`experiments.analysis` on the runs in the shape of a results store): each arm's mean over
replicates, and with two or more arms every arm's paired difference from the baseline with its
95% bootstrap interval. The chart draws each arm's mean over replicates with its 95% band.

The folder is written into a temporary folder beside the destination and moved into place only
when complete, so a failed or interrupted command leaves no half-written result.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd

from experiments import analysis, files
from experiments.design import run_id
from experiments.errors import UsageError
from experiments.report.style import (
    HEADLINE,
    KEY_METRICS,
    ArmLook,
    arm_looks,
    console_value,
    definition,
    metric_kind,
    precision_words,
)
from experiments.single import Comparison
from sim import Params
from sim.provenance import versions

FORMATS = ("csv", "parquet")
MARKER = "run.json"
"""Written into every output folder: a rerun may replace a folder holding it, and no other."""
FOOTNOTES = ("hoarded_leads",)
"""Metrics of the summary explained under it: names a reader would otherwise have to look up."""


def looks(comparison: Comparison) -> dict[str, ArmLook]:
    """Each arm's name, colour and line style (arms are presets: their own colours)."""
    return arm_looks({arm: {"preset": arm} for arm in comparison.arms})


def frames(comparison: Comparison) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The runs and weekly tables of a comparison in the shape of a results store, so the
    analysis of a report reads them as they are."""
    runs, weekly = [], []
    for a, (arm, results) in enumerate(comparison.arms.items()):
        for r, result in enumerate(results):
            rid = run_id(a, r)
            runs.append({"run_id": rid, "arm": arm, "replicate": r, "seed": result.seed,
                         **result.summary, "status": "done", "error": "", "duration_s": 0.0})
            table = result.weekly.reset_index()
            table.insert(0, "run_id", rid)
            weekly.append(table)
    table = pd.concat(weekly, ignore_index=True)
    if {"bookings_marketing_usd", "bookings_sales_usd"} <= set(table.columns):
        table["bookings_usd"] = table["bookings_marketing_usd"] + table["bookings_sales_usd"]
    return pd.DataFrame(runs), table


class Summary:
    """The numbers `run` and `compare` show, once: arm means and paired differences from the
    baseline over the headline metrics, and the replicates each contrast needs."""

    def __init__(self, comparison: Comparison, baseline: str | None = None,
                 precision: float = analysis.PRECISION) -> None:
        self.comparison = comparison
        self.arms = list(comparison.arms)
        self.baseline = baseline or self.arms[0]
        self.precision = precision
        self.runs, self.weekly = frames(comparison)
        self.metrics = [key for key, _, _ in HEADLINE if key in self.runs.columns]
        self.means = analysis.arm_means(self.runs, self.metrics)
        self.replicates = len(comparison.seeds)
        self.paired = (analysis.paired_differences(self.runs, self.metrics, self.baseline)
                       if len(self.arms) > 1 else None)
        key = self.paired[self.paired["metric"].isin(KEY_METRICS)] if self.paired is not None \
            else None
        self.guidance = (analysis.replication(key, precision,
                                              is_rate=lambda m: metric_kind(m) == "pct")
                         if key is not None and self.replicates > 1 else None)

    def mean(self, arm: str, metric: str) -> float:
        rows = self.means[(self.means["arm"] == arm) & (self.means["metric"] == metric)]
        return float(rows["mean"].iloc[0])

    def warning(self) -> str:
        """Too few replicates for the paired intervals of the key metrics, or ""."""
        if self.guidance is None or self.guidance["enough"].all():
            return ""
        most = self.guidance["needed"].max()
        need = int(most) if most == most else analysis.MIN_REPLICATES
        return (f"Too few replicates: {self.replicates} per arm; the key differences need up "
                f"to {need} for 95% intervals within {precision_words(self.precision)}. Treat "
                "them as provisional.")


def summary_table(summary: Summary, burn_in_weeks: int, weeks: int) -> str:
    """Plain text: one row per headline metric, one column per arm (mean over replicates);
    with two or more arms a second table of the paired differences from the baseline with
    their 95% intervals; then the replicates the differences need and what the names mean."""
    arms, names = summary.arms, looks(summary.comparison)
    reps = summary.replicates
    out = [f"Summary over weeks {burn_in_weeks + 1}-{weeks}: the first {burn_in_weeks} weeks "
           "are burn-in and left out (--set burn_in_weeks=N to change); "
           + (f"mean over {reps} replicates." if reps > 1 else "one run."), ""]
    rows = [["metric", *[names[a].name for a in arms]]]
    for key, label, kind in HEADLINE:
        if key in summary.metrics:
            rows.append([label, *[console_value(summary.mean(a, key), kind) for a in arms]])
    out += _table(rows)
    if summary.paired is not None:
        base = names[summary.baseline].name
        others = [a for a in arms if a != summary.baseline]
        interval = (f"95% bootstrap interval over {reps} replicates on the same seeds"
                    if reps > 1 else "one replicate: no interval")
        out += ["", f"Paired differences from {base} ({interval}; * the interval excludes 0: "
                "a clear difference):", ""]
        paired = summary.paired.set_index(["arm", "metric"])
        rows = [["metric", *[f"{names[a].name} - {base}" for a in others]]]
        for key, label, kind in HEADLINE:
            if key in summary.metrics:
                rows.append([label, *[_difference(paired.loc[(a, key)], kind, reps)
                                      for a in others]])
        out += _table(rows)
    if summary.guidance is not None:
        need = analysis.needed_by_metric(summary.guidance)
        label = {key: text for key, text, _ in HEADLINE}
        parts = [f"{label[r.metric]} {int(r.needed)}" for r in need.itertuples()
                 if r.needed == r.needed]
        out += ["", *textwrap.wrap(
            f"Replicates the key differences need for 95% intervals within "
            f"{precision_words(summary.precision, base)}: " + ", ".join(parts)
            + f"; this run has {reps}.", width=100)]
        if summary.warning():
            out += textwrap.wrap("warning: " + summary.warning(), width=100)
    notes = [f"{label}: {definition(key)}" for key, label, _ in HEADLINE
             if key in FOOTNOTES and key in summary.metrics]
    for note in notes:
        out += ["", *textwrap.wrap(note, width=100)]
    return "\n".join(out)


def _difference(row: pd.Series, kind: str, reps: int) -> str:
    text = _signed(row["difference"], kind)
    if reps < 2:
        return text
    clear = "*" if row["verdict"] != analysis.UNCLEAR else " "
    return f"{text} [{_signed(row['low'], kind)}, {_signed(row['high'], kind)}]{clear}"


def _signed(value: float, kind: str) -> str:
    """A difference with its sign (none on a value that shows as zero)."""
    if kind == "pct":
        points = value * 100
        return f"{points:+.1f} pp" if round(points, 1) else "0.0 pp"
    text = console_value(abs(value), kind)
    if not float(re.sub(r"[^0-9.]", "", text) or 0):
        return text
    return ("-" if value < 0 else "+") + text


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                       for i, (c, w) in enumerate(zip(r, widths, strict=True))) for r in rows]
    lines.insert(1, "-" * len(lines[0]))
    return lines


def check_destination(out: Path) -> None:
    """Refuse to replace a folder that alignsim did not write (it may hold someone's work)."""
    files.check_destination(out, MARKER,
                            "was not written by alignsim run/compare; choose a new folder")


def key_chart(summary: Summary, burn_in_weeks: int, source: str) -> object:
    """The key-metrics chart of the summary's runs: the same numbers as the summary table."""
    from experiments.report.figures import key_metrics_figure
    from experiments.report.figures.key_metrics import KEY_PANELS

    bands = {column: analysis.weekly_bands(summary.runs, summary.weekly, column,
                                           smooth_weeks=smooth, n_boot=1000)
             for column, _, _, _, smooth in KEY_PANELS}
    reps = summary.replicates
    subtitle = (f"Lines: mean over {reps} replicates, band: 95% bootstrap interval; dotted: "
                "the summary over the measured weeks, as in the table; above each panel, the "
                "paired differences of the table" if reps > 1 else
                "One run; dotted: the summary over the measured weeks, as in the table")
    return key_metrics_figure(bands, looks(summary.comparison), means=summary.means,
                              paired=summary.paired if reps > 1 else None,
                              baseline=summary.baseline, burn_in_weeks=burn_in_weeks,
                              source=source, subtitle=subtitle, warning=summary.warning())


def write_outputs(summary: Summary, params_by_arm: dict[str, Params], out: Path, fmt: str,
                  chart: bool, source: str, extra: dict | None = None) -> list[Path]:
    """Write weekly tables, summaries with provenance, and the chart into `out` atomically.
    `extra` is added to ``run.json`` (e.g. where a re-run came from)."""
    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt!r}: allowed are {', '.join(FORMATS)}")
    comparison = summary.comparison
    with files.staged_folder(out) as staging:
        for arm, results in comparison.arms.items():
            weekly = pd.concat(
                [r.weekly.assign(replicate=i, seed=r.seed) for i, r in enumerate(results)])
            path = staging / f"weekly_{arm}.{fmt}"
            if fmt == "csv":
                weekly.to_csv(path)
            else:
                weekly.to_parquet(path)
        comparison.summary_frame().to_csv(staging / "summary.csv", index=False)
        meta = {
            "arms": {arm: p.to_dict() for arm, p in params_by_arm.items()},
            "seeds": comparison.seeds,
            "versions": versions(),
            "baseline": summary.baseline,
            "summary_mean": {arm: {k: float(np.mean([r.summary[k] for r in results]))
                                   for k in results[0].summary}
                             for arm, results in comparison.arms.items()},
            **(extra or {}),
        }
        (staging / MARKER).write_text(json.dumps(meta, indent=2, sort_keys=True))
        if summary.paired is not None:
            summary.paired.to_csv(staging / "paired.csv", index=False)
        if chart:
            from experiments.report.figures import save

            burn_in = next(iter(params_by_arm.values())).burn_in_weeks
            save(key_chart(summary, burn_in, source), staging / "key_metrics")
    return sorted(out.iterdir())
