"""Charts that compare arms: a metric by week with interval bands, dot-and-interval comparison
of a summary metric, the lead waterfall, and trust-cooperation trajectories."""

from __future__ import annotations

import math
from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from experiments.report.figures.frame import apply_style, finish, set_axis_format
from experiments.report.style import ArmLook, axis_label, format_value, metric_label

Look = Mapping[str, ArmLook]
"""Arm label -> its name, colour and line style (`style.arm_looks`), in the order shown."""

MAX_OVERLAID = 6
"""More arms than this are drawn as small multiples, one panel per arm."""


def _grid(n: int, max_cols: int) -> tuple[int, int]:
    cols = min(n, max_cols)
    return math.ceil(n / cols), cols


def _legend_right(ax: plt.Axes, title: str = "") -> None:
    legend = ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0,
                       handlelength=2.6, title=_wrap_title(title) or None)
    if title:
        legend.get_title().set_fontsize(7.5)
        legend._legend_box.align = "left"  # type: ignore[attr-defined]


def _wrap_title(title: str) -> str:
    """A legend title such as "colour: preset; shade and line: budget structure" on two lines."""
    return title.replace("; ", "\n")


def timeseries_figure(bands: pd.DataFrame, metric: str, look: Look, *, burn_in_weeks: int,
                      source: str, heading: str | None = None, smooth_weeks: int = 1,
                      legend_title: str = "", warning: str = "") -> Figure:
    """Mean of a weekly metric per arm with its 95% band (`analysis.weekly_bands`); burn-in
    shaded. Up to six arms share one panel; more get one panel each over the others in grey."""
    apply_style()
    arms = [a for a in look if a in set(bands["arm"])]
    smooth = f"{smooth_weeks}-week rolling value per run, " if smooth_weeks > 1 else ""
    subtitle = (f"{metric_label(metric)}: {smooth}mean over replicates; band: 95% bootstrap "
                "interval; shaded: burn-in, not in the summaries")
    if len(arms) <= MAX_OVERLAID:
        fig, ax = plt.subplots(figsize=(9.5, 4.4))
        for arm in arms:
            name, colour, dash = look[arm]
            part = bands[bands["arm"] == arm]
            ax.fill_between(part["week"], part["low"], part["high"], color=colour, alpha=0.15,
                            lw=0)
            ax.plot(part["week"], part["mean"], color=colour, lw=1.8, ls=dash, label=name)
        axes = [ax]
        _legend_right(ax, legend_title)
    else:
        rows, cols = _grid(len(arms), 4)
        fig, grid = plt.subplots(rows, cols, figsize=(3.1 * cols, 2.3 * rows + 0.9),
                                 sharex=True, sharey=True, squeeze=False)
        axes = list(grid.flat)
        for ax, arm in zip(axes, arms, strict=False):
            for other in arms:
                part = bands[bands["arm"] == other]
                ax.plot(part["week"], part["mean"], color="#BBBBBB", lw=0.6)
            name, colour, dash = look[arm]
            part = bands[bands["arm"] == arm]
            ax.fill_between(part["week"], part["low"], part["high"], color=colour, alpha=0.25,
                            lw=0)
            ax.plot(part["week"], part["mean"], color=colour, lw=1.7, ls=dash)
            ax.set_title(name, loc="left", fontsize=9, fontweight="normal")
        for ax in axes[len(arms):]:
            ax.set_visible(False)
        subtitle += "; grey: the other arms"
    for ax in axes:
        if burn_in_weeks:
            ax.axvspan(bands["week"].min() - 0.5, burn_in_weeks + 0.5, color="#999999",
                       alpha=0.12, lw=0)
        set_axis_format(ax.yaxis, metric)
        ax.margins(x=0)
    measured = bands[bands["week"] > burn_in_weeks]
    if burn_in_weeks and len(measured):
        # Start-up swings (a win rate of 0% before the first deal closes) would flatten the
        # measured weeks; then the y axis fits the measured weeks and the burn-in is cut off.
        lo, hi = measured["low"].min(), measured["high"].max()
        all_lo, all_hi = bands["low"].min(), bands["high"].max()
        if hi > lo and (all_hi - all_lo) > 2.5 * (hi - lo):
            pad = 0.1 * (hi - lo)
            for ax in axes:
                ax.set_ylim(lo - pad, hi + pad)
            subtitle += "; y axis fits the measured weeks"
    for ax in axes[-min(len(axes), 4):]:
        ax.set_xlabel("week")
    if len(axes) == 1:
        axes[0].set_ylabel(axis_label(metric))
    return finish(fig, heading or f"{metric_label(metric)} by week", source, subtitle,
                  warning=warning)


def comparison_figure(means: pd.DataFrame, metric: str, look: Look, *, source: str,
                      heading: str | None = None, baseline: str | None = None,
                      warning: str = "") -> Figure:
    """Dot and 95% interval per arm for one summary metric (rows of `analysis.arm_means`)."""
    apply_style()
    data = means[means["metric"] == metric].set_index("arm")
    arms = [a for a in look if a in data.index]
    fig, ax = plt.subplots(figsize=(8.5, max(2.6, 1.45 + 0.42 * len(arms))))
    y = np.arange(len(arms))[::-1]
    for yi, arm in zip(y, arms, strict=True):
        colour = look[arm].colour
        row = data.loc[arm]
        ax.plot([row["low"], row["high"]], [yi, yi], color=colour, lw=2.6,
                solid_capstyle="butt", alpha=0.6)
        ax.plot(row["mean"], yi, "o", color=colour, ms=7, mec="white", mew=0.8)
        ax.annotate(format_value(metric, row["mean"]), (row["high"], yi), xytext=(6, 0),
                    textcoords="offset points", va="center", fontsize=8)
    if baseline is not None and baseline in data.index:
        ax.axvline(data.loc[baseline, "mean"], color="#777777", ls=":", lw=1)
    ax.set_yticks(y, [look[a].name for a in arms], fontsize=9)
    ax.set_ylim(-0.6, len(arms) - 0.4)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(axis_label(metric))
    set_axis_format(ax.xaxis, metric)
    lo, hi = data.loc[arms, "low"].min(), data.loc[arms, "high"].max()
    span = (hi - lo) or abs(hi) or 1.0
    ax.set_xlim(lo - 0.08 * span, hi + 0.22 * span)  # room for the value labels
    n = int(data["n"].max()) if len(data) else 0
    subtitle = (f"{metric_label(metric)}: mean over {n} replicates per arm, line = 95% "
                "bootstrap interval" + ("; dotted: the baseline arm" if baseline else ""))
    return finish(fig, heading or metric_label(metric), source, subtitle, warning=warning)


