"""What the page shows at one moment, as one immutable value: a Frame.

A `Painter` reads a `Workshop` (under its session's lock) and returns everything the screen
needs: the tiles' words and numbers, each chart's title, legend and picture, the lead waterfall
as a table, and the command line that reproduces each arm. The page renders Frames and never
touches a model, so no render can meet a model half-way through a week. The tiles' words are
`tile_lines` of the arm's weekly table, so a test (and docs/make_workshop.py) can compute what
the screen says from `alignsim run`'s output alone.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from app import labels, views
from app.workshop import Workshop, WorkshopSetup, arm_colours, kotler_bands
from experiments.report.style import DEPARTMENT_COLOURS, KOTLER_NAMES
from sim import AlignmentModel
from sim.metrics import WEEKLY_TABLE

TIE_COLOUR = "#e66101"
# The lead waterfall: (stage, weekly column of the count, the count it is a share of, words for
# that share). Shares follow sim's own rate definitions (inquiry_to_mql_rate is new MQLs over
# inquiries; mql_acceptance_rate is accepted over MQLs handed to sales, re-sent ones included).
WATERFALL = (
    ("inquiries", "inquiries", None, ""),
    ("MQLs", "mqls_new", "inquiries", "of inquiries"),
    ("accepted by sales", "mqls_accepted", "mqls", "of MQLs handed to sales"),
    ("opportunities", "sqls_marketing", "mqls_accepted", "of accepted"),
    ("won", "won_marketing", "sqls_marketing", "of opportunities"),
)

READ = tuple(dict.fromkeys([*views.READ, *(c for _, count, base, _ in WATERFALL
                                            for c in (count, base) if c)]))


def weekly_columns(model: AlignmentModel, columns: Sequence[str]) -> pd.DataFrame:
    """`model.weekly_table()[columns]` without building the whole table (some 75 columns)
    every week: read from the model's DataCollector table, as sim's `weekly_frame` does."""
    table = model.datacollector.tables[WEEKLY_TABLE]
    weeks = len(table[columns[0]])
    return pd.DataFrame({c: np.asarray(table[c]) for c in columns},
                        index=pd.RangeIndex(1, weeks + 1, name="week"))


@dataclass(frozen=True)
class Tile:
    letter: str
    preset: str
    label: str
    colour: str
    lines: tuple[str, ...]
    """HTML lines under the label."""


@dataclass(frozen=True)
class Chart:
    title: str
    key: str
    """HTML: the arms' colours and what line styles or marks mean."""
    png: bytes | None = None
    html: str | None = None


@dataclass(frozen=True)
class Frame:
    """Everything on screen that depends on the run; the sidebar's controls show ``setup``."""

    seq: int
    setup: WorkshopSetup
    week: int
    weeks: int
    tiles: tuple[Tile, ...] = ()
    charts: tuple[Chart, ...] = ()
    commands: tuple[str, ...] = ()
    playing: bool = False
    problem: str | None = None
    problem_detail: str | None = None
    notice: str | None = None
    revision: int = 0
    """Bumped by every change of settings, made or refused. The sidebar's controls carry it in
    their keys, so each change draws them anew from ``setup``: a widget that the browser changed
    while another thread drew the page can never keep showing a choice that is not running."""
    step_weeks: int = 1
    speed: str = "normal"

    @property
    def finished(self) -> bool:
        return self.week >= self.weeks


class Painter:
    """The views of one Workshop, drawn week after week into Frames."""

    def __init__(self, workshop: Workshop) -> None:
        self.workshop = workshop
        self.colours = arm_colours([arm.preset for arm in workshop.arms])
        tie_colours = {"tie": TIE_COLOUR, "sales": DEPARTMENT_COLOURS["sales"],
                       "marketing": DEPARTMENT_COLOURS["marketing"]}
        arms = self.series()
        self.views = views.dashboard(arms, workshop.weeks, kotler_bands())
        self.ties = views.ties(arms, tie_colours)

    def series(self) -> list[views.Series]:
        return [
            views.Series(colour, views.display_table(weekly_columns(arm.model, READ)),
                         arm.model.network,
                         {person.unique_id: person.cooperating for person in arm.model.people()},
                         self.workshop.week)
            for arm, colour in zip(self.workshop.arms, self.colours, strict=True)
        ]

    def paint(self) -> tuple[tuple[Tile, ...], tuple[Chart, ...], tuple[str, ...]]:
        """Tiles, charts and reproduce commands of the workshop as it stands."""
        arms = self.series()
        workshop = self.workshop
        names = [f"{arm.letter}: {labels.preset(arm.preset)}" for arm in workshop.arms]
        legend = arm_legend(names, self.colours)
        tiles = tuple(
            Tile(arm.letter, arm.preset, arm.setup.label(), colour,
                 tile_lines(series.weekly, workshop.week))
            for arm, series, colour in zip(workshop.arms, arms, self.colours, strict=True))
        charts: list[Chart] = []
        ties = self.ties
        for view in self.views:
            charts.append(Chart(view.title, f"{legend}<br>{view.key}", png=view.png(arms)))
        charts.append(Chart("Lead waterfall since week 1", legend,
                            html=waterfall_html(arms, names)))
        charts.append(Chart(ties.title, ties_key(arms, names, self.colours),
                            png=ties.png(arms), html=ties_note()))
        commands = tuple(arm.setup.reproduce(workshop.setup.seed) for arm in workshop.arms)
        return tiles, tuple(charts), commands


