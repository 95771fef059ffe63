"""Print the default firm's calibration result for docs/calibration.md, or write it in place.

After ``alignsim calibrate experiments/firms/default.toml --out results/calibrate-default``:

    python docs/make_calibration_result.py results/calibrate-default          # print the block
    python docs/make_calibration_result.py results/calibrate-default --write  # refresh the doc

The block holds the targets against the fitted rates, what the targets pin down, and the
out-of-sample check: the calibrated firm under the Undefined, Aligned and Integrated presets,
on fresh seeds, against the model brief's best-practice levels (acceptance 75%, closure 35%,
marketing share 28%), with nothing retuned. Those runs are stored in
``<calibration>/out-of-sample`` (a results store: a rerun skips them), so the numbers can be
traced to stored runs. The block sits in docs/calibration.md between
``<!-- default-firm:start -->`` and ``<!-- default-firm:end -->``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "calibration.md"
sys.path.append(str(ROOT))  # after anything installed, so a checkout works without installing

from experiments.analysis.bootstrap import bootstrap_ci  # noqa: E402
from experiments.paramfile import params_table  # noqa: E402
from experiments.report.calibration import (  # noqa: E402
    fit_markdown,
    parameters_markdown,
    write_calibration,
)
from experiments.report.style import format_value, metric_label  # noqa: E402
from experiments.runner import run_experiment  # noqa: E402
from experiments.spec import spec_from_dict  # noqa: E402
from experiments.store import load  # noqa: E402

BEST_PRACTICE = {"mql_acceptance_rate": 0.75, "closure_rate": 0.35,
                 "marketing_sourced_share": 0.28}
"""The model brief's best-practice levels the aligned presets should move toward."""
ARMS = ("undefined", "aligned", "integrated")
CHECK_SEED = 20_260_101
MARKERS = ("<!-- default-firm:start -->", "<!-- default-firm:end -->")


def out_of_sample(folder: Path, replicates: int, workers: int | None) -> pd.DataFrame:
    """The calibrated firm under each arm's preset on fresh seeds: mean and 95% interval of the
    best-practice metrics, one row per arm."""
    fitted = write_calibration(folder).calibration.params
    spec = spec_from_dict({
        "name": "out-of-sample", "params": params_table(fitted), "weeks": fitted.weeks,
        "replicates": replicates, "seed": CHECK_SEED, "factors": {"preset": list(ARMS)},
        "output": {"weekly_metrics": []},
    })
    store = folder / "out-of-sample"
    run_experiment(spec, store, workers=workers, quiet=True)
    runs, _ = load(store)
    runs = runs[runs["status"] == "done"]
    rows = []
    for arm in ARMS:
        mine = runs[runs["preset"] == arm]
        row: dict[str, object] = {"arm": arm, "runs": len(mine)}
        for metric in BEST_PRACTICE:
            row[metric], row[f"{metric}_lo"], row[f"{metric}_hi"] = bootstrap_ci(mine[metric])
        rows.append(row)
    return pd.DataFrame(rows)


def block(folder: Path, replicates: int, workers: int | None) -> str:
    report = write_calibration(folder)
    cal = report.calibration
    check = out_of_sample(folder, replicates, workers)
    s = cal.settings
    lines = [
        f"Calibrated with `alignsim calibrate experiments/firms/default.toml` "
        f"({len(cal.candidates)} candidates x {s.seeds} seeds, the best {s.check_top} checked "
        f"on {s.check_seeds} fresh seeds; {_code(folder)}). "
        f"**{report.verdict}.**", "", *fit_markdown(report.fit), "",
        *parameters_markdown(report.parameters), "",
        f"Out of sample, with nothing retuned: the calibrated firm under each preset on "
        f"{replicates} fresh seeds (mean and 95% interval), against the brief's best-practice "
        "levels.", "",
        "| preset | " + " | ".join(metric_label(m) for m in BEST_PRACTICE) + " |",
        "|---|" + "---|" * len(BEST_PRACTICE),
    ]
    for row in check.itertuples():
        cells = [f"{format_value(m, getattr(row, m))} ({format_value(m, getattr(row, m + '_lo'))}"
                 f" - {format_value(m, getattr(row, m + '_hi'))})" for m in BEST_PRACTICE]
        lines.append(f"| {row.arm} | " + " | ".join(cells) + " |")
    lines.append("| best practice (brief) | "
                 + " | ".join(format_value(m, v) for m, v in BEST_PRACTICE.items()) + " |")
    return "\n".join(lines)


def _code(folder: Path) -> str:
    """alignsim's version and the git commit(s) the calibration ran on."""
    provenance = json.loads((folder / "report" / "provenance.json").read_text())
    commits = [f"{g['commit'][:10]}{' with uncommitted changes' if g['dirty'] else ''}"
               for g in provenance.get("git", []) if g.get("commit")]
    at = f" at commit {', '.join(commits)}" if commits else ""
    return f"alignsim {provenance['versions'].get('alignsim', 'unknown')}{at}"


def replace_block(text: str, new: str) -> str:
    start, end = MARKERS
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), flags=re.S)
    if not pattern.search(text):
        raise SystemExit(f"{DOC}: no {start} ... {end} block to replace")
    return pattern.sub(lambda _: f"{start}\n{new}\n{end}", text)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="calibration folder of the default firm")
    parser.add_argument("--replicates", type=int, default=20,
                        help="fresh seeds of the out-of-sample check (default 20)")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--write", action="store_true", help="rewrite the block in the doc")
    parser.add_argument("--doc", type=Path, default=DOC, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    new = block(args.folder, args.replicates, args.workers)
    if args.write:
        args.doc.write_text(replace_block(args.doc.read_text(encoding="utf-8"), new),
                            encoding="utf-8")
        print(f"wrote the default firm's result into {args.doc}")
    else:
        print(new)


if __name__ == "__main__":
    main()
