"""A pilot of an experiment: a few of its runs, timed and sized in memory before the sweep, for
the pre-run check (`alignsim plan`). Nothing is written.

The pilot runs the experiment's own first replicates (the same seeds the sweep will use) of its
first and last arm, which in a factorial design differ in every factor, so their paired
differences give a first view of the spread that decides how many replicates a contrast needs.
"""

from __future__ import annotations

import io
import math
import time
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from experiments.design import arms, replicate_seeds, run_id
from experiments.runner import thin_weekly
from experiments.spec import ExperimentSpec


@dataclass(frozen=True)
class Pilot:
    runs: pd.DataFrame
    """The pilot's runs in the shape of a results store's runs table."""
    seconds_per_run: float
    bytes_per_run: float
    """Parquet bytes one more run adds to the runs, weekly and network tables."""
    bytes_per_chunk: float
    """Parquet bytes a chunk of the store costs whatever it holds (schema, footers)."""
    arms: tuple[str, ...]
    replicates: int

    @property
    def count(self) -> int:
        return len(self.runs)


def pilot(spec: ExperimentSpec, replicates: int = 3) -> Pilot:
    """Run `replicates` replicates of the first and last arm (one run of the first arm when
    `replicates` is 0, for the timing only), timing each run and sizing what it would store."""
    from sim import run

    design = arms(spec)
    chosen = [design[0]] if replicates == 0 or len(design) == 1 else [design[0], design[-1]]
    seeds = replicate_seeds(spec.seed, max(replicates, 1))
    rows, weekly, network, seconds = [], [], [], []
    for r, seed in enumerate(seeds):
        for arm in chosen:
            start = time.perf_counter()
            result = run(spec.arm_params(arm.values), seed, network_weeks=spec.network_weeks)
            seconds.append(time.perf_counter() - start)
            rid = run_id(arm.index, r)
            rows.append({"run_id": rid, "arm": arm.label, "replicate": r, "seed": seed,
                         **arm.values, **result.summary, "status": "done", "error": "",
                         "duration_s": seconds[-1]})
            if spec.weekly_metrics != ():
                weekly.append(thin_weekly(result.weekly, spec.weekly_metrics, spec.every_weeks)
                              .assign(run_id=rid))
            network.append(result.network.assign(run_id=rid))
    runs = pd.DataFrame(rows)

    def size(first: int) -> int:
        """Bytes of the three tables holding the first `first` pilot runs."""
        return _parquet_bytes(runs.iloc[:first]) + sum(
            _parquet_bytes(pd.concat(parts[:first], ignore_index=True))
            for parts in (weekly, network) if parts)

    # What one more run adds, apart from what every file costs (schema and footer).
    whole, one = size(len(rows)), size(1)
    per_run = (whole - one) / (len(rows) - 1) if len(rows) > 1 else float(whole)
    return Pilot(runs=runs, seconds_per_run=sum(seconds) / len(seconds),
                 bytes_per_run=per_run, bytes_per_chunk=max(one - per_run, 0.0),
                 arms=tuple(a.label for a in chosen), replicates=replicates)


def _parquet_bytes(table: pd.DataFrame) -> int:
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(table, preserve_index=False), buffer)
    return buffer.tell()


def store_bytes(trial: Pilot, runs: int, seconds: float, chunk_runs: int = 500,
                flush_seconds: float = 10.0) -> float:
    """Disk for `runs` runs: what each run adds, plus what each chunk costs; the store commits
    a chunk every `chunk_runs` runs or `flush_seconds` seconds, whichever comes first."""
    chunks = max(math.ceil(runs / chunk_runs), math.ceil(seconds / flush_seconds), 1)
    return runs * trial.bytes_per_run + chunks * trial.bytes_per_chunk


def sweep_seconds(runs: int, seconds_per_run: float, workers: int) -> float:
    """Wall time of `runs` runs on `workers` processes (runs are many and short: they share
    the workers evenly), plus about a second to start the pool."""
    return runs * seconds_per_run / max(workers, 1) + (1.0 if workers > 0 else 0.0)

