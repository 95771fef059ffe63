"""Firm files: one firm's observed rates, what is known of it, and what to fit.

A firm file (TOML, documented in ``docs/calibration.md``) holds the rates a firm measured, each
with the uncertainty it can state (a range, read as a 95% interval, or a standard error) and the
weeks it covers; what is known of its organisation (reps, marketers, ARR) and any other
parameter it knows; its current governance (a preset, lever settings, or both); and, optionally,
which assumption parameters to fit and over which ranges. Every check happens on reading and
every failure is one `SpecError` naming the file, the key and what is allowed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from experiments.errors import UsageError
from experiments.paramfile import CURRENT, read_toml, with_preset
from experiments.spec import toml_key, toml_value
from experiments.spec_checks import Checker, allowed
from sim import presets
from sim.params import Params, field_kind

DEFAULT_FIT: dict[str, tuple[float, float, bool] | None] = {
    # The assumption parameters most tied to the funnel: name -> (min, max, log scale), or None
    # for the range declared in sim.params. Narrower ranges keep candidates where a run stays
    # quick and the firm plausible (the declared ranges allow 100x the default lead volume).
    # A parameter added to the model is fitted by default once its name is added here.
    "behaviour.prospect_bias": None,
    "market.inquiry_alpha": (0.01, 0.1, True),
    "behaviour.scoring_noise": None,
    "org.prospects_per_hour": (0.0, 0.2, False),
    "market.win_rate_scale": (0.3, 3.0, True),
    "market.churn_scale": (0.2, 5.0, True),
    "behaviour.mode_volume_initial": (0.0, 0.6, False),
    "market.deal_size_scale": (0.3, 3.0, True),
    "market.cycle_scale": (0.3, 3.0, True),
    # How sales judges MQLs and what marketing gives up for a rejected one: they set MQL
    # acceptance beside scoring noise since the mechanism revision.
    "behaviour.rejection_cost": None,
    "behaviour.distrust_discount": None,
}

STANDARD_TARGETS = ("mql_acceptance_rate", "inquiry_to_mql_rate", "closure_rate", "win_rate",
                    "sales_cycle_weeks_median", "logo_churn_annual", "avg_deal_size_usd",
                    "marketing_sourced_share")
"""The rates a firm usually knows from its CRM; any other summary metric may be a target too."""

ORGANISATION = {"reps": "org.n_reps", "marketers": "org.n_marketers",
                "arr_usd": "market.initial_arr_usd"}
DEFAULT_TARGET_WEEKS = 52
Z95 = 1.959963984540054

_TOP_KEYS = ("name", "description", "organisation", "governance", "parameters", "targets",
             "fit", "calibration")
_TARGET_KEYS = ("value", "range", "se", "weeks")
_FIT_KEYS = ("min", "max", "log")
_SETTING_KEYS = ("budget", "seeds", "seed", "batch", "check_seeds", "check_top")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class Target:
    """One observed rate: a summary metric over the first `weeks` measured weeks."""

    metric: str
    value: float
    sigma: float
    """The standard error the objective divides by (a range counts as a 95% interval)."""
    lo: float
    hi: float
    """The stated interval (a range, or value +- 1.96 standard errors)."""
    weeks: int

    @property
    def column(self) -> str:
        """The runs-table column of this metric over this target's weeks."""
        return f"{self.metric}@{self.weeks}w"


@dataclass(frozen=True)
class FitParam:
    """One parameter to fit and the range it may take."""

    name: str
    lo: float
    hi: float
    log: bool
    integer: bool

    def to_unit(self, values: Any) -> Any:
        """Values on the unit scale of this range (logarithmic for a log range)."""
        x = np.asarray(values, dtype=float)
        if self.log:
            return (np.log(x) - math.log(self.lo)) / (math.log(self.hi) - math.log(self.lo))
        return (x - self.lo) / (self.hi - self.lo)

    def from_unit(self, u: float) -> float | int:
        """The value at `u` on the unit scale of this range (an integer for integer fields)."""
        if self.log:
            x = math.exp(math.log(self.lo) + u * (math.log(self.hi) - math.log(self.lo)))
        else:
            x = self.lo + u * (self.hi - self.lo)
        x = min(max(float(x), self.lo), self.hi)
        return round(x) if self.integer else x


