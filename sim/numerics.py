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
