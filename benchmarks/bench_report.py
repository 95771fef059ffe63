"""Report benchmark: `alignsim report` on one results store, this code against an older commit.

    .venv/bin/python benchmarks/bench_report.py                    # builds the planning-owner
                                                                   # store first (~2.5 min)
    .venv/bin/python benchmarks/bench_report.py --store results/planning_owner --old ba9f64c

Each report runs as its own process (imports included, as a user runs it), `--repeat` times; the
table gives the median wall time and the median CPU time (user + system) of each, and the
speed-up. The older code is taken from git (`git archive`) into a temporary folder and reads the
same store. Wall time is distorted by anything else running on the machine's cores; CPU time
much less so, and the load averages before and after are printed so a reader can tell.
Target (issue 14): the report at least 3x faster than before on the planning-owner store.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "experiments" / "specs" / "planning_owner.toml"


def timed_report(code: Path, store: Path, out: Path) -> tuple[float, float]:
    """Wall and CPU seconds of `alignsim report STORE` run from the source tree `code`."""
    env = {**os.environ, "PYTHONPATH": str(code), "MPLBACKEND": "Agg"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "experiments.cli", "report", str(store),
                           "--out", str(out), "--quiet"], cwd=code, env=env,
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"report from {code} failed:\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def checkout(commit: str, into: Path) -> Path:
    """The source tree of `commit`, unpacked from git into `into`."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def default_old() -> str:
    """The commit this branch started from: where it leaves the main line."""
    found = subprocess.run(["git", "-C", str(ROOT), "merge-base", "HEAD", "main"],
                           capture_output=True, text=True)
    return found.stdout.strip() or "HEAD~1"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, default=None,
                        help="results folder to report on (default: sweep planning_owner.toml "
                             "into a temporary folder first)")
    parser.add_argument("--old", default=None, help="commit to compare with (default: where "
                                                     "this branch leaves main)")
    parser.add_argument("--repeat", type=int, default=3, help="reports per version (default 3)")
    args = parser.parse_args()
    old = args.old or default_old()
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        work = Path(tmp)
        store = args.store
        if store is None:
            store = work / "planning_owner"
            print(f"sweeping {SPEC.name} into {store} ...", file=sys.stderr)
            subprocess.run([sys.executable, "-m", "experiments.cli", "sweep", str(SPEC),
                            "--out", str(store), "--quiet"], cwd=ROOT, check=True)
        (work / "old").mkdir()
        old_code = checkout(old, work / "old")
        load_before = os.getloadavg()
        results: dict[str, list[tuple[float, float]]] = {"old": [], "new": []}
        for i in range(args.repeat):
            # Interleaved, so a change in the machine's load falls on both alike.
            results["old"].append(timed_report(old_code, store, work / f"old-{i}"))
            results["new"].append(timed_report(ROOT, store, work / f"new-{i}"))
        load_after = os.getloadavg()
    wall = {k: statistics.median(w for w, _ in v) for k, v in results.items()}
    cpu = {k: statistics.median(c for _, c in v) for k, v in results.items()}
    print(f"report of {store} ({args.repeat} runs each, median)")
    print(f"{'code':<28}{'wall s':>10}{'CPU s':>10}")
    print(f"{'old: ' + old[:10]:<28}{wall['old']:>10.1f}{cpu['old']:>10.1f}")
    print(f"{'new: this tree':<28}{wall['new']:>10.1f}{cpu['new']:>10.1f}")
    print(f"{'speed-up':<28}{wall['old'] / wall['new']:>9.1f}x{cpu['old'] / cpu['new']:>9.1f}x")
    print(f"load average (1 min) before {load_before[0]:.1f}, after {load_after[0]:.1f} on "
          f"{os.cpu_count()} cores: above the core count, the machine was shared and wall "
          "times are inflated")


if __name__ == "__main__":
    main()
