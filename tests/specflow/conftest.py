"""Fixtures of the spec-flow tests: the committed effective spec, and a fresh copy of it to change."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from suno_api_build._build import build_effective_spec

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def committed() -> dict[str, Any]:
    """The effective spec built from the vendored spec and the overlays, once per module."""
    return build_effective_spec(ROOT / "spec" / "suno-api.yaml", ROOT / "overlays")


@pytest.fixture
def changed(committed: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of ``committed`` that a test may edit into a candidate."""
    return copy.deepcopy(committed)
