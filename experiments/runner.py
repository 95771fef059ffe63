"""The runner: an experiment's runs on any `concurrent.futures.Executor`, into the results store.

It uses only ``submit`` and ``wait``, keeps a bounded number of tasks in flight, stores results
as they arrive (in this, the coordinating process) and drops each future once stored, so memory
stays flat however long the sweep. Runs are grouped into tasks of roughly `task_seconds` each
(sized from the measured run time) so that per-task overhead stays small.

Engines (`experiments.engines`): the default is a local process pool sized to the cores; a pool
whose worker died is rebuilt and the unfinished runs go on. The runs that were in flight when a
worker died are then run one at a time, so a run that kills its worker (a crash in native code,
memory it cannot get) is found: after it killed its worker twice, running alone, it is stored as
failed with that reason and the sweep goes on. Deaths no single run explains are allowed
`max_rebuilds` times; workers that die whatever they run stop the sweep.
``scheduler="tcp://HOST:PORT"`` (or DASK_SCHEDULER_ADDRESS) runs the same sweep on a Dask
cluster; Dask reschedules the tasks of a worker that dies.
"""

from __future__ import annotations

import functools
import inspect
import math
import os
import sys
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm import tqdm

from experiments.design import PlannedRun, n_runs, plan
from experiments.engines import Engine, open_engine
from experiments.errors import SweepAborted
from experiments.spec import ExperimentSpec, load_spec
from experiments.store import DONE, FAILED, ResultsStore, open_store

RunFn = Callable[[Any, int], Any]
"""``run(params, seed)`` returning an object with ``weekly`` (DataFrame) and ``summary``, and
optionally ``network`` (an edge table, `sim.network.edge_table`); one that takes a
``network_weeks`` argument is given the experiment's ``output.network_weeks``."""

SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"
DEATHS_TO_FAIL = 2
"""A run that killed its worker this many times (running alone) is stored as failed."""


@dataclass
class SweepSummary:
    folder: Path
    total: int
    done: int
    failed: int
    skipped: int
    elapsed_s: float
    failed_in_store: int
    engine: str

    @property
    def exit_code(self) -> int:
        return 1 if self.failed or self.failed_in_store else 0

    def __str__(self) -> str:
        rate = self.done + self.failed
        speed = f" ({rate / self.elapsed_s:.1f} runs/s)" if self.elapsed_s > 0 and rate else ""
        earlier = (f"; the store holds {self.failed_in_store} failed run(s) in all"
                   if self.failed_in_store != self.failed else "")
        return (f"{self.done} done, {self.failed} failed, {self.skipped} skipped of {self.total} "
                f"runs in {self.elapsed_s:.1f} s{speed} on {self.engine}{earlier}; "
                f"results in {self.folder}")


def run_experiment(
    spec: ExperimentSpec | str | Path,
    out: str | Path | None = None,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    executor: Executor | None = None,
    fresh: bool = False,
    retry_failed: bool = False,
    quiet: bool = False,
    run_fn: RunFn | None = None,
    task_seconds: float = 0.075,
    max_rebuilds: int = 3,
    chunk_runs: int = 500,
    flush_seconds: float = 10.0,
) -> SweepSummary:
    """Run every unfinished run of an experiment and store it; return what happened.

    `out` is the experiment's results folder (default ``results/<name>``). The engine is
    `executor` if given, else a Dask cluster at `scheduler` (or $DASK_SCHEDULER_ADDRESS), else a
    local process pool of `workers` processes (default: the usable cores); ``workers=0`` runs
    in this process. Finished runs already in the folder are skipped (failed ones too, unless
    `retry_failed`); `fresh` moves earlier results aside and starts over.
    """
    if not isinstance(spec, ExperimentSpec):
        spec = load_spec(spec)
    if run_fn is None:
        from sim import run as run_fn
    if "network_weeks" in inspect.signature(run_fn).parameters:
        run_fn = functools.partial(run_fn, network_weeks=spec.network_weeks)
    folder = Path(out) if out is not None else Path("results") / spec.name
    scheduler = scheduler or (os.environ.get(SCHEDULER_ENV) if executor is None and workers is
                              None else None)
    with open_engine(executor, scheduler, workers) as engine:
        store = open_store(folder, spec, engine=engine.name, fresh=fresh, chunk_runs=chunk_runs,
                           flush_seconds=flush_seconds)
        sweep = _Sweep(spec, store, engine, run_fn, task_seconds=task_seconds,
                       max_rebuilds=max_rebuilds, retry_failed=retry_failed, quiet=quiet)
        try:
            sweep.run()
        except BaseException:
            store.close(sweep.counts(), failing=True)  # never raised over the error in flight
            raise
        store.close(sweep.counts())
    return sweep.summary(folder)