@dataclass(frozen=True)
class Settings:
    """How to calibrate: candidates, seeds per candidate, and the check on fresh seeds."""

    budget: int = 240
    """Candidates evaluated (a rerun with a larger budget goes on from the earlier ones)."""
    seeds: int = 5
    """Seeds per candidate: every candidate runs on the same ones (common random numbers)."""
    seed: int = 1
    """Base seed: the fitting seeds, the check seeds and the sampler's draws derive from it."""
    batch: int = 8
    """Candidates proposed together and run in parallel (independent of the worker count, so
    a calibration gives the same result on any machine)."""
    check_seeds: int = 20
    """Fresh seeds on which the best candidates are checked before one is chosen."""
    check_top: int = 5
    """How many of the best candidates are checked on the fresh seeds."""


@dataclass(frozen=True)
class Firm:
    name: str
    description: str
    base: Params
    """The firm before fitting: known organisation and parameters, its governance."""
    governance: str
    """Its governance as words: the preset, and the levers set on top."""
    targets: tuple[Target, ...]
    fit: tuple[FitParam, ...]
    settings: Settings
    source: str
    text: str
    """The firm file, verbatim (kept with the calibration's results)."""
    data: dict[str, Any] = dataclasses.field(repr=False, compare=False)

    @property
    def weeks(self) -> int:
        """Weeks a calibration run simulates: the burn-in and the longest target's weeks."""
        return self.base.burn_in_weeks + max(t.weeks for t in self.targets)

    def fingerprint(self) -> str:
        """Hash of what the firm file says (equal for files that differ in comments only)."""
        canonical = json.dumps(self.data, sort_keys=True, default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]

    def candidate(self, values: Mapping[str, Any]) -> Params:
        """The firm with fitted values, for the calibration's run length."""
        return self.base.with_overrides({**values, "weeks": self.weeks})


def load_firm(path: str | Path) -> Firm:
    """Read and validate a firm file."""
    path = Path(path)
    data = read_toml(path)
    return firm_from_dict(data, source=str(path), text=path.read_text(encoding="utf-8"),
                          default_name=path.stem)


def firm_from_dict(data: dict[str, Any], *, source: str = "<dict>", text: str = "",
                   default_name: str = "firm") -> Firm:
    """Validate a firm given as a dict (the layout of the TOML file)."""
    check = Checker(source)
    check.keys("the file's top level", data, _TOP_KEYS, prefix="")
    name = data.get("name", default_name)
    if not isinstance(name, str) or not _NAME_RE.match(name):
        check.fail("name", name, "a name of letters, digits, '_', '-' or '.'")
    description = data.get("description", "")
    if not isinstance(description, str):
        check.fail("description", description, "a string")

    known: dict[str, Any] = {}
    organisation = _table(check, data, "organisation", tuple(ORGANISATION))
    for key, value in organisation.items():
        dotted = ORGANISATION[key]
        known[dotted] = check.value(f"organisation.{key}", dotted, value)
    for dotted, value, key in _dotted(check, data, "parameters"):
        if dotted.startswith("governance."):
            check.fail(key, None, "not a governance lever: set those in [governance]", raw=True)
        known[dotted] = check.value(key, dotted, value)
    preset, levers, governance = _governance(check, data)
    try:
        base = with_preset(Params().with_overrides(known), preset, levers)
    except ValueError as err:  # a rule that ties fields together
        check.fail("governance", None, str(err), raw=True)

    targets = _targets(check, data)
    fit = _fit(check, data)
    settings = _settings(check, data)
    firm = Firm(name=name, description=description, base=base, governance=governance,
                targets=targets, fit=fit, settings=settings, source=source,
                text=text or firm_text(data), data=data)
    _check_run_length(check, firm)
    return firm


def _table(check: Checker, data: Mapping[str, Any], key: str,
           keys: tuple[str, ...] | None = None) -> dict[str, Any]:
    table = data.get(key, {})
    if not isinstance(table, dict):
        check.fail(key, table, "a table")
    if keys is not None:
        check.keys(f"[{key}]", table, keys, prefix=f"{key}.")
    return table


def _dotted(check: Checker, data: Mapping[str, Any], section: str
            ) -> list[tuple[str, Any, str]]:
    """(dotted name, value, key for messages) of a table of parameters, in either TOML form."""
    out = []
    for key, value in _table(check, data, section).items():
        if isinstance(value, dict) and key in ("org", "market", "governance", "behaviour"):
            out += [(f"{key}.{sub}", v, f"{section}.{key}.{sub}") for sub, v in value.items()]
        else:
            out.append((key, value, f"{section}.{key}"))
    return out


