"""Experiment files: a TOML file read with `tomllib` and validated into an `ExperimentSpec`.

A ``params`` key (a params file's path, or the params as a table) names the firm the arms run
on (`experiments.paramfile`); the file is read in, so the spec stands alone.

Every check happens on reading (the value checks in `experiments.spec_checks`, the arms with
`experiments.design`), before anything runs or is written, and every error is one `SpecError`
(a `UsageError`) whose message names the file, the key and what is allowed. The format is
documented in ``docs/experiments.md``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from experiments.design import arms
from experiments.errors import UsageError
from experiments.files import read_utf8
from experiments.paramfile import CURRENT, params_from_table, preset_names, read_toml, with_preset
from experiments.spec_checks import Checker, allowed
from sim.params import GROUPS, Params, field_kind, value_of

DESIGNS = ("factorial", "lhs", "sobol", "morris", "points", "arms")
SAMPLED = ("lhs", "sobol", "morris")
"""Designs drawn over factor ranges; factorial, points and arms designs list their arms' values."""
PRESET_FACTOR = "preset"

_TOP_KEYS = ("name", "description", "params", "preset", "weeks", "replicates", "seed",
             "overrides", "factors", "arms", "design", "output")
_DESIGN_KEYS = ("kind", "samples", "second_order", "levels")
_OUTPUT_KEYS = ("weekly_metrics", "every_weeks", "network_weeks")
_RANGE_KEYS = ("min", "max")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_MAX_SEED = 2**63 - 1


@dataclass(frozen=True)
class Factor:
    """One varied input: a parameter (dotted name) or the base preset (``"preset"``).

    Factorial and points designs give ``levels``; sampled designs give a range
    ``lo``..``hi``.
    """

    name: str
    levels: tuple[Any, ...] = ()
    lo: float | None = None
    hi: float | None = None
    kind: type = str

    @property
    def is_range(self) -> bool:
        return self.lo is not None


@dataclass(frozen=True)
class ExperimentSpec:
    name: str
    description: str
    preset: str
    overrides: dict[str, Any]
    factors: tuple[Factor, ...]
    design: str
    samples: int
    second_order: bool
    morris_levels: int
    replicates: int
    weeks: int
    seed: int
    weekly_metrics: tuple[str, ...] | None
    """Weekly metric columns to keep; None keeps all."""
    every_weeks: int
    network_weeks: tuple[int, ...]
    """Weeks whose people network every run keeps (an edge table), for the network chart."""
    named_arms: tuple[tuple[str, dict[str, Any]], ...]
    """The arms of an ``arms`` design in file order: (name, values), where values hold the
    arm's preset and its value of every parameter that any arm sets (empty otherwise)."""
    source: str
    """Where the spec came from (a path, or ``<dict>``), for messages."""
    text: str
    """The TOML text of the spec, stored in the results folder: verbatim, or, when it names a
    params file, rewritten with that file's parameters in line."""
    data: dict[str, Any] = dataclasses.field(repr=False, compare=False)
    """The parsed TOML, used to tell whether a results folder holds this same experiment."""
    base: Params = dataclasses.field(default_factory=Params, repr=False)
    """The firm every arm starts from: the ``params`` of the file, else the model's defaults."""
    firm: str = ""
    """Where ``base`` came from (a params file's path, ``params`` for a table), or empty."""

    @property
    def varied(self) -> tuple[str, ...]:
        """What differs between arms: the factors, or for named arms the preset and every
        parameter some arm sets (a column of the runs table each)."""
        if self.named_arms:
            return tuple(self.named_arms[0][1])
        return tuple(f.name for f in self.factors)

    @property
    def sampled(self) -> bool:
        """Sampled over ranges (analysed for sensitivity), rather than arms compared one by
        one (a factorial or an ``arms`` design)."""
        return self.design in SAMPLED

    def fingerprint(self) -> str:
        """Hash of the parsed spec: equal for files that differ only in comments or layout."""
        canonical = json.dumps(self.data, sort_keys=True, default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]

    def base_params(self) -> Params:
        return with_preset(self.base, self.preset, {**self.overrides, "weeks": self.weeks})

    def arm_params(self, values: Mapping[str, Any]) -> Params:
        """Params of one arm: the firm, its preset, then overrides, then the arm's factor (or
        named) values."""
        preset = values.get(PRESET_FACTOR, self.preset)
        settings = {k: v for k, v in values.items() if k != PRESET_FACTOR}
        return with_preset(self.base, preset, {**self.overrides, "weeks": self.weeks, **settings})