# -- workers ---------------------------------------------------------------------------------

def run_batch(run_fn: RunFn, items: list[tuple[str, Any, int]], keep: tuple[str, ...] | None,
              every_weeks: int) -> list[dict[str, Any]]:
    """Run a task's runs in a worker; a run that raises is returned as failed, not raised."""
    results = []
    for run_id, params, seed in items:
        start = time.perf_counter()
        try:
            result = run_fn(params, seed)
            summary = {str(k): float(v) for k, v in result.summary.items()}
            weekly = None if keep == () else thin_weekly(result.weekly, keep, every_weeks)
            network = getattr(result, "network", None)
            status, error = DONE, ""
        except Exception as err:
            summary, weekly, network, status = {}, None, None, FAILED
            error = "".join(traceback.format_exception_only(err)).strip()
        results.append({"run_id": run_id, "status": status, "error": error,
                        "duration_s": time.perf_counter() - start, "summary": summary,
                        "weekly": weekly, "network": network})
    return results


def thin_weekly(weekly: pd.DataFrame, keep: tuple[str, ...] | None, every_weeks: int
                ) -> pd.DataFrame:
    """The kept metric columns of every `every_weeks`-th week, with ``week`` as a column."""
    table = weekly.reset_index()
    if "week" not in table.columns:
        raise KeyError(f"weekly table has no 'week' index or column (columns: "
                       f"{', '.join(map(str, table.columns))})")
    if keep is not None:
        missing = [m for m in keep if m not in table.columns]
        if missing:
            produced = ", ".join(c for c in map(str, table.columns) if c != "week")
            raise KeyError(f"output.weekly_metrics: {', '.join(missing)} not produced by the "
                           f"model; weekly metrics are: {produced}")
        table = table[["week", *keep]]
    if every_weeks > 1:
        table = table[table["week"] % every_weeks == 0]
    return table.reset_index(drop=True)


# -- the sweep ---------------------------------------------------------------------------------

