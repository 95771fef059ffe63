"""alignsim's workshop dashboard: a Solara page built on Mesa's SolaraViz controller.

Start it with ``alignsim app`` (which runs Solara's server on the module ``app.app`` with the
repository on the import path). Each browser session gets its own run, so a room of
participants on one server do not step each other's model. The page holds no model logic:
settings become `sim.Params` through `sim.presets`, a `Workshop` steps the arms, and the views
draw what the model reports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import solara
from mesa.visualization.solara_viz import ModelController
from mesa.visualization.utils import update_counter

from app import views
from app.workshop import (
    GOVERNANCE_FIELDS,
    PEOPLE_FIELDS,
    Workshop,
    WorkshopSetup,
    arm_colours,
    choose,
    control,
    kotler_bands,
    kotler_label,
)
from sim import ParamError, presets
from sim.params import value_of

TITLE = "alignsim workshop: sales and marketing under one rule or another"
SPEEDS = {"slow": 1000, "normal": 400, "fast": 120, "fastest": 10}  # play interval, ms
CSS = """
.v-navigation-drawer.solara-content-main { min-width: 330px !important; max-width: 330px; }
.v-navigation-drawer.solara-content-main .v-card { margin-bottom: 8px; }
.alignsim-tile { border-left: 8px solid; padding: 2px 12px; margin: 0 10px 4px 0;
                 flex: 1 1 0; min-width: 300px; }
