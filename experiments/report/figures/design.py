"""Charts over a design's factors: a heatmap of a two-factor grid and sensitivity index bars."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

from experiments.analysis import Sensitivity
from experiments.report.figures.frame import apply_style, finish, set_axis_format
from experiments.report.style import (
    OKABE_ITO,
    axis_label,
    format_value,
    lower_case,
    metric_label,
    short_arm,
)


def _level(value: object) -> str:
    """A level as a tick label: ``finance_led`` -> ``finance-led``; numbers as they are."""
    return short_arm(f"preset={value}")


def heatmap_figure(table: pd.DataFrame, metric: str, *, source: str, heading: str | None = None,
                   warning: str = "") -> Figure:
    """Mean of a summary metric for each cell of a two-factor grid (`analysis.grid`), the value
    written in every cell; cividis (readable in grey and by colour-blind readers)."""
    apply_style()
    rows, cols = table.shape
    fig, ax = plt.subplots(figsize=(max(5.5, 1.25 * cols + 3.2), 0.55 * rows + 2.2))
    values = table.to_numpy(float)
    image = ax.imshow(values, cmap="cividis", aspect="auto")
    norm = image.norm
    for i in range(rows):
        for j in range(cols):
            v = values[i, j]
            if np.isnan(v):
                continue
            r, g, b = to_rgb(image.cmap(norm(v)))
            ink = "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "white"
            ax.text(j, i, format_value(metric, v), ha="center", va="center", fontsize=8,
                    color=ink)
    ax.set_xticks(range(cols), [_level(c) for c in table.columns], fontsize=8.5)
    ax.set_yticks(range(rows), [_level(r) for r in table.index], fontsize=8.5)
    ax.set_xlabel(metric_label(str(table.columns.name)))
    ax.set_ylabel(metric_label(str(table.index.name)))
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    bar = fig.colorbar(image, ax=ax, shrink=0.9, pad=0.02)
    bar.set_label(axis_label(metric), fontsize=8)
    set_axis_format(bar.ax.yaxis, metric)
    bar.ax.tick_params(labelsize=7)
    subtitle = f"{metric_label(metric)}: mean over replicates in each cell"
    return finish(fig, heading or f"{metric_label(metric)} across the grid", source, subtitle,
                  warning=warning)


def sensitivity_figure(result: Sensitivity, *, source: str, heading: str | None = None) -> Figure:
    """Sensitivity index bars per parameter with SALib's 95% confidence half-widths."""
    apply_style()
    table = result.table
    if result.method == "sobol":
        order = table.sort_values("ST").index
        columns = [("S1", "first order (S1): alone"),
                   ("ST", "total (ST): alone and with others")]
        xlabel = "Sobol index (share of output variance)"
    elif result.method == "morris":
        order = table.sort_values("mu_star").index
        columns = [("mu_star", "mean |elementary effect| (mu*)"),
                   ("sigma", "spread of effects (sigma): interactions")]
        xlabel = f"Morris effect on {axis_label(result.metric)}"
    else:
        order = table.sort_values("S1").index
        columns = [("S1", "first order (S1)")]
        xlabel = "RBD-FAST first-order index (share of output variance)"
    fig, ax = plt.subplots(figsize=(8.5, 1.5 + 0.5 * len(order)))
    y = np.arange(len(order))
    height = 0.8 / len(columns)
    for k, (col, label) in enumerate(columns):
        conf = table.loc[order, f"{col}_conf"] if f"{col}_conf" in table else None
        ax.barh(y + (k - (len(columns) - 1) / 2) * height, table.loc[order, col], height=height,
                xerr=conf, color=(OKABE_ITO[4], OKABE_ITO[1])[k], label=label,
                error_kw={"lw": 0.8, "capsize": 2, "ecolor": "#333333"})
    ax.set_yticks(y, [metric_label(p) for p in order], fontsize=9)
    ax.grid(axis="y", visible=False)
    ax.axvline(0, color="#333333", lw=0.6)
    ax.set_xlabel(xlabel)
    if result.method == "morris":
        set_axis_format(ax.xaxis, result.metric)
    ax.legend(loc="lower right")
    subtitle = (f"Sensitivity of {lower_case(metric_label(result.metric))} to each parameter "
                f"(SALib {result.method.replace('_', '-')}; error bars: 95% confidence)")
    if result.method != "morris":
        widest = max(float(table[f"{c}_conf"].max()) for c, _ in columns)
        if widest > 0.25:
            subtitle += "; wide error bars: more samples (design.samples) would firm them up"
    return finish(fig, heading or f"What drives {metric_label(result.metric)}", source,
                  subtitle)
