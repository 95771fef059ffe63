"""Charts of results, each a function of plain tables that returns a matplotlib Figure in the
shared look (`experiments.report.style` for colours and words, `frame` for the finding as the
title and a source line). Save with `save` (PNG at 200 dpi, SVG).

Arms are passed as ``look``: an ordered mapping of arm label -> (display name, colour), so every
chart of a report shows an arm in the same colour and under the same name.
"""

from experiments.report.figures.arms import (
    comparison_figure,
    timeseries_figure,
    trajectory_figure,
    waterfall_figure,
)
from experiments.report.figures.design import heatmap_figure, sensitivity_figure
from experiments.report.figures.frame import save
from experiments.report.figures.key_metrics import key_metrics_figure
from experiments.report.figures.network import NetworkSnapshot, network_figure, snapshot

__all__ = [
    "NetworkSnapshot",
    "comparison_figure",
    "heatmap_figure",
    "key_metrics_figure",
    "network_figure",
    "save",
    "sensitivity_figure",
    "snapshot",
    "timeseries_figure",
    "trajectory_figure",
    "waterfall_figure",
]
