"""Kill counts of the defect catalogue and the mutants, printed at the end of the run, xdist workers included.

A plugin of the top conftest (``pytest_plugins``): under pytest-xdist the controller collects nothing, so hooks in
``tests/conformance/conftest.py`` would never run there; this module is loaded by the controller and by every
worker. Workers hand their records over in ``workeroutput``; the controller merges them and prints the summary.
"""

from __future__ import annotations

from typing import Any

import pytest

KILL_RATE: pytest.StashKey[list[str]] = pytest.StashKey()
KILLS: pytest.StashKey[list[dict[str, Any]]] = pytest.StashKey()
_WORKER_OUTPUT_KEY = "suno_kill_rate"


@pytest.fixture(scope="session")
def kill_rate_lines(pytestconfig: pytest.Config) -> list[str]:
    """Lines the defect catalogue fills in; printed at the end of the session, whatever the verbosity."""
    return pytestconfig.stash.setdefault(KILL_RATE, [])


@pytest.fixture(scope="session")
def kill_records(pytestconfig: pytest.Config) -> list[dict[str, Any]]:
    """One record per defect run (section, name, killed, how): the summary counts them across xdist workers."""
    return pytestconfig.stash.setdefault(KILLS, [])


def pytest_sessionfinish(session: pytest.Session) -> None:
    """In a pytest-xdist worker, hand the kill-rate lines to the controller, which prints the summary."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput[_WORKER_OUTPUT_KEY] = {
            "lines": list(session.config.stash.get(KILL_RATE, [])),
            "records": list(session.config.stash.get(KILLS, [])),
        }


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """Collect a finished xdist worker's kill-rate lines (the hook exists only when pytest-xdist runs)."""
    del error
    handed = getattr(node, "workeroutput", {}).get(_WORKER_OUTPUT_KEY, {})
    node.config.stash.setdefault(KILL_RATE, []).extend(handed.get("lines", []))
    node.config.stash.setdefault(KILLS, []).extend(handed.get("records", []))


def _record_lines(records: list[dict[str, Any]]) -> list[str]:
    lines: list[str] = []
    for section in sorted({record["section"] for record in records}):
        of_section = sorted((r for r in records if r["section"] == section), key=lambda r: str(r["name"]))
        killed = sum(1 for record in of_section if record["killed"])
        lines.append(f"{section}: {killed}/{len(of_section)} killed ({100 * killed // len(of_section)}%)")
        for record in of_section:
            lines.append(f"  {'killed  ' if record['killed'] else 'SURVIVED'} {record['name']:<32} {record['how']}")
    return lines


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """Print the defect catalogue's kill rate after pytest's own summary."""
    lines = _record_lines(config.stash.get(KILLS, [])) + config.stash.get(KILL_RATE, [])
    if lines:
        terminalreporter.write_sep("-", "conformance defect catalogue")
        for line in lines:
            terminalreporter.write_line(line)
