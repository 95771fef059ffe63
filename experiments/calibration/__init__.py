"""Calibration: fit a firm's assumption parameters so that its own governance reproduces the
rates it observed (its firm file), on the experiment engine.

The API in one breath: ``firm = load_firm("acme.toml")``, ``calibrate(firm, "results/acme")``
(any engine, resumable), ``fit = load_calibration("results/acme")`` (the chosen parameters and
every candidate); `experiments.report.calibration.write_calibration` writes ``params.toml``,
the tables and charts. The firm file is documented in ``docs/calibration.md``.
"""

from __future__ import annotations

from experiments.calibration.firm import DEFAULT_FIT, Firm, Settings, load_firm
from experiments.calibration.results import Calibration, load_calibration
from experiments.calibration.search import calibrate

__all__ = ["DEFAULT_FIT", "Calibration", "Firm", "Settings", "calibrate", "load_calibration",
           "load_firm"]
