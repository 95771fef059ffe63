"""End to end: `alignsim app` serves the dashboard and headless Chromium drives it.

Debian's chromium package, driven by playwright's Python client through ``executable_path``
(no browser download; `app.browser` has the helpers). The tests drive the page as a facilitator
would: every kind of control, a run step by step, two tabs, no network beyond this machine, a
projector's 1280x720, and a hammer of clicks on two arms while playing. They save screenshots
under results/app-screenshots/ and print how long a step takes to show.

``ALIGNSIM_HAMMER_REPEAT=10 pytest tests/app/test_dashboard_browser.py -k hammer`` runs the
hammer ten times in a row.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import shlex
import statistics
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from app import browser as drive
from app import labels, views
from app.frames import tile_lines
from app.session import SPEEDS
from app.workshop import DEFAULT_WEEKS as WEEKS
from experiments.cli import main
from sim import presets

SHOTS = drive.ROOT / "results" / "app-screenshots"
HAMMER_ACTIONS = 40
ERROR_WORDS = ("Traceback", "Error", "error in", "Too many renders", "Exception")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser_path() -> str:
    path = drive.chromium()
    if path is None:
        pytest.skip("BROWSER TEST SKIPPED: no Chromium found. Install Debian's package "
                    "(`apt-get install -y chromium`; .ci/run does this in CI) to run it.")
    return path


@pytest.fixture(scope="module")
def server() -> Iterator[drive.Server]:
    with drive.dashboard() as running:
        yield running
    log = running.log()
    for word in ("Traceback", "Too many renders", "samesite"):
        assert word not in log, f"the facilitator's terminal shows {word!r}:\n{log[-3000:]}"


@pytest.fixture(scope="module")
def chromium_browser(browser_path: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=browser_path)
        yield launched
        launched.close()


@pytest.fixture
def page(chromium_browser: Any, server: drive.Server,
         request: pytest.FixtureRequest) -> Iterator[Any]:
    tab, problems = drive.open_page(chromium_browser, server.url)
    yield tab
    tab.screenshot(path=SHOTS / f"last-{re.sub(r'[^a-z0-9]+', '-', request.node.name)}.png")
    tab.close()
    assert not problems, problems


def no_error_on(page: Any) -> None:
    text = page.locator("body").inner_text()
    for word in ERROR_WORDS:
        assert word not in text, f"the page shows {word!r}: {text[:2000]}"


def visible_code_names(page: Any) -> list[str]:
    """Words with an underscore or a dotted parameter name among the page's visible text."""
    text = page.locator("body").inner_text()
    return sorted(set(re.findall(r"\b\w+_\w+\b|\b(?:governance|behaviour|org)\.\w+", text)))


def tiles(page: Any) -> list[str]:
    return page.locator(".alignsim-tile h3").all_inner_texts()


def consistent_preset(page: Any) -> None:
    """The dropdown, the description under it and arm A's tile name the same preset."""
    shown = drive.selected(page, "Preset (arm A)")
    (name,) = [p for p in presets.names() if labels.preset(p) == shown]
    assert page.locator(".alignsim-describe").first.inner_text() == presets.describe(name)
    assert page.locator(".alignsim-tile h3").first.get_attribute("data-preset") == name
    assert tiles(page)[0].startswith(f"A · {shown}")


def chart_pixels(page: Any) -> list[bytes]:
    return [img.screenshot() for img in page.locator(".alignsim-chart img").all()]


