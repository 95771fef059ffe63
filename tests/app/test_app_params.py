"""`alignsim app --params FILE`: the dashboard plays with that firm, presets and sliders on top;
a bad file is refused in one line before the server starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import workshop
from app.workshop import WorkshopSetup
from experiments.cli import main
from experiments.paramfile import PARAMS_ENV, firm_from_environment, write_params
from sim import Params, presets

FIRM = Params().with_overrides({"org.n_reps": 7, "org.n_marketers": 2,
                                "behaviour.prospect_bias": 2.5, "governance.cadence_weeks": 4})


class FakeServer:
    """Stands in for Solara's server process: records its environment, exits at once."""

    env: dict[str, str] = {}  # noqa: RUF012 - one record per test, read back by it

    def __init__(self, cmd: list[str], cwd: object, env: dict[str, str]) -> None:
        FakeServer.env = env

    def poll(self) -> int:
        return 1

    def terminate(self) -> None:
        pass

    def wait(self, timeout: float | None = None) -> int:
        return 1


def test_the_server_is_told_which_firm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from experiments.cli import app as command

    path = tmp_path / "acme.toml"
    write_params(path, FIRM)
    monkeypatch.setattr(command.subprocess, "Popen", FakeServer)
    monkeypatch.chdir(tmp_path)
    assert main(["app", "--params", "acme.toml", "--port", "8799"]) == 1  # the fake exits
    assert FakeServer.env[PARAMS_ENV] == str(path.resolve())
    monkeypatch.setenv(PARAMS_ENV, FakeServer.env[PARAMS_ENV])
    assert firm_from_environment() == FIRM


def test_a_bad_params_file_stops_the_app_before_it_starts(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[behaviour]\nprospect_bias = 0\n")
    assert main(["app", "--params", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"alignsim app: error: file {bad}: key behaviour.prospect_bias:")
    assert "\n" not in err


def test_the_rooms_arms_run_on_the_firm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workshop, "FIRM", FIRM)
    setup = WorkshopSetup(preset="aligned", compare_with="undefined",
                          people={"org.n_reps": 5})
    aligned, undefined = (arm.params() for arm in setup.arms())
    assert aligned.governance == presets.get("aligned").governance
    assert undefined.governance == presets.get("undefined").governance
    for arm in (aligned, undefined):
        assert arm.behaviour.prospect_bias == 2.5 and arm.org.n_marketers == 2
        assert arm.org.n_reps == 5
    # "current" offers the firm's own governance.
    (own,) = (arm.params() for arm in WorkshopSetup(preset="current").arms())
    assert own.with_overrides({"weeks": FIRM.weeks}) == FIRM
