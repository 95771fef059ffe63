"""Batch work on top of `sim`, one floor per package: the engine here (experiment files, designs,
the sweep runner, the results store, single runs, errors), then `experiments.analysis`,
`experiments.report` and the command line `experiments.cli` on top.

The experiment API in one breath: ``spec = load_spec("file.toml")``, ``run_experiment(spec)``
(any executor, resumable), ``runs, weekly = load("results/<name>")``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from experiments.runner import run_experiment
    from experiments.spec import load_spec
    from experiments.store import load

__all__ = ["load", "load_spec", "run_experiment"]

# Imported on first use, so `alignsim --help` and the lighter commands stay quick.
_HOMES = {"load": "experiments.store", "load_spec": "experiments.spec",
          "run_experiment": "experiments.runner"}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'experiments' has no attribute {name!r}")
