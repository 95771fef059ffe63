"""Designs: from an ExperimentSpec to arms (points in factor space) and runs (arm x replicate).

Factorial designs cross the factors' levels; points designs zip them (point i takes the i-th
value of every factor: given parameter sets, such as a calibration's candidates); an ``arms``
design lists named arms, each a preset with its own values; Latin hypercube, Sobol and Morris
designs are sampled with SALib over the factors' ranges. Replicate r of every arm gets the same
seed (common random numbers), the r-th child of ``numpy.random.SeedSequence(spec.seed)``, so
arms differ by their governance only and seeds of experiments with different base seeds never
collide.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    # For annotations only: reading a spec checks its arms with this module.
    from experiments.spec import ExperimentSpec


@dataclass(frozen=True)
class Arm:
    index: int
    label: str
    values: dict[str, Any]
    """Factor name (dotted, or ``preset``) -> value of this arm."""


@dataclass(frozen=True)
class PlannedRun:
    run_id: str
    arm: Arm
    replicate: int
    seed: int


def replicate_seeds(base_seed: int, replicates: int) -> list[int]:
    """One 63-bit seed per replicate, spawned from the experiment's base seed."""
    children = np.random.SeedSequence(base_seed).spawn(replicates)
    return [int(c.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)) for c in children]


def arms(spec: ExperimentSpec) -> list[Arm]:
    if spec.design == "factorial":
        return _factorial(spec)
    if spec.design == "points":
        return _points(spec)
    if spec.design == "arms":
        return [Arm(index=i, label=name, values=dict(values))
                for i, (name, values) in enumerate(spec.named_arms)]
    return _sampled(spec)


def plan(spec: ExperimentSpec) -> Iterator[PlannedRun]:
    """Every run of the experiment, replicate by replicate, so a partial sweep stays balanced."""
    all_arms = arms(spec)
    for replicate, seed in enumerate(replicate_seeds(spec.seed, spec.replicates)):
        for arm in all_arms:
            yield PlannedRun(run_id=run_id(arm.index, replicate), arm=arm, replicate=replicate,
                             seed=seed)


def n_runs(spec: ExperimentSpec) -> int:
    return len(arms(spec)) * spec.replicates


def run_id(arm_index: int, replicate: int) -> str:
    return f"a{arm_index:05d}-r{replicate:04d}"


def _factorial(spec: ExperimentSpec) -> list[Arm]:
    if not spec.factors:
        return [Arm(index=0, label="base", values={})]
    names = [f.name for f in spec.factors]
    combos = itertools.product(*(f.levels for f in spec.factors))
    return [
        Arm(index=i, label=", ".join(f"{n}={_text(v)}" for n, v in zip(names, combo, strict=True)),
            values=dict(zip(names, combo, strict=True)))
        for i, combo in enumerate(combos)
    ]


def _points(spec: ExperimentSpec) -> list[Arm]:
    names = [f.name for f in spec.factors]
    columns = zip(*(f.levels for f in spec.factors), strict=True)
    return [Arm(index=i, label=f"p{i:05d}", values=dict(zip(names, point, strict=True)))
            for i, point in enumerate(columns)]


def salib_problem(spec: ExperimentSpec) -> dict[str, Any]:
    """The SALib problem dict of a sampled design (for sampling here and analysis later)."""
    return {
        "num_vars": len(spec.factors),
        "names": [f.name for f in spec.factors],
        "bounds": [[f.lo, f.hi] for f in spec.factors],
    }


def sample_matrix(spec: ExperimentSpec) -> np.ndarray:
    """The SALib sample (one row per arm) of a sampled design, before integer rounding."""
    from SALib.sample import latin, morris, sobol

    problem = salib_problem(spec)
    seed = spec.seed % 2**32
    if spec.design == "lhs":
        return latin.sample(problem, spec.samples, seed=seed)
    if spec.design == "sobol":
        return sobol.sample(problem, spec.samples, calc_second_order=spec.second_order,
                            seed=seed)
    if spec.design == "morris":
        return morris.sample(problem, spec.samples, num_levels=spec.morris_levels, seed=seed)
    raise ValueError(f"not a sampled design: {spec.design}")


def _sampled(spec: ExperimentSpec) -> list[Arm]:
    matrix = sample_matrix(spec)
    result = []
    for i, row in enumerate(matrix):
        values = {
            f.name: int(np.rint(x)) if f.kind is int else float(x)
            for f, x in zip(spec.factors, row, strict=True)
        }
        result.append(Arm(index=i, label=f"s{i:05d}", values=values))
    return result


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
