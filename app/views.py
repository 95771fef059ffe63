"""The dashboard's pictures: matplotlib views of each arm's weekly table and of its people.

Views only draw what the model already reports (``weekly_table()``, the people network and who
cooperates), with the report's colours (`experiments.report.style`), sized for a projector at
1280x720: three charts a row beside the sidebar, few lines, one colour per arm, the week axis
fixed to the whole run so a chart fills from left to right instead of rescaling. Each view keeps
its figure and updates its artists' data every week rather than rebuilding it (matplotlib's
blitting, into PNGs), which keeps a week's redraw to a few milliseconds. Figures are
`matplotlib.figure.Figure` objects, never pyplot; one lock serialises drawing across the
server's sessions, because matplotlib's text and font caches are shared. Titles, legends and
keys are the page's HTML (`app.frames`), not pixels: sharper on a projector, never clipped.
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex, to_rgb
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from PIL import Image

DPI = 100
SIZE = (3.3, 2.0)  # inches: 330x200 px, three a row beside the sidebar at 1280 wide
FONT = 10
PNG = {"compress_level": 1}  # a quarter of the encoding time of the default, files ~20% larger
DRAW_LOCK = threading.Lock()

# What the views read from each arm's weekly table (columns of sim.metrics), and the few
# display series derived from it. Rates over a window are ratios of the window's sums, as sim's
# run summary computes them, because a week holds only a handful of MQLs and deals; a rate is
# shown once the window is full and holds at least MIN_EVENTS events, so three deals in the
# first weeks do not draw a 65 % win rate.
RATE_WEEKS = 8
MIN_EVENTS = 5
SMOOTH_WEEKS = 4
NEW_BUSINESS = "new_business_revenue_usd"
RECURRING = "recurring_revenue_usd"
ACCEPTANCE = "mql_acceptance_8w"
WIN_RATE = "win_rate_8w"
TRUST_SALES = "trust_sales_in_marketing"
TRUST_MARKETING = "trust_marketing_in_sales"
COOP_SALES = "cooperation_sales"
COOP_MARKETING = "cooperation_marketing"
ALIGNMENT = "alignment_index"
NEW_BUSINESS_MEAN = "new_business_4w_usd"


# Columns of sim's weekly table that the page reads (the waterfall's are in app.frames).
READ = ("revenue_usd", NEW_BUSINESS, "mqls", "mqls_accepted", "won_marketing", "won_sales",
        "lost", TRUST_SALES, TRUST_MARKETING, COOP_SALES, COOP_MARKETING, ALIGNMENT,
        "alignment_type")


def display_table(weekly: pd.DataFrame) -> pd.DataFrame:
    """An arm's weekly table (at least the READ columns) with the derived series the views and
    tiles show."""
    df = weekly.copy()

    def window(column: str) -> np.ndarray:
        """Sum over the last RATE_WEEKS weeks; NaN until the window is full."""
        total = np.cumsum(df[column].to_numpy(dtype=float))
        out = np.full(len(total), np.nan)
        if len(total) >= RATE_WEEKS:
            out[RATE_WEEKS - 1:] = total[RATE_WEEKS - 1:] - np.concatenate(
                ([0.0], total[:-RATE_WEEKS]))
        return out

    mqls, accepted = window("mqls"), window("mqls_accepted")
    won = window("won_marketing") + window("won_sales")
    closed = won + window("lost")
    with np.errstate(invalid="ignore", divide="ignore"):
        df[ACCEPTANCE] = np.where(mqls >= MIN_EVENTS, accepted / mqls, np.nan)
        df[WIN_RATE] = np.where(closed >= MIN_EVENTS, won / closed, np.nan)
    df[RECURRING] = df["revenue_usd"] - df[NEW_BUSINESS]
    df[NEW_BUSINESS_MEAN] = moving_mean(df[NEW_BUSINESS].to_numpy(dtype=float), SMOOTH_WEEKS)
    return df


@dataclass(frozen=True)
class Series:
    """One arm as the views see it: its colour and what it has reported so far."""

    colour: str
    weekly: pd.DataFrame
    """`display_table` of the arm's weekly table."""
    network: nx.Graph | None = None
    cooperating: dict = field(default_factory=dict)
    """Node id -> whether that person cooperates this week."""
    week: int = 0


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
    """A figure redrawn from the arms' data each week; ``png`` gives the image.

    Subclasses mark what changes week to week as animated (`_moving`); the rest (axes, ticks,
    labels, bands) is drawn once into a background that each week's image starts from, and
    drawn again only when an axis limit moves.
    """

    title = ""
    key = ""  # what line styles or marks mean (HTML), shown under the title with the arms

    def __init__(self, weeks: int, ncols: int = 1) -> None:
        self.fig = Figure(figsize=SIZE, dpi=DPI)
        self.canvas = FigureCanvasAgg(self.fig)
        self.axes = list(np.atleast_1d(self.fig.subplots(1, ncols)))
        self.fig.subplots_adjust(left=0.13, right=0.93, bottom=0.22, top=0.95, wspace=0.5)
        self.weeks = weeks
        self.moving: list[Artist] = []
        self._background = None
        self._limits: tuple = ()
        for ax in self.axes:
            ax.tick_params(labelsize=FONT)
            ax.spines[["top", "right"]].set_visible(False)
            ax.yaxis.set_major_locator(MaxNLocator(4))

    def _moving(self, artist: Artist) -> Artist:
        artist.set_animated(True)
        self.moving.append(artist)
        return artist

    def update(self, arms: Sequence[Series]) -> None:
        raise NotImplementedError

    def png(self, arms: Sequence[Series]) -> bytes:
        with DRAW_LOCK:
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
        super().__init__(weeks, len(panels))
        self.title, self.key, self.panels = title, key, tuple(panels)
        self.lines: list[list] = []
        if len(self.panels) > 1:
            self.fig.subplots_adjust(top=0.87)
        for ax, panel in zip(self.axes, self.panels, strict=True):
            ax.set_xlim(0, weeks)
            ax.set_xticks(week_ticks(weeks, len(panels)))
            ax.set_xlabel("week", fontsize=FONT, labelpad=1)
            if panel.title:
                ax.set_title(panel.title, fontsize=FONT, pad=4)
            ax.set_ylim(*(panel.ylim or (0, 1)))
            ax.grid(axis="y", alpha=0.3)
            self.lines.append([
                self._moving(ax.plot([], [], color=arm.colour, lw=2, linestyle=line.style)[0])
                for line in panel.lines for arm in arms
            ])

    def update(self, arms: Sequence[Series]) -> None:
        for ax, panel, artists in zip(self.axes, self.panels, self.lines, strict=True):
            top = 0.0
            it = iter(artists)
            for line in panel.lines:
                for arm in arms:
                    y = arm.weekly[line.column].to_numpy(dtype=float) * line.scale
                    if line.smooth:
                        y = moving_mean(y, line.smooth)
                    next(it).set_data(arm.weekly.index.to_numpy(), y)
                    if np.isfinite(y).any():
                        top = max(top, float(np.nanmax(y)))
            if panel.ylim is None:
                ax.set_ylim(0, nice_top(top))


