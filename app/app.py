"""alignsim's workshop dashboard: the Solara page.

Start it with ``alignsim app`` (which runs Solara's server on the module ``app.app`` with the
repository on the import path). Each browser session gets its own `app.session.Session`, the one
owner of that session's model: the page sends it the room's clicks and renders the Frames it
hands back, and never reads a model itself, so no sequence of clicks can meet a model half-way
through a week. The page holds no model logic: settings become `sim.Params` through
`app.workshop`, and every control is read from sim's parameter declarations (`app.controls`).
"""

from __future__ import annotations

import html
import os
import warnings
from collections.abc import Callable
from typing import Any

import reacton.ipyvuetify as rv
import solara
from reacton.ipyvue import use_event
from solara.lab import Ref

from app import labels
from app.controls import Control, control, governance_fields, more_people_fields, people_fields
from app.frames import Frame
from app.session import MAX_STEP_WEEKS, SPEEDS, Session
from app.workshop import MAX_WEEKS, WEEKS_STEP, WorkshopSetup, parse_seed
from sim import presets
from sim.params import value_of

# Reacton's renderer that redraws only what changed (its opt-in REACTON_FAST path), read when
# each browser session's render context is made: the classic one walks and updates every
# widget of the page (some 150) for each new week, which doubled a Step's time on screen.
os.environ.setdefault("REACTON_FAST", "1")
# Solara warns on every new tab that a session cookie over plain http falls back to
# SameSite=Lax. That is the right cookie for a page served to a room over http (no iframe, no
# third-party site), so the facilitator's terminal need not print 15 lines per participant.
warnings.filterwarnings("ignore", message="Cookies with samesite=none require https",
                        category=UserWarning)

TITLE = "alignsim workshop: sales and marketing under one rule or another"
SPEED_WORDS = {"slow": "a week a second", "normal": "a week every 0.4 s",
               "fast": "a week every 0.12 s", "fastest": "as fast as the page can draw"}
CSS = """
.alignsim-app { display: flex; flex-direction: column; height: 100vh; }
.alignsim-bar { flex: none; height: 48px; display: flex; align-items: center; gap: 8px;
                padding: 0 8px; background: #1976d2; color: white; font-size: 18px; }
.alignsim-body { flex: 1 1 auto; display: flex; min-height: 0; }
.alignsim-side { flex: none; width: 300px; overflow-y: auto; overflow-x: hidden;
                 border-right: 1px solid #ddd; }
.alignsim-side.closed { display: none; }
.alignsim-main { flex: 1 1 auto; min-width: 0; overflow: auto; padding: 8px 12px; }
.alignsim-side .v-item-group.v-btn-toggle .v-btn { padding: 0 6px !important;
    min-width: 0 !important; font-size: 12px; letter-spacing: 0; }
.alignsim-side .v-expansion-panel-content__wrap { padding: 0 10px 8px 10px; }
.alignsim-side .v-expansion-panel-header { padding: 6px 12px; min-height: 40px; }
.alignsim-side .v-expansion-panel--active > .v-expansion-panel-header { min-height: 40px; }
.alignsim-run { padding: 8px 12px 6px 12px; border-bottom: 1px solid #ddd; }
.alignsim-runbuttons .v-btn { min-width: 0 !important; padding: 0 12px !important; }
.alignsim-week { font-size: 19px; font-weight: 500; margin: 2px 0 0 0; }
.alignsim-field { font-size: 13px; color: #444; margin-top: 4px; line-height: 1.2; }
.alignsim-describe { font-size: 12px; color: #444; line-height: 1.3; margin: 2px 0 4px 0; }
.alignsim-commands { font-size: 11px; color: #555; }
.alignsim-commands code { font-size: 11px; white-space: pre-wrap; word-break: break-all; }
.alignsim-tiles { display: flex; gap: 8px; margin-bottom: 6px; }
.alignsim-tile { border-left: 8px solid; padding: 1px 10px; flex: 1 1 0; min-width: 0;
                 background: #fafafa; }
.alignsim-tile h3 { margin: 0; font-size: 15px; line-height: 1.25; }
.alignsim-tile div { font-size: 13px; line-height: 1.3; }
.alignsim-grid { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr));
                 gap: 4px 10px; }
.alignsim-chart { line-height: 1.2; min-width: 0; }
.alignsim-chart img { width: 100%; height: auto; max-height: calc(50vh - 150px);
                      object-fit: contain; object-position: left top; display: block; }
.alignsim-chart .title { font-size: 15px; font-weight: bold; line-height: 1.25; }
.alignsim-chart .key { font-size: 11px; color: #444; line-height: 1.25; min-height: 28px; }
.alignsim-chart .swatch { font-weight: bold; letter-spacing: -2px; }
.alignsim-chart table.waterfall { border-collapse: collapse; width: 100%; font-size: 12.5px;
                                  margin-top: 4px; }
.waterfall th { text-align: left; font-weight: 500; padding: 2px 4px; white-space: nowrap; }
.waterfall td { padding: 2px 4px; vertical-align: top; }
.waterfall .bar { height: 5px; margin-bottom: 1px; }
.waterfall .share { color: #555; font-size: 11.5px; }
.alignsim-chart .note { font-size: 11px; color: #666; margin-top: 3px; }
"""


