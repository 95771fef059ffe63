"""docs/figures.md is run on a small version of its experiment, so it cannot drift."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from PIL import Image

from experiments.cli import main

ROOT = Path(__file__).resolve().parents[3]
DOC = (ROOT / "docs" / "figures.md").read_text(encoding="utf-8")
SPEC = "experiments/specs/planning_owner.toml"
SMALLER = """
[overrides]
org.n_reps = 5
org.n_marketers = 2
burn_in_weeks = 5

[factors]"""


def _commands() -> list[str]:
    block = re.search(r"```console\n(.*?)```", DOC, flags=re.S)
    assert block
    return [line[2:] for line in block.group(1).splitlines() if line.startswith("$ ")]


def test_the_readme_chart_exists_and_is_small() -> None:
    target = shlex.split(_commands()[-1])[-1]
    path = ROOT / target
    assert path.is_file() and path.stat().st_size < 400_000
    with Image.open(path) as image:
        assert image.format == "PNG"


@pytest.mark.slow
def test_documented_commands_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    commands = _commands()
    assert [c.split()[:2] for c in commands] == [["alignsim", "sweep"], ["alignsim", "report"],
                                                 ["cp", commands[2].split()[1]]]
    assert commands[0].split()[2] == SPEC
    text = (ROOT / SPEC).read_text(encoding="utf-8")
    text = re.sub(r"^weeks = \d+", "weeks = 30", text, flags=re.M)
    text = re.sub(r"^replicates = \d+", "replicates = 2", text, flags=re.M)
    (tmp_path / SPEC).parent.mkdir(parents=True)
    (tmp_path / SPEC).write_text(text.replace("\n[factors]", SMALLER, 1), encoding="utf-8")
    (tmp_path / "docs").mkdir()
    monkeypatch.chdir(tmp_path)
    assert main([*shlex.split(commands[0])[1:], "--workers", "0", "--quiet"]) == 0
    assert main([*shlex.split(commands[1])[1:], "--quiet"]) == 0
    _, source, target = shlex.split(commands[2])
    shutil.copy(source, target)
    with Image.open(target) as image:
        assert image.format == "PNG" and image.size[0] > 1000
