"""Read the effective spec: the one place the runtime learns the rules, limits, enums and server URL.

Nothing is read at import time; the first call loads and caches it. An installed wheel carries the effective
spec inside this package; a checkout (editable install) reads ``generated/suno-api.effective.json``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from suno_api._messages import rule_message

_PACKAGED_NAME = "_effective_spec.json"
REQUEST_SCHEMA = "UploadExtendRequest"


def effective_spec_path() -> Path:
    """Return the path of the effective spec this package enforces."""
    packaged = Path(__file__).with_name(_PACKAGED_NAME)
    if packaged.is_file():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "generated" / "suno-api.effective.json"
    if checkout.is_file():
        return checkout
    raise FileNotFoundError(
        f"the effective spec is missing (looked for {packaged} and {checkout}); reinstall the package,"
        " or run `make generate` in a checkout"
    )


@functools.cache
def effective_spec() -> Mapping[str, Any]:
    """Return the effective spec (vendored spec + overlays), loaded once."""
    loaded: dict[str, Any] = json.loads(effective_spec_path().read_text(encoding="utf-8"))
    return loaded


def schema(name: str) -> Mapping[str, Any]:
    """Return the component schema ``name`` of the effective spec."""
    found: Mapping[str, Any] = effective_spec()["components"]["schemas"][name]
    return found


def enum_values(name: str) -> tuple[Any, ...]:
    """Return the documented values of the named enum component ``name`` (e.g. ``TaskStatus``)."""
    return tuple(schema(name)["enum"])


def default_base_url() -> str:
    """Return the first server URL of the spec (``https://api.kie.ai``)."""
    url: str = effective_spec()["servers"][0]["url"]
    return url


@attrs.frozen
class Rule:
    """One rule of the rules overlay: an item of the request schema's ``allOf``."""

    index: int
    id: str
    field: str
    message: str
    source: str
    models: tuple[str, ...]
    schema: Mapping[str, Any] = attrs.field(repr=False)


@functools.cache
def rules() -> tuple[Rule, ...]:
    """Return the rules of the request schema, in overlay order."""
    return tuple(
        Rule(
            index=index,
            id=item["x-rule-id"],
            field=item["x-rule-field"],
            message=rule_message(item),  # its {placeholders} filled from the rule itself
            source=" ".join(item["x-rule-source"].split()),
            models=tuple(item.get("x-rule-models", ())),
            schema=item,
        )
        for index, item in enumerate(schema(REQUEST_SCHEMA).get("allOf", ()))
    )


def rule(rule_id: str) -> Rule:
    """Return the rule with id ``rule_id``; raise ``KeyError`` naming the known ids otherwise."""
    for candidate in rules():
        if candidate.id == rule_id:
            return candidate
    raise KeyError(f"no rule {rule_id!r}; known: {', '.join(r.id for r in rules())}")
