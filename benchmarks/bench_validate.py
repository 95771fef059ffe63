"""Validate benchmark: the wall time of `alignsim validate` at its defaults (every fact, 20 paired
seeds, default weeks) from an empty folder, with the runs, the runs per second, the time spent
judging the claims and writing the outputs, and the model time per run.

    .venv/bin/python benchmarks/bench_validate.py                # defaults, all usable cores
    .venv/bin/python benchmarks/bench_validate.py --workers 2    # the target's 2 cores
    .venv/bin/python benchmarks/bench_validate.py --seeds 4      # a quicker look

Target (issue 11): at most 5 minutes on 2 cores at the defaults. Numbers are distorted by
anything else running on the machine's cores at the same time; the script prints the load
average before and after so a reader can tell.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from experiments.cli.validate import DEFAULT_SEED_BASE, DEFAULT_SEEDS, run_validation
from experiments.engines import usable_cores
from experiments.store import load, read_manifest

TARGET_S = 300.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=None,
                        help="local worker processes (default: the usable cores)")
    parser.add_argument("--seeds", type=int, default=DEFAULT_SEEDS)
    parser.add_argument("--perturb", type=int, default=0)
    args = parser.parse_args()
    workers = usable_cores() if args.workers is None else args.workers
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-validate-") as tmp:
        out = Path(tmp) / "validate"
        start = time.perf_counter()
        validation, failed = run_validation(seeds=args.seeds, seed_base=DEFAULT_SEED_BASE,
                                            perturb=args.perturb, out=out, workers=workers,
                                            quiet=not sys.stderr.isatty())
        total = time.perf_counter() - start
        runs, _ = load(out)
        sweep_s = float((read_manifest(out) or {})["sessions"][-1]["elapsed_s"])
    model_s = runs["duration_s"].sum()
    print(f"alignsim validate --seeds {args.seeds} --perturb {args.perturb} on {workers} "
          f"worker(s), {usable_cores()} usable core(s)")
    print(f"  load average before: {load_before[0]:.2f}, after: {os.getloadavg()[0]:.2f}")
    print(f"  runs: {len(runs)} ({failed} failed), model time per run "
          f"{model_s / max(len(runs), 1):.2f} s (median {runs['duration_s'].median():.2f} s)")
    print(f"  wall time: {total:.1f} s ({len(runs) / total:.2f} runs/s); "
          f"target at the defaults on 2 cores: <= {TARGET_S:.0f} s")
    print(f"  of which the runs {sweep_s:.1f} s; planning, judging the claims and writing "
          f"{total - sweep_s:.1f} s")
    held = (validation.summary["verdict"] == "holds").sum()
    print(f"  facts holding: {held} of {len(validation.summary)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
