"""Sweep benchmark: throughput with 1 and 2 workers, runner overhead against a bare loop,
coordinator peak memory as a sweep of short runs grows, and the time of 1,000 default runs.

    .venv/bin/python benchmarks/bench_sweep.py            # the full table (about 6 minutes)
    .venv/bin/python benchmarks/bench_sweep.py --quick    # smaller sizes (about 1 minute)

Targets (issue "Experiment engine"): 2 workers >= 1.9x one worker; overhead <= 5%; coordinator
peak memory <= 300 MB and flat as the sweep grows; 1,000 default runs <= 2 minutes on 2 cores.
Numbers are distorted by anything else running on the machine's cores at the same time.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from experiments.design import plan
from experiments.engines import usable_cores
from experiments.runner import run_experiment
from experiments.spec import ExperimentSpec, spec_from_dict

SHORT_RUN = {"org.n_reps": 5, "org.n_marketers": 2, "burn_in_weeks": 2}


def default_spec(runs: int, name: str = "bench_default") -> ExperimentSpec:
    """`runs` default runs (182 weeks) over the four Kotler presets, common random numbers."""
    return spec_from_dict({"name": name, "replicates": max(1, runs // 4),
                           "factors": {"preset": ["undefined", "defined", "aligned",
                                                  "integrated"]}})


def short_spec(runs: int, weeks: int) -> ExperimentSpec:
    return spec_from_dict({"name": "bench_short", "weeks": weeks, "replicates": runs // 4,
                           "overrides": SHORT_RUN,
                           "factors": {"preset": ["undefined", "defined", "aligned",
                                                  "integrated"]}})


def bare_loop(spec: ExperimentSpec) -> float:
    """The same runs in a plain loop in this process: no pool, no store."""
    from sim import run

    start = time.perf_counter()
    for planned in plan(spec):
        run(spec.arm_params(planned.arm.values), planned.seed)
    return time.perf_counter() - start


def sweep_time(spec: ExperimentSpec, workers: int) -> float:
    return sweep_costs(spec, workers)[0]


def sweep_costs(spec: ExperimentSpec, workers: int) -> tuple[float, float, float]:
    """Wall time of a sweep, CPU time of this (the coordinating) process, and the runs' own
    time summed over the workers."""
    from experiments.store import load

    with tempfile.TemporaryDirectory() as tmp:
        cpu = resource.getrusage(resource.RUSAGE_SELF)
        start = time.perf_counter()
        summary = run_experiment(spec, Path(tmp) / spec.name, workers=workers, quiet=True)
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_SELF)
        run_time = float(load(Path(tmp) / spec.name)[0]["duration_s"].sum())
    if summary.failed:
        raise SystemExit(f"benchmark sweep had {summary.failed} failed runs")
    coordinator = (after.ru_utime - cpu.ru_utime) + (after.ru_stime - cpu.ru_stime)
    return elapsed, coordinator, run_time


def peak_rss_mb() -> float:
    """Peak resident memory of this process. Linux's VmHWM starts afresh at exec; ru_maxrss
    (the fallback elsewhere) keeps the peak of the process that started this one."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child_sweep(runs: int, weeks: int | None) -> dict[str, Any]:
    """Run in a fresh process: time and coordinator peak RSS of a sweep on 2 workers, of
    `runs` short runs of `weeks` weeks, or of default runs when `weeks` is None."""
    import sim  # noqa: F401 - the imports a sweep needs, before measuring

    spec = default_spec(runs, "bench_1000") if weeks is None else short_spec(runs, weeks)
    before = peak_rss_mb()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        summary = run_experiment(spec, Path(tmp) / spec.name, workers=2, quiet=True)
        elapsed = time.perf_counter() - start
    return {"runs": summary.done + summary.failed, "failed": summary.failed,
            "before_mb": before, "peak_mb": peak_rss_mb(), "elapsed_s": elapsed}


def sweep_in_child(runs: int, weeks: int | None) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", str(runs)]
    if weeks is not None:
        command += ["--weeks", str(weeks)]
    out = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    parser.add_argument("--runs", type=int, default=None,
                        help="default runs for the throughput rows (default 40; quick 16)")
    parser.add_argument("--repeats", type=int, default=None,
                        help="measure each throughput row this many times, keep the best "
                             "(default 3; quick 2)")
    parser.add_argument("--skip-1000", action="store_true",
                        help="leave out the 1,000 default runs row")
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--weeks", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(child_sweep(args.child, args.weeks)))
        return 0

    n = args.runs or (16 if args.quick else 40)
    repeats = args.repeats or (2 if args.quick else 3)
    print(f"cores usable: {usable_cores()}; other load on them distorts these numbers (each "
          f"time is the best of {repeats}, measured in turn)\n")
    spec = default_spec(n)
    times: dict[str, list[float]] = {"bare": [], "one": [], "two": []}
    coordinator, run_time = [], []
    for _ in range(repeats):
        times["bare"].append(bare_loop(spec))
        times["one"].append(sweep_time(spec, 1))
        wall, cpu, runs = sweep_costs(spec, 2)
        times["two"].append(wall)
        coordinator.append(cpu)
        run_time.append(runs)
    bare, one, two = (min(times[k]) for k in ("bare", "one", "two"))
    rows = [
        ("bare loop, this process", n / bare, ""),
        ("runner, 1 worker", n / one, f"overhead {100 * (one / bare - 1):+.1f}% (target <= 5%)"),
        ("runner, 2 workers", n / two, f"speed-up {one / two:.2f}x (target >= 1.9x)"),
    ]
    print(f"throughput, {n} default runs (182 weeks, 4 Kotler presets)")
    print(f"  {'engine':28} {'runs/s':>8}  note")
    for name, rate, note in rows:
        print(f"  {name:28} {rate:8.2f}  {note}")
    share = min(coordinator) / min(run_time)
    print(f"  coordinator CPU with 2 workers: {1000 * min(coordinator) / n:.1f} ms per run, "
          f"{100 * share:.1f}% of the runs' own time: on 2 otherwise idle cores the speed-up "
          f"can reach {2 / (1 + share):.2f}x")

    sizes = (1_000, 2_000, 4_000) if args.quick else (2_500, 5_000, 10_000)
    weeks = 5
    print(f"\ncoordinator peak memory, sweeps of short runs ({weeks} weeks, 5 reps), "
          "2 workers (target <= 300 MB, flat)")
    print(f"  {'runs':>7} {'before MB':>10} {'peak MB':>8} {'runs/s':>8}")
    for size in sizes:
        m = sweep_in_child(size, weeks)
        print(f"  {m['runs']:7d} {m['before_mb']:10.1f} {m['peak_mb']:8.1f} "
              f"{m['runs'] / m['elapsed_s']:8.1f}")

    if not args.skip_1000:
        big = 200 if args.quick else 1_000
        m = sweep_in_child(big, None)
        print(f"\n{big} default runs on 2 workers: {m['elapsed_s']:.1f} s "
              f"({m['runs'] / m['elapsed_s']:.2f} runs/s; target for 1,000: <= 120 s); "
              f"coordinator peak {m['peak_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
