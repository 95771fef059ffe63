"""Arithmetic whose result does not depend on the machine's BLAS.

`a @ b` goes to BLAS, whose kernels (chosen per processor, e.g. by OPENBLAS_CORETYPE) may sum
in different orders, so the last bits of a run could differ between machines. An exactly
rounded sum of elementwise products is the same everywhere, which keeps results bit-identical
across processes and machines.
"""

from __future__ import annotations

import math

import numpy as np


def dot(a: np.ndarray, b: np.ndarray) -> float:
    return math.fsum(np.multiply(a, b).tolist())


def clip(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """np.clip(x, lo, hi) in two ufunc calls, without np.clip's Python dispatch (which costs
    more than the clipping on a week's leads). Element for element the same as np.clip, NaN
    included; the one difference, the sign of a zero, needs x = -0.0 against a bound of 0.0."""
    return np.minimum(np.maximum(x, lo), hi)


def mean(values: np.ndarray | list[float]) -> float:
    """np.mean of a non-empty 1-D sequence: the same sum (np.add.reduce, which np.mean calls)
    divided by the same count, without np.mean's Python wrapper, which costs three times the
    arithmetic on the handful of values the weekly metrics average."""
    return float(np.add.reduce(np.asarray(values, dtype=np.float64)) / len(values))