def moving_mean(y: np.ndarray, weeks: int) -> np.ndarray:
    """Mean of the last `weeks` values (fewer at the start), as pandas' rolling mean with
    min_periods=1 gives it."""
    total = np.cumsum(y)
    count = np.minimum(np.arange(1, len(y) + 1), weeks)
    earlier = np.concatenate((np.zeros(min(weeks, len(y))), total[:-weeks] if len(y) > weeks
                              else np.array([])))
    return (total - earlier) / count


class AlignmentView(LinesView):
    """The alignment index (20-100) over Kotler's bands, each band named at the right edge."""

    def __init__(self, arms: Sequence[Series], weeks: int,
                 bands: Sequence[tuple[str, float, float]]) -> None:
        super().__init__(arms, weeks, "Alignment index, 20-100",
                         "Kotler's diagnostic of what the firm does; bands: his four types",
                         [Panel("", (Line(ALIGNMENT),), (20, 100))])
        ax = self.axes[0]
        ax.grid(False)
        for k, (name, lo, hi) in enumerate(bands):
            ax.axhspan(lo, hi, color="0.5", alpha=0.05 + 0.07 * k, lw=0)
            ax.text(0.98, (lo + hi) / 2, name, transform=ax.get_yaxis_transform(), ha="right",
                    va="center", fontsize=FONT - 1, color="0.3")
        ax.set_yticks([b[1] for b in bands] + [bands[-1][2]])


