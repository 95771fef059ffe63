"""What a workshop session runs: one governance arm, or two side by side on the same market.

Everything here translates the room's choices into `sim` calls; the model itself lives in `sim`.
Parameters are built exactly as `alignsim run` builds them (`experiments.single.build_params`),
so an arm on the page is the run that the command `reproduce()` prints gives, week for week.
Side-by-side mode gives both arms the same seed, so the market (segment drift, lead fit and every
other random draw) is the same in both (the model's common random numbers) and the only
difference is the rule.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shlex
from dataclasses import dataclass, field
from typing import Any

import mesa
import numpy as np
import pandas as pd

from app import labels
from app.controls import control, governance_fields, more_people_fields, people_fields
from experiments.paramfile import PARAMS_ENV, firm_from_environment, with_preset
from experiments.report.style import KOTLER_NAMES, OKABE_ITO, arm_colour
from experiments.single import build_params
from sim import AlignmentModel, ParamError, Params
from sim.metrics import kotler_type
from sim.params import value_of

# The exercises of docs/workshop.md run two simulated years; a room sees a run end where the
# exercise ends. The run-length control offers quarters up to five years.
DEFAULT_WEEKS = 104
WEEKS_STEP = 13
MAX_WEEKS = 260
# Seeds the page accepts (any non-negative integer seeds the model; a room needs no more).
MAX_SEED = 2**32 - 1
LETTERS = "AB"
# The firm the room plays with: `alignsim app --params FILE`, else the model's default firm.
FIRM = firm_from_environment()


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
    weeks: int = DEFAULT_WEEKS

    def arms(self) -> list[ArmSetup]:
        """Each arm's preset and changes; raises ParamError naming the field for a bad one."""
        arms = [ArmSetup(self.preset, dict(self.governance), dict(self.people), self.weeks)]
        if self.compare_with is not None:
            shared = self.governance if self.changes_to_both else {}
            arms.append(ArmSetup(self.compare_with, dict(shared), dict(self.people), self.weeks))
        for arm in arms:
            arm.params()
        return arms

    def shown_params(self) -> Params:
        """Arm A's parameters, which the sidebar's controls show."""
        return self.arms()[0].params()


@dataclass(frozen=True)
class ArmSetup:
    preset: str
    governance: dict[str, Any]
    people: dict[str, Any]
    weeks: int

    def params(self) -> Params:
        """What `alignsim run --preset P --set ... --weeks W` runs (same function)."""
        return build_params(self.preset, {**self.governance, **self.people}, self.weeks, FIRM)

    def changes(self) -> list[str]:
        """The changes from the preset in words: ``one shared pool``, ``sales reps 40``."""
        return [labels.change(name, value)
                for name, value in {**self.governance, **self.people}.items()]

    def label(self) -> str:
        return " + ".join([labels.preset(self.preset), *self.changes()])

    def reproduce(self, seed: int) -> str:
        """The command line that runs this arm as the page runs it."""
        words = ["alignsim", "run", "--preset", self.preset]
        for name, value in {**self.governance, **self.people}.items():
            words += ["--set", f"{name}={_cli_value(value)}"]
        words += ["--weeks", str(self.weeks), "--seed", str(seed)]
        if os.environ.get(PARAMS_ENV):
            words += ["--params", os.environ[PARAMS_ENV]]
        return shlex.join(words)


def _cli_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


@dataclass
class Arm:
    letter: str
    setup: ArmSetup
    params: Params
    model: AlignmentModel

    @property
    def preset(self) -> str:
        return self.setup.preset