def test_a_facilitators_session(page: Any, chromium_browser: Any,
                                server: drive.Server) -> None:
    """Every kind of control once, a run step by step, a second tab, and no network."""
    page.screenshot(path=SHOTS / "1-loaded.png")
    assert drive.week_shown(page) == f"week 0 of {WEEKS}"
    assert not visible_code_names(page), visible_code_names(page)

    drive.pick(page, "Preset (arm A)", "Aligned (Kotler)")
    page.get_by_text(presets.describe("aligned")).wait_for()
    consistent_preset(page)
    start = chart_pixels(page)
    timings = drive.step_and_time(page, 10)  # rates show once their 8-week window is full
    assert drive.week_shown(page) == f"week 10 of {WEEKS}"
    page.wait_for_timeout(300)  # let the last images decode before comparing
    assert all(a != b for a, b in zip(start, chart_pixels(page), strict=True)), \
        "a chart did not change over 10 weeks"

    page.get_by_text("side by side: arm B").click()
    page.wait_for_function("() => document.querySelectorAll('.alignsim-tile').length == 2")
    drive.pick(page, "Compare with (arm B)", "Undefined (Kotler)")
    page.wait_for_function("() => document.querySelectorAll('.alignsim-tile h3')[1]"
                           ".innerText.includes('Undefined')")
    timings += drive.step_and_time(page, 8)
    assert drive.week_shown(page) == f"week 8 of {WEEKS}"
    page.screenshot(path=SHOTS / "2-side-by-side-week-8.png")

    # A second visitor gets a run of their own, not the first one's.
    other, other_problems = drive.open_page(chromium_browser, server.url)
    assert drive.week_shown(other) == f"week 0 of {WEEKS}"
    assert tiles(other) == ["A · Undefined (Kotler)"]
    drive.step_and_time(other, 1)
    other.close()
    assert not other_problems
    assert drive.week_shown(page) == f"week 8 of {WEEKS}"

    # A combination sim forbids is repaired and explained in words, never a traceback.
    drive.open_panel(page, "Governance")
    drive.pick(page, "Who plans the budget", "a CRO")
    note = page.locator(".v-alert").filter(has_text="moved to")
    note.wait_for()
    assert "Leadership moved to" in note.inner_text() and "_" not in note.inner_text()
    assert drive.week_shown(page) == f"week 0 of {WEEKS}"
    assert "a CRO" in tiles(page)[0]
    page.get_by_role("button", name="back to the preset").click()
    page.wait_for_function("() => !document.querySelector('.alignsim-tile h3')"
                           ".innerText.includes('CRO')")

    # People changes show in both tiles and go back with one click.
    drive.open_panel(page, "People")
    drive.nudge_slider(page, "Sales reps", "ArrowRight", 2)
    page.wait_for_function("() => document.querySelectorAll('.alignsim-tile h3')[1]"
                           ".innerText.includes('sales reps 22')")
    assert "sales reps 22" in tiles(page)[0]
    page.get_by_role("button", name="back to the default people").click()
    page.wait_for_function("() => !document.body.innerText.includes('sales reps 22')")

    # Play, then pause: the run advances by itself, and the page settles where it stopped.
    page.get_by_role("button", name="fast", exact=True).click()
    page.get_by_role("button", name="▶").click()
    page.wait_for_function("() => !document.querySelector('.alignsim-week').innerText"
                           ".startsWith('week 0 ')", timeout=10_000)
    page.wait_for_timeout(1000)
    page.get_by_role("button", name="❚❚").click()
    drive.settle(page)
    paused_at = drive.week_shown(page)
    assert paused_at != f"week 0 of {WEEKS}"
    page.wait_for_timeout(800)
    assert drive.week_shown(page) == paused_at, "the run moved after pause"
    page.screenshot(path=SHOTS / "3-after-play.png")
    page.get_by_role("button", name="Reset", exact=True).click()
    page.wait_for_function("w => document.querySelector('.alignsim-week').innerText == w",
                           arg=f"week 0 of {WEEKS}")
    no_error_on(page)
    assert not visible_code_names(page), visible_code_names(page)

    median_ms = 1000 * statistics.median(timings)
    print(f"\nstep to screen in the browser (one and two arms, machine as it is): median "
          f"{median_ms:.0f} ms, max {1000 * max(timings):.0f} ms over {len(timings)} steps; "
          f"screenshots in {SHOTS}")
    assert median_ms < 2000, "a Step takes seconds to show"