def load_spec(path: str | Path, *, params: str | Path | None = None) -> ExperimentSpec:
    """Read and validate an experiment file; `params` (a params file) replaces its firm."""
    path = Path(path)
    return parse_spec(read_utf8(path), source=str(path), default_name=path.stem,
                      folder=path.parent, params=params)


def parse_spec(text: str, *, source: str = "<text>", default_name: str = "experiment",
               folder: Path | None = None, params: str | Path | None = None
               ) -> ExperimentSpec:
    """Validate the TOML text of an experiment file. A ``params`` path in it is read relative
    to `folder` (default: the working folder); `params` given here replaces the file's."""
    text = text.removeprefix("\ufeff")  # a byte-order mark, as Windows editors write
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise UsageError(f"file {source}: not valid TOML: {err}") from None
    if params is not None:
        data["params"] = str(params)
        folder = None
    return _build(data, text=text, source=source, default_name=default_name, folder=folder)


def spec_from_dict(data: Mapping[str, Any], *, source: str = "<dict>") -> ExperimentSpec:
    """Validate an experiment given as a dict (the same layout as the TOML file)."""
    data = json.loads(json.dumps(data))  # a deep, plain copy; rejects what TOML could not hold
    return _build(data, text=dump_toml(data), source=source, default_name="experiment")


def _firm(check: Checker, data: dict[str, Any], folder: Path | None) -> tuple[Params, str, bool]:
    """The firm of the file (the model's defaults without ``params``), where it came from, and
    whether it was read from a params file (then `data` holds its table, written in line)."""
    raw = data.get("params")
    if raw is None:
        return Params(), "", False
    if isinstance(raw, dict):
        return params_from_table(raw, source=check.source, prefix="params."), "params", False
    if not isinstance(raw, str) or not raw:
        check.fail("params", raw, "the path of a params file, or a table of parameters")
    path = Path(raw) if folder is None or Path(raw).is_absolute() else folder / raw
    table = read_toml(path)
    data["params"] = table
    return params_from_table(table, source=str(path)), str(path), True


