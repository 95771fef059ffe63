"""How fast the workshop dashboard answers: a week on the server, a Step on screen, and "fast".

Prints, for the default organisation with one arm and with two arms side by side:
1. on the server, the milliseconds per week (median / 90th percentile) to step the model(s)
   and to paint the frame (read the weekly tables, draw every chart, build tiles and tables);
2. in headless Chromium (Debian's package, if installed), from a click on Step until the page
   shows the new week in the counter and every tile, with two arms: the median and maximum;
3. in the browser, the pace of play at "fast" (nominally SPEEDS["fast"] ms a week) with two
   arms: the median milliseconds between weeks as the page shows them.

The machine's load average is printed before and after: figures taken while other programs
use the cores are slower than the dashboard is on a quiet laptop.

Usage: python benchmarks/bench_app.py [--weeks 60] [--steps 30] [--play-seconds 8]
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import browser as drive
from app.session import SPEEDS, Session
from app.workshop import WorkshopSetup

SETUPS = (("one arm (undefined)", WorkshopSetup()),
          ("two arms (aligned | undefined)", WorkshopSetup(preset="aligned",
                                                           compare_with="undefined")))
# Timestamps (performance.now()) of every change of the week counter, kept by the page.
RECORD_WEEKS = """() => {
    window.alignsimWeeks = [];
    const counter = document.querySelector('.alignsim-week');
    new MutationObserver(() => window.alignsimWeeks.push(
        [performance.now(), counter.innerText])).observe(counter,
        {childList: true, characterData: true, subtree: true});
}"""


def load() -> str:
    return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"


def cell(values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[int(0.9 * (len(ordered) - 1))]
    return f"{statistics.median(ordered):.0f} / {p90:.0f}"


def server_side(weeks: int) -> None:
    print(f"{'server, ms per week':<34}{'step':>12}{'paint':>12}{'total':>12}   (median / p90)")
    for name, setup in SETUPS:
        session = Session(setup)
        workshop, painter = session._workshop, session._painter  # the session's own parts
        times: dict[str, list[float]] = {"step": [], "paint": [], "total": []}
        for _ in range(weeks):
            t0 = time.perf_counter()
            workshop.step()
            t1 = time.perf_counter()
            painter.paint()
            t2 = time.perf_counter()
            for key, value in zip(times, (t1 - t0, t2 - t1, t2 - t0), strict=True):
                times[key].append(1000 * value)
        print(f"{name:<34}" + "".join(f"{cell(v):>12}" for v in times.values()))


def in_browser(steps: int, play_seconds: float) -> None:
    path = drive.chromium()
    if path is None:
        print("browser: skipped, no Chromium (apt-get install -y chromium)")
        return
    from playwright.sync_api import sync_playwright

    with drive.dashboard() as server, sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=path)
        page, problems = drive.open_page(chromium, server.url)
        page.get_by_text("side by side: arm B").click()
        page.wait_for_function("() => document.querySelectorAll('.alignsim-tile').length == 2")
        drive.step_and_time(page, 2)  # the first weeks after loading are not the room's case
        clicks = [1000 * t for t in drive.step_and_time(page, steps)]
        print(f"browser, two arms: Step click to screen: median {statistics.median(clicks):.0f}"
              f" ms, max {max(clicks):.0f} ms over {steps} steps")

        page.get_by_role("button", name="Reset", exact=True).click()
        page.wait_for_function("() => document.querySelector('.alignsim-week').innerText"
                               ".startsWith('week 0 ')")
        page.get_by_role("button", name="fast", exact=True).click()
        page.evaluate(RECORD_WEEKS)
        page.get_by_role("button", name="▶").click()
        page.wait_for_timeout(int(1000 * play_seconds))
        page.get_by_role("button", name="❚❚").click()
        seen = page.evaluate("() => window.alignsimWeeks")
        weeks = [(t, int(text.split()[1])) for t, text in seen]
        gaps = [b[0] - a[0] for a, b in itertools.pairwise(weeks) if b[1] == a[1] + 1]
        if gaps:
            print(f"browser, two arms: play at 'fast' (nominal {SPEEDS['fast']} ms a week): "
                  f"median {statistics.median(gaps):.0f} ms a week, 90th percentile "
                  f"{sorted(gaps)[int(0.9 * (len(gaps) - 1))]:.0f} ms, over {len(gaps)} weeks")
        chromium.close()
        if problems:
            print("problems in the page:", *problems, sep="\n  ")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=60, help="weeks on the server (60)")
    parser.add_argument("--steps", type=int, default=30, help="Step clicks in the browser (30)")
    parser.add_argument("--play-seconds", type=float, default=8.0,
                        help="seconds of play at 'fast' (8)")
    args = parser.parse_args()
    print(f"before: {load()}")
    server_side(args.weeks)
    in_browser(args.steps, args.play_seconds)
    print(f"after: {load()}")


if __name__ == "__main__":
    main()