class _Sweep:
    def __init__(self, spec: ExperimentSpec, store: ResultsStore, engine: Engine, run_fn: RunFn,
                 *, task_seconds: float, max_rebuilds: int, retry_failed: bool, quiet: bool
                 ) -> None:
        self.spec = spec
        self.store = store
        self.engine = engine
        self.run_fn = run_fn
        self.task_seconds = task_seconds
        self.max_rebuilds = max_rebuilds
        self.total = n_runs(spec)
        finished = store.finished
        skip = {rid for rid, s in finished.items() if s == DONE or not retry_failed}
        self.skipped = len(skip)
        self._todo: Iterator[PlannedRun] = (r for r in plan(spec) if r.run_id not in skip)
        self._retry: deque[PlannedRun] = deque()
        self._suspects: deque[PlannedRun] = deque()
        """Runs in flight when a worker died: run one at a time until each is cleared."""
        self._deaths: dict[str, int] = {}
        self._unexplained = 0
        self._to_explain = 0
        self._deaths_in_a_row = 0
        self._alone = False
        """Whether the task in flight is a suspect, which runs with nothing beside it."""
        self._in_flight: dict[Future, list[PlannedRun]] = {}
        self._mean_run_s: float | None = None
        self.done = self.failed = self.rebuilds = 0
        self._start = time.monotonic()
        self.elapsed_s = 0.0
        self._bar = _Bar(total=self.total, initial=self.skipped, unit="run",
                         desc=spec.name, dynamic_ncols=True, smoothing=0.1,
                         disable=quiet or not sys.stderr.isatty())

    def run(self) -> None:
        try:
            while self._fill():
                # The timeout lets results wait at most flush_seconds for their commit when
                # runs are long and arrive seldom.
                finished, _ = wait(list(self._in_flight),
                                   timeout=self.store.flush_seconds or None,
                                   return_when=FIRST_COMPLETED)
                self.store.flush_if_due()
                lost: list[PlannedRun] | None = None
                for future in finished:
                    batch = self._in_flight.pop(future)
                    try:
                        results = future.result()
                    except BrokenProcessPool:
                        lost = [*(lost or []), *batch]
                        continue
                    except Exception as err:  # e.g. a task Dask gave up on, or unpicklable
                        results = [_failed(r.run_id, err) for r in batch]
                    self._store(batch, results)
                if lost is not None:
                    self._recover(lost)
        except KeyboardInterrupt:
            self._keep_finished()
            raise
        finally:
            self.elapsed_s = time.monotonic() - self._start
            self._bar.close()

    def _keep_finished(self) -> None:
        """On Ctrl-C, store the tasks that already finished; the rest are run on resume."""
        for future, batch in list(self._in_flight.items()):
            if future.done() and not future.cancelled() and future.exception() is None:
                self._store(batch, future.result())

    def _fill(self) -> bool:
        """Submit tasks until the in-flight bound; False when nothing is left to wait for.
        A suspect runs alone: nothing else is in flight beside it."""
        while len(self._in_flight) < self.engine.slots:
            if (self._suspects or self._alone) and self._in_flight:
                break
            suspect = bool(self._suspects)
            if suspect:
                batch = [self._suspects.popleft()]
            else:
                if self._alone:
                    self._to_explain = 0  # every suspect ran alone and lived
                batch = self._take(self._batch_size())
            self._alone = suspect
            if not batch:
                break
            items = [(r.run_id, self.spec.arm_params(r.arm.values), r.seed) for r in batch]
            try:
                future = self.engine.executor.submit(run_batch, self.run_fn, items,
                                                     self.spec.weekly_metrics,
                                                     self.spec.every_weeks)
            except BrokenProcessPool:
                # A worker died after the last wait: this batch never ran, so it goes back to
                # the front, and the pool is rebuilt now if nothing in flight would report it.
                (self._suspects if suspect else self._retry).extendleft(reversed(batch))
                if not self._in_flight:
                    self._recover([])
                    continue
                break
            self._in_flight[future] = batch
        return bool(self._in_flight)

    def _take(self, n: int) -> list[PlannedRun]:
        batch = []
        while len(batch) < n and self._retry:
            batch.append(self._retry.popleft())
        for run in self._todo:
            batch.append(run)
            if len(batch) >= n:
                break
        return batch

    def _batch_size(self) -> int:
        if self._mean_run_s is None:
            return 1
        return max(1, min(256, math.floor(self.task_seconds / max(self._mean_run_s, 1e-6))))

    def _store(self, batch: list[PlannedRun], results: list[dict[str, Any]]) -> None:
        by_id = {r.run_id: r for r in batch}
        for result in results:
            run = by_id[result["run_id"]]
            row: dict[str, Any] = {"run_id": run.run_id, "arm": run.arm.label,
                                   "replicate": run.replicate, "seed": run.seed,
                                   **run.arm.values, **result["summary"],
                                   "status": result["status"], "error": result["error"],
                                   "duration_s": result["duration_s"]}
            weekly, network = result["weekly"], result.get("network")
            if weekly is not None:
                weekly.insert(0, "run_id", run.run_id)
            if network is not None and len(network):
                network = network.assign(run_id=run.run_id)[["run_id", *network.columns]]
            self.store.add(row, weekly, network)
            if result["status"] == DONE:
                self.done += 1
                self._deaths_in_a_row = 0
            else:
                self.failed += 1
            d = result["duration_s"]
            self._mean_run_s = d if self._mean_run_s is None else 0.8 * self._mean_run_s + 0.2 * d
        self._bar.update(len(results))
        if self.failed:
            self._bar.set_postfix(failed=self.failed, refresh=False)

    def _recover(self, lost: list[PlannedRun]) -> None:
        """A worker died: find out which run killed it, rebuild the pool, and go on.

        A run that was alone in flight killed its worker: the second time, it is stored as
        failed. Otherwise every run that was in flight becomes a suspect, run alone next.
        """
        for batch in self._in_flight.values():
            lost.extend(batch)
        self._in_flight.clear()
        self._alone = False
        self.rebuilds += 1
        news = "a worker process died"
        self._deaths_in_a_row += 1
        if len(lost) == 1:
            run = lost[0]
            deaths = self._deaths[run.run_id] = self._deaths.get(run.run_id, 0) + 1
            if self._to_explain:  # the break that made it a suspect is explained
                self._to_explain -= 1
                self._unexplained -= 1
            if deaths >= DEATHS_TO_FAIL:
                self._store([run], [_killed(run.run_id, deaths)])
                news = (f"run {run.run_id} ({run.arm.label}) killed its worker process {deaths} "
                        "times: stored as failed")
            else:
                self._suspects.appendleft(run)
        else:
            self._unexplained += 1
            self._to_explain += 1
            self._suspects.extend(lost)
        stop = None
        if not self.engine.rebuildable:
            stop = f"a worker process died ({self.engine.name} cannot be restarted)"
        elif self._unexplained > self.max_rebuilds:
            stop = f"a worker process died {self._unexplained} times, not because of one run"
        elif self._deaths_in_a_row > 2 * self.max_rebuilds + 2:
            stop = (f"worker processes died {self._deaths_in_a_row} times in a row, whatever "
                    "they ran")
        if stop:
            raise SweepAborted(
                f"{stop} (killed, out of memory, or a crash in native code); "
                f"{self.done + self.failed} runs of this session are stored; rerun the same "
                "command to resume")
        alone = (f"; {len(self._suspects)} run(s) to try one at a time" if self._suspects
                 else "")
        print(f"alignsim: {news}; restarting the pool ({self.rebuilds} so far{alone})",
              file=sys.stderr)
        self.engine.rebuild()

    def counts(self) -> dict[str, Any]:
        self.elapsed_s = time.monotonic() - self._start
        return {"done": self.done, "failed": self.failed, "skipped": self.skipped,
                "elapsed_s": round(self.elapsed_s, 3), "pool_rebuilds": self.rebuilds}

    def summary(self, folder: Path) -> SweepSummary:
        failed_in_store = sum(1 for s in self.store.finished.values() if s == FAILED)
        return SweepSummary(folder=folder, total=self.total, done=self.done, failed=self.failed,
                            skipped=self.skipped, elapsed_s=self.elapsed_s,
                            failed_in_store=failed_in_store, engine=self.engine.name)


class _Bar(tqdm):
    # No monitor thread: a forked pool must not be started from a process that runs threads.
    monitor_interval = 0


def _killed(run_id: str, deaths: int) -> dict[str, Any]:
    return {"run_id": run_id, "status": FAILED, "duration_s": 0.0, "summary": {},
            "weekly": None,
            "error": f"WorkerDied: the worker process died {deaths} times while running this run "
                     "alone (killed, out of memory, or a crash in native code)"}


def _failed(run_id: str, err: BaseException) -> dict[str, Any]:
    error = "".join(traceback.format_exception_only(err)).strip()
    return {"run_id": run_id, "status": FAILED, "error": error, "duration_s": 0.0,
            "summary": {}, "weekly": None, "network": None}
