"""The key-metrics chart of `alignsim run` and `compare`: six panels of weekly metrics, one line
per arm, burn-in shaded."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from experiments.report.figures.frame import apply_style, source_line
from experiments.report.style import arm_colour, money

# (column, panel title, axis label, formatter, smoothing weeks)
KEY_PANELS: tuple[tuple[str, str, str, str, int], ...] = (
    ("revenue_usd", "Revenue", "USD per week", "money", 1),
    ("bookings_usd", "New bookings", "USD per week (8-week mean)", "money", 8),
    ("mql_acceptance_rate", "MQL acceptance", "share of MQLs accepted (8-week mean)", "pct", 8),
    ("win_rate", "Win rate", "won / closed opportunities (8-week mean)", "pct", 8),
    ("prospecting_share", "Reps' prospecting", "share of rep hours", "pct", 1),
    ("alignment_index", "Alignment index", "Kotler score, 20-100", "plain", 1),
)


def _prepare(weekly: pd.DataFrame) -> pd.DataFrame:
    df = weekly.copy()
    df["bookings_usd"] = df["bookings_marketing_usd"] + df["bookings_sales_usd"]
    return df


def key_metrics_figure(weekly_by_arm: Mapping[str, pd.DataFrame], *, burn_in_weeks: int,
                       source: str, title: str | None = None) -> Figure:
    """Six panels of the key weekly metrics, one line per arm; burn-in shaded."""
    apply_style()
    fig, axes = plt.subplots(2, 3, figsize=(12, 6.4), sharex=True)
    for position, (arm, weekly) in enumerate(weekly_by_arm.items()):
        df = _prepare(weekly)
        for ax, (col, _, _, _, smooth) in zip(axes.flat, KEY_PANELS, strict=True):
            series = df[col].rolling(smooth, min_periods=1).mean() if smooth > 1 else df[col]
            ax.plot(df.index, series, color=arm_colour(arm, position), lw=1.6,
                    label=arm.replace("_", " "))
    for ax, (_, panel, label, fmt, _) in zip(axes.flat, KEY_PANELS, strict=True):
        ax.set_title(panel, loc="left")
        ax.set_ylabel(label)
        if burn_in_weeks:
            ax.axvspan(0, burn_in_weeks, color="#999999", alpha=0.12, lw=0)
        if fmt == "money":
            ax.yaxis.set_major_formatter(FuncFormatter(money))
        elif fmt == "pct":
            ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    for ax in axes[1]:
        ax.set_xlabel("week (shaded: burn-in, left out of the summary)")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper right", ncol=len(labels), bbox_to_anchor=(0.99, 0.99))
    fig.suptitle(title or "Key metrics by week", x=0.01, ha="left", fontsize=13,
                 fontweight="bold")
    fig.tight_layout(rect=(0, 0.03, 1, 0.95))
    source_line(fig, source)
    return fig
