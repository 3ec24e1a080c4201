"""The request bodies every test starts from: one valid body per mode, each checked against the effective spec.

Tests change only what they are about (``custom_body(title=...)``) and keep the rest. Both bodies are checked
against every rule of the effective spec when first used, so an upstream change that makes them invalid fails
here, once, with the violations named, instead of as a hundred unrelated failures.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

from suno_api import find_violations, spec


def _custom() -> dict[str, Any]:
    names = spec.names()
    return {
        names.upload_url: "https://storage.example.com/upload/song.mp3",
        names.default_param_flag: True,
        names.instrumental: False,
        names.prompt: "la la la",
        names.style: "Classical",
        names.title: "Peaceful Piano Extended",
        names.continue_at: 60,
        names.model: names.model_v4,
        names.callback_url: "https://api.example.com/callback",
    }


def _default() -> dict[str, Any]:
    names = spec.names()
    return {
        names.upload_url: "https://example.com/song.mp3",
        names.default_param_flag: False,
        names.instrumental: True,
        names.continue_at: 30,
        names.model: names.model_v4_5,
        names.callback_url: "https://example.com/callback",
    }


@functools.cache
def _checked(name: str) -> dict[str, Any]:
    body = {"custom": _custom, "default": _default}[name]()
    violations = find_violations(body)
    if violations:
        raise AssertionError(f"the tests' {name}-mode body breaks the effective spec: {violations}")
    return body


def _with(body: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    fresh = copy.deepcopy(body)
    fresh.update(overrides)
    # ``...`` as a value removes the field (``None`` stays: a JSON null is a case worth sending).
    return {key: value for key, value in fresh.items() if value is not ...}


def custom_body(**overrides: Any) -> dict[str, Any]:
    """A valid custom-mode body with vocals (``defaultParamFlag`` true); ``...`` as a value removes the field."""
    return _with(_checked("custom"), overrides)


def default_body(**overrides: Any) -> dict[str, Any]:
    """A valid default-mode instrumental body; ``...`` as a value removes the field."""
    return _with(_checked("default"), overrides)
