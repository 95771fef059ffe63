"""The dashboard's pictures: matplotlib views of each arm's weekly table and people network.

Views only draw what the model already reports (``weekly_table()`` and ``network``), with the
report's colours (`experiments.report.style`), sized for a projector at 1280x720: few lines, large
type, one colour per arm, the week axis fixed to the whole run so a chart fills from left to
right instead of rescaling. Each view keeps its figure and updates its artists' data every
week rather than rebuilding it, which keeps a step's redraw well inside the 200 ms a room
notices. Figures are `matplotlib.figure.Figure` objects, never pyplot, so sessions on one server
share no drawing state. Titles and keys are the page's HTML, not pixels: sharper on a projector.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from PIL import Image

from experiments.report.style import DEPARTMENT_COLOURS, department_colour

DPI = 100
SIZE = (4.6, 2.2)  # inches: 460x220 px, two per row beside the sidebar at 1280 wide
FONT = 11
SMOOTH_WEEKS = 4
CROSS_TIE_COLOUR = "#e66101"
A = TypeVar("A", bound=Artist)
PNG = {"compress_level": 1}  # a quarter of the encoding time of the default, files ~20% larger


@dataclass(frozen=True)
class Series:
    """One arm as the views see it: a label, its colour and what it has reported so far."""

    label: str
    colour: str
    weekly: pd.DataFrame
    """`display_table` of the arm's weekly table."""
    network: nx.Graph | None = None
    cooperating: dict | None = None
    """Node id -> whether that person cooperates this week."""


@dataclass(frozen=True)
class Line:
    """One line per arm on a panel: a weekly column, drawn in a style, scaled, maybe smoothed."""

    column: str
    style: str = "-"
    scale: float = 1.0
    smooth: int = 0  # weeks of a rolling mean; 0: none


@dataclass(frozen=True)
class Panel:
    title: str
    lines: tuple[Line, ...]
    ylim: tuple[float, float] | None = None  # None: from zero up to what the data reach


