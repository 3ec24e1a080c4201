"""Settings shared by every test directory."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# CI runs are derandomized so that a red build is reproducible from its log; local runs keep exploring.
settings.register_profile("ci", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")

# tests/plugin runs users' test files through pytester, and the kill-rate summary must reach the xdist controller:
# pytest accepts `pytest_plugins` only in the top conftest.
pytest_plugins = ["pytester", "tests.kill_rate"]
