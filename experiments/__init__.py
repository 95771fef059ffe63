"""Batch work on top of `sim`: single-run reports, experiment files, sweeps, analysis, charts."""
