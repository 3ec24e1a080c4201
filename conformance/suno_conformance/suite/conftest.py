"""Run the suite with plain pytest too (``pytest --pyargs suno_conformance.suite``): register the suite's plugin."""

from __future__ import annotations

import pytest

from suno_conformance.suite._plugin import ensure_registered


def pytest_configure(config: pytest.Config) -> None:
    """Register the suite's plugin unless ``run_suite`` registered its own."""
    ensure_registered(config)