@solara.component
def Page() -> None:
    session = solara.use_memo(Session, [])
    frame = solara.use_reactive(session.frame)

    def connect() -> Callable[[], None]:
        session.listen(frame.set)
        return session.close

    solara.use_effect(connect, [])
    sidebar, set_sidebar = solara.use_state(True)
    # Page itself never reads the frame, so a new week re-renders only what shows it. The page
    # draws its own bar and sidebar (see Layout): with Solara's AppLayout every week redrew the
    # whole tree, some 150 widgets, through its portals.
    with solara.Div(classes=["alignsim-app"]):
        solara.Style(CSS)
        solara.Title("alignsim workshop")
        with solara.Div(classes=["alignsim-bar"]):
            solara.Button(icon_name="mdi-menu", icon=True, dark=True,
                          classes=["alignsim-menu"], on_click=lambda: set_sidebar(not sidebar))
            solara.HTML(tag="span", unsafe_innerHTML=TITLE)
        with solara.Div(classes=["alignsim-body"]):
            with solara.Div(classes=["alignsim-side"] + ([] if sidebar else ["closed"])):
                RunPanel(session, frame)
                Controls(session, frame)
            with solara.Div(classes=["alignsim-main"]):
                Main(session, frame)


@solara.component
def Layout(children: list | None = None) -> solara.Element:
    """No Solara app layout around the page: Page draws its own bar and sidebar."""
    return solara.Div(children=children or [])


@solara.component
def Controls(session: Session, frame: solara.Reactive[Frame]) -> None:
    # Only the settings, not the week: a new week must not redraw every control.
    setup = Ref(frame.fields.setup).value
    revision = Ref(frame.fields.revision).value
    # Which panels are open is the page's state, so that redrawing a panel never closes it.
    opened, set_opened = solara.use_state([0])
    with rv.ExpansionPanels(multiple=True, accordion=True, flat=True, v_model=opened,
                            on_v_model=set_opened):
        ScenarioPanel(session, setup, revision, 0 in opened)
        LeversPanel(session, setup, revision, 1 in opened)
        PeoplePanel(session, setup, revision, 2 in opened)


@solara.component
def Main(session: Session, frame: solara.Reactive[Frame]) -> None:
    shown = frame.value
    with solara.Div():
        Messages(shown.problem, shown.problem_detail, shown.notice)
        Dashboard(session, shown)


def _panel(title: str, is_open: bool, children_of: Callable[[], None]) -> None:
    """A folding panel whose controls exist only while it is open (fewer widgets to keep)."""
    with rv.ExpansionPanel():
        rv.ExpansionPanelHeader(children=[title], class_="font-weight-medium")
        with rv.ExpansionPanelContent():
            if is_open:
                children_of()


