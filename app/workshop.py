"""What a workshop session runs: one governance arm, or two side by side on the same market.

Everything here translates the room's choices into `sim` calls; the model itself lives in `sim`.
Side-by-side mode gives both arms the same seed, so the market (inquiries, segments, drift) is
the same in both (the model's common random numbers) and the only difference is the rule.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import mesa
import numpy as np
import pandas as pd

from experiments.paramfile import firm_from_environment, with_preset
from experiments.report.style import KOTLER_NAMES, OKABE_ITO, arm_colour
from sim import AlignmentModel, ParamError, Params
from sim.metrics import kotler_type
from sim.params import describe_allowed, field_kind, field_of, value_of

# The governance levers the page offers, in the order the room meets them.
GOVERNANCE_FIELDS = (
    "governance.budget_structure",
    "governance.planning_owner",
    "governance.structure",
    "governance.cadence_weeks",
    "governance.metrics",
    "governance.sla",
    "governance.sla_monitoring_prob",
    "governance.sanctions",
    "governance.lead_definition",
    "governance.shared_scoreboard",
)
# Organisation size and a few behavioural parameters; these apply to both arms alike.
PEOPLE_FIELDS = (
    "org.n_reps",
    "org.n_marketers",
    "behaviour.trust_initial",
    "behaviour.cooperation_initial",
    "behaviour.prospect_bias",
    "behaviour.planner_bias",
    "behaviour.loss_aversion",
)
# A room-sized slider range for fields whose declared range reaches far beyond one laptop's
# frame rate (the model accepts up to 2,000 reps; the page stays responsive well below 200).
SLIDER_CAPS = {"org.n_reps": 200, "org.n_marketers": 60}
# The firm the room plays with: `alignsim app --params FILE`, else the model's default firm.
FIRM = firm_from_environment()


@dataclass(frozen=True)
class Control:
    """How the page offers one parameter: a dropdown, a switch or a slider."""

    name: str
    label: str
    kind: str  # "select", "bool", "int" or "float"
    doc: str
    allowed: str
    unit: str = ""
    choices: tuple[str, ...] = ()
    lo: float = 0.0
    hi: float = 1.0


def control(dotted: str) -> Control:
    """The control for a dotted parameter name, read from the field's declaration in sim (a
    ParamError naming the known fields if there is none)."""
    fld = field_of(dotted)
    meta = fld.metadata
    kind = "select" if meta.get("choices") else field_kind(fld).__name__
    label = dotted.rpartition(".")[2].replace("_", " ")
    hi = meta.get("hi")
    return Control(
        name=dotted, label=label, kind=kind, doc=meta["doc"], allowed=describe_allowed(fld),
        unit=meta.get("unit") or "",
        choices=tuple(meta.get("choices") or ()),
        lo=float(meta["lo"]) if meta.get("lo") is not None else 0.0,
        hi=float(min(hi, SLIDER_CAPS.get(dotted, hi))) if hi is not None else 1.0,
    )


@dataclass(frozen=True)
class WorkshopSetup:
    """The room's choices: a preset for arm A with changes on top, optionally a second arm.

    Governance changes apply to arm A only, or to both arms when ``changes_to_both`` (e.g. both
    planning-owner arms over a shared pool); people changes (size, behaviour) always apply to
    both, so a side-by-side run differs in the rule and nothing else.
    """

    preset: str = "undefined"
    governance: dict[str, Any] = field(default_factory=dict)
    people: dict[str, Any] = field(default_factory=dict)
    seed: int = 1
    compare_with: str | None = None
    changes_to_both: bool = False

    def arms(self) -> list[tuple[str, Params]]:
        """(label, Params) per arm; raises ParamError naming the field for a bad combination."""
        first = with_preset(FIRM, self.preset, {**self.governance, **self.people})
        arms = [(self.preset + _changes(self.governance), first)]
        if self.compare_with is not None:
            shared = self.governance if self.changes_to_both else {}
            second = with_preset(FIRM, self.compare_with, {**shared, **self.people})
            arms.append((self.compare_with + _changes(shared), second))
        return arms


def _changes(governance: dict[str, Any]) -> str:
    """The governance changes as a room reads them: `` + cadence weeks 52, sla on``."""
    if not governance:
        return ""
    return " + " + ", ".join(f"{name.partition('.')[2].replace('_', ' ')} {value}"
                             for name, value in governance.items())


@dataclass
class Arm:
    label: str
    preset: str
    params: Params
    model: AlignmentModel


class Workshop(mesa.Model):
    """The arms of one session, stepped in lockstep one week at a time.

    A `mesa.Model` so that Mesa's SolaraViz controller (play, pause, step, reset) drives it; it
    holds no behaviour of its own beyond calling each arm's ``step``.
    """

    def __init__(self, setup: WorkshopSetup | None = None) -> None:
        setup = setup or WorkshopSetup()
        super().__init__(rng=setup.seed)
        self.setup = setup
        presets_of_arms = [setup.preset, setup.compare_with]
        self.arms = [
            Arm(label, preset, params, AlignmentModel(params, seed=setup.seed))
            for (label, params), preset in zip(setup.arms(), presets_of_arms, strict=False)
        ]
        self.weeks = min(arm.params.weeks for arm in self.arms)
        self.week = 0

    def step(self) -> None:
        for arm in self.arms:
            arm.model.step()
        self.week += 1
        self.running = self.week < self.weeks

    def tables(self) -> list[pd.DataFrame]:
        return [arm.model.weekly_table() for arm in self.arms]


def arm_a_params(setup: WorkshopSetup) -> Params | None:
    """The first arm's parameters as the controls should show them (None if they cannot run)."""
    try:
        return setup.arms()[0][1]
    except ParamError:
        return None


