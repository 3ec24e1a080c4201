"""The plugin's tests run users' test files with pytest's ``pytester``.

``pytester`` is enabled by ``pytest_plugins = ["pytester"]`` in the top-level ``tests/conftest.py`` (pytest refuses
``pytest_plugins`` in a conftest below the top level when the whole tree is collected); without it these tests
skip, saying so.
"""

from __future__ import annotations

import pytest


@pytest.fixture
def user_run(request: pytest.FixtureRequest) -> pytest.Pytester:
    """The ``pytester`` fixture, or a skip naming what enables it."""
    try:
        found: pytest.Pytester = request.getfixturevalue("pytester")
    except pytest.FixtureLookupError:
        pytest.skip("pytester is not enabled: tests/conftest.py needs pytest_plugins = ['pytester']")
    return found
