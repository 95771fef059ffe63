"""Single runs and small preset comparisons from the command line or a notebook: run, then
write the weekly tables, a summary with full provenance and a chart into one folder.

Output is written into a temporary folder beside the destination and moved into place only when
complete, so a failed or interrupted command leaves no half-written result.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments import files
from experiments.design import replicate_seeds
from experiments.errors import UsageError
from sim import Params, RunResult, presets, run
from sim.provenance import versions

FORMATS = ("csv", "parquet")
# The metrics a person reads first, in reading order, with how to print them.
HEADLINE: tuple[tuple[str, str, str], ...] = (
    ("mql_acceptance_rate", "MQL acceptance", "pct"),
    ("inquiry_to_mql_rate", "Inquiry to MQL", "pct"),
    ("closure_rate", "Closure (accepted MQL to won)", "pct"),
    ("win_rate", "Win rate (all opportunities)", "pct"),
    ("marketing_sourced_share", "Marketing-sourced share of bookings", "pct"),
    ("new_business_share", "New-business share of revenue", "pct"),
    ("revenue_usd_per_week", "Revenue", "usd_week"),
    ("new_business_revenue_usd_per_week", "New-business revenue", "usd_week"),
    ("avg_deal_size_usd", "Average deal size", "usd"),
    ("revenue_churn_annual", "Revenue churn (annual)", "pct"),
    ("sales_cycle_weeks_median", "Sales cycle (median)", "weeks"),
    ("speed_to_lead_weeks", "Speed to lead (mean)", "weeks"),
    ("prospecting_share", "Rep time on own prospecting", "pct"),
    ("hoarded_leads", "Hoarded MQLs (mean)", "count"),
    ("cost_of_sales", "Cost of sales (sales spend / bookings)", "ratio"),
    ("alignment_index", "Alignment index (20-100)", "count"),
)


def parse_sets(items: Sequence[str]) -> dict[str, str]:
    """`group.field=value` strings to a dict; malformed items are errors."""
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise UsageError(f"--set {item!r}: expected group.field=value, "
                             "e.g. governance.cadence_weeks=4")
        out[key.strip()] = value.strip()
    return out


def build_params(preset: str, sets: dict[str, str], weeks: int | None) -> Params:
    overrides: dict[str, Any] = dict(sets)
    if weeks is not None:
        overrides["weeks"] = str(weeks)
        default_burn_in = Params().burn_in_weeks
        if "burn_in_weeks" not in overrides and weeks <= default_burn_in:
            # A short run keeps a proportionate burn-in rather than failing on the default one.
            overrides["burn_in_weeks"] = str(weeks // 7)
    return presets.get(preset, overrides)


@dataclass(frozen=True)
class Comparison:
    arms: dict[str, list[RunResult]]
    seeds: list[int]

    def summary_frame(self) -> pd.DataFrame:
        rows = [{"arm": arm, "replicate": i, "seed": r.seed, **r.summary}
                for arm, results in self.arms.items() for i, r in enumerate(results)]
        return pd.DataFrame(rows)


def compare(params_by_arm: dict[str, Params], seed: int, replicates: int,
            progress: bool = False) -> Comparison:
    """Every arm on the same replicate seeds (common random numbers), derived from `seed` as an
    experiment file with this seed and number of replicates derives them
    (`experiments.design.replicate_seeds`), so both ways in run the same replicates."""
    return run_arms(params_by_arm, replicate_seeds(seed, replicates), progress)


def run_arms(params_by_arm: dict[str, Params], seeds: Sequence[int],
             progress: bool = False) -> Comparison:
    """Every arm on each of `seeds` as given."""
    jobs = [(arm, s) for s in seeds for arm in params_by_arm]
    iterator: Any = jobs
    if progress:
        from tqdm import tqdm
        iterator = tqdm(jobs, desc="runs", unit="run", leave=False)
    arms: dict[str, list[RunResult]] = {arm: [] for arm in params_by_arm}
    for arm, s in iterator:
        arms[arm].append(run(params_by_arm[arm], s))
    return Comparison(arms, list(seeds))


def format_value(value: float, kind: str) -> str:
    if kind == "pct":
        return f"{value:.1%}"
    if kind == "usd_week":
        return f"${value:,.0f}/wk"
    if kind == "usd":
        return f"${value:,.0f}"
    if kind == "weeks":
        return f"{value:.1f} wk"
    if kind == "ratio":
        return f"{value:.2f}"
    return f"{value:,.1f}"


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
        row = [label, *[format_value(m, kind) for m in means]]
        if paired:
            diff = (frame.loc[frame.arm == arms[1], key].to_numpy()
                    - frame.loc[frame.arm == arms[0], key].to_numpy())
            half = 1.96 * diff.std(ddof=1) / np.sqrt(len(diff))
            row.append(f"{format_value(diff.mean(), kind)} "
                       f"[{format_value(diff.mean() - half, kind)}, "
                       f"{format_value(diff.mean() + half, kind)}]")
        rows.append(row)
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                       for i, (c, w) in enumerate(zip(r, widths, strict=True))) for r in rows]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def check_destination(out: Path) -> None:
    """Refuse to replace a folder that alignsim did not write (it may hold someone's work)."""
    files.check_destination(out, "run.json",
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
        (staging / "run.json").write_text(json.dumps(meta, indent=2, sort_keys=True))
        if chart:
            from experiments.charts import key_metrics_figure, save
            first = {arm: results[0].weekly for arm, results in comparison.arms.items()}
            burn_in = next(iter(params_by_arm.values())).burn_in_weeks
            fig = key_metrics_figure(first, burn_in_weeks=burn_in, source=source)
            save(fig, staging / "key_metrics")
    return sorted(out.iterdir())


