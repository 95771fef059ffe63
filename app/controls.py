"""Which parameters the page offers and how: read from sim's declarations, never typed twice.

Every field of the governance group is a lever, in the order sim declares them, so a lever sim
adds appears on the page without a change here. People settings are a short list of the fields a
room asks about first, and every other behaviour field sits behind "more" (again read from sim).
A slider's grid is chosen so that every preset's value and the default lie exactly on it: a
slider that snapped 1.6 to 1.64 at load would silently run another model than the one named.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app import labels
from experiments.paramfile import firm_from_environment
from sim import presets
from sim.params import Params, describe_allowed, field_kind, field_of, known_fields, value_of

# Organisation size and the behaviour a room asks about first, in the order the room meets them;
# names sim no longer declares are left out (tests/app/test_workshop.py names them).
PEOPLE_FIRST = (
    "org.n_reps",
    "org.n_marketers",
    "behaviour.trust_initial",
    "behaviour.cooperation_initial",
    "behaviour.prospect_bias",
    "behaviour.planner_bias",
    "behaviour.loss_aversion",
)
# Not a behaviour a room varies: it switches the people's decisions off (the docking check).
NOT_OFFERED = ("behaviour.behaviour_on",)
# A room-sized slider range where the declared range reaches far beyond a laptop's frame rate
# (the model accepts up to 2,000 reps; the page stays responsive well below 200).
SLIDER_CAPS = {"org.n_reps": 200, "org.n_marketers": 60}
# A slider offers at least this many positions, and a step of 1, 2 or 5 times a power of ten.
MIN_POSITIONS = 20


@functools.cache
def governance_fields() -> tuple[str, ...]:
    return tuple(name for name in known_fields() if name.startswith("governance."))


@functools.cache
def people_fields() -> tuple[str, ...]:
    known = set(known_fields())
    return tuple(name for name in PEOPLE_FIRST if name in known)


@functools.cache
def more_people_fields() -> tuple[str, ...]:
    """Every other behaviour field sim declares, for the page's "more" list."""
    return tuple(name for name in known_fields()
                 if name.startswith("behaviour.") and name not in PEOPLE_FIRST
                 and name not in NOT_OFFERED)


@dataclass(frozen=True)
class Control:
    """How the page offers one parameter: a dropdown, a switch or a slider."""

    name: str
    label: str
    kind: str  # "select", "bool", "int" or "float"
    hover: str  # the meaning, the allowed values and the code name
    unit: str = ""
    choices: tuple[str, ...] = ()
    lo: float = 0.0
    hi: float = 1.0
    step: float = 1.0

    def snap(self, value: Any) -> Any:
        """A slider's value as the model gets it: on the grid, rounded to the grid's decimals
        (so 1.6 stays 1.6, as ``--set ...=1.6`` gives it, and never 1.6000000000000001)."""
        if self.kind == "int":
            return round(float(value))
        if self.kind != "float":
            return value
        positions = round((float(value) - self.lo) / self.step)
        exact = Decimal(repr(self.lo)) + positions * Decimal(repr(self.step))
        return float(min(max(exact, Decimal(repr(self.lo))), Decimal(repr(self.hi))))


@functools.cache
def control(dotted: str) -> Control:
    """The control for a dotted parameter name, read from the field's declaration in sim (a
    ParamError naming the known fields if there is none)."""
    fld = field_of(dotted)
    meta = fld.metadata
    kind = "select" if meta.get("choices") else field_kind(fld).__name__
    hover = f"{meta['doc']}; {describe_allowed(fld)}. In code: {dotted}"
    if kind in ("select", "bool"):
        return Control(dotted, labels.field(dotted), kind, hover,
                       choices=tuple(meta.get("choices") or ()))
    lo, hi = float(meta["lo"]), float(meta["hi"])
    hi = min(hi, SLIDER_CAPS.get(dotted, hi))
    step = 1.0 if kind == "int" else grid_step(lo, hi, values_to_hold(dotted))
    return Control(dotted, labels.field(dotted), kind, hover, unit=meta.get("unit") or "",
                   lo=lo, hi=hi, step=step)


def values_to_hold(dotted: str) -> list[float]:
    """The values a slider must offer exactly: the default, the firm's (`alignsim app --params`)
    and every preset's."""
    values = {float(value_of(Params(), dotted)), float(value_of(firm_from_environment(), dotted))}
    values |= {float(value_of(presets.get(name), dotted)) for name in presets.names()}
    return sorted(values)


def grid_step(lo: float, hi: float, values: list[float]) -> float:
    """The coarsest step of 1, 2 or 5 times a power of ten that gives at least MIN_POSITIONS
    positions between lo and hi and puts every value in `values` exactly on the grid."""
    span = Decimal(repr(hi)) - Decimal(repr(lo))
    if span <= 0:
        return 1.0
    exponent = math.floor(math.log10(float(span) / MIN_POSITIONS))
    for power in range(exponent, exponent - 8, -1):
        for mantissa in (5, 2, 1):
            step = Decimal(mantissa).scaleb(power)
            if span / step < MIN_POSITIONS:
                continue
            if all((Decimal(repr(v)) - Decimal(repr(lo))) % step == 0 for v in values
                   if lo <= v <= hi):
                return float(step)
    return float(Decimal(1).scaleb(exponent - 8))
