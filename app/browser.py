"""Driving the dashboard as a facilitator would: `alignsim app` on a free port and headless
Chromium, for the browser tests, benchmarks/bench_app.py and the guide's screenshot.

Debian's chromium package is driven by playwright's Python client through ``executable_path``
(never ``playwright install``, which downloads a browser from outside). Selectors are the
page's own words: buttons by role and name ("Step", "Reset", ▶ and ❚❚), dropdowns by their
label, the week counter by its class.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PROJECTOR = {"width": 1280, "height": 720}
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "chromium", "chromium-browser")
WEEK = ".alignsim-week"


def chromium() -> str | None:
    """Debian's Chromium binary (or its launcher script), if installed."""
    for candidate in CHROMIUM_CANDIDATES:
        found = candidate if Path(candidate).is_file() else shutil.which(candidate)
        if found and os.access(found, os.X_OK):
            return found
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    lines: list[str] = field(default_factory=list)

    def log(self) -> str:
        return "".join(self.lines)


@contextlib.contextmanager
def dashboard(timeout_s: float = 120.0) -> Iterator[Server]:
    """`alignsim app` on a free port, with Solara's browser files cached for offline use."""
    fill = subprocess.run([sys.executable, str(ROOT / "app" / "setup_assets.py")],
                          capture_output=True, text=True, check=False)
    if fill.returncode != 0:
        raise RuntimeError(f"could not fill Solara's asset cache:\n{fill.stderr}")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "experiments.cli", "app", "--port", str(port)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    server = Server(f"http://127.0.0.1:{port}/")
    started = threading.Event()

    def read() -> None:  # drain the pipe for the server's whole life, so it never blocks
        assert process.stdout is not None
        for line in process.stdout:
            server.lines.append(line)
            if "alignsim workshop dashboard: http://" in line:
                started.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        if not started.wait(timeout=timeout_s):
            raise RuntimeError("alignsim app did not start:\n" + server.log())
        yield server
    finally:
        process.terminate()
        process.wait(timeout=20)
        reader.join(timeout=5)
        assert process.stdout is not None
        process.stdout.close()


def open_page(browser: Any, url: str, viewport: dict | None = None) -> tuple[Any, list[str]]:
    """A new tab on the dashboard that may load only from 127.0.0.1: any other request is
    aborted and listed (the second value, with the page's script errors)."""
    page = browser.new_page(viewport=viewport or PROJECTOR)
    problems: list[str] = []

    def route(request_route: Any) -> None:
        if request_route.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1",
                                                 "data:", "blob:")):
            request_route.continue_()
        else:
            problems.append(f"request beyond this machine: {request_route.request.url}")
            request_route.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda err: problems.append(f"page error: {err}"))
    page.goto(url)
    page.get_by_role("button", name="Step", exact=True).wait_for(timeout=60_000)
    page.locator(".alignsim-chart img").first.wait_for(timeout=60_000)
    return page, problems


def week_shown(page: Any) -> str:
    return page.locator(WEEK).inner_text()


# The week counter (sidebar) and every tile (main area) show the same new week.
NEW_WEEK_SHOWN = """before => {
    const counter = document.querySelector('.alignsim-week');
    if (counter === null || counter.innerText === before) return false;
    const week = counter.innerText.split(' ')[1];
    const tiles = [...document.querySelectorAll('.alignsim-tile h3')];
    return tiles.length > 0 && tiles.every(t => t.dataset.week === week);
}"""


def step_and_time(page: Any, steps: int) -> list[float]:
    """Click Step `steps` times; seconds from each click until the page shows the new week
    (the counter and every arm's tile)."""
    times = []
    for _ in range(steps):
        before = week_shown(page)
        start = time.perf_counter()
        page.get_by_role("button", name="Step", exact=True).click()
        page.wait_for_function(NEW_WEEK_SHOWN, arg=before, timeout=20_000, polling=5)
        times.append(time.perf_counter() - start)
    return times


def pick(page: Any, label: str, option: str, attempts: int = 3) -> None:
    """Choose `option` (its words on the page) in the dropdown labelled `label`. A menu that
    closes under the pointer (its panel was redrawn by the last change) is opened again, as a
    person would."""
    for attempt in range(attempts):
        try:
            page.locator(".v-select").filter(has_text=label).first.click(timeout=10_000)
            page.locator(".menuable__content__active .v-list-item").filter(
                has_text=option).first.click(timeout=5_000)
            return
        except Exception:
            page.keyboard.press("Escape")
            if attempt == attempts - 1:
                raise


def side_by_side(page: Any, on: bool = True, attempts: int = 3) -> None:
    """Switch side-by-side mode and wait for the page to show one tile per arm (clicking again
    if the switch was being redrawn when it was clicked)."""
    tiles = 2 if on else 1
    for attempt in range(attempts):
        page.get_by_text("side by side: arm B").click()
        try:
            page.wait_for_function(f"() => document.querySelectorAll('.alignsim-tile').length "
                                   f"== {tiles}", timeout=10_000)
            return
        except Exception:
            if attempt == attempts - 1:
                raise


def set_seed(page: Any, seed: int | str, attempts: int = 3) -> None:
    """Type a seed and press Enter; wait until the tiles run it (typing again if the box was
    being redrawn)."""
    for attempt in range(attempts):
        box = page.get_by_label("Seed (same seed, same market)")
        box.fill(str(seed))
        box.press("Enter")
        try:
            page.wait_for_function(
                "s => { const t = [...document.querySelectorAll('.alignsim-tile h3')];"
                " return t.length > 0 && t.every(h => h.dataset.seed === s); }",
                arg=str(seed), timeout=10_000)
            return
        except Exception:
            if attempt == attempts - 1:
                raise


def tile_shows(page: Any, text: str, arm: int = 0) -> None:
    """Wait until an arm's tile name contains `text`."""
    page.wait_for_function(
        "([arm, text]) => { const t = document.querySelectorAll('.alignsim-tile h3')[arm];"
        " return t !== undefined && t.innerText.includes(text); }",
        arg=[arm, text], timeout=20_000)


def selected(page: Any, label: str) -> str:
    """The words a dropdown shows."""
    return page.locator(".v-select").filter(has_text=label).first.locator(
        ".v-select__selection").inner_text()


def open_panel(page: Any, title: str) -> None:
    """Expand a sidebar panel (Run, Scenario, Governance, People) if it is closed."""
    header = page.locator(".v-expansion-panel-header").filter(has_text=title).first
    if header.get_attribute("aria-expanded") != "true":
        header.click()


def nudge_slider(page: Any, field_label: str, key: str, presses: int = 1) -> None:
    """Move the slider under a field's label with the keyboard. Each press is a change, after
    which the page draws the controls anew: wait for that, and take the new slider's thumb."""
    for _ in range(presses):
        text = page.locator(".alignsim-field").filter(has_text=field_label).first
        before = text.inner_text()
        text.locator("xpath=following::div[contains(@class,'v-slider__thumb-container')][1]"
                     ).focus()
        page.keyboard.press(key)
        page.wait_for_function(
            "([label, before]) => [...document.querySelectorAll('.alignsim-field')].some("
            "el => el.innerText.startsWith(label) && el.innerText !== before)",
            arg=[field_label, before], timeout=20_000)


def settle(page: Any, quiet_ms: int = 600, limit_s: float = 20.0) -> None:
    """Wait until the week counter has not changed for `quiet_ms`."""
    deadline = time.monotonic() + limit_s
    last = week_shown(page)
    while time.monotonic() < deadline:
        page.wait_for_timeout(quiet_ms)
        now = week_shown(page)
        if now == last:
            return
        last = now
