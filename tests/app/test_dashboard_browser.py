"""End to end: `alignsim app` serves the dashboard and headless Chromium drives it.

Debian's chromium package, driven by playwright's Python client through ``executable_path``
(no browser download). The test loads the page, picks a preset, steps weeks, switches to
side-by-side mode and checks that the charts change; it saves screenshots at projector size
(1280x720) under results/app-screenshots/ and prints how long a step takes to show. On the way
it checks that a second visitor gets a run of their own and that a combination of settings sim
forbids is explained in the page.
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "results" / "app-screenshots"
PROJECTOR = {"width": 1280, "height": 720}
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "chromium", "chromium-browser")

pytestmark = pytest.mark.slow


def chromium() -> str | None:
    for candidate in CHROMIUM_CANDIDATES:
        found = candidate if Path(candidate).is_file() else shutil.which(candidate)
        if found and os.access(found, os.X_OK):
            return found
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def browser_path() -> str:
    path = chromium()
    if path is None:
        pytest.skip("BROWSER TEST SKIPPED: no Chromium found. Install Debian's package "
                    "(`apt-get install -y chromium`; .ci/run does this in CI) to run it.")
    return path


@pytest.fixture(scope="module")
def dashboard() -> Iterator[str]:
    """`alignsim app` on a free port, with Solara's browser files cached for offline use."""
    fill = subprocess.run([sys.executable, str(ROOT / "app" / "setup_assets.py")],
                          capture_output=True, text=True, check=False)
    assert fill.returncode == 0, f"could not fill Solara's asset cache:\n{fill.stderr}"
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "experiments.cli", "app", "--port", str(port)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    started = threading.Event()

    def read() -> None:  # drain the pipe for the server's whole life, so it never blocks
        assert server.stdout is not None
        for line in server.stdout:
            lines.append(line)
            if "alignsim workshop dashboard: http://" in line:
                started.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        if not started.wait(timeout=120):
            pytest.fail("alignsim app did not start:\n" + "".join(lines))
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        server.wait(timeout=20)
        reader.join(timeout=5)
        assert server.stdout is not None
        server.stdout.close()


def chart_pixels(page) -> list[bytes]:
    return [img.screenshot() for img in page.locator(".alignsim-chart img").all()]


def week_shown(page) -> str:
    return page.locator(".alignsim-week").inner_text()


def step_and_time(page, steps: int) -> list[float]:
    """Click Step `steps` times; seconds from each click until the page shows the new week."""
    times = []
    for _ in range(steps):
        before = week_shown(page)
        start = time.perf_counter()
        page.get_by_role("button", name="Step", exact=True).click()
        page.wait_for_function(
            "before => { const el = document.querySelector('.alignsim-week');"
            " return el !== null && el.innerText !== before; }",
            arg=before, timeout=10_000, polling=5)
        times.append(time.perf_counter() - start)
    return times


def pick(page, label: str, option: str) -> None:
    page.locator(".v-select").filter(has_text=label).first.click()
    page.locator(".menuable__content__active .v-list-item").filter(
        has_text=option).first.click()


def test_dashboard_in_headless_chromium(browser_path: str, dashboard: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=browser_path)
        try:
            page = browser.new_page(viewport=PROJECTOR)
            page.on("pageerror", lambda err: problems.append(str(err)))
            page.goto(dashboard)
            step = page.get_by_role("button", name="Step", exact=True)
            expect(step).to_be_visible(timeout=30_000)
            expect(page.locator(".alignsim-chart img")).to_have_count(6, timeout=30_000)
            page.screenshot(path=SHOTS / "1-loaded.png")

            pick(page, "preset", "aligned")
            expect(page.locator(".alignsim-tile h3")).to_have_text("aligned")
            expect(page.get_by_text("Kotler 'Aligned'")).to_be_visible()
            start = chart_pixels(page)
            timings = step_and_time(page, 8)
            expect(page.locator(".alignsim-week")).to_have_text("week 8 of 182")
            page.wait_for_timeout(300)  # let the last images decode before comparing
            stepped = chart_pixels(page)
            assert all(a != b for a, b in zip(start, stepped, strict=True)), \
                "a chart did not change over 8 weeks"
            page.screenshot(path=SHOTS / "2-aligned-week-8.png")

            page.get_by_text("side by side: same market, another rule").click()
            expect(page.locator(".alignsim-tile h3")).to_have_text(["aligned", "joint"])
            pick(page, "compare with", "undefined")
            expect(page.locator(".alignsim-tile h3")).to_have_text(["aligned", "undefined"])
            single = chart_pixels(page)
            timings += step_and_time(page, 8)
            page.wait_for_timeout(300)
            paired = chart_pixels(page)
            assert all(a != b for a, b in zip(single, paired, strict=True)), \
                "a chart did not change in side-by-side mode"
            expect(page.locator(".alignsim-week")).to_have_text("week 8 of 182")
            expect(page.locator(".alignsim-tile .big")).to_have_count(2)
            page.screenshot(path=SHOTS / "3-side-by-side-week-8.png")

            # A second visitor gets a run of their own, not the first one's.
            other = browser.new_page(viewport=PROJECTOR)
            other.goto(dashboard)
            expect(other.locator(".alignsim-tile h3")).to_have_text("undefined",
                                                                     timeout=30_000)
            expect(other.locator(".alignsim-week")).to_have_text("week 0 of 182")
            other.close()
            expect(page.locator(".alignsim-week")).to_have_text("week 8 of 182")

            # A combination sim forbids is repaired and explained, never a traceback.
            pick(page, "planning owner", "cro")
            expect(page.get_by_text("structure moved to")).to_be_visible()
            expect(page.get_by_text("Traceback")).to_have_count(0)

            # Play, then pause: the run advances by itself.
            page.get_by_role("button", name="▶").click()
            page.wait_for_timeout(1500)
            page.get_by_role("button", name="❚❚").click()
            # Let a step that was under way when pause was clicked finish before resetting.
            settled = week_shown(page)
            for _ in range(20):
                page.wait_for_timeout(400)
                now = week_shown(page)
                if now == settled:
                    break
                settled = now
            assert week_shown(page) != "week 0 of 182"
            page.screenshot(path=SHOTS / "4-after-play.png")
            page.get_by_role("button", name="Reset", exact=True).click()
            expect(page.locator(".alignsim-week")).to_have_text("week 0 of 182")
        except Exception:
            page.screenshot(path=SHOTS / "failure.png")
            raise
        finally:
            browser.close()

    median_ms = 1000 * statistics.median(timings)
    print(f"\nstep to screen in the browser: median {median_ms:.0f} ms, "
          f"max {1000 * max(timings):.0f} ms over {len(timings)} steps; screenshots in {SHOTS}")
    assert not problems, f"errors in the page: {problems}"
