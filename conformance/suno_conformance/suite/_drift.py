"""Spec drift: values in answers that the spec's documented lists do not name.

The effective spec keeps upstream's documented lists as named enum components (``TaskStatus``, ``CallbackType``,
``ApiCode``, ``CallbackCode``) and, in responses, accepts them *or* any string/integer
(``anyOf: [{$ref: Enum}, {type: ...}]``, spec/ERRATA.md E-11): a status such as ``GENERATING`` conforms, but
means upstream has moved on. This module validates an answer against a *strict* copy of the spec in which those
``anyOf`` are collapsed to the enum, and reports every enum error as drift: the value, where it was, and the
documented list. Nothing here is written per field: new response-side enums of a regenerated spec are covered.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterator, Mapping
from typing import Any

import attrs
import jsonschema_rs

from suno_api.spec import effective_spec

_REF_PREFIX = "#/components/schemas/"


@attrs.frozen
class DriftFinding:
    """A value outside a documented list.

    Attributes:
        location: Where, as a dotted path into the body (``data.status``).
        value: The value found.
        enum: The name of the enum component that documents the list (``TaskStatus``).
        documented: The documented values.
    """

    location: str
    value: Any
    enum: str
    documented: tuple[Any, ...]

    def __str__(self) -> str:
        listed = ", ".join(map(str, self.documented))
        return f"`{self.location}` = {self.value!r} is not a documented {self.enum} ({listed})"


def _enum_ref(item: Any, schemas: Mapping[str, Any]) -> str | None:
    """Return the enum component an ``anyOf`` branch refers to, if it is one."""
    if not isinstance(item, Mapping):
        return None
    ref = item.get("$ref")
    if not isinstance(ref, str) or not ref.startswith(_REF_PREFIX):
        return None
    name = ref.removeprefix(_REF_PREFIX)
    return name if "enum" in schemas.get(name, {}) else None


def _collapse(node: Any, schemas: Mapping[str, Any]) -> None:
    """Rewrite, in place, every ``anyOf: [{$ref: Enum}, {type: ...}]`` as ``$ref: Enum``."""
    if isinstance(node, dict):
        branches = node.get("anyOf")
        if isinstance(branches, list) and len(branches) == 2:
            refs = [name for name in (_enum_ref(item, schemas) for item in branches) if name is not None]
            loose = [item for item in branches if _enum_ref(item, schemas) is None]
            if len(refs) == 1 and len(loose) == 1 and set(loose[0]) == {"type"}:
                del node["anyOf"]
                node["$ref"] = _REF_PREFIX + refs[0]
        for value in node.values():
            _collapse(value, schemas)
    elif isinstance(node, list):
        for value in node:
            _collapse(value, schemas)


@functools.cache
def _strict_components() -> Mapping[str, Any]:
    components = copy.deepcopy(dict(effective_spec()["components"]))
    _collapse(components, components["schemas"])
    return components


@functools.cache
def _strict_validator(schema_name: str) -> jsonschema_rs.Validator:
    document = {"$ref": _REF_PREFIX + schema_name, "components": _strict_components()}
    return jsonschema_rs.validator_for(document)


def strict_enums() -> Mapping[str, tuple[Any, ...]]:
    """Return the enum components that responses accept loosely, with their documented values."""
    schemas = effective_spec()["components"]["schemas"]
    found: dict[str, tuple[Any, ...]] = {}

    def visit(node: Any) -> None:
        if isinstance(node, Mapping):
            branches = node.get("anyOf")
            if isinstance(branches, list):
                for item in branches:
                    name = _enum_ref(item, schemas)
                    if name is not None:
                        found[name] = tuple(schemas[name]["enum"])
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(schemas)
    return found


def find_drift(instance: Any, schema_name: str) -> list[DriftFinding]:
    """Return every value of ``instance`` outside a documented list, validating it as ``schema_name``."""
    return list(_iter_drift(instance, schema_name))


def _enum_finding(error: jsonschema_rs.ValidationError, schemas: Mapping[str, Any]) -> DriftFinding | None:
    path = list(error.schema_path)
    if len(path) < 2 or path[-1] != "enum":
        return None
    enum_name = str(path[-2])
    enum_schema = schemas.get(enum_name, {})
    if "enum" not in enum_schema or not _has_type(error.instance, enum_schema.get("type")):
        # A value of the wrong type breaks the loose spec too: a failure for the schema check, not drift.
        return None
    location = ".".join(str(part) for part in error.instance_path) or "<body>"
    return DriftFinding(location, error.instance, enum_name, tuple(schemas[enum_name]["enum"]))


def _has_type(value: Any, declared: Any) -> bool:
    if declared is None:
        return True
    kinds = {
        "string": isinstance(value, str),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
    }
    names = declared if isinstance(declared, list) else [declared]
    return any(kinds.get(str(name), False) for name in names)


def _drift_only(errors: list[jsonschema_rs.ValidationError], schemas: Mapping[str, Any]) -> list[DriftFinding] | None:
    """Return the findings when every error is drift (so the loose spec accepts the value), else ``None``."""
    found: list[DriftFinding] = []
    for error in errors:
        finding = _enum_finding(error, schemas)
        if finding is not None:
            found.append(finding)
            continue
        nested = _branch_drift(error, schemas)
        if nested is None:
            return None
        found.extend(nested)
    return found


def _branch_drift(error: jsonschema_rs.ValidationError, schemas: Mapping[str, Any]) -> list[DriftFinding] | None:
    """For an ``anyOf`` error, return the findings of the first branch that fails by drift alone."""
    branches = getattr(error.kind, "context", None)
    if not isinstance(error.kind, jsonschema_rs.ValidationErrorKind.AnyOf) or not branches:
        return None
    for branch in branches:
        found = _drift_only(list(branch), schemas)
        if found is not None:
            return found
    return None


def _iter_drift(instance: Any, schema_name: str) -> Iterator[DriftFinding]:
    schemas = effective_spec()["components"]["schemas"]
    seen: set[tuple[str, str]] = set()
    for error in _strict_validator(schema_name).iter_errors(instance):
        finding = _enum_finding(error, schemas)
        found = [finding] if finding is not None else (_branch_drift(error, schemas) or [])
        for item in found:
            key = (item.location, repr(item.value))
            if key not in seen:
                seen.add(key)
                yield item
