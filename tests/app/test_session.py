"""A session is the one owner of its model: no sequence of calls from any threads can break it.

These tests drive `app.session.Session` directly, as the page's event handlers and its play
thread do, with a listener standing in for the page (it records frames and says it rendered
them). The browser test hammers the real page the same way.
"""

from __future__ import annotations

import itertools
import random
import statistics
import threading
import time

import pytest

from app.frames import Frame
from app.session import SPEEDS, Session
from app.workshop import WorkshopSetup
from sim import presets

SMALL = {"org.n_reps": 6, "org.n_marketers": 2}


class Page:
    """Records what the session hands the page, and renders it at once."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.frames: list[Frame] = []
        self.times: list[float] = []
        self.lock = threading.Lock()
        session.listen(self.show)

    def show(self, frame: Frame) -> None:
        with self.lock:
            self.frames.append(frame)
            self.times.append(time.monotonic())
        self.session.rendered(frame.seq)

    @property
    def last(self) -> Frame:
        return self.frames[-1]


def consistent(frame: Frame) -> None:
    """What one frame shows agrees with itself: tiles, commands and controls, one setup."""
    arms = frame.setup.arms()
    assert [t.preset for t in frame.tiles] == [a.preset for a in arms]
    assert [t.label for t in frame.tiles] == [a.label() for a in arms]
    assert list(frame.commands) == [a.reproduce(frame.setup.seed) for a in arms]
    assert 0 <= frame.week <= frame.weeks == frame.setup.weeks
    assert not (frame.playing and frame.finished)


def wait_until(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_hammering_from_several_threads_never_breaks_a_session() -> None:
    session = Session(WorkshopSetup(people=SMALL, compare_with="joint", weeks=26))
    page = Page(session)
    names = presets.names()
    errors: list[BaseException] = []

    def clicks(seed: int) -> None:
        rng = random.Random(seed)
        actions = [
            session.step, session.play, session.pause, session.reset,
            lambda: session.set_speed(rng.choice(list(SPEEDS))),
            lambda: session.set_step_weeks(rng.randint(1, 13)),
            lambda: session.apply(WorkshopSetup(preset=rng.choice(names), people=SMALL,
                                                compare_with=rng.choice(names), weeks=26)),
            lambda: session.change("governance.cadence_weeks", rng.randint(1, 52)),
            lambda: session.change("governance.planning_owner",
                                   rng.choice(["cro", "joint", "marketing"])),
        ]
        try:
            for _ in range(25):
                rng.choice(actions)()
                time.sleep(rng.random() * 0.02)
        except BaseException as err:  # any error fails the test below
            errors.append(err)

    threads = [threading.Thread(target=clicks, args=(k,)) for k in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    session.pause()
    seqs = [f.seq for f in page.frames]
    assert seqs == sorted(set(seqs)), "a stale frame reached the page after a newer one"
    for frame in page.frames:
        consistent(frame)
        assert frame.problem is None or "cannot run" in frame.problem
    # Still alive: it plays and the counter moves.
    session.reset()
    session.set_speed("fastest")
    session.play()
    wait_until(lambda: page.last.week >= 3)
    session.pause()
    session.close()


def test_a_change_of_setting_while_playing_stops_play_and_starts_at_week_zero() -> None:
    session = Session(WorkshopSetup(people=SMALL))
    page = Page(session)
    session.set_speed("fastest")
    session.play()
    wait_until(lambda: page.last.week >= 2)
    session.change("governance.sla", "on")
    frame = session.frame
    assert not frame.playing and frame.week == 0
    assert frame.setup.governance == {"governance.sla": "on"}
    time.sleep(0.3)
    assert session.frame.week == 0, "the old play loop stepped the new run"
    consistent(session.frame)
    session.close()


def test_a_control_echoing_the_value_in_use_does_not_restart_the_run() -> None:
    session = Session(WorkshopSetup(preset="aligned", people=SMALL))
    session.step()
    before = session.frame
    assert not session.change("behaviour.prospect_bias", before.setup.shown_params()
                              .behaviour.prospect_bias)
    assert not session.change("governance.planning_owner", "joint")  # aligned's own value
    assert session.frame is before and session.frame.week == 1


def test_a_refused_change_says_why_and_redraws_the_controls() -> None:
    session = Session(WorkshopSetup(people=SMALL))
    session.step()
    revision = session.frame.revision
    session.refuse("The seed must be a whole number", "detail")
    frame = session.frame
    assert frame.problem == "The seed must be a whole number" and frame.week == 1
    assert frame.revision == revision + 1
    assert session.apply(WorkshopSetup(people=SMALL, seed=2))
    assert session.frame.problem is None


def test_an_impossible_setup_is_refused_and_the_run_kept() -> None:
    session = Session(WorkshopSetup(people=SMALL))
    bad = WorkshopSetup(people={**SMALL, "org.n_reps": 0})
    assert not session.apply(bad)
    assert "cannot run" in (session.frame.problem or "")
    assert "org.n_reps" in (session.frame.problem_detail or "")
    assert session.frame.setup.people == SMALL


def test_play_runs_to_the_end_and_stops_there() -> None:
    session = Session(WorkshopSetup(people=SMALL, weeks=13))
    page = Page(session)
    session.set_speed("fastest")
    session.play()
    wait_until(lambda: page.last.finished and not page.last.playing)
    assert [f.week for f in page.frames if f.week] == list(range(1, 14))
    session.step()
    session.play()
    assert session.frame.week == 13 and not session.frame.playing


def test_step_moves_by_the_weeks_per_step_and_not_while_playing() -> None:
    session = Session(WorkshopSetup(people=SMALL))
    session.set_step_weeks(13)
    session.step()
    assert session.frame.week == 13
    session.set_speed("slow")
    session.play()
    session.step()
    assert session.frame.week == 13
    session.close()
    assert not session.frame.playing


@pytest.mark.slow
def test_fast_is_never_faster_than_its_nominal_pace() -> None:
    """The page renders at once here, so weeks are paced by the session alone. (Slower under
    load is possible; faster would mean the pacing is wrong. benchmarks/bench_app.py measures
    the pace in the browser.)"""
    session = Session(WorkshopSetup(people=SMALL))
    page = Page(session)
    session.set_speed("fast")
    session.play()
    wait_until(lambda: page.last.week >= 12)
    session.pause()
    weeks = [(t, f.week) for t, f in zip(page.times, page.frames, strict=True) if f.playing]
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(weeks) if b[1] == a[1] + 1]
    assert statistics.median(gaps) >= 0.9 * SPEEDS["fast"] / 1000


def test_a_closed_session_hands_out_nothing_more() -> None:
    session = Session(WorkshopSetup(people=SMALL))
    page = Page(session)
    session.set_speed("fastest")
    session.play()
    wait_until(lambda: page.last.week >= 1)
    session.close()
    shown = len(page.frames)
    time.sleep(0.3)
    assert len(page.frames) == shown