def tile_lines(weekly: pd.DataFrame, week: int) -> tuple[str, ...]:
    """What an arm's tile says at `week`: the Kotler type and the numbers a room asks for, each
    with its window. `weekly` is the arm's `views.display_table`."""
    if week == 0 or weekly.empty:
        return ("press Step or ▶ to start",)
    last = weekly.loc[week]
    kotler = KOTLER_NAMES[int(last["alignment_type"])]
    return (
        f"alignment now: <b>{kotler}</b> (index {last[views.ALIGNMENT]:.0f} of 100) · "
        f"new business {last[views.NEW_BUSINESS_MEAN] / 1e3:,.0f}k USD a week "
        f"({views.SMOOTH_WEEKS}-week mean)",
        f"last {views.RATE_WEEKS} weeks: MQLs accepted "
        f"{_pct(last[views.ACCEPTANCE], week, 'MQLs')} · deals won "
        f"{_pct(last[views.WIN_RATE], week, 'deals closed')}",
    )


def _pct(value: float, week: int, events: str) -> str:
    """A rate over the window, or why there is none yet."""
    if not math.isnan(value):
        return f"{100 * value:.0f}%"
    if week < views.RATE_WEEKS:
        return f"– (from week {views.RATE_WEEKS})"
    return f"– (under {views.MIN_EVENTS} {events})"


def arm_legend(names: Sequence[str], colours: Sequence[str]) -> str:
    return " ".join(
        f"<span class='swatch' style='color:{c}'>&#9473;&#9473;</span>&nbsp;{html.escape(n)}"
        for n, c in zip(names, colours, strict=True))


def waterfall_html(arms: Sequence[views.Series], names: Sequence[str]) -> str:
    """The lead waterfall as a table: each stage's count since week 1 and the share it is of
    the stage before it (in sim's definitions), with a bar on a log scale."""
    totals = [{column: float(arm.weekly[column].sum()) if len(arm.weekly) else 0.0
               for column in READ} for arm in arms]
    widest = max([1.0] + [t["inquiries"] for t in totals])
    head = "".join(f"<th style='color:{arm.colour}'>{html.escape(n.partition(':')[0])}</th>"
                   for arm, n in zip(arms, names, strict=True))
    rows = []
    for stage, count, base, _ in WATERFALL:
        cells = []
        for arm, total in zip(arms, totals, strict=True):
            n = total[count]
            share = (f" <span class='share'>{100 * n / total[base]:.0f}%</span>"
                     if base and total[base] else "")
            width = 100 * math.log1p(n) / math.log1p(widest)
            cells.append(f"<td><div class='bar' style='width:{width:.0f}%;"
                         f"background:{arm.colour}'></div>{n:,.0f}{share}</td>")
        rows.append(f"<tr><th>{stage}</th>{''.join(cells)}</tr>")
    bases = "; ".join(f"{stage}: {words}" for stage, _, base, words in WATERFALL if base)
    return (f"<table class='waterfall'><tr><th></th>{head}</tr>{''.join(rows)}</table>"
            f"<div class='note'>marketing's leads; % {bases}. How many inquiries arrive "
            "depends on what each rule spends on demand.</div>")


def ties_key(arms: Sequence[views.Series], names: Sequence[str],
             colours: Sequence[str]) -> str:
    """What the tie grid shows, and per arm how many ties there are."""
    recent = views.TiesView.RECENT_WEEKS
    parts = []
    for side, arm, name, colour in zip(("left", "right"), arms, names, colours, strict=False):
        ties, fresh, pairs = views.tie_counts(arm, recent)
        where = f"{side}: " if len(arms) > 1 else ""
        parts.append(f"{where}<span style='color:{colour}'><b>{html.escape(name)}</b></span>: "
                     f"{ties} of {pairs} pairs tied, {fresh} in touch lately")
    return "<br>".join(parts)


def ties_note() -> str:
    """How to read the tie grid (under the picture)."""
    recent = views.TiesView.RECENT_WEEKS
    sales, marketing = DEPARTMENT_COLOURS["sales"], DEPARTMENT_COLOURS["marketing"]
    return ("<div class='note'>a row is a marketer, a column a rep: "
            f"<span style='color:{TIE_COLOUR}'>&#9632;</span> in touch in the last {recent} "
            "weeks or a standing tie, "
            f"<span style='color:{views.older_tie_colour(TIE_COLOUR)}'>&#9632;</span> an older "
            f"tie, lapsing; strips: <span style='color:{marketing}'>&#9632;</span> marketer, "
            f"<span style='color:{sales}'>&#9632;</span> rep cooperating this week, grey: "
            "not</div>")
