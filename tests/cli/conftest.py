"""Fixtures for the command line's tests: mocks on free loopback ports and a clean environment."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from suno_conformance.mock import MockServer, MockSettings
from tests.cli.cli_support import KEY, SLOW_STAGE_SECONDS

_VARIABLES = (
    "KIE_API_KEY",
    "KIE_BASE_URL",
    "SUNO_BASE_URL",
    "SUNO_WEBHOOK_SECRET",
    "SUNO_MAX_PAID_CALLS",
    "SUNO_CONFORMANCE_LIVE",
    "TERM",
)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test depends on the developer's KIE_*, SUNO_* variables or terminal."""
    for name in _VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name in list(os.environ):
        if name.startswith(("SUNO_MOCK_", "SUNO_CONFORMANCE_")):
            monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def mock_server() -> Iterator[MockServer]:
    """A mock whose tasks succeed at once; it accepts only ``KEY``."""
    with MockServer(MockSettings(stage_seconds=0, seed=7, api_keys=(KEY,))) as server:
        yield server


@pytest.fixture(scope="session")
def slow_mock() -> Iterator[MockServer]:
    """A mock whose tasks stay PENDING for a long time (waits time out, interruptions land mid-wait)."""
    settings = MockSettings(stage_seconds=SLOW_STAGE_SECONDS, seed=8, api_keys=(KEY,), send_callbacks=False)
    with MockServer(settings) as server:
        yield server
