"""Charts: one shared look, each chart a function that returns a matplotlib Figure.

The look: the Okabe-Ito colour-blind-safe palette with a fixed colour per governance arm, axis
labels with units, a title that states what the chart shows, and a source line in small print.
Charts read result tables (weekly frames, summaries), never a live model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

# Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
             "#000000")
ARM_COLOURS: dict[str, str] = {
    "undefined": "#D55E00",
    "defined": "#E69F00",
    "aligned": "#56B4E9",
    "integrated": "#0072B2",
    "marketing_led": "#CC79A7",
    "sales_led": "#E69F00",
    "joint": "#009E73",
    "finance_led": "#555555",
    "cro": "#0072B2",
    "merged": "#56B4E9",
}
DPI = 200


def arm_colour(arm: str, position: int = 0) -> str:
    return ARM_COLOURS.get(arm, OKABE_ITO[position % len(OKABE_ITO)])


def apply_style() -> None:
    plt.rcParams.update({
        "figure.facecolor": "white",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.titlesize": 11,
        "axes.titleweight": "bold",
        "axes.labelsize": 9,
        "xtick.labelsize": 8,
        "ytick.labelsize": 8,
        "legend.fontsize": 8,
        "legend.frameon": False,
        "font.family": "DejaVu Sans",
    })


def _money(value: float, _pos: object = None) -> str:
    for size, suffix in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"${value / size:.3g}{suffix}"
    return f"${value:.0f}"


def source_line(fig: Figure, text: str) -> None:
    fig.text(0.01, 0.005, text, fontsize=6.5, color="#555555", ha="left", va="bottom")


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
            ax.yaxis.set_major_formatter(FuncFormatter(_money))
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


def save(fig: Figure, path_without_suffix: Path, formats: Sequence[str] = ("png",)) -> list[Path]:
    """Save as PNG at 200 dpi (and other formats); returns the files written."""
    written = []
    for fmt in formats:
        path = path_without_suffix.with_suffix(f".{fmt}")
        fig.savefig(path, dpi=DPI, bbox_inches="tight")
        written.append(path)
    plt.close(fig)
    return written