class View:
    """A titled figure redrawn from the arms' data each week; ``png`` gives the image.

    Subclasses mark what changes week to week as animated (`_moving`); the rest (axes, ticks,
    labels, bands) is drawn once into a background that each week's image starts from, and
    drawn again only when an axis limit moves. That is matplotlib's blitting, here into PNGs.
    """

    title: str = ""
    key: str = ""  # what line styles or marks mean, shown beside the title (HTML)

    def __init__(self, arms: Sequence[Series], weeks: int, ncols: int = 1) -> None:
        self.fig = Figure(figsize=SIZE, dpi=DPI)
        self.canvas = FigureCanvasAgg(self.fig)
        self.axes = list(np.atleast_1d(self.fig.subplots(1, ncols)))
        self.fig.subplots_adjust(left=0.1, right=0.96, bottom=0.21, top=0.89, wspace=0.3)
        self.weeks = weeks
        self.moving: list[Artist] = []
        self._background = None
        self._limits: tuple = ()
        for ax in self.axes:
            ax.tick_params(labelsize=FONT)
            ax.spines[["top", "right"]].set_visible(False)
            ax.yaxis.set_major_locator(MaxNLocator(4))

    def _moving(self, artist: A) -> A:
        artist.set_animated(True)
        self.moving.append(artist)
        return artist

    def update(self, arms: Sequence[Series]) -> None:
        raise NotImplementedError

    def png(self, arms: Sequence[Series]) -> bytes:
        self.update(arms)
        limits = tuple((ax.get_xlim(), ax.get_ylim()) for ax in self.axes)
        if self._background is None or limits != self._limits:
            self.canvas.draw()  # everything but the moving artists
            self._background = self.canvas.copy_from_bbox(self.fig.bbox)
            self._limits = limits
        else:
            self.canvas.restore_region(self._background)
        renderer = self.canvas.get_renderer()
        for artist in self.moving:
            artist.draw(renderer)
        image = Image.frombuffer("RGBA", self.canvas.get_width_height(),
                                 self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        out = io.BytesIO()
        image.convert("RGB").save(out, format="png", **PNG)
        return out.getvalue()


class LinesView(View):
    """Panels of weekly lines, one colour per arm, the week axis spanning the whole run."""

    def __init__(self, arms: Sequence[Series], weeks: int, title: str, key: str,
                 panels: Sequence[Panel]) -> None:
        super().__init__(arms, weeks, len(panels))
        self.title, self.key, self.panels = title, key, tuple(panels)
        self.lines: list[list] = []
        for ax, panel in zip(self.axes, self.panels, strict=True):
            ax.set_xlim(0, weeks)
            ax.set_xticks(_week_ticks(weeks, len(panels)))
            ax.set_xlabel("week", fontsize=FONT)
            if len(self.panels) > 1:
                ax.set_title(panel.title, fontsize=FONT, pad=9)
                self.fig.subplots_adjust(top=0.86)
            ax.set_ylim(*(panel.ylim or (0, 1)))
            ax.grid(axis="y", alpha=0.3)
            self.lines.append([
                self._moving(ax.plot([], [], color=arm.colour, lw=2.2, linestyle=line.style)[0])
                for line in panel.lines for arm in arms
            ])

    def update(self, arms: Sequence[Series]) -> None:
        for ax, panel, artists in zip(self.axes, self.panels, self.lines, strict=True):
            top = 0.0
            it = iter(artists)
            for line in panel.lines:
                for arm in arms:
                    y = arm.weekly[line.column].astype(float) * line.scale
                    if line.smooth:
                        y = y.rolling(line.smooth, min_periods=1).mean()
                    next(it).set_data(arm.weekly.index.to_numpy(), y.to_numpy())
                    if len(y):
                        top = max(top, float(np.nanmax(y.to_numpy())))
            if panel.ylim is None:
                ax.set_ylim(0, _nice_top(top))


class AlignmentView(LinesView):
    """The alignment index (20-100) over Kotler's bands, each band named at the right edge."""

    def __init__(self, arms: Sequence[Series], weeks: int, column: str,
                 bands: Sequence[tuple[str, float, float]]) -> None:
        super().__init__(arms, weeks, "Alignment index",
                         "Kotler's 20-100 diagnostic, scored from what the firm does each week",
                         [Panel("", (Line(column),), (20, 100))])
        ax = self.axes[0]
        ax.grid(False)
        for k, (name, lo, hi) in enumerate(bands):
            ax.axhspan(lo, hi, color="0.5", alpha=0.05 + 0.07 * k, lw=0)
            ax.text(0.99, (lo + hi) / 2, name, transform=ax.get_yaxis_transform(), ha="right",
                    va="center", fontsize=FONT, color="0.3")
        ax.set_yticks([b[1] for b in bands] + [bands[-1][2]])


class WaterfallView(View):
    """Leads reaching each stage so far, and the share passed on from the stage before."""

    title = "Lead waterfall so far"
    key = "marketing's leads since week 1; %: share of the stage above"

    def __init__(self, arms: Sequence[Series], weeks: int,
                 stages: Sequence[tuple[str, str]]) -> None:
        super().__init__(arms, weeks)
        self.fig.subplots_adjust(left=0.25, right=0.98, bottom=0.04, top=0.98)
        self.stages = tuple(stages)
        ax = self.axes[0]
        n = max(1, len(arms))
        height = 0.8 / n
        y = np.arange(len(stages))
        self.bars, self.labels = [], []
        for i, arm in enumerate(arms):
            offset = y + (i - (n - 1) / 2) * height
            bars = ax.barh(offset, np.zeros(len(stages)), height=height * 0.9, color=arm.colour)
            self.bars.append([self._moving(bar) for bar in bars])
            self.labels.append([self._moving(ax.text(0, pos, "", va="center", fontsize=FONT))
                                for pos in offset])
        ax.set_yticks(y, [label for label, _ in stages], fontsize=FONT)
        ax.invert_yaxis()
        ax.set_xscale("symlog", linthresh=10)
        ax.xaxis.set_visible(False)
        ax.spines[["bottom"]].set_visible(False)

    def update(self, arms: Sequence[Series]) -> None:
        widest = 10.0
        for arm, bars, labels in zip(arms, self.bars, self.labels, strict=True):
            totals = [float(arm.weekly[column].sum()) for _, column in self.stages]
            widest = max(widest, *totals)
            for k, (bar, label, total) in enumerate(zip(bars, labels, totals, strict=True)):
                bar.set_width(total)
                passed = f"  {100 * total / totals[k - 1]:.0f}%" if k and totals[k - 1] else ""
                label.set_x(total)
                label.set_text(f" {total:,.0f}{passed}")
        # room on the right for the labels, in steps so the background is rarely redrawn
        self.axes[0].set_xlim(0, _nice_top(widest * 40))


class NetworkView(View):
    """Who talks to whom: colour the department, a filled dot someone cooperating now."""

    title = "People and their ties"
    key = (f"<span style='color:{DEPARTMENT_COLOURS['sales']}'>&#9679; sales</span> "
           f"<span style='color:{DEPARTMENT_COLOURS['marketing']}'>&#9679; marketing</span> "
           "&#9679; finance/CRO · filled: cooperating · "
           f"<span style='color:{CROSS_TIE_COLOUR}'>&#9473; across</span>")

    def __init__(self, arms: Sequence[Series], weeks: int) -> None:
        drawn = [a for a in arms if a.network is not None]
        super().__init__(arms, weeks, max(1, len(drawn)))
        self.fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.9, wspace=0.05)
        self.pos: list[dict] = []
        for ax, arm in zip(self.axes, drawn, strict=False):
            self.pos.append(_layout(arm.network))
            label = arm.label if len(arm.label) <= 30 else arm.label[:29] + "…"
            ax.set_title(label, fontsize=FONT, color=arm.colour, fontweight="bold")
            ax.set_aspect("equal")
            ax.set_axis_off()
            xy = np.array(list(self.pos[-1].values()) or [(0.0, 0.0)])
            ax.set_xlim(xy[:, 0].min() - 0.2, xy[:, 0].max() + 0.2)
            ax.set_ylim(xy[:, 1].min() - 0.2, xy[:, 1].max() + 0.2)
        self.artists: list[tuple] = []
        for ax, pos in zip(self.axes, self.pos, strict=False):
            within = self._moving(LineCollection([], colors="0.75", linewidths=0.6))
            cross = self._moving(LineCollection([], colors=CROSS_TIE_COLOUR, linewidths=1.4))
            ax.add_collection(within)
            ax.add_collection(cross)
            nodes = list(pos)
            dots = self._moving(ax.scatter([pos[n][0] for n in nodes],
                                           [pos[n][1] for n in nodes], s=45, zorder=3,
                                           linewidths=1.6))
            self.artists.append((nodes, within, cross, dots))

    def update(self, arms: Sequence[Series]) -> None:
        drawn = [a for a in arms if a.network is not None]
        for arm, pos, (nodes, within, cross, dots) in zip(drawn, self.pos, self.artists,
                                                          strict=False):
            graph = arm.network
            dept = nx.get_node_attributes(graph, "department")
            bridge = {frozenset(("marketing", "sales"))}
            across = [(pos[u], pos[v]) for u, v in graph.edges
                      if {dept.get(u), dept.get(v)} in bridge]
            inside = [(pos[u], pos[v]) for u, v in graph.edges
                      if {dept.get(u), dept.get(v)} not in bridge]
            within.set_segments(inside)
            cross.set_segments(across)
            edge = [department_colour(str(dept.get(n))) for n in nodes]
            cooperating = arm.cooperating or {}
            face = [e if cooperating.get(n) else "white"
                    for n, e in zip(nodes, edge, strict=True)]
            dots.set_edgecolors(edge)
            dots.set_facecolors(face)


