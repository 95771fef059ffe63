"""docs/figures.md is run on small versions of its experiments, so it cannot drift."""

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


def test_the_readme_charts_exist_and_are_small() -> None:
    targets = [shlex.split(c)[-1] for c in _commands() if c.startswith("cp ")]
    assert len(targets) == 2
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for target in targets:
        path = ROOT / target
        assert path.is_file() and path.stat().st_size < 400_000, target
        with Image.open(path) as image:
            assert image.format == "PNG"
        assert f"]({target})" in readme, f"README does not show {target}"


@pytest.mark.slow
def test_documented_commands_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    commands = _commands()
    kinds = [c.split()[:2] if c.startswith("alignsim") else ["cp"] for c in commands]
    assert kinds == [["alignsim", "sweep"], ["alignsim", "report"], ["cp"]] * 2
    for command in commands:
        words = shlex.split(command)
        if words[:2] == ["alignsim", "sweep"]:
            spec = words[2]
            text = (ROOT / spec).read_text(encoding="utf-8")
            text = re.sub(r"^weeks = \d+", "weeks = 30", text, flags=re.M)
            text = re.sub(r"^replicates = \d+", "replicates = 2", text, flags=re.M)
            (tmp_path / spec).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / spec).write_text(text.replace("\n[factors]", SMALLER, 1),
                                         encoding="utf-8")
    (tmp_path / "docs").mkdir()
    monkeypatch.chdir(tmp_path)
    for command in commands:
        words = shlex.split(command)
        if words[0] == "cp":
            shutil.copy(words[1], words[2])
            with Image.open(words[2]) as image:
                assert image.format == "PNG" and image.size[0] > 1000
        elif words[1] == "sweep":
            assert main([*words[1:], "--workers", "0", "--quiet"]) == 0
        else:
            assert main([*words[1:], "--quiet"]) == 0
