"""The request bodies every test starts from: one valid body per mode, each checked against the effective spec.

Tests change only what they are about, by role (``custom_body(title=...)``, ``custom_body(callback_url=...)``:
the keyword is the field's ``suno_api.spec.names()`` role, never its spelling in the spec), and keep the rest.
A field the spec does not have (``customMode``, a made-up ``tempo``) goes in the positional ``fields`` mapping,
keyed as sent. Both bodies are checked against every rule of the effective spec when first used, so an upstream
change that makes them invalid fails here, once, with the violations named, instead of as a hundred unrelated
failures; and an upstream rename needs no test edit, because no test spells a field.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping
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


def request_fields() -> frozenset[str]:
    """Return the request schema's field names, as the spec spells them."""
    return frozenset(spec.schema(spec.REQUEST_SCHEMA).get("properties", {}))


def field(role: str) -> str:
    """Return the request field ``role`` names, as the spec spells it; a role that is not a request field fails."""
    try:
        name = spec.names().resolve(role)
    except LookupError as exc:
        raise TypeError(f"{role!r} is not a spec-name role (see suno_api.spec.names()): {exc}") from None
    if name not in request_fields():
        raise TypeError(f"role {role!r} names {name!r}, which is not a field of the request")
    return name


def by_role(roles: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``roles`` (role -> value) keyed by the request fields' spellings."""
    return {field(role): value for role, value in roles.items()}


def _with(body: dict[str, Any], fields: Mapping[str, Any] | None, roles: Mapping[str, Any]) -> dict[str, Any]:
    fresh = copy.deepcopy(body)
    fresh.update(by_role(roles))
    fresh.update(fields or {})
    # ``...`` as a value removes the field (``None`` stays: a JSON null is a case worth sending).
    return {key: value for key, value in fresh.items() if value is not ...}


def custom_body(fields: Mapping[str, Any] | None = None, /, **roles: Any) -> dict[str, Any]:
    """A valid custom-mode body with vocals; keywords are roles, ``fields`` raw keys; ``...`` removes a field."""
    return _with(_checked("custom"), fields, roles)


def default_body(fields: Mapping[str, Any] | None = None, /, **roles: Any) -> dict[str, Any]:
    """A valid default-mode instrumental body; keywords are roles, ``fields`` raw keys; ``...`` removes a field."""
    return _with(_checked("default"), fields, roles)