def _governance(check: Checker, data: Mapping[str, Any]) -> tuple[str, dict[str, Any], str]:
    table = _table(check, data, "governance")
    preset = table.get("preset", CURRENT)
    names = [CURRENT, *presets.names()]
    if not isinstance(preset, str) or preset not in names:
        check.fail("governance.preset", preset, "one of " + ", ".join(names) + " (current: "
                   "the model's default governance)")
    levers: dict[str, Any] = {}
    for key, value in table.items():
        if key == "preset":
            continue
        dotted = f"governance.{key}"
        levers[dotted] = check.value(f"governance.{key}", dotted, value)
    words = preset if preset != CURRENT else "the model's default governance"
    if levers:
        words += " with " + ", ".join(f"{k.partition('.')[2]} = {v}" for k, v in levers.items())
    return preset, levers, words


def _targets(check: Checker, data: Mapping[str, Any]) -> tuple[Target, ...]:
    table = _table(check, data, "targets")
    if not table:
        check.fail("targets", None, "at least one observed rate, e.g. mql_acceptance_rate = "
                                    "{ value = 0.36, range = [0.33, 0.39], weeks = 52 }", raw=True)
    metrics = summary_metrics()
    targets = []
    for metric, spec in table.items():
        key = f"targets.{metric}"
        if metric not in metrics:
            check.fail(key, None, "unknown metric; targets are summary metrics of a run: "
                                  + ", ".join(metrics), raw=True)
        if not isinstance(spec, dict):
            check.fail(key, spec, "a table { value = ..., range = [lo, hi] or se = ..., "
                                  "weeks = ... }")
        check.keys(f"[{key}]", spec, _TARGET_KEYS, prefix=f"{key}.")
        targets.append(_target(check, key, metric, spec))
    return tuple(targets)


def _target(check: Checker, key: str, metric: str, spec: Mapping[str, Any]) -> Target:
    if ("range" in spec) == ("se" in spec):
        check.fail(key, None, "exactly one of range = [lo, hi] (a 95% interval) or se = ... "
                              "(a standard error)", raw=True)
    value = spec.get("value")
    if value is not None and not _is_number(value):
        check.fail(f"{key}.value", value, "a number")
    if "range" in spec:
        bounds = spec["range"]
        if (not isinstance(bounds, list) or len(bounds) != 2
                or not all(_is_number(b) for b in bounds) or not bounds[0] < bounds[1]):
            check.fail(f"{key}.range", bounds, "[lo, hi], two numbers with lo < hi")
        lo, hi = float(bounds[0]), float(bounds[1])
        value = (lo + hi) / 2 if value is None else float(value)
        if not lo <= value <= hi:
            check.fail(f"{key}.value", value, f"a number within its range [{lo:g}, {hi:g}]")
        sigma = (hi - lo) / (2 * Z95)
    else:
        se = spec["se"]
        if not _is_number(se) or not se > 0:
            check.fail(f"{key}.se", se, "a positive number (a standard error)")
        if value is None:
            check.fail(f"{key}.value", None, "a number (required with se)")
        value, sigma = float(value), float(se)
        lo, hi = value - Z95 * sigma, value + Z95 * sigma
    weeks = check.integer(f"{key}.weeks", spec.get("weeks", DEFAULT_TARGET_WEEKS), lo=1, hi=1040)
    return Target(metric=metric, value=value, sigma=sigma, lo=lo, hi=hi, weeks=weeks)


