"""Charts of an experiment's results, each a function of plain tables that returns a matplotlib
Figure in the shared look of `experiments.charts` (palette, labels with units, the finding as the
title, a source line). Save with `experiments.charts.save` (PNG at 200 dpi, SVG).

Arms are passed as ``look``: an ordered mapping of arm label -> (display name, colour), so every
chart of a report shows an arm in the same colour and under the same name.
"""

from experiments.figures.arms import (
    comparison_figure,
    timeseries_figure,
    trajectory_figure,
    waterfall_figure,
)
from experiments.figures.design import heatmap_figure, sensitivity_figure
from experiments.figures.network import NetworkSnapshot, network_figure, snapshot

__all__ = [
    "NetworkSnapshot",
    "comparison_figure",
    "heatmap_figure",
    "network_figure",
    "sensitivity_figure",
    "snapshot",
    "timeseries_figure",
    "trajectory_figure",
    "waterfall_figure",
]
