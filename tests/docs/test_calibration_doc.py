"""docs/calibration.md is run, so it cannot drift from the code: its firm file calibrates, its
commands parse and the quick ones run on small settings, its errors are the real ones, its
table of default fit parameters is the code's, and the script that writes the default firm's
result into it works."""

from __future__ import annotations

import importlib.util
import re
import shlex
from pathlib import Path
from types import ModuleType

import pytest

from experiments.calibration import DEFAULT_FIT
from experiments.cli import build_parser, main
from sim.params import field_of

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "calibration.md").read_text(encoding="utf-8")
SMALL = ["--budget", "2", "--seeds", "1", "--check-top", "1", "--check-seeds", "1",
         "--workers", "0", "--quiet"]


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", DOC, flags=re.S)


def _commands() -> list[list[str]]:
    out = []
    for body in _blocks("bash"):
        for line in body.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if words and words[0] == "alignsim":
                out.append(words[1:])
    return out


@pytest.mark.parametrize("args", _commands(), ids=lambda a: " ".join(a[:2]))
def test_every_command_parses(args: list[str]) -> None:
    assert callable(build_parser().parse_args(args).handler)


@pytest.mark.slow
def test_the_firm_file_calibrates_and_the_firm_is_compared(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("acme.toml").write_text(_blocks("toml")[0], encoding="utf-8")
    calibrate = _commands()[0]
    assert calibrate[:2] == ["calibrate", "acme.toml"]
    assert main([*calibrate, *SMALL]) == 0
    assert Path("results/acme/params.toml").exists()
    assert Path("results/acme/report/calibration.md").exists()
    compare = next(c for c in _commands() if c[0] == "compare" and "--replicates" in c)
    compare = [a for a in compare if a not in ("--replicates", "20")]
    assert main([*compare, "--replicates", "2", "--weeks", "30", "--quiet", "--no-chart"]) == 0


def test_documented_errors_are_the_real_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    Path("bad.toml").write_text('fit = ["governance.cadence_weeks"]\n[targets]\n'
                                'win_rate = { value = 0.2, se = 0.02 }\n')
    Path("bad-params.toml").write_text("[org]\nn_reps = 0\n")
    shown = [b for b in _blocks("console") if "error:" in b]
    assert len(shown) == 2
    for block in shown:
        command, message = block.strip().splitlines()
        assert main(shlex.split(command[2:])[1:]) == 2
        assert capsys.readouterr().err.strip() == message


def test_the_table_of_default_fit_parameters_is_the_codes() -> None:
    table = DOC.split("<!-- default-fit:start -->")[1].split("<!-- default-fit:end -->")[0]
    rows = re.findall(r"^\| `([\w.]+)` \| ([\d.]+) - ([\d.]+) \| (\w+) \|$", table, flags=re.M)
    assert [r[0] for r in rows] == list(DEFAULT_FIT)
    for name, lo, hi, scale in rows:
        meta = field_of(name).metadata
        expected = DEFAULT_FIT[name] or (meta["lo"], meta["hi"], False)
        assert (float(lo), float(hi), scale == "log") == expected, name


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_calibration_result",
                                                  ROOT / "docs" / "make_calibration_result.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_the_script_writes_the_default_firms_result_into_the_doc(tmp_path: Path) -> None:
    from experiments.calibration import calibrate
    from experiments.calibration.firm import firm_from_dict
    from tests.experiments.calibration.synthetic import SYNTHETIC

    folder = calibrate(firm_from_dict(SYNTHETIC), tmp_path / "cal", budget=4, workers=0,
                       quiet=True)
    doc = tmp_path / "doc.md"
    doc.write_text("before\n<!-- default-firm:start -->\nold\n<!-- default-firm:end -->\nafter\n")
    _script().main([str(folder), "--replicates", "2", "--workers", "0", "--write", "--doc",
                    str(doc)])
    text = doc.read_text()
    assert text.startswith("before\n<!-- default-firm:start -->\nCalibrated with")
    assert "| best practice (brief) | 75.0% | 35.0% | 28.0% |" in text
    for arm in ("undefined", "aligned", "integrated"):
        assert f"\n| {arm} | " in text
    assert text.endswith("<!-- default-firm:end -->\nafter\n") and "old" not in text


@pytest.mark.slow
def test_the_python_tour_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("acme.toml").write_text(_blocks("toml")[0], encoding="utf-8")
    code = _blocks("python")[0]
    assert "budget=240, seeds=5" in code
    small = code.replace("budget=240, seeds=5", "budget=2, seeds=1, check_top=1, check_seeds=1, "
                                                "workers=0, quiet=True")
    namespace: dict[str, object] = {}
    exec(compile(small, "docs/calibration.md", "exec"), namespace)
    from sim import Params

    assert isinstance(namespace["fitted"], Params)
    assert Path("results/acme/params.toml").exists()
