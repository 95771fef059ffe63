"""Solara's server for `alignsim app`, tied to the command that started it.

``python -m app.serve PARENT_PID SOLARA_ARGS...`` runs ``solara SOLARA_ARGS...`` in this
process, which stops when process PARENT_PID (the `alignsim app` command) ends, however it ends:
a command killed with ``kill -9`` cannot stop its server itself, and an orphaned server would
keep the port. On Linux the kernel sends SIGTERM the moment the parent dies (PR_SET_PDEATHSIG);
everywhere a watcher thread notices the parent is gone within a second, asks the server to stop
(SIGTERM) and ends the process if it has not stopped after a few seconds.
"""

from __future__ import annotations

import contextlib
import os
import runpy
import signal
import sys
import threading
import time

GRACE_S = 5.0
"""How long the server has to close its connections once its parent is gone."""
PR_SET_PDEATHSIG = 1


def die_with(parent: int) -> None:
    """End this process when `parent` ends."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the parent died before anything above was in place
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), daemon=True,
                     name="alignsim-parent-watch").start()


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    with contextlib.suppress(OSError):
        os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(GRACE_S)
    os._exit(1)


def main() -> None:
    die_with(int(sys.argv[1]))
    sys.argv = ["solara", *sys.argv[2:]]
    runpy.run_module("solara", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
