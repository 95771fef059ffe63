"""Hypothesis strategies for valid Params, drawn from the fields' own metadata.

Every field's range or choices comes from `dataclasses.fields(...).metadata`; only the few
fields that set the cost of a run (organisation size, run length, lead volume, installed base)
are narrowed, so the property tests stay fast. Cross-field rules of `sim.params.validate` are
kept by construction: planning_owner is 'cro' exactly when the structure is cro or merged, the
segment mixes and the initial mode propensities each sum to at most 1.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from hypothesis import strategies as st

from sim import presets
from sim.params import GROUPS, Params

# Narrowed ranges (within the declared ones) for fields that scale a run's cost.
COST_LIMITS: dict[str, tuple[float, float]] = {
    "org.n_reps": (2, 30),
    "org.n_marketers": (1, 10),
    "market.inquiry_alpha": (0.01, 0.2),
    "market.initial_arr_usd": (1e5, 1e8),
    "market.deal_size_scale": (0.3, 10),
    "weeks": (20, 60),
}
# Drawn together below, so that the cross-field rules hold.
JOINT = {"governance.structure", "governance.planning_owner", "market.segment_mix_smb",
         "market.segment_mix_mid", "behaviour.mode_volume_initial",
         "behaviour.mode_quality_initial", "weeks", "burn_in_weeks"}
CRO_STRUCTURES = ("cro", "merged")
OWNERS_WITHOUT_CRO = ("marketing", "sales", "finance", "joint")


def declared_fields() -> list[tuple[str, dataclasses.Field]]:
    """(dotted name, field) for every parameter, group fields flattened."""
    out = [(f.name, f) for f in dataclasses.fields(Params) if f.name not in GROUPS]
    defaults = Params()
    for group in GROUPS:
        out += [(f"{group}.{f.name}", f) for f in dataclasses.fields(getattr(defaults, group))]
    return out


def _kind(fld: dataclasses.Field) -> str:
    return str(fld.type)


def field_strategy(dotted: str, fld: dataclasses.Field) -> st.SearchStrategy[Any]:
    meta = fld.metadata
    if meta.get("choices"):
        return st.sampled_from(meta["choices"])
    if _kind(fld) == "bool":
        return st.booleans()
    lo, hi = COST_LIMITS.get(dotted, (meta["lo"], meta["hi"]))
    if _kind(fld) == "int":
        return st.integers(int(lo), int(hi))
    return st.floats(float(lo), float(hi), allow_nan=False, allow_infinity=False)


@st.composite
def valid_params(draw: st.DrawFn, max_changed: int = 12) -> Params:
    """A preset, then some fields changed to values drawn from their declared ranges."""
    base = presets.get(draw(st.sampled_from(presets.names())))
    free = [(d, f) for d, f in declared_fields() if d not in JOINT]
    chosen = draw(st.lists(st.sampled_from(free), max_size=max_changed, unique_by=lambda x: x[0]))
    overrides: dict[str, Any] = {d: draw(field_strategy(d, f)) for d, f in chosen}

    if draw(st.booleans()):
        structure = draw(st.sampled_from(("separate_leaders", *CRO_STRUCTURES)))
        owner = "cro" if structure in CRO_STRUCTURES else draw(st.sampled_from(OWNERS_WITHOUT_CRO))
        overrides |= {"governance.structure": structure, "governance.planning_owner": owner}
    if draw(st.booleans()):
        smb, mid = _pair_within_one(draw)
        overrides |= {"market.segment_mix_smb": smb, "market.segment_mix_mid": mid}
    if draw(st.booleans()):
        volume, quality = _pair_within_one(draw)
        overrides |= {"behaviour.mode_volume_initial": volume,
                      "behaviour.mode_quality_initial": quality}
    weeks = draw(st.integers(*map(int, COST_LIMITS["weeks"])))
    overrides |= {"weeks": weeks, "burn_in_weeks": draw(st.integers(0, weeks - 1))}
    overrides.setdefault("org.n_reps", draw(field_strategy("org.n_reps", _f("org.n_reps"))))
    overrides.setdefault("org.n_marketers",
                         draw(field_strategy("org.n_marketers", _f("org.n_marketers"))))
    return base.with_overrides(overrides)


def _pair_within_one(draw: st.DrawFn) -> tuple[float, float]:
    """Two shares in [0, 1] whose float sum is at most 1 (the validator's rule)."""
    first = draw(st.floats(0, 1))
    second = draw(st.floats(0, 1 - first))
    while first + second > 1:
        second = math.nextafter(second, 0.0)
    return first, second


def _f(dotted: str) -> dataclasses.Field:
    return dict(declared_fields())[dotted]
