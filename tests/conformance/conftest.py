"""Fixtures of the conformance-suite tests: small, seeded runs of the suite against the mock and its variants."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from suno_conformance.mock import MockServer, MockSettings
from suno_conformance.suite import SuiteOptions

MOCK_KEY = "tests-conformance-key"
WEBHOOK_KEY = "tests-conformance-webhook-key"
RUN_ARGS = ("-q", "-o", "timeout=0")
"""pytest arguments of a suite run inside a test: quiet, and no pytest-timeout timer thread for each of its
hundreds of tests (the test running the suite has its own timeout)."""


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