def _fit(check: Checker, data: Mapping[str, Any]) -> tuple[FitParam, ...]:
    raw = data.get("fit", None)
    if raw is None:
        entries: dict[str, Any] = {name: {} for name in DEFAULT_FIT}
        defaults = True
    elif isinstance(raw, list):
        if not raw or not all(isinstance(n, str) for n in raw):
            check.fail("fit", raw, "a list of parameter names, or a table of name = "
                                   "{ min, max, log }")
        entries, defaults = {name: {} for name in raw}, False
    elif isinstance(raw, dict):
        entries, defaults = dict(_dotted_entries(raw)), False
        if not entries:
            check.fail("fit", raw, "at least one parameter to fit")
    else:
        check.fail("fit", raw, "a list of parameter names, or a table of name = "
                               "{ min, max, log }")
    fit = []
    for dotted, spec in entries.items():
        key = f"fit.{dotted}"
        fld = check.field(key, dotted)
        kind = field_kind(fld)
        if dotted.startswith("governance.") or dotted in ("weeks", "burn_in_weeks"):
            check.fail(key, None, "not a governance lever or the run length: calibration fits "
                                  "assumptions only", raw=True)
        if kind not in (int, float):
            check.fail(key, None, f"a numeric parameter ({dotted} is {allowed(fld)})", raw=True)
        if not isinstance(spec, dict):
            check.fail(key, spec, "a table { min = ..., max = ..., log = true|false }")
        check.keys(f"[{key}]", spec, _FIT_KEYS, prefix=f"{key}.")
        declared = DEFAULT_FIT.get(dotted) if defaults or not spec else None
        lo0, hi0, log0 = declared or (fld.metadata["lo"], fld.metadata["hi"], False)
        lo = check.value(f"{key}.min", dotted, spec.get("min", kind(lo0)))
        hi = check.value(f"{key}.max", dotted, spec.get("max", kind(hi0)))
        log = spec.get("log", log0 if "min" not in spec and "max" not in spec else False)
        if not isinstance(log, bool):
            check.fail(f"{key}.log", log, "true or false")
        if not lo < hi:
            check.fail(key, spec, "min < max")
        if log and lo <= 0:
            check.fail(f"{key}.min", lo, "a positive number for a log-scale range")
        fit.append(FitParam(name=dotted, lo=float(lo), hi=float(hi), log=log,
                            integer=kind is int))
    return tuple(fit)


def _dotted_entries(raw: Mapping[str, Any]) -> list[tuple[str, Any]]:
    out = []
    for key, value in raw.items():
        nested = isinstance(value, dict) and value and not set(value) & set(_FIT_KEYS)
        if key in ("org", "market", "governance", "behaviour") and nested:
            out += [(f"{key}.{sub}", v) for sub, v in value.items()]
        else:
            out.append((key, value))
    return out


def _settings(check: Checker, data: Mapping[str, Any]) -> Settings:
    table = _table(check, data, "calibration", _SETTING_KEYS)
    return settings_with(Settings(), table, check=check, prefix="calibration.")


_LIMITS = {"budget": (1, 1_000_000), "seeds": (1, 10_000), "seed": (0, 2**63 - 1),
           "batch": (1, 10_000), "check_seeds": (1, 10_000), "check_top": (1, 1000)}


def settings_with(settings: Settings, changes: Mapping[str, Any], *,
                  check: Checker | None = None, prefix: str = "") -> Settings:
    """`settings` with `changes` applied (None: unchanged), each checked: in a firm file by
    `check`, else as the command line's option (``--check-seeds 0: allowed: ...``)."""
    values = {}
    for key, value in changes.items():
        if value is None:
            continue
        lo, hi = _LIMITS[key]
        if check is not None:
            values[key] = check.integer(prefix + key, value, lo=lo, hi=hi)
        elif isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise UsageError(f"--{key.replace('_', '-')} {value}: allowed: an integer in "
                             f"[{lo}, {hi}]")
        else:
            values[key] = value
    return dataclasses.replace(settings, **values)


def _check_run_length(check: Checker, firm: Firm) -> None:
    if firm.weeks > 2080:
        check.fail("targets", None, f"weeks of at most {2080 - firm.base.burn_in_weeks} (with "
                                    f"a burn-in of {firm.base.burn_in_weeks} weeks)", raw=True)


def firm_text(data: Mapping[str, Any]) -> str:
    """A firm given as a dict, as the TOML of a firm file (kept with its calibration)."""
    lines = [f"{toml_key(k)} = {toml_value(v)}" for k, v in data.items()
             if not isinstance(v, dict)]
    for name, table in data.items():
        if isinstance(table, dict):
            lines += ["", f"[{toml_key(name)}]",
                      *(f"{toml_key(k)} = {toml_value(v)}" for k, v in table.items())]
    return "\n".join(lines) + "\n"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


@cache
def summary_metrics() -> tuple[str, ...]:
    """The summary metrics of a run, read off a two-week run of the model itself."""
    from sim import run

    return tuple(run(Params(weeks=2, burn_in_weeks=0), 0).summary)