class TiesView:
    """Who works with whom across the line: one row per marketer, one column per rep.

    A cell is a tie between that marketer and that rep: dark when they were in touch in the
    last RECENT_WEEKS weeks (or a standing tie the structure keeps), light when the tie is
    older and lapsing, blank when there is none. The strips on the left and top show who
    cooperates this week. A grid stays readable for 200 reps and in week 180, where a drawing
    of every tie is a solid blob. Drawn straight into pixels (no axes to draw): crisp cells
    and a millisecond a week.
    """

    title = "Ties across the line"
    RECENT_WEEKS = 4
    GAP = 12  # pixels between two arms' grids

    def __init__(self, arms: Sequence[Series], colours: dict[str, str]) -> None:
        tie = colours["tie"]
        # 0 none, 1 older tie, 2 recent tie, 3 sales cooperating, 4 marketing cooperating,
        # 5 not cooperating, 6 background
        self.palette = (np.array([to_rgb(c) for c in (
            "#eeeeee", older_tie_colour(tie), tie, colours["sales"], colours["marketing"],
            "#cccccc", "white")]) * 255).astype(np.uint8)
        self.order = [_people(arm.network) for arm in arms if arm.network is not None]
        self.width, self.height = int(SIZE[0] * DPI), int(SIZE[1] * DPI)

    def png(self, arms: Sequence[Series]) -> bytes:
        drawn = [a for a in arms if a.network is not None]
        panel_width = (self.width - self.GAP * (len(drawn) - 1)) // max(1, len(drawn))
        canvas = np.full((self.height, self.width, 3), 255, dtype=np.uint8)
        for k, (arm, (marketers, reps)) in enumerate(zip(drawn, self.order, strict=False)):
            codes = tie_grid(arm, marketers, reps, self.RECENT_WEEKS)
            # whole pixels per cell, as large as fits, so every tie is the same size
            cell_w = max(1, panel_width // codes.shape[1])
            cell_h = max(1, min(self.height // codes.shape[0], 3 * cell_w))
            picture = np.repeat(np.repeat(self.palette[codes], cell_h, axis=0), cell_w, axis=1)
            left = k * (panel_width + self.GAP)
            h, w = min(picture.shape[0], self.height), min(picture.shape[1], panel_width)
            canvas[:h, left:left + w] = picture[:h, :w]
        out = io.BytesIO()
        Image.fromarray(canvas).save(out, format="png", **PNG)
        return out.getvalue()


def tie_grid(arm: Series, marketers: list, reps: list, recent_weeks: int) -> np.ndarray:
    """The TiesView picture of one arm as colour codes (see TiesView)."""
    assert arm.network is not None
    row = {m: i + 2 for i, m in enumerate(marketers)}
    col = {r: j + 2 for j, r in enumerate(reps)}
    grid = np.full((len(marketers) + 2, len(reps) + 2), 0)
    grid[:2, :] = 6  # a strip of who cooperates, then a blank line, then the ties
    grid[:, :2] = 6
    for j, rep in enumerate(reps):
        grid[0, j + 2] = 3 if arm.cooperating.get(rep) else 5
    for i, marketer in enumerate(marketers):
        grid[i + 2, 0] = 4 if arm.cooperating.get(marketer) else 5
    for (u, v), strength in tie_strengths(arm.network, arm.week, recent_weeks).items():
        if u in row and v in col:
            grid[row[u], col[v]] = 2 if strength >= 1 else 1
        elif v in row and u in col:
            grid[row[v], col[u]] = 2 if strength >= 1 else 1
    return grid


def tie_strengths(graph: nx.Graph, week: int, recent_weeks: int) -> dict[tuple, float]:
    """Each marketer-rep tie: 1 if in touch in the last `recent_weeks` weeks or kept by the
    structure, else 0.5. Reads the last-contact week sim keeps beside the graph (a negative
    mark: a standing tie); a tie without one counts as recent."""
    last_contact = graph.graph.get("cross", {})
    roles = nx.get_node_attributes(graph, "role")
    out = {}
    for u, v in graph.edges:
        if {roles.get(u), roles.get(v)} != {"marketer", "sales_rep"}:
            continue
        last = last_contact.get((u, v), last_contact.get((v, u), week))
        out[(u, v)] = 1.0 if last < 0 or week - last < recent_weeks else 0.5
    return out


def tie_counts(arm: Series, recent_weeks: int = TiesView.RECENT_WEEKS) -> tuple[int, int, int]:
    """(ties, of them recent, possible marketer-rep pairs) of one arm."""
    if arm.network is None:
        return 0, 0, 0
    marketers, reps = _people(arm.network)
    strengths = tie_strengths(arm.network, arm.week, recent_weeks)
    return (len(strengths), sum(1 for s in strengths.values() if s >= 1),
            len(marketers) * len(reps))


def _people(graph: nx.Graph) -> tuple[list, list]:
    roles = nx.get_node_attributes(graph, "role")
    return ([n for n, r in roles.items() if r == "marketer"],
            [n for n, r in roles.items() if r == "sales_rep"])


def older_tie_colour(tie: str) -> str:
    """The tie colour mixed with white: a tie that is lapsing."""
    amount = 0.35
    return to_hex(tuple(1 - amount + amount * c for c in to_rgb(tie)))


def week_ticks(weeks: int, panels: int = 1) -> list[int]:
    step = 13 if weeks <= 52 else 26 if weeks <= 104 else 52 if weeks <= 208 else 104
    step *= panels  # narrower panels, fewer labels
    return list(range(0, weeks + 1, step))


def nice_top(value: float) -> float:
    """A round upper limit at or above value, so the axis changes rarely as lines grow."""
    if not np.isfinite(value) or value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for m in (1, 1.5, 2, 3, 4, 5, 6, 8, 10):
        if value <= m * magnitude:
            return m * magnitude
    return 10 * magnitude


def dashboard(arms: Sequence[Series], weeks: int,
              bands: Sequence[tuple[str, float, float]]) -> list[View]:
    """The page's charts of weekly lines in reading order: outcomes first, then the people."""
    return [
        LinesView(arms, weeks, "New business, k USD a week",
                  f"customers in their first year; {SMOOTH_WEEKS}-week mean", [
                      Panel("", (Line(NEW_BUSINESS, scale=1e-3, smooth=SMOOTH_WEEKS),)),
                  ]),
        LinesView(arms, weeks, "MQL acceptance and win rate, %",
                  f"solid: MQLs accepted, dashed: deals won; last {RATE_WEEKS} weeks", [
                      Panel("", (Line(ACCEPTANCE, scale=100), Line(WIN_RATE, "--", 100)),
                            (0, 100)),
                  ]),
        AlignmentView(arms, weeks, bands),
        LinesView(arms, weeks, "Trust and cooperation",
                  "solid: sales, dashed: marketing; trust in the other side (0-1); "
                  f"cooperating: {RATE_WEEKS}-week mean", [
                      Panel("trust", (Line(TRUST_SALES), Line(TRUST_MARKETING, "--")), (0, 1)),
                      Panel("cooperating %", (Line(COOP_SALES, scale=100, smooth=RATE_WEEKS),
                                              Line(COOP_MARKETING, "--", 100, RATE_WEEKS)),
                            (0, 100)),
                  ]),
    ]


def ties(arms: Sequence[Series], tie_colours: dict[str, str]) -> TiesView:
    return TiesView(arms, tie_colours)