def _build(data: dict[str, Any], *, text: str, source: str, default_name: str,
           folder: Path | None = None) -> ExperimentSpec:
    check = Checker(source)
    if not data:
        # Most likely the wrong file, or one saved empty: running the defaults would be a
        # surprise (a full-length run into results/<file name>).
        raise UsageError(f"file {source}: sets nothing; an experiment file sets at least one of "
                         f"{', '.join(_TOP_KEYS)} (see docs/experiments.md)")
    check.keys("the file's top level", data, _TOP_KEYS, prefix="")
    base, firm, read_in = _firm(check, data, folder)
    if read_in:
        # The results folder keeps this text: with the params file in line it stands alone.
        text = f"# {source}, with its params file {firm} written in line\n" + dump_toml(data)

    name = data.get("name", default_name)
    if not isinstance(name, str) or not _NAME_RE.match(name):
        check.fail("name", name, "a name of letters, digits, '_', '-' or '.' (it names the "
                                 "results folder)")
    description = data.get("description", "")
    if not isinstance(description, str):
        check.fail("description", description, "a string")

    preset = data.get("preset", CURRENT if firm else "undefined")
    if not isinstance(preset, str) or preset not in preset_names():
        check.fail("preset", preset, "one of " + ", ".join(preset_names()))

    weeks = check.integer("weeks", data.get("weeks", Params().weeks), lo=1, hi=2080)
    replicates = check.integer("replicates", data.get("replicates", 1), lo=1, hi=100_000)
    seed = check.integer("seed", data.get("seed", _seed_from_name(name)), lo=0, hi=_MAX_SEED)

    overrides_raw = data.get("overrides", {})
    if not isinstance(overrides_raw, dict):
        check.fail("overrides", overrides_raw, "a table of parameter = value")
    overrides: dict[str, Any] = {}
    for dotted, value, key in _flatten(check, "overrides", overrides_raw):
        if dotted == "weeks":
            check.fail(key, value, "set the run length with the top-level key 'weeks'")
        overrides[dotted] = check.value(key, dotted, value)

    design_raw = data.get("design", {})
    if not isinstance(design_raw, dict):
        check.fail("design", design_raw, "a table with keys " + ", ".join(_DESIGN_KEYS))
    check.keys("design", design_raw, _DESIGN_KEYS, prefix="design.")
    design = design_raw.get("kind", "arms" if "arms" in data else "factorial")
    if design not in DESIGNS:
        check.fail("design.kind", design, "one of " + ", ".join(DESIGNS))
    if "arms" in data and design != "arms":
        check.fail("design.kind", design, '"arms" (or no kind) with an [arms] table')
    if design == "arms" and "arms" not in data:
        check.fail("arms", None, "a table of named arms for design.kind = \"arms\", e.g. "
                                 '[arms.pooled] preset = "joint"', raw=True)
    if "arms" in data and "factors" in data:
        check.fail("factors", None, "no factors beside [arms]: each named arm sets its own "
                                    "values", raw=True)
    samples, second_order, morris_levels = 0, False, 4
    if design in SAMPLED:
        if "samples" not in design_raw:
            check.fail("design.samples", None, f"a positive integer (required for {design})")
        samples = check.integer("design.samples", design_raw["samples"], lo=1, hi=1_000_000)
        if design == "sobol" and samples & (samples - 1):
            check.fail("design.samples", samples,
                       "a power of 2 for a Sobol design (e.g. 64, 128, 256)")
        second_order = design_raw.get("second_order", False)
        if not isinstance(second_order, bool):
            check.fail("design.second_order", second_order, "true or false")
        morris_levels = check.integer("design.levels", design_raw.get("levels", 4), lo=2, hi=100)
        if morris_levels % 2:
            check.fail("design.levels", morris_levels, "an even number of grid levels (e.g. 4)")
    else:
        for extra in ("samples", "second_order", "levels"):
            if extra in design_raw:
                check.fail(f"design.{extra}", design_raw[extra],
                           f"nothing: a {design} design takes no " + extra)

    factors_raw = data.get("factors", {})
    if not isinstance(factors_raw, dict):
        check.fail("factors", factors_raw, "a table of parameter = [levels] or {min, max}")
    factors = tuple(_factor(check, key, dotted, value, design)
                    for dotted, value, key in _flatten(check, "factors", factors_raw))
    if design in SAMPLED and not factors:
        check.fail("factors", {}, f"at least one factor with a range for a {design} design")
    if design == "points":
        if not factors:
            check.fail("factors", {}, "at least one factor with a list of values for a points "
                                      "design")
        if len({len(f.levels) for f in factors}) > 1:
            check.fail("factors", None, "lists of one length for a points design (point i "
                                        "takes the i-th value of every factor); lengths are "
                       + ", ".join(f"{f.name}: {len(f.levels)}" for f in factors), raw=True)
    named_arms = (_named_arms(check, data["arms"], preset, overrides, weeks, base)
                  if design == "arms" else ())

    output = data.get("output", {})
    if not isinstance(output, dict):
        check.fail("output", output, "a table with keys " + ", ".join(_OUTPUT_KEYS))
    check.keys("output", output, _OUTPUT_KEYS, prefix="output.")
    kept = output.get("weekly_metrics", "all")
    weekly_metrics: tuple[str, ...] | None
    if kept == "all":
        weekly_metrics = None
    elif isinstance(kept, list) and all(isinstance(m, str) and m for m in kept):
        weekly_metrics = tuple(kept)
        if len(set(weekly_metrics)) != len(weekly_metrics):
            check.fail("output.weekly_metrics", kept, "each metric at most once")
        known = known_weekly_metrics()
        for metric in weekly_metrics:
            if metric not in known:
                check.fail("output.weekly_metrics", metric,
                           "the model's weekly metrics: " + ", ".join(known))
    else:
        check.fail("output.weekly_metrics", kept, '"all" or a list of weekly metric names')
    every_weeks = check.integer("output.every_weeks", output.get("every_weeks", 1), lo=1,
                                hi=2080)
    network_weeks = _network_weeks(check, output, weeks, design)

    spec = ExperimentSpec(
        name=name, description=description, preset=preset, overrides=overrides,
        factors=factors, design=design, samples=samples, second_order=second_order,
        morris_levels=morris_levels, replicates=replicates, weeks=weeks, seed=seed,
        weekly_metrics=weekly_metrics, every_weeks=every_weeks, network_weeks=network_weeks,
        named_arms=named_arms, source=source, text=text,
        data=data, base=base, firm=firm,
    )
    _check_arms(spec, check)
    return spec