def waterfall_figure(stages: pd.DataFrame, look: Look, *, source: str,
                     heading: str | None = None) -> Figure:
    """Lead waterfall per arm (`analysis.funnel`): leads per week at each stage, the conversion
    from the stage before on each bar."""
    apply_style()
    arms = [a for a in look if a in set(stages["arm"])]
    rows, cols = _grid(len(arms), 2 if len(arms) == 4 else 3 if len(arms) <= MAX_OVERLAID else 4)
    fig, grid = plt.subplots(rows, cols, figsize=(3.6 * cols, 2.5 * rows + 1.1), sharey=True,
                             squeeze=False)
    top = stages["per_week"].max()
    for ax, arm in zip(grid.flat, arms, strict=False):
        name, colour, _ = look[arm]
        part = stages[stages["arm"] == arm]
        x = np.arange(len(part))
        ax.bar(x, part["per_week"], color=colour, width=0.7)
        for xi, (_, row) in zip(x, part.iterrows(), strict=True):
            text = f"{row['per_week']:.1f}"
            if row["rate"] == row["rate"]:
                text += f"\n{row['rate']:.0%}"
            ax.text(xi, row["per_week"] + 0.02 * top, text, ha="center", va="bottom",
                    fontsize=7.5, linespacing=1.1)
        ax.set_xticks(x, list(part["stage"]), fontsize=8)
        ax.grid(axis="x", visible=False)
        ax.set_title(name, loc="left", fontsize=9.5, fontweight="bold", color=colour)
        ax.set_ylim(0, top * 1.3)
    for ax in grid[:, 0]:
        ax.set_ylabel("leads per week")
    for ax in list(grid.flat)[len(arms):]:
        ax.set_visible(False)
    subtitle = ("Marketing-sourced leads per week after burn-in (mean over replicates); under "
                "each count, the share of the stage before that reached this stage")
    return finish(fig, heading or "Lead waterfall by arm", source, subtitle)


def trajectory_figure(paths: pd.DataFrame, look: Look, *, source: str,
                      heading: str | None = None, mark_every: int = 26,
                      legend_title: str = "", warning: str = "") -> Figure:
    """Trust against cooperation, one path per arm (`analysis.trajectories`), beside trust and
    cooperation by week. Dots on the paths every `mark_every` weeks; an arrow at the end."""
    apply_style()
    arms = [a for a in look if a in set(paths["arm"])]
    fig, axes = plt.subplot_mosaic([["phase", "trust"], ["phase", "coop"]], figsize=(11.5, 5.4),
                                   width_ratios=(1.25, 1))
    phase = axes["phase"]
    over_time = (axes["trust"], axes["coop"])
    over_time[0].sharex(over_time[1])
    for arm in arms:
        name, colour, dash = look[arm]
        part = paths[paths["arm"] == arm].sort_values("week")
        trust, coop = part["trust"].to_numpy(), part["cooperation"].to_numpy()
        phase.plot(trust, coop, color=colour, lw=1.5, ls=dash, label=name, alpha=0.9)
        marks = part["week"].to_numpy() % mark_every == 0
        phase.plot(trust[marks], coop[marks], "o", color=colour, ms=3.5)
        phase.plot(trust[0], coop[0], "o", mfc="white", mec=colour, ms=7, mew=1.4)
        if len(part) > 1:
            phase.annotate("", xy=(trust[-1], coop[-1]), xytext=(trust[-2], coop[-2]),
                           arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 1.5,
                                       "mutation_scale": 16})
        over_time[0].plot(part["week"], trust, color=colour, lw=1.4, ls=dash)
        over_time[1].plot(part["week"], coop, color=colour, lw=1.4, ls=dash)
    phase.set_xlabel(axis_label("trust"))
    phase.set_ylabel(axis_label("cooperation"))
    phase.xaxis.set_major_locator(MaxNLocator(6))
    handles, labels = phase.get_legend_handles_labels()
    legend = over_time[0].legend(handles, labels, loc="upper left", bbox_to_anchor=(1.02, 1.0),
                                 borderaxespad=0, handlelength=2.6,
                                 title=_wrap_title(legend_title) or None)
    if legend_title:
        legend.get_title().set_fontsize(7.5)
        legend._legend_box.align = "left"  # type: ignore[attr-defined]
    over_time[0].set_ylabel("trust")
    over_time[1].set_ylabel("cooperation")
    over_time[1].set_xlabel("week")
    over_time[0].tick_params(labelbottom=False)
    for ax in over_time:
        ax.margins(x=0)
    weeks = paths["week"]
    subtitle = (f"Mean over replicates, weeks {int(weeks.min())}-{int(weeks.max())}, smoothed; "
                f"left: open circle = start, dots every {mark_every} weeks, arrow = last week")
    return finish(fig, heading or "Trust and cooperation over the run", source, subtitle,
                  warning=warning)
