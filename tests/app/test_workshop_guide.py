"""The facilitator's guide cannot drift from the code: docs/workshop.md is what
docs/make_workshop.py writes now, each exercise's story holds on the seed it names, and its
commands run."""

from __future__ import annotations

import importlib.util
import re
import shlex
import sys
from pathlib import Path
from types import ModuleType

import pytest

from experiments.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "workshop.md"
SCRIPT = ROOT / "docs" / "make_workshop.py"
FIX = ("rerun `.venv/bin/python docs/make_workshop.py --write` (with `--find-seeds` to choose "
       "seeds, or change the claim and the prose in docs/workshop.md.tmpl)")
COMMAND = re.compile(r"(?:^|`|\.venv/bin/)(alignsim (?:app|run|compare)[^`#\n]*)", re.M)


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_workshop", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_workshop"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


script = _load_script()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("exercise", "claim"),
    [(e, c) for e in script.EXERCISES for c in e.claims],
    ids=[f"{e.key}-{n}" for e in script.EXERCISES for n, _ in enumerate(e.claims, 1)])
def test_each_exercise_holds_on_the_seed_it_names(exercise, claim) -> None:
    (verdict,) = script.verdicts(exercise, [claim], seeds=())
    assert verdict.on_named_seed, f"{verdict.failure()}. {FIX}"


@pytest.mark.slow
def test_the_guide_is_what_the_code_writes_now() -> None:
    assert GUIDE.read_text(encoding="utf-8") == script.guide(), \
        f"docs/workshop.md differs from what the code gives now: {FIX}"


def test_every_value_the_template_asks_for_is_computed() -> None:
    template = script.TEMPLATE.read_text(encoding="utf-8")
    wanted = set(re.findall(r"\{\{([\w.]+)\}\}", template))
    names = {"weeks", "speeds", "governance_table", "people_table", "presets", "max_seed"}
    assert names <= wanted
    with pytest.raises(KeyError, match="nonsense"):
        script.render("{{nonsense}}", {})


def test_a_claim_that_fails_is_named_with_its_exercise_seed_and_numbers() -> None:
    exercise = script.EXERCISES[1]
    upside_down = script.Claim("annual planning scores highest on the alignment index",
                               script.above("alignment index", "alignment_index", "1.A", "1.B"))
    (verdict,) = script.verdicts(exercise, [upside_down], seeds=())
    if verdict.on_named_seed:
        pytest.skip("the model now scores annual planning highest; the test needs a claim "
                    "that fails")
    message = verdict.failure()
    assert exercise.key in message and f"seed {exercise.seed}" in message
    assert "alignment index weeks 53-104" in message and "“" in message


def commands() -> list[list[str]]:
    found = [shlex.split(m.group(1))[1:] for m in COMMAND.finditer(GUIDE.read_text())]
    assert len(found) >= 10, "the guide's commands were not found"
    return found


@pytest.mark.parametrize("argv", commands(), ids=" ".join)
def test_guide_command_runs(argv: list[str], tmp_path: Path) -> None:
    args = build_parser().parse_args(argv)
    if args.command == "app":
        return  # starts a server: the browser test runs it
    small = list(argv)
    if "--weeks" in small:
        small[small.index("--weeks") + 1] = "30"
    if "--replicates" in small:
        small[small.index("--replicates") + 1] = "1"
    assert main([*small, "--out", str(tmp_path / "out"), "--no-chart", "--quiet"]) == 0
