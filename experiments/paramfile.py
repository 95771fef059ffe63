"""Params files: every parameter of one firm as TOML, read into a validated `sim.Params`.

A params file has the groups of `sim.params` as tables (``[org]``, ``[market]``,
``[governance]``, ``[behaviour]``), the run length at the top (``weeks``, ``burn_in_weeks``) and
an optional ``name`` and ``description``. A parameter the file leaves out keeps the model's
default; `alignsim calibrate` writes every one. The format is in ``docs/calibration.md``.

Every command that runs the model takes such a file (``--params FILE``, or ``params`` in an
experiment file) as the firm to run on. On top of it, in this order: a preset, then overrides
(``--set``, an experiment's ``[overrides]`` and factors). A preset sets the whole governance
group (the preset's levers, every other lever at its default), so it replaces the file's
governance and keeps everything else of the firm; the pseudo-preset ``current`` keeps the file's
own governance.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from experiments import files
from experiments.errors import UsageError
from experiments.spec_checks import Checker
from sim import presets
from sim.params import GROUPS, ParamError, Params

CURRENT = "current"
"""The pseudo-preset that keeps the firm's own governance (the model's default without a
params file)."""
PARAMS_ENV = "ALIGNSIM_PARAMS"
"""How `alignsim app --params FILE` hands the firm to the dashboard's server process."""
META_KEYS = ("name", "description")
TOP_FIELDS = ("weeks", "burn_in_weeks")


def preset_names() -> list[str]:
    """Every name a preset may take where a firm can be given: ``current`` and the presets."""
    return [CURRENT, *presets.names()]


def with_preset(base: Params, preset: str | None,
                overrides: Mapping[str, Any] | None = None) -> Params:
    """`base` (a firm) under `preset` (None or ``current``: its own governance), then
    `overrides` (dotted name -> value or CLI string)."""
    if preset is not None and preset != CURRENT:
        if preset not in presets.names():
            raise ParamError("preset", preset, "one of " + ", ".join(preset_names()))
        base = dataclasses.replace(base, governance=presets.get(preset).governance)
    return base.with_overrides(dict(overrides or {}))


def firm_from_environment() -> Params:
    """The firm named by $ALIGNSIM_PARAMS (a params file), else the model's defaults."""
    path = os.environ.get(PARAMS_ENV)
    return load_params(path) if path else Params()


def load_params(path: str | Path) -> Params:
    """Read and validate a params file; a bad one is a UsageError naming file, key and what is
    allowed."""
    return params_from_table(read_toml(path), source=str(path))


def read_toml(path: str | Path) -> dict[str, Any]:
    """A TOML file as a dict, or a one-line UsageError naming the file."""
    text = files.read_utf8(Path(path))
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise UsageError(f"file {path}: not valid TOML: {err}") from None


def params_from_table(data: Mapping[str, Any], *, source: str, prefix: str = "") -> Params:
    """Validate a params table (a params file, or the ``params`` table of an experiment file,
    whose keys are then shown with `prefix`, e.g. ``"params."``)."""
    check = Checker(source)
    allowed_keys = (*META_KEYS, *TOP_FIELDS, *GROUPS)
    check.keys("a params file" if not prefix else prefix.rstrip("."), dict(data), allowed_keys,
               prefix=prefix)
    for key in META_KEYS:
        if key in data and not isinstance(data[key], str):
            check.fail(prefix + key, data[key], "a string")
    values: dict[str, Any] = {}
    for key in TOP_FIELDS:
        if key in data:
            values[key] = check.value(prefix + key, key, data[key])
    for group in GROUPS:
        table = data.get(group, {})
        if not isinstance(table, dict):
            check.fail(prefix + group, table, f"a table of {group} parameters")
        for name, value in table.items():
            dotted = f"{group}.{name}"
            values[dotted] = check.value(prefix + dotted, dotted, value)
    try:
        return Params().with_overrides(values)
    except ParamError as err:  # a rule that ties fields together
        check.fail(prefix + err.field_name, err.value, err.allowed)


def params_table(params: Params, *, name: str | None = None,
                 description: str | None = None) -> dict[str, Any]:
    """Every parameter as the nested table a params file holds."""
    table: dict[str, Any] = {}
    if name:
        table["name"] = name
    if description:
        table["description"] = description
    return {**table, **params.to_dict()}


def dump_params(params: Params, *, name: str | None = None, description: str | None = None,
                header: str = "") -> str:
    """A params file with every parameter, each with its unit and meaning as a comment."""
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    if lines:
        lines.append("")
    for key, value in (("name", name), ("description", description)):
        if value:
            lines.append(f"{key} = {_value(value)}")
    rows = _rows(params, None)
    lines += rows
    for group in GROUPS:
        lines += ["", f"[{group}]", *_rows(getattr(params, group), group)]
    return "\n".join(lines) + "\n"


def _rows(obj: Any, group: str | None) -> list[str]:
    rows = []
    for fld in dataclasses.fields(obj):
        if fld.name in GROUPS:
            continue
        unit = fld.metadata.get("unit")
        comment = f"{fld.metadata['doc']}" + (f" [{unit}]" if unit else "")
        rows.append(f"{fld.name} = {_value(getattr(obj, fld.name))}  # {comment}")
    return rows


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(value)


def write_params(path: Path, params: Params, **labels: Any) -> None:
    """Write `dump_params` to `path` atomically."""
    text = dump_params(params, **labels)
    files.write_atomic(path, lambda f: f.write(text.encode("utf-8")))
