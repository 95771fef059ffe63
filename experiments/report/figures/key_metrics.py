"""The key-metrics chart of `alignsim run` and `compare`: six panels of weekly metrics, one line
per arm (the mean over replicates, with its 95% band), burn-in shaded, and on each panel the
numbers of the summary table: each arm's value over the measured weeks as a dotted line, and the
paired differences from the baseline with their intervals."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from experiments.report.figures.frame import apply_style, set_axis_format, source_line
from experiments.report.style import ArmLook, format_value

# (weekly column, summary metric it matches, panel title, axis label, smoothing weeks)
KEY_PANELS: tuple[tuple[str, str, str, str, int], ...] = (
    ("revenue_usd", "revenue_usd_per_week", "Revenue", "USD per week", 1),
    ("bookings_usd", "bookings_usd_per_week", "New bookings", "USD per week (8-week mean)", 8),
    ("mql_acceptance_rate", "mql_acceptance_rate", "MQL acceptance",
     "share of MQLs accepted (8 weeks)", 8),
    ("win_rate", "win_rate", "Win rate", "won / closed (8 weeks)", 8),
    ("prospecting_share", "prospecting_share", "Reps' prospecting", "share of rep hours", 1),
    ("alignment_index", "alignment_index", "Alignment index", "Kotler score, 20-100", 1),
)
MAX_DIFFERENCES = 3
"""Panels spell out at most this many paired differences; more are in the table."""


def key_metrics_figure(bands: Mapping[str, pd.DataFrame], look: Mapping[str, ArmLook], *,
                       means: pd.DataFrame, paired: pd.DataFrame | None, baseline: str,
                       burn_in_weeks: int, source: str, title: str | None = None,
                       subtitle: str = "", warning: str = "") -> Figure:
    """`bands`: weekly column -> `analysis.weekly_bands` of it; `means`: `analysis.arm_means`
    of the summary metrics (the table's numbers); `paired`: `analysis.paired_differences` from
    `baseline` (None with one replicate)."""
    apply_style()
    fig, axes = plt.subplots(2, 3, figsize=(13, 7.4), sharex=True)
    for ax, (column, metric, panel, label, _) in zip(axes.flat, KEY_PANELS, strict=True):
        table = bands[column]
        for arm, (name, colour, dash) in look.items():
            part = table[table["arm"] == arm]
            ax.fill_between(part["week"], part["low"], part["high"], color=colour, alpha=0.18,
                            lw=0)
            ax.plot(part["week"], part["mean"], color=colour, lw=1.6, ls=dash, label=name)
            value = means[(means["arm"] == arm) & (means["metric"] == metric)]["mean"]
            if len(value) and len(part):
                ax.hlines(float(value.iloc[0]), burn_in_weeks + 0.5, part["week"].max(),
                          color=colour, lw=1.0, ls=(0, (1, 1.5)), alpha=0.9)
        numbers = _panel_numbers(metric, look, means, paired, baseline)
        ax.set_title(panel, loc="left", pad=6 + 9 * (numbers.count("\n") + 1))
        ax.annotate(numbers, (0, 1),
                    xycoords="axes fraction", xytext=(0, 3), textcoords="offset points",
                    fontsize=7, color="#333333", va="bottom")
        ax.set_ylabel(label)
        if burn_in_weeks:
            ax.axvspan(0, burn_in_weeks + 0.5, color="#999999", alpha=0.12, lw=0)
        set_axis_format(ax.yaxis, metric)
        ax.margins(x=0)
    for ax in axes[1]:
        ax.set_xlabel("week (shaded: burn-in, left out of the summary)")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper right", ncol=min(len(labels), 4),
               bbox_to_anchor=(0.995, 0.995), handlelength=2.6)
    fig.suptitle(title or "Key metrics by week", x=0.01, y=0.995, ha="left", fontsize=13,
                 fontweight="bold")
    top = 0.95
    if subtitle:
        fig.text(0.01, 0.955, subtitle, fontsize=8.5, color="#333333", ha="left", va="top")
    if warning:
        fig.text(0.01, 0.93, warning, fontsize=8.5, color="#B35900", fontweight="bold",
                 ha="left", va="top")
        top = 0.925
    fig.tight_layout(rect=(0, 0.03, 1, top))
    source_line(fig, source)
    return fig


def _panel_numbers(metric: str, look: Mapping[str, ArmLook], means: pd.DataFrame,
                   paired: pd.DataFrame | None, baseline: str) -> str:
    """The table's numbers for one panel: the value over the measured weeks with one arm, else
    each arm's paired difference from the baseline with its 95% interval."""
    rows = means[means["metric"] == metric].set_index("arm")
    if len(look) == 1 or paired is None:
        return "measured weeks: " + ", ".join(
            (f"{look[a].name} " if len(look) > 1 else "") + format_value(metric, rows.loc[a,
                                                                                    "mean"])
            for a in look if a in rows.index)
    part = paired[(paired["metric"] == metric) & (paired["arm"] != baseline)].set_index("arm")
    shown = [a for a in look if a in part.index][:MAX_DIFFERENCES]
    lines = []
    for arm in shown:
        r = part.loc[arm]
        lines.append(f"{look[arm].name} − {look[baseline].name}: "
                     f"{format_value(metric, r['difference'], signed=True)} "
                     f"[{format_value(metric, r['low'], signed=True)}, "
                     f"{format_value(metric, r['high'], signed=True)}]")
    if len(part) > len(shown):
        lines.append(f"+{len(part) - len(shown)} more arms: see the table")
    return "\n".join(lines)
