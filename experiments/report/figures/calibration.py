"""Charts of a calibration, from its tables: the targets against the fitted rates, the search's
progress, and each parameter's profile (what the targets pin down)."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter

from experiments.report.figures.frame import apply_style, finish
from experiments.report.style import OKABE_ITO, format_value, metric_label

MET, MISSED = OKABE_ITO[4], OKABE_ITO[5]
TARGET_BAND = "#dddddd"
SCATTER = "#999999"
PLAIN = FuncFormatter(lambda value, _pos: f"{value:g}")


def fit_figure(fit: pd.DataFrame, *, heading: str, source: str) -> Figure:
    """Each target's stated interval (grey band) and the fitted rate with its 95% interval, in
    units of the firm's uncertainty, so rates and dollars share one axis; numbers in words."""
    apply_style()
    n = len(fit)
    fig, ax = plt.subplots(figsize=(9, 1.9 + 0.5 * n))
    y = np.arange(n)[::-1]
    half = (fit["target_hi"] - fit["target_lo"]) / (2 * fit["sigma"])
    ax.barh(y, 2 * half, left=-half, height=0.6, color=TARGET_BAND, label="stated interval")
    z_lo = (fit["fitted_lo"] - fit["target"]) / fit["sigma"]
    z_hi = (fit["fitted_hi"] - fit["target"]) / fit["sigma"]
    for yi, (_, row), lo, hi in zip(y, fit.iterrows(), z_lo, z_hi, strict=True):
        colour = MET if row["inside"] else MISSED
        ax.plot([lo, hi], [yi, yi], color=colour, lw=2)
        ax.plot(row["z"], yi, "o", color=colour, ms=6)
    ax.axvline(0, color="#333333", lw=0.8)
    ax.set_yticks(y, [f"{metric_label(m)} ({w} wk)" for m, w in zip(fit["metric"], fit["weeks"],
                                                                       strict=True)])
    reach = float(max(3.0, np.nanmax(np.abs(np.r_[z_lo, z_hi, half])) * 1.1))
    ax.set_xlim(-reach, reach)
    for yi, (_, row) in zip(y, fit.iterrows(), strict=True):
        # Beside the panel, in words: the numbers a client reads.
        ax.text(1.02, yi, f"target {format_value(row['metric'], row['target'])}, "
                f"fitted {format_value(row['metric'], row['fitted'])} ({row['verdict']})",
                va="center", fontsize=8, transform=ax.get_yaxis_transform(), clip_on=False)
    ax.set_xlabel("fitted minus target, in the firm's standard errors")
    ax.grid(axis="y", visible=False)
    return finish(fig, heading, source, subtitle="Grey: the interval the firm states (a range, "
                  "or 1.96 standard errors). Dot and line: the fitted rate, mean over the fresh "
                  "seeds of the check (the fitting seeds before it has run) with its bootstrap "
                  "95% interval; blue inside the interval, orange outside.")


def convergence_figure(conv: pd.DataFrame, *, heading: str, source: str) -> Figure:
    """Each candidate's objective (grey) and the best so far (line), on a log scale."""
    apply_style()
    fig, ax = plt.subplots(figsize=(8, 4))
    ok = conv[conv["objective"].notna()]
    ax.scatter(ok["candidate"], ok["objective"] + 1e-3, s=8, color=SCATTER, label="candidate")
    ax.step(ok["candidate"], ok["best_so_far"] + 1e-3, where="post", color=MET, lw=2,
            label="best so far")
    ax.set_yscale("log")
    ax.set_xlabel("candidate (in the order proposed)")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("objective: sum of squared z-scores")
    ax.legend(loc="upper right")
    return finish(fig, heading, source, subtitle="The objective of each candidate on the fitting "
                  "seeds (sum over targets of ((simulated - target) / uncertainty)^2; about the "
                  "number of targets when every one is met by about one standard error).")


def profile_figure(candidates: pd.DataFrame, profiles: pd.DataFrame, parameters: pd.DataFrame,
                   *, threshold: float, heading: str, source: str) -> Figure:
    """One panel per parameter: every candidate's objective against its value, the profile
    (lowest objective per bin), the line the profile must cross to rule values out, and the
    fitted value."""
    apply_style()
    n = len(parameters)
    cols = min(3, n)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.4 * cols, 2.7 * rows + 0.4), squeeze=False)
    ok = candidates[candidates["objective"].notna()]
    for ax, (_, par) in zip(axes.flat, parameters.iterrows(), strict=False):
        name = par["parameter"]
        prof = profiles[profiles["parameter"] == name]
        ax.scatter(ok[name], ok["objective"] + 1e-3, s=5, color=SCATTER)
        ax.plot(prof["centre"], prof["best"] + 1e-3, color=MET, lw=1.8, marker=".")
        ax.axhline(threshold + 1e-3, color=MISSED, lw=1, ls="--")
        ax.axvspan(par["interval_lo"], par["interval_hi"], color=MET, alpha=0.12, lw=0)
        ax.axvline(par["fitted"], color="#333333", lw=1)
        ax.set_yscale("log")
        if par["log"]:
            ax.set_xscale("log")
            # Ticks at 1, 2 and 5 of each decade, labelled; the rest unlabelled (a label at
            # every minor tick runs together on a narrow panel).
            ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
            ax.xaxis.set_major_formatter(PLAIN)
            ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlim(par["lo"], par["hi"])
        ax.set_title(f"{metric_label(name)}: {par['verdict']}", fontsize=9)
        ax.set_xlabel(name, fontsize=7)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    return finish(fig, heading, source, subtitle="Grey: candidates. Blue: the profile (lowest "
                  "objective in each bin of the range). Dashed: the best objective + 3.84; "
                  "values whose profile stays above it are ruled out (95%). Black: the fit; "
                  "shaded: its approximate 95% interval from the targets' slopes.")
