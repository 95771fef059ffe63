"""Drawing a report's charts: each step after the first (which computes the shared tables) draws
one chart from tables alone, so the steps run side by side on the machine's cores.

Workers are forked from this process, so they inherit the steps and tables without pickling
them, and send back only what the page needs (the chart's section, file, caption, title and
pixel size, and any table the step added). Where forking is not safe (no fork on the platform,
or this process runs Python threads, as a notebook or a Dask client does) or there is one core,
the steps run here, one after another, with the same result.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from experiments.report.figures import save

Step = Callable[[dict[str, Any]], Any]


@dataclass(frozen=True)
class Drawn:
    """What one step produced: its chart's place on the page and the tables it added."""

    section: str
    stem: str
    caption: str
    heading: str
    size: tuple[int, int]
    files: tuple[Path, ...]
    tables: dict[str, Any] = field(default_factory=dict)


# The steps and tables of the report being drawn, for forked workers to inherit.
_JOB: tuple[Sequence[Step], dict[str, Any], Path, tuple[str, ...]] | None = None


def _draw(index: int) -> Drawn | dict[str, Any]:
    assert _JOB is not None
    steps, tables, folder, formats = _JOB
    return draw_one(steps[index], tables, folder, formats)


def draw_one(step: Step, tables: dict[str, Any], folder: Path, formats: tuple[str, ...]
             ) -> Drawn | dict[str, Any]:
    """Run one step on a copy of `tables` and save its chart; returns what it drew, or just the
    tables it added when it had nothing to draw."""
    own = dict(tables)
    for key, value in own.items():
        if isinstance(value, list):
            own[key] = []  # a list a step appends to: send back only this step's items
    result = step(own)
    added = {k: v for k, v in own.items()
             if k not in tables or (isinstance(v, list) and v) or v is not tables[k]}
    if result is None:
        return added
    section, stem, caption, fig = result
    heading = fig.get_label()
    files = tuple(save(fig, folder / stem, formats))
    return Drawn(section, stem, caption, heading, _png_size(folder / f"{stem}.png"), files,
                 added)


def draw_all(steps: Sequence[Step], tables: dict[str, Any], folder: Path,
             formats: Sequence[str], workers: int) -> Iterator[Drawn | dict[str, Any]]:
    """Every step's result in step order, on `workers` forked processes where that is safe.

    The workers are forked here, at the call, before anything (a progress bar's monitor
    thread, the pool's own manager thread) starts a thread in this process."""
    formats = tuple(formats)
    if workers < 2 or len(steps) < 2 or not fork_is_safe():
        return (draw_one(step, tables, folder, formats) for step in steps)
    return _forked(steps, tables, folder, formats, min(workers, len(steps)))


def _forked(steps: Sequence[Step], tables: dict[str, Any], folder: Path,
            formats: tuple[str, ...], workers: int) -> Iterator[Drawn | dict[str, Any]]:
    global _JOB
    _JOB = (steps, tables, folder, formats)
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
    try:
        # Submitting forks every worker at once (the fork start method launches them all).
        results = pool.map(_draw, range(len(steps)))
    except BaseException:
        pool.shutdown(cancel_futures=True)
        _JOB = None
        raise

    def ordered() -> Iterator[Drawn | dict[str, Any]]:
        global _JOB
        try:
            yield from results
        finally:
            pool.shutdown(cancel_futures=True)
            _JOB = None

    return ordered()


def fork_is_safe() -> bool:
    return ("fork" in multiprocessing.get_all_start_methods()
            and threading.active_count() == 1)


def merge(tables: dict[str, Any], added: dict[str, Any]) -> None:
    """Fold a step's tables into the report's: lists are extended, the rest set."""
    for key, value in added.items():
        if isinstance(value, list):
            tables.setdefault(key, []).extend(value)
        else:
            tables[key] = value


def _png_size(path: Path) -> tuple[int, int]:
    """Width and height in pixels, from the PNG header."""
    with open(path, "rb") as f:
        header = f.read(24)
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")
