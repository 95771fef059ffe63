"""The README's commands and Python tour stay true: every `alignsim` line parses with today's
command line, the quick ones run on small settings, and the Python block runs as written."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from experiments.cli import build_parser
from experiments.paramfile import write_params
from sim import Params

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
BLOCKS = re.findall(r"```(\w+)\n(.*?)```", README, flags=re.S)


def _commands() -> list[list[str]]:
    """`alignsim ...` lines of the bash blocks, with continuations joined, comments dropped."""
    out = []
    for lang, body in BLOCKS:
        if lang != "bash":
            continue
        for line in body.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if words and words[0].endswith("alignsim") and words[0] != "./dev.sh":
                out.append(words[1:])
    return out


COMMANDS = _commands()


def test_readme_has_the_two_fresh_machine_commands_and_ci_calls_the_test_one():
    bash = "\n".join(body for lang, body in BLOCKS if lang == "bash")
    assert "./dev.sh demo" in bash and "./dev.sh test" in bash
    assert "./dev.sh test" in (ROOT / ".ci" / "run").read_text()
    assert len(COMMANDS) >= 8


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a[:2]) for a in COMMANDS])
def test_every_readme_command_parses(args):
    parsed = build_parser().parse_args(args)
    assert callable(parsed.handler)


# `run --from` needs a results folder; tests/experiments/cli/test_run.py runs it on one.
QUICK = [a for a in COMMANDS if a[0] in ("run", "compare", "presets") and "--from" not in a]


@pytest.mark.parametrize("args", QUICK, ids=[" ".join(a[:2]) for a in QUICK])
def test_quick_readme_commands_run_on_small_settings(args, tmp_path):
    if args[0] != "presets":
        # Small settings: the README's own --weeks, --out and --replicates give way to ours.
        cleaned, skip = [], False
        for a in args:
            if skip:
                skip = False
            elif a in ("--weeks", "--out", "--replicates"):
                skip = True
            else:
                cleaned.append(a)
        if "--params" in cleaned:
            # The README's params file comes from a calibration; a firm file of ours stands in.
            firm = tmp_path / "params.toml"
            write_params(firm, Params().with_overrides({"org.n_reps": 6, "burn_in_weeks": 4}))
            cleaned[cleaned.index("--params") + 1] = str(firm)
        args = [*cleaned, "--weeks", "20", "--out", str(tmp_path / "out"), "--quiet"]
        if args[0] == "compare":
            args += ["--replicates", "2"]
    done = subprocess.run([sys.executable, "-m", "experiments.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    if args[0] != "presets":
        assert (tmp_path / "out" / "run.json").exists()


def test_python_tour_runs_as_written():
    code = next(body for lang, body in BLOCKS if lang == "python")
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assert 0.0 <= namespace["result"].summary["mql_acceptance_rate"] <= 1.0
