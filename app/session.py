"""One owner of a browser session's model: stepping, resetting and drawing never overlap.

A `Session` holds the session's `Workshop` and its `Painter` behind one lock. Every way of
touching them (Step, ▶ and ❚❚, Reset, any change of a setting) goes through the Session, which
advances or replaces the model and draws a new `Frame` while holding the lock; the page only
renders Frames and never reads a model. Playing is one thread per session at a time, started by
``play`` and stopped by anything else the room does: a change of any setting stops play and
starts a fresh run at week 0, so no click can meet a model half-way through a week.

Frames reach the page through one listener, in order (a stale frame is never shown after a newer
one). While playing, the next week is computed only after the page has rendered the last one
(``rendered``) and then paced to the chosen speed from when weeks appear, not from when the
thread wakes: "fast" is its nominal weeks a second as long as a week can be computed and drawn
in time, and "fastest" is as fast as the page renders, without ever queueing renders.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from app import labels
from app.controls import control
from app.frames import Frame, Painter
from app.workshop import Workshop, WorkshopSetup, choose
from sim import ParamError
from sim.params import value_of

# Milliseconds a week is on screen while playing; "fastest": as fast as the page renders.
SPEEDS = {"slow": 1000, "normal": 400, "fast": 120, "fastest": 0}
DEFAULT_SPEED = "normal"
MAX_STEP_WEEKS = 13
# How long a playing session waits for the page to render a week before it moves on anyway
# (a page that stopped rendering must not stall the run, nor the thread live for ever).
RENDER_WAIT_S = 2.0

log = logging.getLogger(__name__)
Listener = Callable[[Frame], None]


class Session:
    """The model, the pictures and the play loop of one browser session (thread-safe)."""

    def __init__(self, setup: WorkshopSetup | None = None) -> None:
        self._lock = threading.Lock()  # the workshop, its painter and _frame
        self._publishing = threading.Lock()  # frames reach the listener one at a time, in order
        self._signal = threading.Condition()  # renders done, play stopped
        self._listener: Listener | None = None
        self._shown = -1
        self._rendered = -1
        self._seq = 0
        self._play_id = 0  # a play loop runs while its id is the current one
        self._closed = False
        workshop = Workshop(setup or WorkshopSetup())
        self._workshop, self._painter = workshop, Painter(workshop)
        self._frame = self._draw(Frame(0, workshop.setup, 0, workshop.weeks,
                                       speed=DEFAULT_SPEED))

    # -- what the page reads ------------------------------------------------------------------
    @property
    def frame(self) -> Frame:
        return self._frame

    def listen(self, listener: Listener | None) -> None:
        """Hand every new frame to `listener` (the page's state setter), the latest one now."""
        with self._publishing:
            self._listener = listener
            self._shown = -1
        self._publish()

    def rendered(self, seq: int) -> None:
        """The page has rendered frame `seq` (called from the page's effect)."""
        with self._signal:
            self._rendered = max(self._rendered, seq)
            self._signal.notify_all()

    # -- the run controls ---------------------------------------------------------------------
    def step(self) -> None:
        """Advance the weeks per Step, unless playing or at the end."""
        with self._lock:
            frame = self._frame
            if frame.playing or frame.finished:
                return
            for _ in range(frame.step_weeks):
                self._workshop.step()
            self._frame = self._draw(frame)
        self._publish()

    def play(self) -> None:
        with self._lock:
            frame = self._frame
            if frame.playing or frame.finished or self._closed:
                return
            self._play_id += 1
            play_id = self._play_id
            self._frame = self._copy(frame, playing=True)
        threading.Thread(target=self._play, args=(play_id,), daemon=True,
                         name=f"alignsim-play-{play_id}").start()
        self._publish()

    def pause(self) -> None:
        with self._lock:
            self._stop_playing()
            self._frame = self._copy(self._frame, playing=False)
        self._publish()

    def reset(self) -> None:
        """Week 0 again with the same settings."""
        self.apply(self._frame.setup)

    def set_speed(self, name: str) -> None:
        if name not in SPEEDS:
            return
        with self._lock:
            self._frame = self._copy(self._frame, speed=name)
        with self._signal:
            self._signal.notify_all()  # a play loop waiting at the old pace takes the new one
        self._publish()

    def set_step_weeks(self, weeks: int) -> None:
        weeks = max(1, min(MAX_STEP_WEEKS, int(weeks)))
        with self._lock:
            self._frame = self._copy(self._frame, step_weeks=weeks)
        self._publish()

    # -- settings -----------------------------------------------------------------------------
    def apply(self, setup: WorkshopSetup, notice: str | None = None) -> bool:
        """Stop play and start a fresh run at week 0 with `setup`; False (and the reason on the
        page) if it cannot run."""
        try:
            workshop = Workshop(setup)
        except ParamError as err:
            self.refuse("That change cannot run, so nothing was changed.", str(err))
            return False
        painter = Painter(workshop)  # a new model nobody else sees yet: drawn outside the lock
        with self._lock:
            self._stop_playing()
            self._workshop, self._painter = workshop, painter
            previous = self._frame
            fresh = Frame(0, workshop.setup, 0, workshop.weeks, notice=notice,
                          revision=previous.revision + 1, step_weeks=previous.step_weeks,
                          speed=previous.speed)
            self._frame = self._draw(fresh)
        self._publish()
        return True

    def update(self, **changes: Any) -> bool:
        """`apply` the setup in use with some of its fields replaced (read at the time of the
        call, never from an earlier render: two quick clicks must not undo each other)."""
        return self.apply(dataclasses.replace(self._frame.setup, **changes))

    def change(self, name: str, value: Any) -> bool:
        """Move one parameter's control; a control that only echoes the value in use changes
        nothing (a slider settling at load must never restart the run)."""
        spec = control(name)
        value = spec.snap(value)
        setup = self._frame.setup
        if value == value_of(setup.shown_params(), name):
            return False
        try:
            moved, notice = choose(setup, name, value)
        except ParamError as err:
            self.refuse(f"{labels.field(name)} “{labels.choice(name, value)}” cannot run with "
                        "the other settings, so nothing was changed.", str(err))
            return False
        return self.apply(moved, notice)

    def refuse(self, problem: str, detail: str | None = None) -> None:
        """Say on the page why a change was not made; the controls show the settings in use."""
        with self._lock:
            frame = self._frame
            self._frame = self._copy(frame, problem=problem, problem_detail=detail,
                                     notice=None, revision=frame.revision + 1)
        self._publish()

    def close(self) -> None:
        """The page is gone: stop playing and hand out no more frames."""
        with self._lock:
            self._closed = True
            self._stop_playing()
            self._frame = self._copy(self._frame, playing=False)
        with self._publishing:
            self._listener = None

    # -- inside ---------------------------------------------------------------------------------
    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def _copy(self, frame: Frame, **changes: Any) -> Frame:
        return dataclasses.replace(frame, seq=self._next_seq(), **changes)

    def _draw(self, frame: Frame, **changes: Any) -> Frame:
        """A frame of the workshop as it stands (call with the lock held)."""
        tiles, charts, commands = self._painter.paint()
        workshop = self._workshop
        return self._copy(frame, setup=workshop.setup, week=workshop.week, weeks=workshop.weeks,
                          tiles=tiles, charts=charts, commands=commands, **changes)

    def _stop_playing(self) -> None:
        """(With the lock held.) The play loop's id is no longer current: it stops."""
        self._play_id += 1
        with self._signal:
            self._signal.notify_all()

    def _publish(self) -> None:
        with self._publishing:
            frame, listener = self._frame, self._listener
            if listener is None or frame.seq <= self._shown:
                return
            self._shown = frame.seq
            listener(frame)

    def _wait(self, play_id: int, until: float, for_render: int | None = None) -> bool:
        """Sleep until `until` (monotonic seconds), or until frame `for_render` is rendered;
        False as soon as this play loop is stopped."""
        with self._signal:
            while play_id == self._play_id:
                if for_render is not None and self._rendered >= for_render:
                    return True
                left = until - time.monotonic()
                if left <= 0:
                    return True
                self._signal.wait(left)
        return False

    def _play(self, play_id: int) -> None:
        cost = 0.0  # seconds to compute and draw a week, leaning to the slow side
        shown_at = time.monotonic()
        try:
            while True:
                last = self._frame.seq
                if not self._wait(play_id, time.monotonic() + RENDER_WAIT_S, for_render=last):
                    return
                due = shown_at + SPEEDS[self._frame.speed] / 1000
                # Start early by what a week costs; the week waits for its time if it is ready
                # sooner. It is the session's frame meanwhile, so a pause shows it at once.
                if not self._wait(play_id, due - cost):
                    return
                started = time.monotonic()
                with self._lock:
                    if play_id != self._play_id:
                        return
                    self._workshop.step()
                    more = self._workshop.running
                    if not more:
                        self._stop_playing()
                    self._frame = self._draw(self._frame, playing=more)
                cost = max(0.8 * cost, time.monotonic() - started)
                if more and not self._wait(play_id, due):
                    return
                # The pace counts from when a week is handed to the page: drawing it there is
                # part of the week's time on screen, not added to it.
                shown_at = time.monotonic()
                self._publish()
                if not more:
                    return
        except Exception as err:  # never a traceback on the page: stop and say why
            log.exception("play stopped")
            with self._lock:
                self._stop_playing()
                self._frame = self._copy(self._frame, playing=False,
                                         problem="The run stopped unexpectedly.",
                                         problem_detail=f"{type(err).__name__}: {err}")
            self._publish()