.alignsim-week { font-size: 20px; font-weight: 500; margin: 4px 0 0 0; }
.alignsim-slider { font-size: 14px; color: #555; margin-top: 6px; }
.alignsim-tile h3 { margin: 0; font-size: 19px; }
.alignsim-tile .big { font-size: 16px; }
.alignsim-chart { line-height: 1.25; }
.alignsim-chart img { max-width: 100%; height: auto; display: block; }
.alignsim-chart .title { font-size: 16px; font-weight: bold; }
.alignsim-chart .key { font-size: 13px; color: #444; white-space: nowrap; overflow: hidden;
                       text-overflow: ellipsis; }
"""


@solara.component
def Field(name: str, value: Any, on_value: Callable[[Any], None]) -> None:
    """One parameter's control, its range and meaning (on hover) read from sim's declaration."""
    spec = control(name)
    with solara.Tooltip(f"{spec.doc} ({spec.allowed})"), solara.Column(gap="0px"):
        if spec.kind == "select":
            solara.Select(spec.label, values=list(spec.choices), value=value,
                          on_value=on_value, dense=True)
        elif spec.kind == "bool":
            solara.Switch(label=spec.label, value=bool(value), on_value=on_value)
        else:
            # The name and the value above a full-width slider: readable, and no thumb to find.
            solara.Text(f"{spec.label}: {value:g} {spec.unit}", classes=["alignsim-slider"])
            if spec.kind == "int":
                solara.SliderInt("", value=int(value), min=int(spec.lo), max=int(spec.hi),
                                 on_value=on_value)
            else:
                solara.SliderFloat("", value=float(value), min=spec.lo, max=spec.hi,
                                   step=(spec.hi - spec.lo) / 50, on_value=on_value)


@solara.component
def Dashboard(workshop: Workshop) -> None:
    """Tiles and views, redrawn after each step of Mesa's controller (it bumps `update_counter`)."""
    update_counter.get()
    arms = series(workshop)
    # One set of figures per run, updated in place week after week.
    panels = solara.use_memo(lambda: views.dashboard(arms, workshop.weeks, kotler_bands()),
                             [workshop])
    with solara.Row(gap="0px", style={"flex-wrap": "wrap"}):
        for arm in arms:
            Tile(arm)
    with solara.GridFixed(columns=2, column_gap="10px", row_gap="6px"):
        for view in panels:
            with solara.Div(classes=["alignsim-chart"]):
                solara.HTML(tag="div", unsafe_innerHTML=(
                    f"<div class='title'>{view.title}</div><div class='key'>{view.key}</div>"))
                solara.Image(view.png(arms), format="png")


@solara.component
def Tile(arm: views.Series) -> None:
    """An arm's colour and name, this week's Kotler type and the numbers a room asks for."""
    with solara.Div(classes=["alignsim-tile"], style={"border-color": arm.colour}):
        solara.HTML(tag="h3", unsafe_innerHTML=arm.label)
        if len(arm.weekly):
            last = arm.weekly.iloc[-1]
            solara.HTML(tag="div", classes=["big"], unsafe_innerHTML=(
                f"<b>{kotler_label(last)}</b> ({last[views.ALIGNMENT]:.0f}) · "
                f"accepted {100 * last[views.ACCEPTANCE]:.0f}% · "
                f"win rate {100 * last[views.WIN_RATE]:.0f}%"))
        else:
            solara.Text("press Step or ▶", classes=["big"])


@solara.component
def WeekCounter(workshop: Workshop) -> None:
    update_counter.get()
    solara.Text(f"week {workshop.week} of {workshop.weeks}", classes=["alignsim-week"])


@solara.component
def Page() -> None:
    # Per-session state: each visitor builds their own Workshop.
    setup = solara.use_reactive(WorkshopSetup())
    first = solara.use_memo(lambda: Workshop(WorkshopSetup()), [])
    model = solara.use_reactive(first)
    model_parameters = solara.use_reactive({"setup": setup.value})
    problem = solara.use_reactive(None)
    notice = solara.use_reactive(None)
    speed = solara.use_reactive("normal")
    play_interval = solara.use_reactive(SPEEDS["normal"])
    weeks_per_step = solara.use_reactive(1)
    use_threads = solara.use_reactive(False)

    def apply(new: WorkshopSetup, note: str | None = None) -> None:
        """Start a fresh run at week 0 with new settings, or say why they cannot run."""
        try:
            workshop = Workshop(new)
        except ParamError as err:
            problem.set(f"That change cannot run: {err}. Nothing was changed.")
            return
        setup.set(new)
        problem.set(None)
        notice.set(note)
        model_parameters.set({"setup": new})
        model.set(workshop)

    def set_field(name: str, value: Any) -> None:
        try:
            new, note = choose(setup.value, name, value)
        except ParamError as err:
            problem.set(f"That change cannot run: {err}. Nothing was changed.")
            return
        apply(new, note)

    def set_speed(name: str) -> None:
        speed.set(name)
        play_interval.set(SPEEDS[name])

    s = setup.value
    shown = s.arms()[0][1]  # setup only ever holds settings that run

    solara.Style(CSS)
    solara.Title("alignsim workshop")
    with solara.AppBar():
        solara.AppBarTitle(TITLE)

    with solara.Sidebar():
        with solara.Card("Run", margin=0):
            ModelController(model, model_parameters=model_parameters,
                            play_interval=play_interval, render_interval=weeks_per_step,
                            use_threads=use_threads)
            solara.ToggleButtonsSingle(value=speed.value, values=list(SPEEDS),
                                       on_value=set_speed, dense=True)
            solara.SliderInt(f"weeks per Step: {weeks_per_step.value}", value=weeks_per_step,
                             min=1, max=13)
            WeekCounter(model.value)
        with solara.Card("Scenario", margin=0):
            solara.Select("preset", values=presets.names(), value=s.preset,
                          on_value=lambda v: apply(replace(s, preset=v, governance={})))
            solara.Text(presets.describe(s.preset), style={"font-size": "13px"})
            solara.Switch(label="side by side: same market, another rule",
                          value=s.compare_with is not None,
                          on_value=lambda on: apply(replace(
                              s, compare_with=default_comparison(s.preset) if on else None)))
            if s.compare_with is not None:
                solara.Select("compare with", values=presets.names(), value=s.compare_with,
                              on_value=lambda v: apply(replace(s, compare_with=v)))
                solara.Switch(label="governance changes to both arms",
                              value=s.changes_to_both,
                              on_value=lambda on: apply(replace(s, changes_to_both=on)))
            solara.InputInt("seed (same seed, same market)", value=s.seed,
                            on_value=lambda v: apply(replace(s, seed=max(0, int(v or 0)))))
        both = s.compare_with is not None and s.changes_to_both
        title = "Governance" + (" of both arms" if both else " of the first arm"
                                if s.compare_with else "")
        with solara.Card(title, margin=0):
            for name in GOVERNANCE_FIELDS:
                Field(name, value_of(shown, name), lambda v, n=name: set_field(n, v))
            if s.governance:
                solara.Button("back to the preset", text=True,
                              on_click=lambda: apply(replace(s, governance={})))
        with solara.Card("People" + (" (both arms)" if s.compare_with else ""), margin=0):
            for name in PEOPLE_FIELDS:
                Field(name, value_of(shown, name), lambda v, n=name: set_field(n, v))

    if problem.value:
        solara.Error(problem.value)
    if notice.value:
        solara.Info(notice.value)
    Dashboard(model.value)


def series(workshop: Workshop) -> list[views.Series]:
    """What the views draw of each arm this week."""
    return [
        views.Series(arm.label, colour, views.display_table(arm.model.weekly_table()),
                     arm.model.network,
                     {person.unique_id: person.cooperating for person in arm.model.people()})
        for arm, colour in zip(workshop.arms, arm_colours(workshop), strict=True)
    ]


def default_comparison(preset: str) -> str:
    """The arm a room most often sets against this one (joint planning, or marketing-led)."""
    return "marketing_led" if preset == "joint" else "joint"
