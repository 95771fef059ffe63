"""How long the workshop dashboard's server takes for one week: step, read, redraw every view.

For the default organisation, one arm and two arms side by side, this prints the median and 90th
percentile milliseconds per week of: the model step(s), reading the weekly tables, and drawing
all six views to PNG, over weeks 1-N of a run. The browser adds the websocket round trip and
image decoding on top; tests/app/test_dashboard_browser.py prints that full click-to-screen time.

Usage: python benchmarks/bench_app.py [--weeks 60]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import views
from app.app import series
from app.workshop import Workshop, WorkshopSetup, kotler_bands


def measure(setup: WorkshopSetup, weeks: int) -> dict[str, list[float]]:
    workshop = Workshop(setup)
    panels = views.dashboard(series(workshop), workshop.weeks, kotler_bands())
    for view in panels:  # the page draws week 0 before the first step
        view.png(series(workshop))
    times: dict[str, list[float]] = {"step": [], "read": [], "draw": [], "total": []}
    for _ in range(weeks):
        t0 = time.perf_counter()
        workshop.step()
        t1 = time.perf_counter()
        arms = series(workshop)
        t2 = time.perf_counter()
        for view in panels:
            view.png(arms)
        t3 = time.perf_counter()
        for key, value in zip(times, (t1 - t0, t2 - t1, t3 - t2, t3 - t0), strict=True):
            times[key].append(1000 * value)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=60)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'arms':<28}{'step':>12}{'read':>12}{'draw':>12}{'total':>16}   (ms per week: "
          "median / p90)")
    for name, setup in (("undefined (default org)", WorkshopSetup()),
                        ("aligned | undefined", WorkshopSetup(preset="aligned",
                                                              compare_with="undefined"))):
        times = measure(setup, args.weeks)
        cells = []
        for key in times:
            values = sorted(times[key])
            p90 = values[int(0.9 * (len(values) - 1))]
            cells.append(f"{statistics.median(values):.0f} / {p90:.0f}")
        print(f"{name:<28}" + "".join(f"{c:>12}" for c in cells[:3]) + f"{cells[3]:>16}")


if __name__ == "__main__":
    main()