class Workshop(mesa.Model):
    """The arms of one session, stepped in lockstep one week at a time.

    A `mesa.Model`, as Mesa's tools expect of a model; it holds no behaviour of its own beyond
    calling each arm's ``step``. Not thread-safe: `app.session.Session` is its one owner.
    """

    def __init__(self, setup: WorkshopSetup | None = None) -> None:
        setup = setup or WorkshopSetup()
        super().__init__(rng=setup.seed)
        self.setup = setup
        self.arms = []
        for letter, arm in zip(LETTERS, setup.arms(), strict=False):
            params = arm.params()
            self.arms.append(Arm(letter, arm, params, AlignmentModel(params, seed=setup.seed)))
        self.weeks = setup.weeks
        self.week = 0
        self.running = True

    def step(self) -> None:
        if self.week >= self.weeks:
            self.running = False
            return
        for arm in self.arms:
            arm.model.step()
        self.week += 1
        self.running = self.week < self.weeks

    def tables(self) -> list[pd.DataFrame]:
        return [arm.model.weekly_table() for arm in self.arms]


def choose(setup: WorkshopSetup, name: str, value: Any) -> tuple[WorkshopSetup, str | None]:
    """``setup`` with one control moved, plus a note when another control had to follow it.

    Some fields are tied by a rule of `sim.params` (a CRO plans exactly when the structure has
    one). When the move alone breaks such a rule, the first other governance dropdown whose
    change satisfies the rule follows it, and the note says which (in words; sim's own rule is
    in the ParamError a caller may show on hover); if none can, the ParamError is raised. The
    rule itself stays in sim: this only tries values.
    """
    moved = _with(setup, name, value)
    try:
        moved.arms()
        return moved, None
    except ParamError as err:
        broken = err
    levers = governance_fields()
    candidates = [broken.field_name] if broken.field_name != name else []
    candidates += [f for f in levers if f not in (name, broken.field_name)]
    for other in candidates:
        if other not in levers or control(other).kind != "select":
            continue
        for option in control(other).choices:
            repaired = _with(moved, other, option)
            try:
                repaired.arms()
            except ParamError:
                continue
            return repaired, (f"{labels.field(other)} moved to “{labels.choice(other, option)}”"
                              f" to go with {labels.field(name).lower()} "
                              f"“{labels.choice(name, value)}”.")
    raise broken


def _with(setup: WorkshopSetup, name: str, value: Any) -> WorkshopSetup:
    if name in people_fields() or name in more_people_fields() or name.startswith("org."):
        people = {**setup.people, name: value}
        if value == value_of(FIRM, name):
            del people[name]  # back at the firm's own value: no longer a change
        return dataclasses.replace(setup, people=people)
    governance = {**setup.governance, name: value}
    affected = [setup.preset]
    if setup.compare_with is not None and setup.changes_to_both:
        affected.append(setup.compare_with)
    if all(value == value_of(with_preset(FIRM, p), name) for p in affected):
        del governance[name]  # back at the presets' own value: no longer a change
    return dataclasses.replace(setup, governance=governance)


def parse_seed(text: str) -> int:
    """A seed typed into the page, or ValueError with the sentence the page shows."""
    cleaned = text.strip().replace(",", "").replace("_", "")
    if re.fullmatch("[0-9]+", cleaned) and int(cleaned) <= MAX_SEED:
        return int(cleaned)
    raise ValueError(f"The seed must be a whole number from 0 to {MAX_SEED:,}; “{text}” is not "
                     "one, so the run keeps its seed.")


def kotler_bands() -> list[tuple[str, float, float]]:
    """(type, from, to) along the 20-100 alignment index, read off sim's own mapping."""
    grid = np.linspace(20, 100, 321)
    bands: list[tuple[str, float, float]] = []
    for x in grid:
        name = KOTLER_NAMES[kotler_type(float(x))]
        if not bands or bands[-1][0] != name:
            bands.append((name, float(x), float(x)))
        bands[-1] = (bands[-1][0], bands[-1][1], float(x))
    # each band runs up to where the next begins
    return [(name, lo, bands[k + 1][1] if k + 1 < len(bands) else hi)
            for k, (name, lo, hi) in enumerate(bands)]


def arm_colours(presets_of_arms: list[str]) -> list[str]:
    """The report's colour of each arm's preset; a second arm never repeats the first's."""
    colours: list[str] = []
    for position, preset in enumerate(presets_of_arms):
        colour = arm_colour(preset, position)
        spare = (c for c in OKABE_ITO if c not in colours)
        colours.append(colour if colour not in colours else next(spare))
    return colours