def _network_weeks(check: Checker, output: dict[str, Any], weeks: int, design: str
                   ) -> tuple[int, ...]:
    """Weeks whose network each run keeps: by default the last week of a factorial design (the
    report draws it) and none for other designs (their reports have no network chart)."""
    raw = output.get("network_weeks", [weeks] if design == "factorial" else [])
    if not isinstance(raw, list):
        check.fail("output.network_weeks", raw, f"a list of weeks in [1, {weeks}], e.g. "
                                                f"[26, {weeks}], or [] for none")
    kept = tuple(check.integer("output.network_weeks", w, lo=1, hi=weeks) for w in raw)
    if len(set(kept)) != len(kept):
        check.fail("output.network_weeks", raw, "each week at most once")
    return tuple(sorted(kept))


def _named_arms(check: Checker, raw: Any, base_preset: str, overrides: dict[str, Any],
                weeks: int, base: Params) -> tuple[tuple[str, dict[str, Any]], ...]:
    """The [arms] table: each arm a preset (default: the file's) and parameter values, on the
    file's firm `base`.

    Every arm's values are completed with its own value of each parameter that any arm sets, so
    the runs table has one full column per such parameter (an arm that leaves a field alone
    shows what its preset and the overrides give it).
    """
    if not isinstance(raw, dict) or not raw:
        check.fail("arms", raw, "a table of named arms, e.g. [arms.pooled] preset = \"joint\"")
    chosen: list[tuple[str, str, dict[str, Any]]] = []
    for name, table in raw.items():
        key = f"arms.{name}"
        if not _NAME_RE.match(name):
            check.fail(key, None, "an arm name of letters, digits, '_', '-' or '.'", raw=True)
        if not isinstance(table, dict):
            check.fail(key, table, "a table with an optional preset and parameter values")
        arm_preset = table.get(PRESET_FACTOR, base_preset)
        if not isinstance(arm_preset, str) or arm_preset not in preset_names():
            check.fail(f"{key}.{PRESET_FACTOR}", arm_preset,
                       "one of " + ", ".join(preset_names()))
        settings: dict[str, Any] = {}
        rest = {k: v for k, v in table.items() if k != PRESET_FACTOR}
        for dotted, value, sub_key in _flatten(check, key, rest):
            if dotted == "weeks":
                check.fail(sub_key, value, "set the run length with the top-level key 'weeks'")
            settings[dotted] = check.value(sub_key, dotted, value)
        chosen.append((name, arm_preset, settings))
    keys = list(dict.fromkeys(k for _, _, settings in chosen for k in settings))
    result = []
    for name, arm_preset, settings in chosen:
        try:
            params = with_preset(base, arm_preset, {**overrides, "weeks": weeks, **settings})
        except ValueError as err:
            check.fail(f"arms.{name}", None, str(err), raw=True)
        values = {PRESET_FACTOR: arm_preset, **{k: value_of(params, k) for k in keys}}
        result.append((name, values))
    return tuple(result)


def _check_arms(spec: ExperimentSpec, check: Checker) -> None:
    """Build every arm's Params once, so rules that tie fields together fail before any run."""
    for arm in arms(spec):
        try:
            spec.arm_params(arm.values)
        except ValueError as err:
            where = ("arms" if spec.named_arms else "factors" if spec.factors
                     else "overrides")
            label = f" (arm {arm.label})" if spec.factors or spec.named_arms else ""
            check.fail(where, None, f"{err}{label}", raw=True)


def _flatten(check: Checker, section: str, table: dict[str, Any]
             ) -> Iterator[tuple[str, Any, str]]:
    """(dotted name, value, key for messages); `governance.x = ...` parses as a nested table.

    The same parameter written twice, dotted and quoted (``governance.x`` and
    ``"governance.x"``), is two keys to TOML but one parameter: refused, since one of the two
    values would be dropped without a word (or give two columns of one name).
    """
    seen: dict[str, str] = {}
    for key, value in table.items():
        if key in GROUPS and isinstance(value, dict) and not _is_range(value):
            entries = [(f"{key}.{sub}", sub_value, f"{key}.{sub}")
                       for sub, sub_value in value.items()]
        else:
            entries = [(key, value, json.dumps(key) if "." in key else key)]
        for dotted, item, written in entries:
            if dotted in seen:
                check.fail(f"{section}.{written}", None,
                           f"{dotted} is given twice in [{section}] (as {seen[dotted]} and as "
                           f"{written}); give it once", raw=True)
            seen[dotted] = written
            yield dotted, item, f"{section}.{dotted}"


