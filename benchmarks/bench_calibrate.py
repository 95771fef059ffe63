"""Calibration benchmark: the wall time of a calibration of the default firm at its defaults,
split into the search, the check on fresh seeds and the report, with the machine's load.

    .venv/bin/python benchmarks/bench_calibrate.py                 # the default firm, defaults
    .venv/bin/python benchmarks/bench_calibrate.py --budget 40     # a shorter look
    .venv/bin/python benchmarks/bench_calibrate.py --keep results/calibrate-default

Target (issue "Calibration"): a calibration of the default firm at its defaults finishes in at
most 20 minutes on 2 cores. The time is distorted by anything else running on the machine's
cores at the same time: the load average before and after is printed beside it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from experiments.calibration import calibrate, load_firm
from experiments.engines import usable_cores
from experiments.report.calibration import write_calibration

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FIRM = ROOT / "experiments" / "firms" / "default.toml"
TARGET_S = 20 * 60


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firm", type=Path, default=DEFAULT_FIRM)
    parser.add_argument("--budget", type=int, default=None, help="default: the firm file's")
    parser.add_argument("--workers", type=int, default=None, help="default: the usable cores")
    parser.add_argument("--keep", type=Path, default=None, metavar="DIR",
                        help="calibrate into DIR and keep it (default: a temporary folder)")
    args = parser.parse_args()
    firm = load_firm(args.firm)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp) / "calibration"
        load_before = os.getloadavg()
        start = time.perf_counter()
        calibrate(firm, folder, budget=args.budget, workers=args.workers, quiet=True)
        searched = time.perf_counter()
        report = write_calibration(folder)
        done = time.perf_counter()
        load_after = os.getloadavg()
    cal = report.calibration
    s = cal.settings
    runs = len(cal.candidates) * s.seeds + len(cal.checks)
    total = done - start
    rows = [
        ("firm", f"{firm.name} ({args.firm.name}), runs of {firm.weeks} weeks"),
        ("settings", f"{len(cal.candidates)} candidates x {s.seeds} seeds, check "
                     f"{s.check_top} x {s.check_seeds}, batch {s.batch}"),
        ("workers", str(args.workers if args.workers is not None else usable_cores())),
        ("runs", str(runs)),
        ("search and check", f"{searched - start:.0f} s ({(searched - start) / runs:.2f} s/run)"),
        ("report", f"{done - searched:.1f} s"),
        ("total", f"{total:.0f} s = {total / 60:.1f} min (target <= {TARGET_S // 60} min): "
                  f"{'met' if total <= TARGET_S else 'NOT met'}"),
        ("load average", f"{load_before[0]:.1f} before, {load_after[0]:.1f} after "
                         f"(on {os.cpu_count()} cores)"),
        ("result", report.verdict),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key.ljust(width)}  {value}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
