"""Perturbed parameter sets: how far do results rest on the assumed values of the model?

Set k scales every *assumption parameter* by its own factor drawn from U[0.7, 1.3] (+-30%), seeded
by the base seed, k and the parameter's name, so a set is the same on every machine and does not
shift when a parameter is added to the model. Integers are rounded, every value is clipped to its
field's declared range, and shares that make up a whole stay a whole (below).

Assumption parameters are read from the declarations in `sim.params`: every numeric field of the
``org``, ``market`` and ``behaviour`` groups, except the facts about the firm in `FIRM_FACTS`
(headcount and starting size: a firm knows them, they are not assumed). Never perturbed: the
governance group (the levers an experiment compares), switches and choices (booleans, strings),
and run settings (``weeks``, ``burn_in_weeks``).

Shares of a whole: a segment mix is SMB, mid-market and, implicitly, enterprise (the rest), and
a marketer's initial modes are volume, quality and, implicitly, balanced. Each of the three parts
is scaled by its own factor and the three are renormalised to sum to 1, so the constraint
"SMB + mid <= 1" holds by construction and no part is ever squeezed to zero. After renormalising,
a share can move slightly more than 30% from its base value (at most by the factor 1.3 / 0.7).
"""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np

from sim.params import Params, field_kind, field_of, known_fields, value_of

FIRM_FACTS = ("org.n_reps", "org.n_marketers", "market.initial_arr_usd")
"""Numeric fields that describe the firm rather than an assumption; never perturbed."""
ASSUMPTION_GROUPS = ("org", "market", "behaviour")
SPREAD = 0.3
"""Factors are drawn from U[1 - SPREAD, 1 + SPREAD]."""
SHARES_OF_A_WHOLE: tuple[tuple[str, str], ...] = (
    ("market.segment_mix_smb", "market.segment_mix_mid"),
    ("behaviour.mode_volume_initial", "behaviour.mode_quality_initial"),
)
"""Pairs of shares whose sum is at most 1 (the rest is a third, implicit share)."""
_STREAM = 0x70657274  # "pert": keeps these draws apart from the replicate seeds of the base seed


def assumption_parameters() -> list[str]:
    """Dotted names of the parameters a perturbation scales, in declaration order."""
    found = []
    for dotted in known_fields():
        group = dotted.partition(".")[0]
        if group not in ASSUMPTION_GROUPS or dotted in FIRM_FACTS:
            continue
        if field_kind(field_of(dotted)) in (int, float):
            found.append(dotted)
    return found


def factor(seed_base: int, k: int, name: str, spread: float = SPREAD) -> float:
    """The factor of parameter `name` in set `k`: U[1 - spread, 1 + spread], from its own stream."""
    key = zlib.crc32(name.encode())  # stable across runs, unlike hash()
    rng = np.random.default_rng(np.random.SeedSequence([seed_base, _STREAM, k, key]))
    return float(rng.uniform(1 - spread, 1 + spread))


def perturbed_values(base: Params, seed_base: int, k: int, spread: float = SPREAD
                     ) -> dict[str, Any]:
    """Set `k`'s value of every assumption parameter (dotted name -> value), scaled from `base`.

    Apply them with ``base.with_overrides(...)``; an arm's own scenario values go on top.
    """
    if k < 1:
        raise ValueError(f"perturbation set {k}: sets are numbered from 1 (0 is the base)")
    names = assumption_parameters()
    values: dict[str, Any] = {}
    for name in names:
        values[name] = _clip(name, value_of(base, name) * factor(seed_base, k, name, spread))
    for first, second in SHARES_OF_A_WHOLE:
        if first in values and second in values:
            values.update(_whole(base, seed_base, k, first, second, spread))
    for name in names:
        if field_kind(field_of(name)) is int:
            values[name] = _clip(name, round(values[name]))
    return values


def _whole(base: Params, seed_base: int, k: int, first: str, second: str, spread: float
           ) -> dict[str, float]:
    a, b = value_of(base, first), value_of(base, second)
    parts = np.array([a, b, max(1.0 - a - b, 0.0)])
    scaled = parts * [factor(seed_base, k, first, spread), factor(seed_base, k, second, spread),
                      factor(seed_base, k, f"{first}+{second}:rest", spread)]
    total = scaled.sum()
    if total <= 0:
        return {first: a, second: b}
    shares = scaled / total
    # Renormalised shares can exceed 1 in their sum by a rounding error only; keep it at most 1.
    b_share = min(float(shares[1]), 1.0 - float(shares[0]))
    return {first: _clip(first, float(shares[0])), second: _clip(second, b_share)}


def _clip(name: str, value: float) -> Any:
    meta = field_of(name).metadata
    lo, hi = meta.get("lo"), meta.get("hi")
    if lo is not None:
        value = min(max(value, lo), hi)
    return int(value) if field_kind(field_of(name)) is int else float(value)

