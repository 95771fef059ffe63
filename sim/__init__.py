"""alignsim's model core: parameters, the Mesa model of the firm, and single runs.

The model and `run` are imported on first use: `agents` imports `sim`'s mechanisms and `sim`'s
model imports `agents`, so importing either package first must not pull in the other half-made.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from sim import presets
from sim.params import ParamError, Params

if TYPE_CHECKING:
    from sim.model import AlignmentModel
    from sim.simulate import RunResult, run

__all__ = ["AlignmentModel", "ParamError", "Params", "RunResult", "presets", "run"]

_HOMES = {"AlignmentModel": "sim.model", "RunResult": "sim.simulate", "run": "sim.simulate"}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        value = getattr(importlib.import_module(_HOMES[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
