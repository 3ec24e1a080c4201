"""Fixtures of the conformance-suite tests: small, seeded runs of the suite against the mock and its variants."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from suno_conformance.mock import MockServer, MockSettings
from suno_conformance.suite import SuiteOptions

MOCK_KEY = "tests-conformance-key"
WEBHOOK_KEY = "tests-conformance-webhook-key"
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


@pytest.fixture
def small_options(tmp_path: Path) -> SuiteOptions:
    """Options of a quick, reproducible run that writes its reports under ``tmp_path``."""
    return SuiteOptions(
        max_examples=10,
        stateful_examples=5,
        seed=1,
        junit=tmp_path / "conformance.xml",
        callback_wait=5.0,
    )


@pytest.fixture
def mock_server() -> Iterator[MockServer]:
    """A faithful mock on a free loopback port, with a known key, instant stages and signed callbacks."""
    settings = MockSettings(api_keys=(MOCK_KEY,), stage_seconds=0, webhook_key=WEBHOOK_KEY, seed=7)
    with MockServer(settings) as server:
        yield server
