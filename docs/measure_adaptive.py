"""Measure the adaptive-behaviour observables the issue asks for, on paired seeds.

For the four Kotler presets: mean and 95% interval (t-based, over seeds) of sales and marketing
cooperation shares, trust each way and the alignment index at weeks 26 and 182. For a shared
pool under a marketing-led and under a joint allocator: lobbying effort and trust each way.

    .venv/bin/python docs/measure_adaptive.py [--seeds 20]
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd

from sim import presets, run

KOTLER = ("undefined", "defined", "aligned", "integrated")
OBSERVABLES = ("cooperation_sales", "cooperation_marketing", "trust_sales_in_marketing",
               "trust_marketing_in_sales", "alignment_index")
LOBBY_ARMS = {"marketing_led + shared_pool": ("marketing_led", "shared_pool"),
              "joint + shared_pool": ("joint", "shared_pool")}


def _weekly(job: tuple[str, dict, int]) -> pd.DataFrame:
    name, overrides, seed = job
    return run(presets.get(name, overrides), seed).weekly


def interval(values: np.ndarray) -> str:
    mean = values.mean()
    half = 1.96 * values.std(ddof=1) / np.sqrt(len(values))
    return f"{mean:.3f} [{mean - half:.3f}, {mean + half:.3f}]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    args = parser.parse_args()
    seeds = range(1, args.seeds + 1)
    jobs = [(name, {}, s) for name in KOTLER for s in seeds]
    jobs += [(arm, {"governance.budget_structure": pool}, s)
             for arm, pool in LOBBY_ARMS.values() for s in seeds]
    with ProcessPoolExecutor() as pool:
        tables = list(pool.map(_weekly, jobs, chunksize=4))
    keys = [(name, tuple(overrides.items()), seed) for name, overrides, seed in jobs]
    by_job = dict(zip(keys, tables, strict=True))
    print(f"{args.seeds} paired seeds; mean [95% interval]\n")
    for week in (26, 182):
        rows = {}
        for name in KOTLER:
            frames = [by_job[(name, (), s)] for s in seeds]
            rows[name] = {k: interval(np.array([f.loc[week, k] for f in frames]))
                          for k in OBSERVABLES}
        print(f"week {week}")
        print(pd.DataFrame(rows).to_string(), "\n")
    rows = {}
    for label, (arm, pool) in LOBBY_ARMS.items():
        frames = [by_job[(arm, (("governance.budget_structure", pool),), s)] for s in seeds]
        rows[label] = {
            "lobbying weeks 13-52": interval(np.array([f.lobbying_effort.loc[13:52].mean()
                                                       for f in frames])),
            "lobbying weeks 131-182": interval(np.array([f.lobbying_effort.loc[131:182].mean()
                                                         for f in frames])),
            "trust sales->marketing (measured weeks)": interval(np.array(
                [f.trust_sales_in_marketing.loc[27:].mean() for f in frames])),
            "trust marketing->sales (measured weeks)": interval(np.array(
                [f.trust_marketing_in_sales.loc[27:].mean() for f in frames])),
        }
    print("lobbying, shared pool")
    print(pd.DataFrame(rows).to_string())


if __name__ == "__main__":
    main()