def test_the_page_runs_what_alignsim_run_runs(page: Any, tmp_path: Path) -> None:
    """The page's week-26 numbers are those of the command it prints, run from the CLI."""
    page.wait_for_timeout(2500)  # long enough for any slider to settle (and snap, if it did)
    page.get_by_text("The same runs on the command line").click()
    command = page.locator(".alignsim-commands code").first
    loaded = f"alignsim run --preset undefined --weeks {WEEKS} --seed 1"
    assert command.inner_text() == loaded, "the page changed a setting by itself after loading"

    drive.pick(page, "Preset (arm A)", "Aligned (Kotler)")
    page.get_by_text(presets.describe("aligned")).wait_for()
    drive.set_seed(page, 3)
    drive.open_panel(page, "Governance")
    drive.pick(page, "Penalty for a noticed breach", "none")
    drive.open_panel(page, "People")
    drive.nudge_slider(page, "Reps' preference for their own prospects", "ArrowRight", 1)
    page.wait_for_function("() => document.querySelector('.alignsim-tile h3').innerText"
                           ".includes('preference')")
    drive.nudge_slider(page, "weeks per Step", "End")
    page.wait_for_function("() => document.body.innerText.includes('weeks per Step: 13')")
    drive.step_and_time(page, 2)
    assert drive.week_shown(page) == f"week 26 of {WEEKS}"
    shown = page.locator(".alignsim-tile div").all_inner_texts()
    cli = command.inner_text()
    assert "--seed 3" in cli and "governance.sanctions=none" in cli
    assert "behaviour.prospect_bias=1.8" in cli

    out = tmp_path / "cli"
    assert main([*shlex.split(cli)[1:], "--out", str(out), "--no-chart", "--quiet"]) == 0
    (weekly_csv,) = out.glob("*weekly*.csv")
    weekly = pd.read_csv(weekly_csv).set_index("week")
    weekly = weekly.drop(columns=[c for c in ("arm", "replicate", "seed") if c in weekly])
    expected = tile_lines(views.display_table(weekly.loc[:26]), 26)
    assert [re.sub("<[^>]+>", "", line) for line in expected] == shown


def test_the_seed_box_refuses_what_is_not_a_seed(page: Any) -> None:
    from playwright.sync_api import expect

    seed = page.get_by_label("Seed (same seed, same market)")
    for text in ("abc", "3.7", "-5", "99999999999999999999"):
        seed.fill(text)
        seed.press("Enter")
        page.locator(".v-alert").filter(has_text="whole number").filter(
            has_text=f"“{text}”").wait_for()
        expect(page.get_by_label("Seed (same seed, same market)")).to_have_value("1")
    drive.set_seed(page, 7)
    page.wait_for_function("() => !document.body.innerText.includes('whole number')")
    page.get_by_text("The same runs on the command line").click()
    assert "--seed 7" in page.locator(".alignsim-commands code").first.inner_text()


def test_everything_fits_a_projector(page: Any) -> None:
    """At 1280x720 the tiles and all six charts are on screen with the sidebar open, and wider
    with it closed; no chart title or key is cut; every sidebar panel can be reached."""
    page.get_by_text("side by side: arm B").click()
    page.wait_for_function("() => document.querySelectorAll('.alignsim-tile').length == 2")
    drive.step_and_time(page, 3)

    def boxes() -> list[dict]:
        return [el.bounding_box() for el in page.locator(
            ".alignsim-chart, .alignsim-tile").all()]

    def on_screen(found: list[dict]) -> None:
        assert len(found) == 8
        for box in found:
            assert box["x"] >= 0 and box["x"] + box["width"] <= 1280 + 1, box
            assert box["y"] >= 0 and box["y"] + box["height"] <= 720 + 1, box

    on_screen(boxes())
    page.screenshot(path=SHOTS / "4-projector-sidebar-open.png")
    cut = page.evaluate("""() => [...document.querySelectorAll(
        '.alignsim-chart .title, .alignsim-chart .key, .alignsim-tile h3')]
        .filter(el => el.scrollWidth > el.clientWidth + 1).map(el => el.innerText)""")
    assert not cut, f"cut off: {cut}"
    for title in ("Scenario", "Governance", "People"):
        header = page.locator(".v-expansion-panel-header").filter(has_text=title).first
        header.scroll_into_view_if_needed()
        assert header.is_visible()
    for button in ("Reset", "Step"):
        assert page.get_by_role("button", name=button, exact=True).is_visible()

    narrow = boxes()[2]["width"]
    page.locator(".alignsim-menu").click()
    page.wait_for_timeout(600)
    wide = boxes()
    on_screen(wide)
    assert wide[2]["width"] > narrow
    page.screenshot(path=SHOTS / "5-projector-sidebar-closed.png")


