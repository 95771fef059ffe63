"""Single-run benchmark: wall time and peak memory of one simulation.

Prints, for the default preset and for a 10x organisation with 10x lead volume: the median wall
time per run, the time per lead-step (one active lead for one week) and per agent-step (one
person for one week), and the peak resident memory of a fresh process doing the runs.
Targets (issue 2): default run (182 weeks) <= 0.25 s median on one core; 10x costs <= 10x.

    .venv/bin/python benchmarks/bench_run.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time

SCALES = {
    "default": {},
    # 10x people; 10x revenue (so 10x budget), and inquiry yield raised so that 10x the demand
    # spend gives 10x the inquiries despite diminishing returns (spend^0.7).
    "10x org, 10x leads": {"org.n_reps": 200, "org.n_marketers": 60,
                           "market.initial_arr_usd": 600e6,
                           "market.inquiry_alpha": 0.024 * 10 ** 0.3},
}


def measure(overrides: dict, runs: int) -> dict:
    """Runs in this process; called in a fresh child so peak memory is the config's own."""
    from sim import presets, run

    params = presets.get("undefined", overrides)
    run(params, 0)  # warm-up: imports and first-call costs are not a run's cost
    times, lead_steps = [], []
    for seed in range(1, runs + 1):
        start = time.perf_counter()
        result = run(params, seed)
        times.append(time.perf_counter() - start)
        active = result.weekly.filter(like="active_").sum(axis=1)
        lead_steps.append(float(active.sum()))
    people = params.org.n_reps + params.org.n_marketers + 3
    median = statistics.median(times)
    return {
        "median_s": median,
        "per_lead_step_us": 1e6 * median / statistics.median(lead_steps),
        "per_agent_step_us": 1e6 * median / (people * params.weeks),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "leads_created": int(result.weekly.leads_created.iloc[-1]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="timed runs per scale")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(SCALES[args.child], args.runs)))
        return
    rows = {}
    for name in SCALES:
        out = subprocess.run([sys.executable, __file__, "--child", name, "--runs",
                              str(args.runs)], capture_output=True, text=True, check=True)
        rows[name] = json.loads(out.stdout)
    base = rows["default"]["median_s"]
    print(f"{'scale':22} {'median/run':>11} {'vs default':>10} {'per lead-step':>14} "
          f"{'per agent-step':>15} {'peak RSS':>9} {'leads':>8}")
    for name, r in rows.items():
        print(f"{name:22} {r['median_s']:>10.3f}s {r['median_s'] / base:>9.1f}x "
              f"{r['per_lead_step_us']:>12.2f}us {r['per_agent_step_us']:>13.1f}us "
              f"{r['peak_rss_mb']:>7.0f}MB {r['leads_created']:>8}")
    print(f"\n{args.runs} timed runs each, 182 weeks, preset 'undefined', one process per scale.")


if __name__ == "__main__":
    main()