@solara.component
def RunPanel(session: Session, frame: solara.Reactive[Frame]) -> None:
    shown = frame.value
    week, weeks, playing, speed = shown.week, shown.weeks, shown.playing, shown.speed
    step_weeks, finished = shown.step_weeks, shown.finished

    def body() -> None:
        with solara.Row(justify="space-between", classes=["alignsim-runbuttons"]):
            solara.Button("Reset", color="primary", on_click=session.reset)
            solara.Button("❚❚" if playing else "▶", color="primary",
                          on_click=session.pause if playing else session.play,
                          disabled=finished)
            solara.Button("Step", color="primary", on_click=session.step,
                          disabled=playing or finished)
        end = " (end)" if finished else ""
        solara.HTML(tag="div", unsafe_innerHTML=f"week {week} of {weeks}{end}",
                    classes=["alignsim-week"])
        with solara.Tooltip(SPEED_WORDS[speed]):
            solara.ToggleButtonsSingle(value=speed, values=list(SPEEDS),
                                       on_value=session.set_speed, dense=True)
        with solara.Row(style={"align-items": "center"}):
            solara.HTML(tag="div", unsafe_innerHTML=f"weeks per Step: {step_weeks}",
                        classes=["alignsim-field"], style={"white-space": "nowrap"})
            ChangeSlider(step_weeks, 1, MAX_STEP_WEEKS, 1, session.set_step_weeks)

    # Always open, outside the folding panels: a week redraws this card and nothing beside it.
    with solara.Div(classes=["alignsim-run"]):
        body()


@solara.component
def ScenarioPanel(session: Session, setup: WorkshopSetup, revision: int, is_open: bool) -> None:
    apply = session.update

    def set_seed(text: str) -> None:
        try:
            seed = parse_seed(text)
        except ValueError as err:
            session.refuse(str(err))
            return
        if seed != session.frame.setup.seed:
            apply(seed=seed)

    def body() -> None:
        Choice("Preset (arm A)", setup.preset, presets.names(), labels.preset,
               lambda v: apply(preset=v, governance={}),
               hover="the named set of governance rules arm A starts from. In code: preset"
               ).key(f"preset-{revision}")
        solara.HTML(tag="div", unsafe_innerHTML=presets.describe(setup.preset),
                    classes=["alignsim-describe"])
        solara.Switch(label="side by side: arm B, same market, another rule",
                      value=setup.compare_with is not None,
                      on_value=lambda on: apply(compare_with=default_comparison(
                          session.frame.setup.preset) if on else None)).key(f"pair-{revision}")
        if setup.compare_with is not None:
            Choice("Compare with (arm B)", setup.compare_with, presets.names(), labels.preset,
                   lambda v: apply(compare_with=v), hover="the preset of arm B. In code: preset"
                   ).key(f"compare-{revision}")
            solara.HTML(tag="div", unsafe_innerHTML=presets.describe(setup.compare_with),
                        classes=["alignsim-describe"])
            solara.Switch(label="governance changes to both arms", value=setup.changes_to_both,
                          on_value=lambda on: apply(changes_to_both=on)).key(f"both-{revision}")
        # Every control's key carries the revision, on its outermost element (see Frame).
        with solara.Tooltip("The same seed gives the same market: segment drift, lead fit and "
                            "every other chance event. Change it to see whether a story holds."
                            ).key(f"seed-{revision}"):
            solara.InputText("Seed (same seed, same market)", value=str(setup.seed),
                             on_value=set_seed, continuous_update=False)
        years = setup.weeks / 52
        solara.HTML(tag="div", unsafe_innerHTML=f"Run length: {setup.weeks} weeks "
                    f"({years:.1f} years)", classes=["alignsim-field"])
        ChangeSlider(setup.weeks, WEEKS_STEP, MAX_WEEKS, WEEKS_STEP,
                     lambda w: apply(weeks=int(w))).key(f"weeks-{revision}")

    _panel("Scenario", is_open, body)


@solara.component
def LeversPanel(session: Session, setup: WorkshopSetup, revision: int, is_open: bool) -> None:
    both = setup.compare_with is not None and setup.changes_to_both
    whose = " (both arms)" if both else " (arm A)" if setup.compare_with else ""
    shown = setup.shown_params()

    def body() -> None:
        for name in governance_fields():
            Field(control(name), value_of(shown, name), session.change, revision)
        if setup.governance:
            solara.Button("back to the preset", text=True, small=True,
                          on_click=lambda: session.update(governance={}))

    changed = f", {len(setup.governance)} changed" if setup.governance else ""
    _panel(f"Governance{whose}{changed}", is_open, body)


@solara.component
def PeoplePanel(session: Session, setup: WorkshopSetup, revision: int, is_open: bool) -> None:
    more, set_more = solara.use_state(False)
    shown = setup.shown_params()

    def body() -> None:
        for name in people_fields():
            Field(control(name), value_of(shown, name), session.change, revision)
        solara.Switch(label="more behaviour settings", value=more, on_value=set_more)
        if more:
            for name in more_people_fields():
                Field(control(name), value_of(shown, name), session.change, revision)
        if setup.people:
            solara.Button("back to the default people", text=True, small=True,
                          on_click=lambda: session.update(people={}))

    whose = " (both arms)" if setup.compare_with else ""
    changed = f", {len(setup.people)} changed" if setup.people else ""
    _panel(f"People{whose}{changed}", is_open, body)