def test_hammer_two_arms_while_playing(chromium_browser: Any, server: drive.Server) -> None:
    """A fixed number of fast clicks on play, presets, speeds, Step and Reset with two arms:
    no error, a counter that moves, and a dropdown, description and tile that agree."""
    for round_ in range(int(os.environ.get("ALIGNSIM_HAMMER_REPEAT", "1"))):
        hammer(chromium_browser, server, random.Random(round_))


def hammer(chromium_browser: Any, server: drive.Server, rng: random.Random) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page, problems = drive.open_page(chromium_browser, server.url)
    try:
        page.get_by_text("side by side: arm B").click()
        page.wait_for_function("() => document.querySelectorAll('.alignsim-tile').length == 2")
        names = [labels.preset(p) for p in presets.names()]

        def press(name: str) -> None:
            """Click if enabled, as a person would; a button that turns grey under the
            pointer (the run reached its end) is a click that does nothing."""
            button = page.get_by_role("button", name=re.compile(f"^({name})$"))
            with contextlib.suppress(PlaywrightTimeout):
                if button.is_enabled(timeout=2_000):
                    button.click(timeout=2_000)

        def play_or_pause() -> None:
            press("▶|❚❚")  # whichever the button shows now

        def step() -> None:
            press("Step")

        actions = [
            play_or_pause, play_or_pause, step,
            lambda: page.get_by_role("button", name="Reset", exact=True).click(),
            lambda: page.get_by_role("button", name=rng.choice(list(SPEEDS)),
                                     exact=True).click(),
            lambda: drive.pick(page, "Preset (arm A)", rng.choice(names)),
            lambda: drive.pick(page, "Compare with (arm B)", rng.choice(names)),
        ]
        for _ in range(HAMMER_ACTIONS):
            rng.choice(actions)()
            page.wait_for_timeout(rng.randint(0, 250))
        pause = page.get_by_role("button", name="❚❚")
        if pause.count():
            pause.click()
        drive.settle(page)
        no_error_on(page)
        consistent_preset(page)
        shown_b = drive.selected(page, "Compare with (arm B)")
        described = page.locator(".alignsim-describe").nth(1).inner_text()
        assert tiles(page)[1].startswith(f"B · {shown_b}"), (tiles(page), shown_b, described)

        page.get_by_role("button", name="Reset", exact=True).click()
        page.wait_for_function("() => document.querySelector('.alignsim-week').innerText"
                               ".startsWith('week 0 ')")
        page.get_by_role("button", name="fastest", exact=True).click()
        page.get_by_role("button", name="▶").click()
        page.wait_for_function("() => parseInt(document.querySelector('.alignsim-week')"
                               ".innerText.split(' ')[1]) >= 5", timeout=20_000)
        page.get_by_role("button", name="❚❚").click()
        drive.settle(page)
        no_error_on(page)
    except Exception:
        page.screenshot(path=SHOTS / "failure-hammer.png")
        raise
    finally:
        page.close()
    assert not problems, problems