def _layout(graph: nx.Graph) -> dict:
    """Each department on its own ring facing the other, others between: bridges read at once."""
    by_dept: dict[str, list] = {}
    for node, dept in graph.nodes(data="department"):
        by_dept.setdefault(str(dept), []).append(node)
    pos: dict = {}
    centres = {"marketing": -1.25, "sales": 1.25}
    others = [d for d in by_dept if d not in centres]
    for dept, nodes in by_dept.items():
        if dept in centres:
            for k, node in enumerate(nodes):
                angle = 2 * math.pi * k / len(nodes) + math.pi / 2
                pos[node] = (centres[dept] + math.cos(angle), math.sin(angle))
    leaders = [n for d in others for n in by_dept[d]]
    for k, node in enumerate(leaders):
        pos[node] = ((k - (len(leaders) - 1) / 2) * 0.5, 1.35)
    return pos


def _week_ticks(weeks: int, panels: int = 1) -> list[int]:
    step = 13 if weeks <= 78 else 26 if weeks <= 182 else 52
    step *= panels  # narrower panels, fewer labels
    return list(range(0, weeks + 1, step))


def _nice_top(value: float) -> float:
    """A round upper limit at or above value, so the axis changes rarely as lines grow."""
    if not np.isfinite(value) or value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for m in (1, 1.5, 2, 3, 4, 5, 6, 8, 10):
        if value <= m * magnitude:
            return m * magnitude
    return 10 * magnitude