def _is_range(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and set(value) <= set(_RANGE_KEYS)


def _seed_from_name(name: Any) -> int:
    digest = hashlib.sha256(str(name).encode()).digest()
    return int.from_bytes(digest[:8], "big") & _MAX_SEED


def known_weekly_metrics() -> list[str]:
    """Names of the model's weekly metrics."""
    # Imported here: only a file that keeps some weekly metrics needs the model's metrics (and
    # Mesa behind them).
    from sim.metrics import weekly_reporters

    return list(weekly_reporters())


def _factor(check: Checker, key: str, dotted: str, raw: Any, design: str) -> Factor:
    if design in SAMPLED:
        return _range_factor(check, key, dotted, raw, design)
    if _is_range(raw):
        check.fail(key, raw, f"a list of levels, e.g. [1, 2, 4], for a {design} design "
                             "(a {min, max} range needs design.kind = lhs, sobol or morris)")
    if not isinstance(raw, list):
        check.fail(key, raw, "a list of levels, e.g. [1, 2, 4]")
    if not raw:
        check.fail(key, raw, "at least one level (an empty factor gives no runs)")
    if dotted == PRESET_FACTOR:
        for level in raw:
            if not isinstance(level, str) or level not in preset_names():
                check.fail(key, level, "presets: " + ", ".join(preset_names()))
        levels: tuple[Any, ...] = tuple(raw)
        kind: type = str
    else:
        kind = field_kind(check.field(key, dotted))
        levels = tuple(check.value(key, dotted, level) for level in raw)
    if design != "points" and len(set(levels)) != len(levels):
        check.fail(key, raw, "distinct levels (a level is listed twice)")
    return Factor(name=dotted, levels=levels, kind=kind)


def _range_factor(check: Checker, key: str, dotted: str, raw: Any, design: str) -> Factor:
    if dotted == PRESET_FACTOR:
        check.fail(key, raw, f"a numeric parameter: a {design} design samples numeric ranges; "
                             "choose the base preset with the top-level key 'preset'")
    fld = check.field(key, dotted)
    kind = field_kind(fld)
    if kind not in (int, float):
        check.fail(key, raw, f"a numeric parameter: {dotted} is {allowed(fld)}, which a "
                             f"{design} design cannot sample (use a factorial design)")
    if not isinstance(raw, dict) or set(raw) != set(_RANGE_KEYS):
        check.fail(key, raw, f"a range {{min = ..., max = ...}} within {allowed(fld)}")
    lo = check.value(f"{key}.min", dotted, raw["min"])
    hi = check.value(f"{key}.max", dotted, raw["max"])
    if not lo < hi:
        check.fail(key, raw, "min < max")
    return Factor(name=dotted, lo=float(lo), hi=float(hi), kind=kind)

def dump_toml(data: Mapping[str, Any]) -> str:
    """Write the small TOML subset experiment files use (scalars, lists, tables, inline ranges)."""
    lines: list[str] = []
    tables: list[tuple[str, Mapping[str, Any]]] = []
    for key, value in data.items():
        if isinstance(value, Mapping) and not _is_range(value):
            tables.append((key, value))
        else:
            lines.append(f"{toml_key(key)} = {toml_value(value)}")
    for name, table in tables:
        lines.append(f"\n[{toml_key(name)}]")
        for key, value in table.items():
            if isinstance(value, Mapping) and not _is_range(value):
                for sub, sub_value in value.items():
                    lines.append(f"{toml_key(key)}.{toml_key(sub)} = {toml_value(sub_value)}")
            else:
                lines.append(f"{toml_key(key)} = {toml_value(value)}")
    return "\n".join(lines) + "\n"


def toml_key(key: str) -> str:
    """A TOML key: bare when it can be, else quoted."""
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def toml_value(value: Any) -> str:
    """A TOML value: scalars, lists and inline tables."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")
