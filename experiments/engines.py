"""Engines that carry a sweep's tasks: any `concurrent.futures.Executor` with how many tasks to
keep in flight and whether it can be rebuilt.

The default is a local process pool sized to the cores (fork start method where it is safe),
whose workers die with the coordinator and which the runner may rebuild when a worker died;
``workers=0`` runs in this process; ``scheduler="tcp://HOST:PORT"`` connects to a Dask cluster
(Dask reschedules the tasks of a worker that dies). The engines know nothing of the model.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any

from experiments.errors import UsageError


def _worker_init() -> None:
    """Pool workers leave Ctrl-C to the coordinator and exit when it dies, even by SIGKILL.

    SIGTERM gets its default action back: a worker forked from a process that handles it (a
    notebook, a test session that started the dashboard command) must still end when the pool
    terminates it, or the pool waits for it forever."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            pr_set_pdeathsig = 1
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True,
                     name="alignsim-parent-watch").start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


class Engine:
    """An executor, how many tasks to keep in flight, and whether it can be rebuilt."""

    def __init__(self, name: str, executor: Executor, slots: int,
                 rebuild: Callable[[], Executor] | None = None) -> None:
        self.name = name
        self.executor = executor
        self.slots = slots
        self._rebuild = rebuild

    @property
    def rebuildable(self) -> bool:
        return self._rebuild is not None

    def rebuild(self) -> None:
        assert self._rebuild is not None
        with contextlib.suppress(Exception):
            self.executor.shutdown(wait=True, cancel_futures=True)
        self.executor = self._rebuild()


class InProcess(Executor):
    """Runs each task at submit, in this process (``workers=0``: for debugging and profiling)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as err:
            future.set_exception(err)
        return future


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def local_pool(workers: int) -> ProcessPoolExecutor:
    """A process pool whose workers die with the coordinator; fork where it is safe.

    Fork is fastest (workers inherit the imported model) but unsafe once this process runs
    threads (a notebook, a Dask client), where the platform's safe default is used instead.
    """
    methods = multiprocessing.get_all_start_methods()
    method = "fork" if "fork" in methods and threading.active_count() == 1 else None
    if method is None and "forkserver" in methods:
        method = "forkserver"
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method),
                               initializer=_worker_init)


@contextlib.contextmanager
def open_engine(executor: Executor | None, scheduler: str | None, workers: int | None
            ) -> Iterator[Engine]:
    if executor is not None:
        yield Engine(type(executor).__name__, executor, slots=2 * (workers or usable_cores()))
        return
    if scheduler:
        yield from _dask_engine(scheduler)
        return
    n = usable_cores() if workers is None else workers
    if n < 0:
        raise ValueError(f"workers={n}: a count of processes (0 runs in this process)")
    if n == 0:
        yield Engine("this process", InProcess(), slots=1)
        return
    engine = Engine(f"{n} local worker{'s' * (n != 1)}", local_pool(n), slots=2 * n,
                     rebuild=lambda: local_pool(n))
    try:
        yield engine
    finally:
        engine.executor.shutdown(wait=True, cancel_futures=True)


def _dask_engine(address: str) -> Iterator[Engine]:
    try:
        from distributed import Client
    except ImportError:
        raise UsageError(f"--scheduler {address}: Dask is not installed; install it with "
                         "pip install 'alignsim[dask]'") from None
    try:
        # Waits up to Dask's distributed.comm.timeouts.connect (30 s; settable by the
        # environment variable DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT).
        client = Client(address)
    except (OSError, ValueError) as err:
        raise UsageError(f"--scheduler {address}: cannot reach a Dask scheduler there "
                         f"({type(err).__name__}: {err})".replace("\n", " ")) from None
    try:
        threads = sum(client.nthreads().values()) or 1
        yield Engine(f"Dask at {address}", client.get_executor(pure=False), slots=2 * threads)
    finally:
        client.close()