# What the views read from each arm's weekly table (columns of sim.metrics), and the few
# display series derived from it: rates over a rolling window are ratios of the window's sums,
# as sim's run summary computes them, because a week holds only a handful of MQLs and deals.
RATE_WEEKS = 8
NEW_BUSINESS = "new_business_revenue_usd"
RECURRING = "recurring_revenue_usd"
ACCEPTANCE = "mql_acceptance_8w"
WIN_RATE = "win_rate_8w"
TRUST_SALES = "trust_sales_in_marketing"
TRUST_MARKETING = "trust_marketing_in_sales"
COOP_SALES = "cooperation_sales"
COOP_MARKETING = "cooperation_marketing"
ALIGNMENT = "alignment_index"
WATERFALL = (("inquiries", "inquiries"), ("MQLs", "mqls_new"), ("accepted", "mqls_accepted"),
             ("opportunities", "sqls_marketing"), ("won", "won_marketing"))


def display_table(weekly: pd.DataFrame) -> pd.DataFrame:
    """The weekly table with the derived series the views draw."""
    df = weekly.copy()
    roll = df.rolling(RATE_WEEKS, min_periods=1).sum()
    won = roll["won_marketing"] + roll["won_sales"]
    df[RECURRING] = df["revenue_usd"] - df[NEW_BUSINESS]
    df[ACCEPTANCE] = (roll["mqls_accepted"] / roll["mqls"]).where(roll["mqls"] > 0, 0.0)
    df[WIN_RATE] = (won / (won + roll["lost"])).where(won + roll["lost"] > 0, 0.0)
    return df


def dashboard(arms: Sequence[Series], weeks: int,
              bands: Sequence[tuple[str, float, float]]) -> list[View]:
    """The page's views in reading order: outcomes first, then the funnel, then the people."""
    return [
        LinesView(arms, weeks, "Revenue per week, k USD",
                  f"first-year customers and the rest; {SMOOTH_WEEKS}-week mean", [
            Panel("new business", (Line(NEW_BUSINESS, scale=1e-3, smooth=SMOOTH_WEEKS),)),
            Panel("recurring", (Line(RECURRING, scale=1e-3, smooth=SMOOTH_WEEKS),)),
        ]),
        LinesView(arms, weeks, "MQL acceptance and win rate, %",
                  f"solid: MQLs sales accepted, dashed: deals won; over {RATE_WEEKS} weeks", [
                      Panel("", (Line(ACCEPTANCE, scale=100), Line(WIN_RATE, "--", 100)),
                            (0, 100)),
                  ]),
        LinesView(arms, weeks, "Trust each way, and who cooperates",
                  "solid: sales, dashed: marketing (trust: in the other department)", [
                      Panel("trust in the other side, 0-1",
                            (Line(TRUST_SALES), Line(TRUST_MARKETING, "--")), (0, 1)),
                      Panel(f"cooperating %, {RATE_WEEKS}-wk mean",
                            (Line(COOP_SALES, scale=100, smooth=RATE_WEEKS),
                             Line(COOP_MARKETING, "--", 100, RATE_WEEKS)), (0, 100)),
                  ]),
        AlignmentView(arms, weeks, ALIGNMENT, bands),
        WaterfallView(arms, weeks, WATERFALL),
        NetworkView(arms, weeks),
    ]
