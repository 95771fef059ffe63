"""`alignsim app` refuses bad input with one line and exit code 2, before starting anything."""

from __future__ import annotations

import socket

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
