"""`alignsim app` refuses bad input with one line and exit code 2, before starting anything."""

from __future__ import annotations

import socket
from typing import ClassVar

import pytest

from experiments.cli import main


def test_port_out_of_range(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["app", "--port", "0"]) == 2
    assert "--port=0 is not allowed" in capsys.readouterr().err


def test_port_in_use(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["app", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1:{port}" in err and "--port" in err


class FakeServer:
    """Stands in for Solara's server process: records how it was started, exits at once."""

    started: ClassVar[list[tuple[list[str], dict[str, str]]]] = []

    def __init__(self, cmd: list[str], cwd: object, env: dict[str, str]) -> None:
        FakeServer.started.append((cmd, env))
        self.returncode = 1

    def poll(self) -> int:
        return 1

    def terminate(self) -> None:
        pass

    def wait(self, timeout: float | None = None) -> int:
        return 1


def test_binding_beyond_this_machine_warns_and_server_runs_offline(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from experiments.cli import app as command

    monkeypatch.setattr(command.subprocess, "Popen", FakeServer)
    port = free_port()
    assert main(["app", "--host", "0.0.0.0", "--port", str(port)]) == 1
    err = capsys.readouterr().err
    assert "warning: listening on 0.0.0.0" in err
    assert "did not start" in err
    cmd, env = FakeServer.started[-1]
    assert cmd[cmd.index("--host") + 1] == "0.0.0.0" and cmd[cmd.index("--port") + 1] == str(port)
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