@solara.component
def Field(spec: Control, value: Any, change: Callable[[str, Any], Any], revision: int) -> None:
    """One parameter's control; its meaning, range and code name on hover."""
    def on_value(v: Any) -> None:
        change(spec.name, v)

    if spec.kind == "select":
        Choice(spec.label, value, spec.choices, lambda c: labels.choice(spec.name, c),
               on_value, hover=spec.hover).key(f"{spec.name}-{revision}")
    elif spec.kind == "bool":
        with solara.Tooltip(spec.hover).key(f"{spec.name}-{revision}"):
            solara.Switch(label=spec.label, value=bool(value), on_value=on_value)
    else:
        unit = f" {spec.unit}" if spec.unit and spec.unit not in ("-", "x") else \
            "x" if spec.unit == "x" else ""
        with solara.Tooltip(spec.hover).key(f"{spec.name}-{revision}"), \
                solara.Column(gap="0px"):
            solara.HTML(tag="div", unsafe_innerHTML=html.escape(f"{spec.label}: {value:g}{unit}"),
                        classes=["alignsim-field"])
            ChangeSlider(value, spec.lo, spec.hi, spec.step, on_value)


@solara.component
def Choice(label: str, value: str, values: Any, words: Callable[[str], str],
           on_value: Callable[[str], None], hover: str) -> None:
    """A dropdown that shows choices in words and hands back the code name."""
    items = [{"text": words(v), "value": v} for v in values]
    with solara.Tooltip(hover):
        rv.Select(label=label, items=items, v_model=value, on_v_model=on_value, dense=True,
                  hide_details=True, class_="mt-2")


@solara.component
def ChangeSlider(value: float, lo: float, hi: float, step: float,
                 on_change: Callable[[float], None]) -> None:
    """A slider that reports a value when the hand lets go (or a key is pressed), not while it
    drags and never when it merely settles at load: each report restarts the run."""
    slider = rv.Slider(v_model=value, min=lo, max=hi, step=step, dense=True, hide_details=True,
                       thumb_label=False, class_="mt-0")
    use_event(slider, "change", lambda _widget, _event, data: on_change(data))


@solara.component
def Messages(problem: str | None, detail: str | None, notice: str | None) -> None:
    if problem:
        with solara.Tooltip(detail or problem):
            solara.Error(problem, dense=True)
    if notice:
        solara.Info(notice, dense=True)


@solara.component
def Dashboard(session: Session, frame: Frame) -> None:
    """Tiles and charts of one Frame; tells the session once it is on the page."""
    solara.use_effect(lambda: session.rendered(frame.seq), [frame.seq])
    with solara.Div():
        with solara.Div(classes=["alignsim-tiles"]):
            for tile in frame.tiles:
                solara.HTML(tag="div", classes=["alignsim-tile"],
                            style={"border-color": tile.colour}, unsafe_innerHTML=(
                                f"<h3 data-preset='{tile.preset}' data-week='{frame.week}' "
                                f"data-seed='{frame.setup.seed}'>"
                                f"{tile.letter} · "
                                f"{html.escape(tile.label)}</h3>"
                                + "".join(f"<div>{line}</div>" for line in tile.lines)))
        with solara.Div(classes=["alignsim-grid"]):
            for chart in frame.charts:
                with solara.Div(classes=["alignsim-chart"]):
                    solara.HTML(tag="div", unsafe_innerHTML=(
                        f"<div class='title'>{chart.title}</div>"
                        f"<div class='key'>{chart.key}</div>"))
                    if chart.png is not None:
                        solara.Image(chart.png, format="png")
                    if chart.html:
                        solara.HTML(tag="div", unsafe_innerHTML=chart.html)
        with solara.Details("The same runs on the command line", expand=False):
            solara.HTML(tag="div", classes=["alignsim-commands"], unsafe_innerHTML="".join(
                f"<div><code>{html.escape(command)}</code></div>"
                for command in frame.commands))


def default_comparison(preset: str) -> str:
    """The arm a room most often sets against this one (joint planning, or marketing-led)."""
    return "marketing_led" if preset == "joint" else "joint"
