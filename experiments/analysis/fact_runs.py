"""The experiment that tests the stylized facts: every arm the chosen facts compare, in the base
parameter set and in each perturbed set, as named arms of one experiment (`experiments.spec`'s
``arms`` design), so the engine runs it resumably, in parallel or on a Dask cluster.

Replicate r of every arm, in every set, runs on the same seed (the engine's replicate seeds from
the base seed), so each claim is a paired comparison. An arm's parameters are, in order: the
defaults (or a firm's values, `base_overrides`), the set's perturbed assumption values
(`experiments.perturb`), the arm's preset (governance only) and the arm's scenario overrides
(e.g. ``market.cycle_scale`` for fact 11), which therefore apply on top of the perturbed values.

An arm that cannot be built (a preset the model does not define, a value the model rejects) is
left out of the experiment and listed with the reason; its claims are then untestable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from experiments.analysis.facts import ARMS, Fact, arms_of
from experiments.analysis.validation import BASE_SET
from experiments.perturb import assumption_parameters, perturbed_values
from experiments.spec import ExperimentSpec, spec_from_dict
from sim import presets
from sim.params import Params, value_of

NAME = "validate"
SOURCE = "the options of this alignsim validate command"
"""Where the experiment comes from, as messages about it name it."""
ARM_COLUMNS = ("arm", "set", "label", "preset", "reason")


@dataclass(frozen=True)
class FactRuns:
    """The experiment of the facts and what each of its arms stands for."""

    spec: ExperimentSpec
    arm_table: pd.DataFrame
    """One row per fact arm and parameter set: ``arm``, ``set`` (0 the base, 1..K perturbed),
    ``label`` (the arm's label in the runs table; empty if not run), ``preset``, ``reason``
    (why it could not be built; empty if it was), and one column per parameter a level claim
    compares with, holding the value that arm ran with."""
    facts: tuple[Fact, ...]
    perturbed: tuple[str, ...]
    """The assumption parameters the perturbed sets scale (empty without perturbation)."""


def label(arm: str, set_number: int) -> str:
    return arm if set_number == BASE_SET else f"{arm}-p{set_number}"


def fact_runs(facts: Iterable[Fact], *, seeds: int, seed_base: int, weeks: int | None = None,
              perturb: int = 0, base_overrides: dict[str, Any] | None = None,
              name: str = NAME) -> FactRuns:
    """The experiment that runs `facts`' arms on `seeds` paired seeds from `seed_base`, in the
    base set and `perturb` perturbed sets. `base_overrides` replaces defaults for every arm (a
    firm's own values); raises ParamError if they are invalid, ValueError if no arm can run."""
    facts = tuple(facts)
    top: dict[str, Any] = dict(base_overrides or {})
    base = Params().with_overrides(top)
    weeks = base.weeks if weeks is None else weeks
    if "burn_in_weeks" not in top and weeks <= base.burn_in_weeks:
        # As `alignsim run --weeks` does: a short run keeps a proportionate burn-in.
        top["burn_in_weeks"] = weeks // 7
    references = sorted({c.reference_parameter for f in facts for c in f.claims
                         if c.reference_parameter})
    rows: list[dict[str, Any]] = []
    arms: dict[str, dict[str, Any]] = {}
    for set_number in range(perturb + 1):
        values, set_problem = _set_values(base, top, weeks, seed_base, set_number)
        for arm_name in arms_of(facts):
            arm = ARMS[arm_name]
            row: dict[str, Any] = {"arm": arm_name, "set": set_number, "label": "",
                                   "preset": arm.preset, "reason": set_problem}
            settings = {**values, **arm.overrides}
            params = None
            if not set_problem:
                params, row["reason"] = _build(arm.preset, {**top, "weeks": weeks, **settings})
            if params is not None:
                row["label"] = label(arm_name, set_number)
                arms[row["label"]] = {"preset": arm.preset, **settings}
            row |= {ref: value_of(params, ref) if params is not None else float("nan")
                    for ref in references}
            rows.append(row)
    table = pd.DataFrame(rows, columns=[*ARM_COLUMNS, *references])
    if not arms:
        reasons = "; ".join(sorted(set(table["reason"])))
        raise ValueError(f"no arm of the chosen facts can be run: {reasons}")
    data: dict[str, Any] = {
        "name": name,
        "description": (f"alignsim validate: facts {', '.join(str(f.number) for f in facts)}; "
                        f"{perturb} perturbed parameter set(s)"),
        "weeks": weeks, "replicates": seeds, "seed": seed_base,
        "arms": arms, "output": {"weekly_metrics": []},
    }
    if top:
        data["overrides"] = top
    perturbed = tuple(assumption_parameters()) if perturb else ()
    return FactRuns(spec=spec_from_dict(data, source=SOURCE), arm_table=table,
                    facts=facts, perturbed=perturbed)


def _set_values(base: Params, top: dict[str, Any], weeks: int, seed_base: int,
                set_number: int) -> tuple[dict[str, Any], str]:
    """A set's perturbed values, or why the set cannot be run (a rule across fields the
    perturbation does not know)."""
    if set_number == BASE_SET:
        return {}, ""
    values = perturbed_values(base, seed_base, set_number)
    try:
        Params().with_overrides({**top, "weeks": weeks, **values})
    except ValueError as err:
        return values, f"perturbation set {set_number}: {err}"
    return values, ""


def _build(preset: str, overrides: dict[str, Any]) -> tuple[Params | None, str]:
    if preset not in presets.names():
        return None, f"preset {preset!r} is not defined"
    try:
        return presets.get(preset, overrides), ""
    except ValueError as err:  # ParamError: a scenario value the model does not accept
        return None, str(err)
