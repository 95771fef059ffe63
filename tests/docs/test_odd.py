"""docs/odd.md cannot drift from the code: its generated tables must equal what
docs/make_param_table.py prints now, and every parameter is discussed outside its table."""

from __future__ import annotations

import ast
import importlib.util
import re
from numbers import Real
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from sim.params import field_table

ROOT = Path(__file__).resolve().parents[2]
ODD = ROOT / "docs" / "odd.md"
SCRIPT = ROOT / "docs" / "make_param_table.py"
FIX = "run `.venv/bin/python docs/make_param_table.py --write` and review the prose"


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_param_table", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def script() -> ModuleType:
    return _load_script()


@pytest.fixture(scope="module")
def odd() -> str:
    return ODD.read_text(encoding="utf-8")


@pytest.mark.parametrize("table", ["params", "constants", "levers", "presets"])
def test_generated_table_matches_the_code(script: ModuleType, odd: str, table: str) -> None:
    in_doc = script.block(odd, table)
    now = script.TABLES[table]().strip()
    assert in_doc == now, f"docs/odd.md's {table} table differs from the code: {FIX}"


def test_parameter_table_lists_every_parameter_with_its_default(script: ModuleType,
                                                                odd: str) -> None:
    table = script.block(odd, "params")
    for row in field_table():
        line = f"| `{row['name']}` | `{script.fmt(row['default'])}` |"
        assert line in table, f"{row['name']} (default {row['default']!r}) missing: {FIX}"


def test_every_parameter_is_named_in_the_prose(script: ModuleType, odd: str) -> None:
    """The table alone is not a description: each parameter must appear in the text too."""
    prose = _prose(script, odd)
    missing = [row["name"] for row in field_table()
               if not re.search(r"(?<![\w.])" + re.escape(row["name"]) + r"(?!\w)", prose)]
    assert not missing, f"parameters not described outside the table in docs/odd.md: {missing}"


def test_constants_documented_exist_with_the_values_shown(script: ModuleType,
                                                          odd: str) -> None:
    table = script.block(odd, "constants")
    for module, name, _meaning, _source in script.CONSTANTS:
        value = getattr(importlib.import_module(module), name)
        assert f"| `{module}.{name}` | `{script.fmt(value)}` |" in table, (
            f"{module}.{name} = {value!r} not shown in docs/odd.md: {FIX}")


def _numeric(value: Any) -> bool:
    """A number, or an array or tuple of numbers: what a model constant holds."""
    if isinstance(value, bool):
        return False
    if isinstance(value, Real):
        return True
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "iuf"
    return isinstance(value, tuple) and bool(value) and all(_numeric(v) for v in value)


def _module_constants() -> list[tuple[str, str]]:
    """(module, NAME) of every upper-case number assigned at the top of a sim/ or agents/
    module (imports excluded: a constant counts where it is defined)."""
    found = []
    for folder in ("sim", "agents"):
        for path in sorted((ROOT / folder).glob("*.py")):
            module = f"{folder}.{path.stem}"
            names = []
            for node in ast.parse(path.read_text(encoding="utf-8")).body:
                targets = node.targets if isinstance(node, ast.Assign) else (
                    [node.target] if isinstance(node, ast.AnnAssign) else [])
                for target in targets:
                    elts = target.elts if isinstance(target, ast.Tuple) else [target]
                    names += [e.id for e in elts if isinstance(e, ast.Name)]
            loaded = importlib.import_module(module)
            found += [(module, name) for name in names
                      if name.isupper() and _numeric(getattr(loaded, name))]
    return found


def test_every_numeric_module_constant_is_in_the_constants_table(script: ModuleType) -> None:
    """A constant added to the code must reach the ODD's table (or be declared a code or an
    index in the script's NOT_CONSTANTS)."""
    listed = {(module, name) for module, name, _meaning, _source in script.CONSTANTS}
    exempt = {(module, name) for module, names in script.NOT_CONSTANTS.items()
              for name in names}
    missing = [f"{m}.{n}" for m, n in _module_constants() if (m, n) not in listed | exempt]
    assert not missing, f"module constants missing from docs/make_param_table.py: {missing}"


def test_odd_links_nothing_outside_the_repository(odd: str) -> None:
    """The description must stand on the repository alone: no web links, no paths above it."""
    targets = re.findall(r"\]\(([^)]*)\)", odd)
    outside = [t for t in targets if re.match(r"[a-z]+:|/|\.\./", t)]
    assert not outside, f"docs/odd.md links outside the repository: {outside}"
    assert "../" not in odd, "docs/odd.md names a path outside the repository"


def test_script_prints_the_parameter_table_by_default(script: ModuleType,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert script.main([]) == 0
    assert capsys.readouterr().out.strip() == script.param_table().strip()


def _prose(script: ModuleType, text: str) -> str:
    for table in script.TABLES:
        start, end = script.markers(table)
        text = re.sub(re.escape(start) + r".*?" + re.escape(end), "", text, flags=re.S)
    return text


def test_refresh_rewrites_only_the_generated_blocks(script: ModuleType, odd: str) -> None:
    stale = odd.replace(script.block(odd, "params"), "| stale |", 1)
    refreshed = script.refresh(stale)
    assert script.block(refreshed, "params") == script.param_table().strip()
    assert _prose(script, refreshed) == _prose(script, odd)


def test_the_odd_links_nothing_outside_the_repository() -> None:
    text = (ROOT / "docs" / "odd.md").read_text(encoding="utf-8")
    assert not re.search(r"\.\./|/shared/design|/work/", text)
