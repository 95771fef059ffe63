"""Make a skipped browser test impossible to miss in a quiet (-q) CI log."""

from __future__ import annotations

import pytest

SKIP_MARK = "BROWSER TEST SKIPPED"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for report in terminalreporter.stats.get("skipped", []):
        reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else ""
        if SKIP_MARK in reason:
            terminalreporter.write_sep("!", reason.removeprefix("Skipped: "), red=True,
                                       bold=True)
