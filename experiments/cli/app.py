"""`alignsim app`: start the workshop dashboard and print its address once it answers.

The dashboard is a Solara page (`app/app.py` in the source tree); this command runs Solara's
server on it in a child process (`app/serve.py`), on 127.0.0.1 unless told otherwise, and stops
it on Ctrl+C or a signal. Killed with ``kill -9``, this command cannot stop the server, so the
server watches it and stops by itself (no orphan keeps the port).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from experiments.errors import UsageError
from experiments.paramfile import PARAMS_ENV, load_params

ROOT = Path(__file__).resolve().parents[2]
LOOPBACK = ("127.0.0.1", "localhost", "::1")
START_TIMEOUT_S = 90.0


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "app", help="start the workshop dashboard (opens in a browser)",
        description="Start the workshop dashboard (a Solara page) and print its address once it "
                    "answers; Ctrl+C stops it. Pick a preset, move the governance levers, step "
                    "week by week, and run two rules side by side on the same market. See "
                    "docs/workshop.md.")
    parser.add_argument("--port", type=int, default=8765, help="port to listen on (8765)")
    parser.add_argument("--params", type=Path, default=None, metavar="FILE",
                        help="play with the firm of this params file (e.g. from `alignsim "
                             "calibrate`): presets and sliders apply on top of it")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (127.0.0.1: this machine only; 0.0.0.0 lets "
                             "participants' laptops on the same network connect)")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    if not 1 <= args.port <= 65535:
        raise UsageError(f"--port={args.port} is not allowed: an integer in [1, 65535]")
    if not (ROOT / "app" / "app.py").exists():
        raise UsageError("the dashboard runs from a source checkout of alignsim; "
                         f"no app/ in {ROOT}")
    if importlib.util.find_spec("solara") is None:
        raise UsageError("the dashboard needs the app extra: pip install -e '.[app]'")
    if args.params is not None:
        load_params(args.params)  # a bad file is refused here, in one line, not in the page
    _check_free(args.host, args.port)
    if args.host not in LOOPBACK:
        print(f"warning: listening on {args.host}: anyone who can reach this machine on port "
              f"{args.port} can open the dashboard and run simulations on it", file=sys.stderr)
    _warn_if_assets_missing()

    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        # A workshop room may have no internet: no telemetry calls, no vendor banner on screen.
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
        "SOLARA_THEME_SHOW_BANNER": "False",
        "SOLARA_THEME_TITLE": "alignsim workshop",
    }
    env.pop(PARAMS_ENV, None)
    if args.params is not None:
        env[PARAMS_ENV] = str(args.params.resolve())
    cmd = [sys.executable, "-m", "app.serve", str(os.getpid()),
           "run", "app.app", "--host", args.host, "--port", str(args.port), "--no-open",
           "--production", "--log-level", "warning"]
    server = subprocess.Popen(cmd, cwd=ROOT, env=env)
    # Stopped by a signal (a terminal closing, a test tearing down): take the server along.
    # The caller's handlers come back afterwards (main() may run inside a longer process).
    previous = {sig: signal.signal(sig, _interrupt)
                for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)) if sig is not None}
    try:
        if not _wait_until_listening(server, args.host, args.port):
            server.terminate()
            server.wait(timeout=10)
            print("alignsim app: the dashboard server did not start (see the messages above)",
                  file=sys.stderr)
            return 1
        shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
        print(f"alignsim workshop dashboard: http://{shown}:{args.port}/  (Ctrl+C stops it)",
              flush=True)
        return server.wait()
    except KeyboardInterrupt:
        server.terminate()
        server.wait(timeout=10)
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _check_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        # As the server binds (uvicorn sets SO_REUSEADDR): a port an earlier session left in
        # TIME_WAIT is free to it, and a port someone listens on still refuses the bind.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as err:
            raise UsageError(f"cannot listen on {host}:{port} ({err.strerror}); "
                             "pick another with --port") from None


def _wait_until_listening(server: subprocess.Popen, host: str, port: int) -> bool:
    target = "127.0.0.1" if host in ("0.0.0.0", "localhost") else "::1" if host == "::" else host
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            return False
        try:
            with socket.create_connection((target, port), timeout=1):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def _warn_if_assets_missing() -> None:
    spec = importlib.util.spec_from_file_location("setup_assets", ROOT / "app" / "setup_assets.py")
    assert spec is not None and spec.loader is not None
    setup_assets = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(setup_assets)
    if setup_assets.missing(setup_assets.cache_dir(), setup_assets.wanted_packages()):
        print("warning: Solara's browser files are not cached, so the page needs internet to "
              f"load; run `{sys.executable} app/setup_assets.py` once to work offline",
              file=sys.stderr)
