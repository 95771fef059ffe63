"""Charts: one shared look, each chart a function that returns a matplotlib Figure.

The look: the Okabe-Ito colour-blind-safe palette with a fixed colour per governance arm, axis
labels with units, a title that states what the chart shows, and a source line in small print.
Charts read result tables (weekly frames, summaries), never a live model.
"""

from __future__ import annotations

import textwrap
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
            return f"${value / size:#.3g}".rstrip(".") + suffix
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


# -- metric names, units and formats (shared by every chart and the report) -------------------
_METRIC_TEXT: dict[str, tuple[str, str]] = {
    # name: (label, unit for the axis)
    "alignment_index": ("Alignment index", "Kotler score, 20-100"),
    "alignment_type": ("Kotler type", "0 Undefined - 3 Integrated"),
    "conflict_index": ("Conflict index", "0-1"),
    "revenue_usd": ("Revenue", "USD per week"),
    "revenue_usd_per_week": ("Revenue", "USD per week"),
    "bookings_usd_per_week": ("New bookings", "USD per week"),
    "new_business_revenue_usd_per_week": ("New-business revenue", "USD per week"),
    "avg_deal_size_usd": ("Average deal size", "USD"),
    "arr_end_usd": ("ARR at the end", "USD"),
    "arr_usd": ("ARR", "USD"),
    "mql_acceptance_rate": ("MQL acceptance", "share of MQLs accepted"),
    "inquiry_to_mql_rate": ("Inquiry to MQL", "share of inquiries"),
    "mql_to_opportunity_rate": ("MQL to opportunity", "share of MQLs"),
    "mql_to_won_rate": ("MQL to won", "share of MQLs"),
    "closure_rate": ("Closure rate", "won / accepted MQLs"),
    "win_rate": ("Win rate", "won / closed opportunities"),
    "marketing_sourced_share": ("Marketing-sourced share", "share of bookings"),
    "new_business_share": ("New-business share", "share of revenue"),
    "logo_churn_annual": ("Logo churn", "share of customers per year"),
    "revenue_churn_annual": ("Revenue churn", "share of ARR per year"),
    "sales_cycle_weeks_median": ("Sales cycle", "weeks (median)"),
    "speed_to_lead_weeks": ("Speed to lead", "weeks (mean)"),
    "prospecting_share": ("Reps' own prospecting", "share of rep hours"),
    "account_share": ("Account work", "share of rep hours"),
    "hoarded_leads": ("Hoarded MQLs", "leads (mean per week)"),
    "cost_of_sales": ("Cost of sales", "sales spend / bookings"),
    "trust": ("Trust", "0-1, both departments"),
    "cooperation": ("Cooperation", "share cooperating"),
    "cooperation_sales": ("Cooperation, sales", "share of reps cooperating"),
    "cooperation_marketing": ("Cooperation, marketing", "share of marketers cooperating"),
    "trust_sales_in_marketing": ("Sales' trust in marketing", "0-1"),
    "trust_marketing_in_sales": ("Marketing's trust in sales", "0-1"),
    "feedback_rate": ("Feedback rate", "0-1"),
    "scoring_accuracy": ("Scoring accuracy", "1 - RMS score error"),
    "marketing_share_of_budget": ("Marketing's share of budget", "share of budget"),
}
_PCT_WORDS = ("_rate", "_share", "churn_annual")


def metric_label(name: str) -> str:
    """A metric's or parameter's name in words: ``behaviour.trust_initial`` -> ``trust
    initial``."""
    if name in _METRIC_TEXT:
        return _METRIC_TEXT[name][0]
    field = name.rsplit(".", 1)[-1]
    for suffix, unit in (("_weeks", "weeks"), ("_usd", "USD")):
        if field.endswith(suffix) and len(field) > len(suffix):
            return f"{field[:-len(suffix)].replace('_', ' ')} ({unit})"
    return field.replace("_", " ")


def metric_kind(name: str) -> str:
    """How to show a metric: ``pct``, ``money`` or ``plain``."""
    if name.endswith(_PCT_WORDS) or name == "marketing_share_of_budget":
        return "pct"
    if "_usd" in name:
        return "money"
    return "plain"


def metric_unit(name: str) -> str:
    if name in _METRIC_TEXT:
        return _METRIC_TEXT[name][1]
    return {"pct": "share", "money": "USD"}.get(metric_kind(name), "")


def axis_label(name: str) -> str:
    unit = metric_unit(name)
    return f"{metric_label(name)} ({unit})" if unit else metric_label(name)


def format_value(name: str, value: float, *, signed: bool = False) -> str:
    """A value as a reader expects it: 12.3%, $1.36M, 55.0; percentages of a difference in
    points (pp)."""
    if value != value:  # NaN
        return "n/a"
    sign = "+" if signed and value > 0 else ""
    kind = metric_kind(name)
    if kind == "pct":
        points = value * 100 if round(value * 100, 1) else 0.0  # no "-0.0"
        return f"{sign if points else ''}{points:.1f}{' pp' if signed else '%'}"
    if kind == "money":
        return sign + _money(value) if value >= 0 else "-" + _money(-value)
    if abs(value) < 10:
        return f"{sign}{value:.2f}"
    return f"{sign}{value:,.1f}" if abs(value) < 1000 else f"{sign}{value:,.0f}"


def _percent(value: float, _pos: object = None) -> str:
    points = value * 100
    return f"{points:.0f}%" if abs(points - round(points)) < 1e-6 else f"{points:.1f}%"


def set_axis_format(axis: object, name: str) -> None:
    """Money or percent tick labels on a matplotlib Axis for the metric `name`."""
    kind = metric_kind(name)
    if kind == "money":
        axis.set_major_formatter(FuncFormatter(_money))  # type: ignore[attr-defined]
    elif kind == "pct":
        axis.set_major_formatter(FuncFormatter(_percent))  # type: ignore[attr-defined]


def finish(fig: Figure, heading: str, source: str, subtitle: str = "") -> Figure:
    """The shared frame: the finding as a bold title, what is plotted as a subtitle under it,
    panels laid out below, the source line in small print at the foot. The heading is also the
    figure's label (``fig.get_label()``), for alt text."""
    height = fig.get_figheight()
    fig.text(0.01, 1 - 0.1 / height, heading, ha="left", va="top", fontsize=12.5,
             fontweight="bold")
    top = 1 - 0.5 / height
    if subtitle:
        # Wrapped by hand (about 15 characters of 8.5 pt text per inch) so the panels start
        # below the last line.
        lines = textwrap.wrap(subtitle, width=int(fig.get_figwidth() * 15))
        fig.text(0.01, 1 - 0.42 / height, "\n".join(lines), fontsize=8.5, color="#333333",
                 ha="left", va="top")
        top = 1 - (0.6 + 0.15 * len(lines)) / height
    fig.tight_layout(rect=(0, 0.2 / height, 1, top))
    source_line(fig, source)
    fig.set_label(heading)
    return fig
