"""Schema-guided coercion: make what the service really sends fit the effective spec's response schemas.

The generated models are typed from the effective spec but do not check what they are given: a wrong type
passes straight through (``status: 5``), and a missing required key raises ``KeyError``. Real payloads
(spec/UPSTREAM.md section 4) have unknown enum values, codes as strings, ``null`` where an object was promised,
placeholder tracks and extra fields. So every body goes through ``conform`` first, which walks the body
alongside the schema and makes each known field fit its declared type:

- scalars are coerced where the meaning is unambiguous (``"200"`` -> 200 for an integer, ``7`` -> ``"7"`` for a
  string, ``"119.1"`` -> 119.1 for a number); a value that cannot fit is dropped from the model (it stays in
  ``raw``) and logged at DEBUG;
- values outside a documented enum are kept as plain strings or integers (the generated models type response
  enums ``Enum | str``), never dropped and never an error;
- list items that are not objects are dropped; extra fields are kept in ``additional_properties``.

Nothing here names a generated class or enum member, so a regenerated package that drops one cannot break it.
"""

from __future__ import annotations

import enum
import json
import logging
import math
import re
import reprlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

from suno_api._spec import schema

logger = logging.getLogger("suno_api")

short = reprlib.Repr()
short.maxstring = 40
short.maxother = 40


class Invalid(enum.Enum):
    """Marks a value that cannot fit its schema (a sentinel that mypy can narrow)."""

    INVALID = enum.auto()


INVALID: Final = Invalid.INVALID
NON_EMPTY_STRING: Final[Mapping[str, Any]] = {"type": "string", "minLength": 1}
_INTEGER_TEXT: Final = re.compile(r"-?[0-9]{1,18}")
_REF_PREFIX = "#/components/schemas/"


def _resolve(node: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith(_REF_PREFIX):
        return schema(ref.removeprefix(_REF_PREFIX))
    return node


def _as_string(value: Any) -> Any:
    if isinstance(value, str):
        return value
    # A number where a string is declared (an id sent as 7): its text is unambiguous. Not so for bool or null.
    number = isinstance(value, int | float) and not isinstance(value, bool)
    return str(value) if number and (not isinstance(value, float) or math.isfinite(value)) else INVALID


def _as_integer(value: Any) -> Any:
    # 1763169558062 (milliseconds), "200", 200.0; not True, not 1.5, not a 400-digit monster.
    if isinstance(value, bool):
        return INVALID
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    elif isinstance(value, str):
        value = int(value) if _INTEGER_TEXT.fullmatch(value.strip()) else INVALID
    return value if isinstance(value, int) and abs(value) < 2**63 else INVALID


def _as_number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return INVALID
    try:
        # float() of a str accepts "119.1"; of a huge int (JSON allows 400 digits) it overflows.
        number = float(value.strip() if isinstance(value, str) else value)
    except (ValueError, OverflowError):
        return INVALID
    return number if math.isfinite(number) else INVALID


_SCALARS: Final[Mapping[str, Callable[[Any], Any]]] = {
    "string": _as_string,
    "integer": _as_integer,
    "number": _as_number,
    "boolean": lambda value: value if isinstance(value, bool) else INVALID,
    "null": lambda value: None if value is None else INVALID,
}


def _first_fit(value: Any, branches: Iterable[Mapping[str, Any]], path: str) -> Any:
    """Return ``value`` conformed to the first branch it fits, in order, or ``INVALID``."""
    for branch in branches:
        conformed = conform(value, branch, path)
        if conformed is not INVALID:
            return conformed
    return INVALID


def _conform_leaf(value: Any, node: Mapping[str, Any]) -> Any:
    kind = node.get("type")
    conformed = _SCALARS[kind](value) if isinstance(kind, str) and kind in _SCALARS else value
    fits = (
        conformed is not INVALID
        and ("enum" not in node or conformed in node["enum"])
        and (not isinstance(conformed, str) or len(conformed) >= node.get("minLength", 0))
    )
    return conformed if fits else INVALID


def conform(value: Any, node: Mapping[str, Any], path: str = "") -> Any:
    """Return ``value`` made to fit the schema ``node``, or ``INVALID`` when it cannot."""
    node = _resolve(node)
    kinds = node.get("type")
    if "anyOf" in node:
        # The enum branch comes first and the open `string`/`integer` one after it: an undocumented value
        # falls through to the open branch and is kept as it came.
        return _first_fit(value, node["anyOf"], path)
    if isinstance(kinds, list):
        return _first_fit(value, ({**node, "type": kind} for kind in kinds), path)
    if kinds == "object" or "properties" in node:
        return _conform_object(value, node, path)
    if kinds == "array":
        return _conform_array(value, node, path)
    return _conform_leaf(value, node)


def _conform_object(value: Any, node: Mapping[str, Any], path: str) -> Any:
    if not isinstance(value, Mapping):
        return INVALID
    properties: Mapping[str, Any] = node.get("properties", {})
    result: dict[str, Any] = {}
    for key, item in value.items():
        if not isinstance(key, str):
            continue
        if key not in properties:
            result[key] = item  # extra fields are kept: the generated models put them in additional_properties
            continue
        conformed = conform(item, properties[key], f"{path}.{key}")
        if conformed is INVALID:
            # A JSON null for an optional field means "absent"; anything else is worth a line when debugging.
            if item is not None:
                logger.debug("decoding: dropped %s=%s, which does not fit the spec", f"{path}.{key}", short.repr(item))
            continue
        result[key] = conformed
    if any(required not in result for required in node.get("required", ())):
        return INVALID
    return result


def _conform_array(value: Any, node: Mapping[str, Any], path: str) -> Any:
    if not isinstance(value, list):
        return INVALID
    items = node.get("items", {})
    conformed = [conform(item, items, f"{path}[{index}]") for index, item in enumerate(value)]
    return [item for item in conformed if item is not INVALID]


def conform_named(value: Any, name: str, path: str) -> dict[str, Any] | None:
    """Return ``value`` conformed to the component schema ``name``, or ``None`` when it cannot fit."""
    conformed = conform(value, {"$ref": _REF_PREFIX + name}, path)
    return conformed if isinstance(conformed, dict) else None


def non_empty_string(value: Any) -> str | None:
    """Return ``value`` as a non-empty string (an id sent as a number becomes its text), else ``None``."""
    conformed = conform(value, NON_EMPTY_STRING)
    return conformed if isinstance(conformed, str) else None


def load_json(content: bytes | str) -> object:
    """Return the decoded JSON, or ``INVALID`` when ``content`` is not JSON."""
    try:
        return json.loads(content)
    except (ValueError, RecursionError):
        # ValueError covers JSONDecodeError, UnicodeDecodeError and int() digit limits; RecursionError covers
        # absurd nesting.
        return INVALID


# Unknown statuses and stages count as failures when their name says so (spec/UPSTREAM.md section 4 shows
# `FAILED` and `failed`); the documented failure statuses all say so too (CREATE_TASK_FAILED,
# GENERATE_AUDIO_FAILED, CALLBACK_EXCEPTION, SENSITIVE_WORD_ERROR), so no member of the generated enum is named.
_FAILURE_WORDS: Final = ("FAIL", "ERROR", "EXCEPTION")


def status_means_failure(status: str) -> bool:
    """Return whether a task status or callback stage names a failure (documented or not)."""
    upper = status.upper()
    return any(word in upper for word in _FAILURE_WORDS)
