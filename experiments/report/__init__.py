"""The report floor: figures, the findings in words, the page, and the one style and labels module
(`experiments.report.style`) that the report, the console summaries and the dashboard share.

``build_report(store)`` writes a report folder from a results folder; `run_outputs` writes what
`alignsim run` and `compare` write.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from experiments.report.build import Report, build_report

__all__ = ["Report", "build_report"]

# Imported on first use, so the dashboard can take the style module without matplotlib's pyplot.
_HOMES = {"build_report": "experiments.report.build", "Report": "experiments.report.build"}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'experiments.report' has no attribute {name!r}")
