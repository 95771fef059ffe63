"""Versions of alignsim and of what it runs on, for every result file."""

from __future__ import annotations

import platform
from functools import cache
from importlib import metadata

_DEPENDENCIES = ("mesa", "numpy", "pandas", "networkx", "matplotlib", "tqdm")


@cache
def versions() -> dict[str, str]:
    found = {"alignsim": _version("alignsim"), "python": platform.python_version()}
    found.update({name: _version(name) for name in _DEPENDENCIES})
    return found


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"
