"""Sweeps run as child processes by the acceptance tests (``python -m tests.experiments.children
COMMAND ...`` from the repository root), so a test can SIGKILL a coordinator or keep Dask's
threads out of the test process.

Commands:
  sweep SPEC OUT [--pause-chunk N | --pause-in-write N] [--marker M] [--slow S]
      local pool of 2 workers, chunks of 2 runs; optionally stop for good (after touching M)
      between writing chunk N's data and its index, or halfway through writing chunk N's
      weekly file; or sleep S seconds before every commit; so a test can kill it at a known
      point
  local-cluster SPEC OUT     the same sweep on a Dask LocalCluster of 2 single-thread workers
  dask SPEC OUT ADDRESS [--slow S]   the same sweep on the Dask scheduler at ADDRESS
  cli SECONDS ARGS...   `alignsim ARGS...` with each run made SECONDS longer (asleep) and
      chunks of 2 runs, so a test can see progress and interrupt the sweep mid-way
"""

from __future__ import annotations

import argparse
import functools
import io
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from experiments import files
from experiments.runner import run_experiment
from experiments.store import ResultsStore


def _hooks(pause_chunk: int | None, marker: str | None, slow: float) -> None:
    def before_commit(self: ResultsStore, chunk: int) -> None:
        if pause_chunk is not None and chunk == pause_chunk:
            Path(str(marker)).write_text(str(os.getpid()))
            time.sleep(3600)
        if slow:
            time.sleep(slow)

    ResultsStore._before_commit = before_commit  # type: ignore[method-assign]


def _pause_in_write(chunk: int, marker: str) -> None:
    """Stop for good with half of chunk `chunk`'s weekly file written under its temporary name."""
    write_atomic = files.write_atomic

    def half_then_stop(path: Path, write: Callable[[Any], Any]) -> None:
        if path.parent.name != "weekly" or path.name != f"chunk-{chunk:06d}.parquet":
            return write_atomic(path, write)
        data = io.BytesIO()
        write(data)
        with open(path.with_name(f".{path.name}.tmp"), "wb") as f:
            f.write(data.getvalue()[: len(data.getvalue()) // 2])
            f.flush()
            os.fsync(f.fileno())
        Path(marker).write_text(str(os.getpid()))
        time.sleep(3600)
        return None

    files.write_atomic = half_then_stop


class _SlowRun:
    def __init__(self, seconds: float) -> None:
        from sim import run

        self.seconds = seconds
        self.run = run

    def __call__(self, params: object, seed: int) -> object:
        time.sleep(self.seconds)
        return self.run(params, seed)


def main() -> int:
    if sys.argv[1] == "cli":
        import sim
        from experiments import runner
        from experiments.cli import main as cli

        sim.run = _SlowRun(float(sys.argv[2]))  # type: ignore[assignment]
        runner.run_experiment = functools.partial(  # type: ignore[assignment]
            runner.run_experiment, chunk_runs=2, flush_seconds=60.0)
        return cli(sys.argv[3:])
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=("sweep", "local-cluster", "dask"))
    parser.add_argument("spec")
    parser.add_argument("out")
    parser.add_argument("address", nargs="?")
    parser.add_argument("--pause-chunk", type=int, nargs=1)
    parser.add_argument("--pause-in-write", type=int, default=None)
    parser.add_argument("--marker")
    parser.add_argument("--slow", type=float, default=0.0)
    args = parser.parse_args()
    _hooks(args.pause_chunk[0] if args.pause_chunk else None, args.marker, args.slow)
    if args.pause_in_write is not None:
        _pause_in_write(args.pause_in_write, args.marker)
    small_chunks = {"chunk_runs": 2, "flush_seconds": 60.0, "quiet": True}
    if args.command == "sweep":
        summary = run_experiment(args.spec, args.out, workers=2, **small_chunks)
    elif args.command == "dask":
        summary = run_experiment(args.spec, args.out, scheduler=args.address, **small_chunks)
    else:
        from distributed import LocalCluster

        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                          dashboard_address=None, host="127.0.0.1") as cluster:
            summary = run_experiment(args.spec, args.out, scheduler=cluster.scheduler_address,
                                     quiet=True)
    print(summary)
    return summary.exit_code


if __name__ == "__main__":
    sys.exit(main())
