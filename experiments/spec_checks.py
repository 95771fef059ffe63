"""The checks of an experiment file's values, each failure a `SpecError` naming file and key.

Parameters are looked up through `sim.params` (`field_of`, `known_fields`, `field_kind`), the
one lookup of dotted names every way into the model shares; this module only words the answer
for a file: which key, which value, what is allowed.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, NoReturn

from experiments.errors import SpecError
from sim.params import ParamError, field_kind, field_of, known_fields


def allowed(fld: dataclasses.Field) -> str:
    """What a field accepts, in the words of an experiment file (TOML types)."""
    meta, kind = fld.metadata, field_kind(fld)
    if meta.get("choices"):
        return "one of " + ", ".join(meta["choices"])
    if kind is bool:
        return "true or false"
    unit = f" {meta['unit']}" if meta.get("unit") else ""
    what = "an integer" if kind is int else "a number"
    return f"{what} in [{meta['lo']:g}, {meta['hi']:g}]{unit}"


class Checker:
    """Checks of one file (`source`); every failure raises a SpecError."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, value: Any, allowed: str, *, raw: bool = False) -> NoReturn:
        if raw:
            raise SpecError(self.source, key, allowed)
        raise SpecError(self.source, key, f"{_show(value)} is not allowed; allowed: {allowed}")

    def keys(self, where: str, table: dict[str, Any], allowed: tuple[str, ...], prefix: str
             ) -> None:
        for key in table:
            if key not in allowed:
                self.fail(prefix + key, None,
                          f"unknown key in {where}; allowed keys: {', '.join(allowed)}", raw=True)

    def integer(self, key: str, value: Any, *, lo: int, hi: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            self.fail(key, value, f"an integer in [{lo}, {hi}]")
        return value

    def field(self, key: str, dotted: str) -> dataclasses.Field:
        try:
            return field_of(dotted)
        except ParamError:
            # Every parameter, not only the group's: a file's author may have the group wrong.
            self.fail(key, None, f"unknown parameter {dotted!r}; parameters are "
                                 f"{', '.join(known_fields())} (see `alignsim presets` and "
                                 "docs/odd.md)", raw=True)

    def value(self, key: str, dotted: str, value: Any) -> Any:
        """A single value of the field's own TOML type, inside its range or choices."""
        fld = self.field(key, dotted)
        kind, words = field_kind(fld), allowed(fld)
        ok_type = (isinstance(value, bool) if kind is bool
                   else isinstance(value, int) and not isinstance(value, bool) if kind is int
                   else isinstance(value, int | float) and not isinstance(value, bool)
                   if kind is float
                   else isinstance(value, str))
        if not ok_type:
            self.fail(key, value, f"{words} (got {type_words(value)})")
        choices = fld.metadata.get("choices")
        if choices and value not in choices:
            self.fail(key, value, words)
        lo, hi = fld.metadata.get("lo"), fld.metadata.get("hi")
        if lo is not None and not (lo <= value <= hi):  # also rejects NaN
            self.fail(key, value, words)
        return float(value) if kind is float else value


_TYPE_WORDS = {bool: "true or false", int: "an integer", float: "a number", str: "a string",
               list: "a list", dict: "a table"}


def type_words(value: Any) -> str:
    """What a TOML value is, in words: "an integer", "a string" (not "a int")."""
    return _TYPE_WORDS.get(type(value), f"a value of type {type(value).__name__}")


def _show(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    return repr(value)
