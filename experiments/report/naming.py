"""Naming an arm on the command line by any short, unambiguous name: its display name
("finance-led (separate)"), its levels in any order and with any separator
("finance_led,separate", "separate/finance-led", "finance_led separate"), or its full label
("preset=finance_led, governance.budget_structure=separate"). A name that fits several arms is
refused with the names that would pick one.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from typing import Any

from experiments.errors import UsageError
from experiments.report.style import ArmLook

_SEPARATORS = re.compile(r"[,/+()·;]")


def _norm(text: str) -> str:
    return re.sub(r"[\s_\-]+", "_", str(text).strip().lower()).strip("_")


def _level_words(values: Mapping[str, Any], look: ArmLook) -> set[str]:
    """What each of an arm's levels may be called: its value, and its words in the name."""
    words = {_norm(v) for v in values.values()}
    words |= {_norm(f"{k}={v}") for k, v in values.items()}
    words |= {_norm(piece) for piece in _SEPARATORS.split(look.name) if piece.strip()}
    words |= {_norm(k.rsplit(".", 1)[-1] + f" {v}") for k, v in values.items()}
    return words


def _matches(wanted: str, label: str, values: Mapping[str, Any], look: ArmLook) -> bool:
    if _norm(wanted) in (_norm(label), _norm(look.name)):
        return True
    words = _level_words(values, look)
    pieces = [_norm(p) for p in _SEPARATORS.split(wanted) if p.strip()]
    if pieces and all(p in words for p in pieces):
        return True
    # One piece: the levels run together with spaces or underscores, in any order.
    plain = [_norm(v) for v in values.values()]
    return any(_norm(wanted) == "_".join(combo)
               for k in range(1, len(plain) + 1)
               for combo in itertools.permutations(plain, k))


def resolve_arm(wanted: str, values_by_arm: Mapping[str, Mapping[str, Any]],
                looks: Mapping[str, ArmLook], option: str = "--baseline") -> str:
    """The label of the one arm `wanted` names, or a UsageError that lists the arms. An arm's
    own label or display name wins over arms it merely describes (a named arm `marketing_led`
    beside `marketing_led_pool`, both of the marketing-led preset)."""
    exact = [label for label in values_by_arm
             if _norm(wanted) in (_norm(label), _norm(looks[label].name))]
    if len(exact) == 1:
        return exact[0]
    found = [label for label, values in values_by_arm.items()
             if _matches(wanted, label, values, looks[label])]
    if len(found) == 1:
        return found[0]
    def name(label: str) -> str:
        return f"'{looks[label].name}'" if " " in looks[label].name else looks[label].name

    if not found:
        raise UsageError(f"{option} {wanted}: not an arm of this experiment; arms are "
                         + ", ".join(name(a) for a in values_by_arm))
    example = ",".join(str(v) for v in values_by_arm[found[0]].values())
    raise UsageError(f"{option} {wanted}: fits {len(found)} arms ("
                     + ", ".join(name(a) for a in found)
                     + f"); name one, e.g. {option} {example}")