def choose(setup: WorkshopSetup, name: str, value: Any) -> tuple[WorkshopSetup, str | None]:
    """``setup`` with one control moved, plus a note when another control had to follow it.

    Some fields are tied by a rule of `sim.params` (a CRO plans exactly when the structure has
    one). When the move alone breaks such a rule, the first other governance dropdown whose
    change satisfies the rule follows it, and the note says which and why; if none can, the
    ParamError goes to the page. The rule itself stays in sim: this only tries values.
    """
    moved = _with(setup, name, value)
    try:
        moved.arms()
        return moved, None
    except ParamError as err:
        broken = err
    candidates = [broken.field_name] if broken.field_name != name else []
    candidates += [f for f in GOVERNANCE_FIELDS if f not in (name, broken.field_name)]
    for other in candidates:
        spec = control(other) if other in GOVERNANCE_FIELDS else None
        if spec is None or spec.kind != "select":
            continue
        for choice in spec.choices:
            repaired = _with(moved, other, choice)
            try:
                repaired.arms()
            except ParamError:
                continue
            return repaired, (f"{spec.label} moved to {choice!r} with {control(name).label}: "
                              f"{broken.field_name} must be {broken.allowed}.")
    raise broken


def _with(setup: WorkshopSetup, name: str, value: Any) -> WorkshopSetup:
    if name in PEOPLE_FIELDS:
        return dataclasses.replace(setup, people={**setup.people, name: value})
    governance = {**setup.governance, name: value}
    affected = [setup.preset]
    if setup.compare_with is not None and setup.changes_to_both:
        affected.append(setup.compare_with)
    if all(value == value_of(with_preset(FIRM, p), name) for p in affected):
        del governance[name]  # back at the presets' own value: no longer a change
    return dataclasses.replace(setup, governance=governance)


def kotler_bands() -> list[tuple[str, float, float]]:
    """(type, from, to) along the 20-100 alignment index, read off sim's own mapping."""
    grid = np.linspace(20, 100, 321)
    types = [kotler_type(x) for x in grid]
    bands: list[tuple[str, float, float]] = []
    for x, t in zip(grid, types, strict=True):
        if not bands or bands[-1][0] != KOTLER_NAMES[t]:
            bands.append((KOTLER_NAMES[t], float(x), float(x)))
        bands[-1] = (bands[-1][0], bands[-1][1], float(x))
    # each band runs up to where the next begins
    return [(name, lo, bands[k + 1][1] if k + 1 < len(bands) else hi)
            for k, (name, lo, hi) in enumerate(bands)]


def kotler_label(row: pd.Series) -> str:
    """This week's Kotler relationship type of an arm, as sim reports it, by name."""
    return KOTLER_NAMES[int(row["alignment_type"])]


def arm_colours(workshop: Workshop) -> list[str]:
    """The report's colour of each arm's preset; a second arm never repeats the first's."""
    colours: list[str] = []
    for position, arm in enumerate(workshop.arms):
        colour = arm_colour(arm.preset, position)
        spare = (c for c in OKABE_ITO if c not in colours)
        colours.append(colour if colour not in colours else next(spare))
    return colours
