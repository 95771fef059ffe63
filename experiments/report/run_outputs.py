"""What `alignsim run` and `compare` print and write: a plain-text summary table on screen, and
one folder with the weekly table per arm, ``summary.csv``, ``run.json`` (every parameter, the
seeds, the versions) and the key-metrics chart.

The folder is written into a temporary folder beside the destination and moved into place only
when complete, so a failed or interrupted command leaves no half-written result.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from experiments import files
from experiments.errors import UsageError
from experiments.report.style import HEADLINE, console_value
from experiments.single import Comparison
from sim import Params
from sim.provenance import versions

FORMATS = ("csv", "parquet")
MARKER = "run.json"
"""Written into every output folder: a rerun may replace a folder holding it, and no other."""


def summary_table(comparison: Comparison) -> str:
    """Plain-text table: one row per headline metric, one column per arm (mean over
    replicates), and with two arms the paired difference with a 95% interval."""
    arms = list(comparison.arms)
    frame = comparison.summary_frame()
    header = ["metric", *[a.replace("_", " ") for a in arms]]
    paired = len(arms) == 2 and len(comparison.seeds) > 1
    if paired:
        header.append(f"{arms[1]} - {arms[0]} (95% CI)")
    rows = [header]
    for key, label, kind in HEADLINE:
        means = [frame.loc[frame.arm == a, key].mean() for a in arms]
        row = [label, *[console_value(m, kind) for m in means]]
        if paired:
            diff = (frame.loc[frame.arm == arms[1], key].to_numpy()
                    - frame.loc[frame.arm == arms[0], key].to_numpy())
            half = 1.96 * diff.std(ddof=1) / np.sqrt(len(diff))
            row.append(f"{console_value(diff.mean(), kind)} "
                       f"[{console_value(diff.mean() - half, kind)}, "
                       f"{console_value(diff.mean() + half, kind)}]")
        rows.append(row)
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                       for i, (c, w) in enumerate(zip(r, widths, strict=True))) for r in rows]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def check_destination(out: Path) -> None:
    """Refuse to replace a folder that alignsim did not write (it may hold someone's work)."""
    files.check_destination(out, MARKER,
                            "was not written by alignsim run/compare; choose a new folder")


def write_outputs(comparison: Comparison, params_by_arm: dict[str, Params], out: Path,
                  fmt: str, chart: bool, source: str) -> list[Path]:
    """Write weekly tables, summaries with provenance, and the chart into `out` atomically."""
    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt!r}: allowed are {', '.join(FORMATS)}")
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
            "summary_mean": {arm: {k: float(np.mean([r.summary[k] for r in results]))
                                   for k in results[0].summary}
                             for arm, results in comparison.arms.items()},
        }
        (staging / MARKER).write_text(json.dumps(meta, indent=2, sort_keys=True))
        if chart:
            from experiments.report.figures import key_metrics_figure, save

            first = {arm: results[0].weekly for arm, results in comparison.arms.items()}
            burn_in = next(iter(params_by_arm.values())).burn_in_weeks
            fig = key_metrics_figure(first, burn_in_weeks=burn_in, source=source)
            save(fig, staging / "key_metrics")
    return sorted(out.iterdir())


