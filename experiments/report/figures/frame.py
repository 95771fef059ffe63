"""The shared frame of every chart: matplotlib set to the look of `experiments.report.style`,
the finding as the title, what is plotted under it, a source line in small print, and saving
(PNG at 200 dpi, SVG). Charts read result tables (weekly frames, summaries), never a live model.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter, FuncFormatter

from experiments.report.style import metric_kind

DPI = 200
PAD_INCHES = 0.1
"""White margin around a saved chart (matplotlib's own for a tight crop)."""


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
        # SVG text stays text: a consultant can edit a title in a slide tool, and the file is
        # drawn faster and smaller than with every glyph as a path.
        "svg.fonttype": "none",
    })


def source_line(fig: Figure, text: str) -> None:
    fig.text(0.01, 0.005, text, fontsize=6.5, color="#555555", ha="left", va="bottom")


def save(fig: Figure, path_without_suffix: Path, formats: Sequence[str] = ("png",)) -> list[Path]:
    """Save as PNG at 200 dpi (and other formats); returns the files written.

    The figure is cropped to what it draws (as ``bbox_inches="tight"``), measured once for
    every format rather than by a trial drawing per file."""
    fig.draw_without_rendering()
    bbox = fig.get_tightbbox(fig.canvas.get_renderer()).padded(PAD_INCHES)
    written = []
    for fmt in formats:
        path = path_without_suffix.with_suffix(f".{fmt}")
        fig.savefig(path, dpi=DPI, bbox_inches=bbox)
        written.append(path)
    plt.close(fig)
    return written


def _percent(value: float, _pos: object = None) -> str:
    points = value * 100
    return f"{points:.0f}%" if abs(points - round(points)) < 1e-6 else f"{points:.1f}%"


class MoneyTicks(Formatter):
    """`money` tick labels with as many digits as it takes to tell the ticks apart, so that
    close ticks ($1,192.5k and $1,195k) do not all read $1.19M."""

    def __init__(self) -> None:
        self.ticks: list[float] = []

    def set_locs(self, locs: Sequence[float]) -> None:
        self.ticks = [float(v) for v in locs]

    def __call__(self, value: float, pos: object = None) -> str:
        for digits in range(3, 9):
            if all(float(f"{v:.{digits}g}") == v for v in self.ticks):
                return _money(value, digits)  # every tick shown exactly
        return _money(value, 3)


def _money(value: float, digits: int) -> str:
    for size, suffix in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"${value / size:#.{digits}g}".rstrip(".") + suffix
    return f"${value:.0f}"


def set_axis_format(axis: object, name: str) -> None:
    """Money or percent tick labels on a matplotlib Axis for the metric `name`."""
    kind = metric_kind(name)
    if kind == "money":
        axis.set_major_formatter(MoneyTicks())  # type: ignore[attr-defined]
    elif kind == "pct":
        axis.set_major_formatter(FuncFormatter(_percent))  # type: ignore[attr-defined]


WARNING_COLOUR = "#B35900"


def finish(fig: Figure, heading: str, source: str, subtitle: str = "", *, warning: str = ""
           ) -> Figure:
    """The shared frame: the finding as a bold title, what is plotted as a subtitle under it,
    a warning (e.g. too few replicates) in bold orange under that, panels laid out below, the
    source line in small print at the foot. The heading is also the figure's label
    (``fig.get_label()``), for alt text."""
    height = fig.get_figheight()
    # Wrapped by hand (about 15 characters of 8.5 pt text, 9 of bold 12.5 pt, per inch) so the
    # panels start below the last line.
    title = textwrap.wrap(heading, width=int(fig.get_figwidth() * 9))
    fig.text(0.01, 1 - 0.1 / height, "\n".join(title), ha="left", va="top", fontsize=12.5,
             fontweight="bold")
    y = 0.1 + 0.23 * len(title) + 0.09
    lines = textwrap.wrap(subtitle, width=int(fig.get_figwidth() * 15)) if subtitle else []
    if lines:
        fig.text(0.01, 1 - y / height, "\n".join(lines), fontsize=8.5, color="#333333",
                 ha="left", va="top")
        y += 0.15 * len(lines)
    if warning:
        alert = textwrap.wrap(warning, width=int(fig.get_figwidth() * 14))
        fig.text(0.01, 1 - (y + 0.03) / height, "\n".join(alert), fontsize=8.5,
                 color=WARNING_COLOUR, fontweight="bold", ha="left", va="top")
        y += 0.03 + 0.15 * len(alert)
    top = 1 - (y + 0.18) / height
    fig.tight_layout(rect=(0, 0.2 / height, 1, top))
    source_line(fig, source)
    fig.set_label(heading)
    return fig
