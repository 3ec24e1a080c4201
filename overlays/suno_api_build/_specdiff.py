"""Compare two effective specs: what changes in the API surface, whether the overlays still apply, rules coverage.

Upstream republishes its page from time to time. Before regenerating, a user wants to know what the client
will change, whether our overlays still fit the new spec, and whether the rules still cover it. This module
compares EFFECTIVE specs (a vendored spec with ``overlays/`` applied, as ``_build`` makes them), because that is
what the generated client and the runtime rules are made from.

Run it as ``python -m suno_api_build diff [OLD] NEW [--json]`` (``make spec-diff NEW=path``) or, for the rules
coverage of one spec alone, ``python -m suno_api_build coverage [SPEC]`` (``python -m suno_api_build._specdiff
OLD NEW`` and ``--coverage [SPEC]`` still work). A path whose name ends with ``.effective.json`` (as
``generated/suno-api.effective.json``) is read as an effective spec already; any other is a vendored spec to
which the overlays are applied (the checkout's, or the copies an installed wheel ships: see ``_sources``). A
vendored OpenAPI 3.0 document is upgraded to 3.1 first (``_build.load_vendored``; the report notes it). When both
sides are vendored, upstream's enums that the overlays discard (record-info's own code list) are compared too.
A dead overlay action gets advice: delete it, or retarget it and to what (``_advice``).

Exit codes:

- 0: no change in the API surface; the overlays apply cleanly and the rules cover NEW.
- 1: the API surface changed; the overlays apply cleanly and the rules cover NEW. Review the changes, vendor NEW
  as ``spec/suno-api.yaml``, then ``make generate``.
- 2: the overlays need editing first: an action matches nothing in NEW, a single-item ``allOf`` wrapper is left
  that no action flattens, the effective spec is invalid, or rules coverage fails.
- 3: nothing was compared: bad arguments, an unreadable file, or a NEW/OLD that is not valid OpenAPI.

A field, parameter or enum value that NEW spells otherwise, in the same place and with the same schema, is one
``renamed`` change (``_pairing`` says which spellings are alike; an ambiguous pairing stays a removal and an
addition), and a callback whose URL expression follows such a rename is one ``moved`` change, as a moved
operation is.

Every change carries a label for code that uses the client (``_labels``: breaking, possibly-breaking, safe, as
oasdiff's ERR/WARN/INFO); the report opens with the counts per label. ``fail_on`` (``--fail-on``) narrows exit
1: with ``breaking`` only a breaking change exits 1, with ``possibly-breaking`` a breaking or possibly-breaking
one, and a diff with none of them exits 0; ``any`` (the default) is the rule above. Exit 2 and 3 are unchanged:
they win over any change, whatever ``fail_on`` says.

The public API (re-exported by the package) is ``diff_report`` and ``coverage_report``: each returns a result
with ``exit_code``, ``text()`` and ``to_json()`` (``DiffReport``, ``CoverageReport``, or ``NotCompared`` for exit
3), and never raises for a bad input. Underneath: ``load_effective`` -> ``diff_specs`` -> ``SpecDiff``;
``compare`` does all of it for two paths and adds overlay health and coverage.
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

import attrs

from suno_api_build import _advice, _build, _labels, _names, _pairing, _sources
from suno_api_build._coverage import NORMALISE_OVERLAY, NUMERIC_BOUNDS, Gap, check_coverage, read_errata

EXIT_NO_CHANGE = 0
EXIT_CHANGED = 1
EXIT_OVERLAYS_NEED_EDIT = 2
EXIT_ERROR = 3

EFFECTIVE_SUFFIX = ".effective.json"
"""A file named like this is an effective spec already (``_build`` writes ``suno-api.effective.json``)."""

SECTIONS = {
    "server": "Servers",
    "security": "Security schemes",
    "operation": "Operations",
    "parameter": "Parameters",
    "request": "Request bodies",
    "response": "Responses",
    "schema": "Schemas and enums",
    "field": "Fields",
    "rule": "Rules (overlays/rules.overlay.yaml)",
    "vendored": "Upstream lists the overlays discard (compared in the vendored specs)",
}
"""The parts of the surface a ``Change`` can be about, in report order, with their report titles."""

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_BOUNDS = (*NUMERIC_BOUNDS, "pattern")
_VALUE_SETS = ("enum", "x-rule-models")
"""Facts compared value by value: a change lists the values added and removed."""

Facts = dict[str, Any]
Surface = dict[tuple[str, str], Facts]
"""(section, location) -> what the spec says there that a client depends on."""


# --- the surface of one effective spec


def _unwrap(schema: Any) -> Any:
    """Return what a single-item inline ``allOf`` wrapper (upstream's quirk) stands for, else ``schema``."""
    while isinstance(schema, Mapping):
        all_of = schema.get("allOf")
        if not (
            isinstance(all_of, list)
            and len(all_of) == 1
            and isinstance(all_of[0], Mapping)
            and "$ref" not in all_of[0]
            and "x-rule-id" not in all_of[0]
        ):
            break
        schema = {**{key: value for key, value in schema.items() if key != "allOf"}, **all_of[0]}
    return schema


def _kind(schema: Any) -> str:
    """Summarise a schema's type: ``string``, ``SunoModel`` (a $ref), ``number | null``, ``array of X``.

    Null comes last however it is written: OpenAPI 3.0's ``nullable: true``, a 3.1 type list, or an ``anyOf``
    branch, so that the same type written the 3.0 and the 3.1 way compares equal.
    """
    schema = _unwrap(schema)
    if not isinstance(schema, Mapping):
        return "any"
    parts = _kind_parts(schema)
    if schema.get("nullable") is True:
        parts.append("null")
    unique = list(dict.fromkeys(parts))
    return " | ".join([part for part in unique if part != "null"] + (["null"] if "null" in unique else []))


def _kind_parts(schema: Mapping[str, Any]) -> list[str]:
    if "$ref" in schema:
        return [str(schema["$ref"]).rsplit("/", 1)[-1]]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return [part for item in schema[key] for part in _kind(item).split(" | ")]
    all_of = schema.get("allOf")
    if "type" not in schema and isinstance(all_of, list) and len(all_of) == 1:
        return _kind(all_of[0]).split(" | ")  # 3.0's way to make a $ref nullable: allOf: [$ref], nullable: true
    kind = schema.get("type")
    if isinstance(kind, list):
        return [str(part) for part in kind]
    if kind == "array":
        return [f"array of {_kind(schema.get('items'))}"]
    return ["any" if kind is None else str(kind)]


def _schema_facts(schema: Any) -> Facts:
    schema = _unwrap(schema)
    if not isinstance(schema, Mapping):
        return {}
    facts: Facts = {"type": _kind(schema)}
    facts.update({key: schema[key] for key in ("format", "const", "default") if key in schema})
    if "enum" in schema:
        facts["enum"] = list(schema["enum"])
    facts.update({key: schema[key] for key in _BOUNDS if key in schema})
    if schema.get("deprecated"):
        facts["deprecated"] = True
    return facts


def _add_rule(surface: Surface, rule: Mapping[str, Any]) -> None:
    facts: Facts = {"x-rule-field": rule.get("x-rule-field")}
    if "x-rule-models" in rule:
        facts["x-rule-models"] = list(rule["x-rule-models"])
    for part in (rule, rule.get("then")):
        properties = part.get("properties", {}) if isinstance(part, Mapping) else {}
        for field, schema in properties.items():
            if isinstance(schema, Mapping):
                facts.update({f"{field} {key}": schema[key] for key in _BOUNDS if key in schema})
    if "x-max-duration-seconds" in rule:
        facts["x-max-duration-seconds"] = rule["x-max-duration-seconds"]
    surface["rule", str(rule.get("x-rule-id"))] = facts


def _add_members(surface: Surface, location: str, schema: Mapping[str, Any]) -> None:
    """Add the fields of an inline object schema (and of its inline branches and items) under ``location``."""
    required = set(schema.get("required", []))
    for name, member in schema.get("properties", {}).items():
        _add_schema(surface, "field", f"{location}.{name}", member, required=name in required)
    items = _unwrap(schema.get("items"))
    if isinstance(items, Mapping) and "$ref" not in items:
        _add_members(surface, f"{location}[]", items)
    for key in ("allOf", "anyOf", "oneOf"):
        for item in map(_unwrap, schema.get(key, [])):
            if not isinstance(item, Mapping) or "$ref" in item:
                continue
            if "x-rule-id" in item:
                _add_rule(surface, item)
            else:
                _add_members(surface, location, item)
    for rule in schema.get("x-audio-rules", []):
        _add_rule(surface, rule)


def _add_schema(surface: Surface, section: str, location: str, schema: Any, required: bool | None = None) -> None:
    schema = _unwrap(schema)
    if not isinstance(schema, Mapping):
        return
    facts = _schema_facts(schema)
    surface[section, location] = facts if required is None else {"required": required, **facts}
    _add_members(surface, location, schema)


def _resolve(document: Mapping[str, Any], node: Any) -> Any:
    """Follow a local ``$ref`` (``#/components/...``) of a parameter, request body or response."""
    ref = node.get("$ref") if isinstance(node, Mapping) else None
    if not isinstance(ref, str) or not ref.startswith("#/"):
        return node
    target: Any = document
    for part in ref[2:].split("/"):
        target = target.get(part.replace("~1", "/").replace("~0", "~"), {}) if isinstance(target, Mapping) else {}
    return target


def _add_content(surface: Surface, location: str, content: Mapping[str, Any], facts: Facts) -> None:
    for media, entry in content.items():
        schema = _unwrap(entry.get("schema")) if isinstance(entry, Mapping) else None
        facts[media] = _kind(schema)
        if isinstance(schema, Mapping) and "$ref" not in schema:
            _add_members(surface, location, schema)


def _add_operations(surface: Surface, document: Mapping[str, Any], paths: Any, suffix: str = "") -> None:
    """Add the operations of a ``paths`` (or callback) mapping; ``suffix`` says whose callback they are."""
    for path, item in (paths or {}).items():
        if not isinstance(item, Mapping):
            continue
        for method in _METHODS:
            operation = item.get(method)
            if not isinstance(operation, Mapping):
                continue
            label = f"{method.upper()} {path}{suffix}"
            facts: Facts = {"operationId": operation.get("operationId")}
            if operation.get("deprecated"):
                facts["deprecated"] = True
            surface["operation", label] = facts
            for declared in [*item.get("parameters", []), *operation.get("parameters", [])]:
                parameter = _resolve(document, declared)
                surface["parameter", f"{label} {parameter.get('in')} {parameter.get('name')}"] = {
                    "required": bool(parameter.get("required")),
                    **_schema_facts(parameter.get("schema")),
                }
            body = _resolve(document, operation.get("requestBody"))
            if isinstance(body, Mapping):
                body_facts: Facts = {"required": bool(body.get("required"))}
                _add_content(surface, f"{label} request", body.get("content", {}), body_facts)
                surface["request", label] = body_facts
            for code, response in operation.get("responses", {}).items():
                response_facts: Facts = {}
                content = _resolve(document, response).get("content", {})
                _add_content(surface, f"{label} {code}", content, response_facts)
                surface["response", f"{label} {code}"] = response_facts
            for name, callback in operation.get("callbacks", {}).items():
                _add_operations(surface, document, callback, f" (callback {name} of {method.upper()} {path})")


def surface(document: Mapping[str, Any]) -> Surface:
    """Return what a client depends on in ``document``, keyed by (section, location).

    That is: servers, security schemes, operations, parameters, request bodies, responses, component schemas,
    their fields, enums and bounds, and the overlays' rules. Descriptions and examples are left out.
    """
    found: Surface = {}
    for server in document.get("servers", []):
        found["server", str(server.get("url"))] = {}
    components = document.get("components", {})
    for name, scheme in components.get("securitySchemes", {}).items():
        keys = ("type", "scheme", "in", "name", "bearerFormat")
        found["security", name] = {key: scheme[key] for key in keys if key in scheme}
    _add_operations(found, document, document.get("paths"))
    for name, schema in components.get("schemas", {}).items():
        _add_schema(found, "schema", name, schema)
    return found


# --- comparing two surfaces


def _show(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return " | ".join(map(_show, value))
    return json.dumps(value)


def _summary(facts: Facts) -> str:
    parts = []
    for key, value in facts.items():
        if key == "required":
            parts.append("required" if value else "optional")
        elif key == "type":
            parts.append(str(value))
        elif value is not None:
            parts.append(f"{key} {_show(value)}")
    return ", ".join(parts)


@attrs.frozen
class Change:
    """One change in the API surface.

    ``kind`` is ``added`` or ``removed`` (the whole ``location``: an operation, a field, a response code, a
    rule...), ``moved`` (an operation found by its id at another path or method, or a callback under another
    expression: ``old`` and ``new`` are its labels), ``renamed`` (a field or parameter at ``location`` that NEW
    spells ``new``, with the same schema: ``old`` and ``new`` are the names, ``facts`` what it keeps),
    ``changed`` (one ``aspect`` of it: ``required``, ``type``, ``maxLength``, ``x-max-duration-seconds`` ...;
    ``old`` or ``new`` is None when the aspect is absent on that side), or ``value-added``/``value-removed``/
    ``value-renamed`` (one value of an ``enum`` or of a rule's ``x-rule-models``).
    """

    section: str
    """A key of ``SECTIONS``."""
    location: str
    """``UploadExtendRequest.prompt``, ``SunoModel``, ``POST /api/v1/generate/upload-extend 200``, a rule id..."""
    kind: str
    aspect: str | None = None
    old: Any = None
    new: Any = None
    facts: Facts | None = None
    """For a rename: what the field or parameter is on both sides (``required``, ``type``...)."""

    def describe(self) -> str:  # noqa: PLR0911 - one return per kind of change
        """Say what changed at ``location``, without naming it."""
        if self.kind == "renamed":
            return f"renamed to {self.new}"
        if self.kind == "value-renamed":
            return f"{self.aspect} {_show(self.old)} renamed to {_show(self.new)}"
        if self.kind in ("added", "removed"):
            summary = _summary(self.new) if self.kind == "added" and self.new else ""
            return f"{self.kind} ({summary})" if summary else self.kind
        if self.kind == "moved":
            return f"moved from {self.old}"
        if self.kind in ("value-added", "value-removed"):
            sign, value = ("+", self.new) if self.kind == "value-added" else ("-", self.old)
            return f"{self.aspect} {sign} {_show(value)}"
        if self.aspect == "required":
            return "now required" if self.new else "now optional"
        if self.old is None or self.new is None:
            present = self.new if self.old is None else self.old
            return f"{self.aspect} {'added' if self.old is None else 'removed'} ({_show(present)})"
        return f"{self.aspect} {_show(self.old)} -> {_show(self.new)}"

    def to_dict(self) -> dict[str, Any]:
        """Return the change as JSON-ready data."""
        data = attrs.asdict(self)
        if self.facts is None:
            del data["facts"]  # only a rename has them
        return {**data, "description": f"{self.location}: {self.describe()}"}


def _fact_changes(section: str, location: str, old: Facts, new: Facts) -> Iterator[Change]:
    for aspect in dict.fromkeys([*old, *new]):
        before, after = old.get(aspect), new.get(aspect)
        if before == after:
            continue
        if aspect in _VALUE_SETS and isinstance(before, list) and isinstance(after, list):
            for value in after:
                if value not in before:
                    yield Change(section, location, "value-added", aspect, new=value)
            for value in before:
                if value not in after:
                    yield Change(section, location, "value-removed", aspect, old=value)
        else:
            yield Change(section, location, "changed", aspect, before, after)


@attrs.frozen
class SpecDiff:
    """The changes from one effective spec's API surface to another's, in report order, each with its label."""

    changes: tuple[Change, ...]
    labels: tuple[_labels.Label, ...] = attrs.field(default=())
    """One per change (see ``_labels``); empty when the diff was built without the documents."""

    def __bool__(self) -> bool:
        return bool(self.changes)

    def extended(self, changes: Sequence[Change], old: Mapping[str, Any], new: Mapping[str, Any]) -> SpecDiff:
        """Return this diff with ``changes`` appended, labelled with the sides ``old`` and ``new`` use schemas on."""
        sides = _labels.schema_sides(old, new)
        labels = tuple(_labels.label_change(change, sides) for change in changes)
        return SpecDiff((*self.changes, *changes), (*self.labels, *labels))

    def label_of(self, index: int) -> _labels.Label | None:
        """Return the label of ``changes[index]``, if labelled."""
        return self.labels[index] if index < len(self.labels) else None

    def summary(self) -> dict[str, int]:
        """Return the number of changes per label, worst first (every label, zeros included)."""
        counts = dict.fromkeys(_labels.LABELS, 0)
        for label in self.labels:
            counts[label.label] += 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        """Return the diff as JSON-ready data: the summary, then each change with its label."""
        changes = []
        for index, change in enumerate(self.changes):
            entry = change.to_dict()
            label = self.label_of(index)
            if label is not None:
                entry.update(label=label.label, label_rule=label.event, label_side=label.side, label_why=label.why)
            changes.append(entry)
        summary = {label.replace("-", "_"): count for label, count in self.summary().items()}  # snake_case keys
        return {"summary": summary, "changes": changes}

    def summary_text(self) -> list[str]:
        """Return the summary lines: counts per label, and what each label present means."""
        counts = self.summary()
        lines = [f"API surface: {len(self.changes)} change(s): " + ", ".join(f"{n} {k}" for k, n in counts.items())]
        lines.extend(f"  {label}: {_labels.MEANING[label]}" for label, count in counts.items() if count)
        return lines

    def to_text(self) -> str:
        """Return the diff for people: the summary, then one line per changed location, grouped by section."""
        if not self.changes:
            return "API surface: no change\n"
        lines = self.summary_text()
        for section, title in SECTIONS.items():
            at: dict[str, list[tuple[Change, str | None]]] = {}
            for index, change in enumerate(self.changes):
                if change.section == section:
                    label = self.label_of(index)
                    at.setdefault(change.location, []).append((change, label and label.label))
            if at:
                lines.append(f"  {title}")
                lines.extend(f"    {location}: {'; '.join(_fragments(changes))}" for location, changes in at.items())
        return "\n".join(lines) + "\n"

    def to_markdown(self) -> list[str]:
        """Return the diff as Markdown lines: a summary table, then one table row per change."""
        if not self.changes:
            return ["**API surface:** no change"]
        counts = self.summary()
        lines = ["| label | changes | what it means |", "| --- | ---: | --- |"]
        lines.extend(f"| {label} | {counts[label]} | {_labels.MEANING[label]} |" for label in _labels.LABELS)
        lines.extend(["", "| label | where | change | why |", "| --- | --- | --- | --- |"])
        order = list(_labels.LABELS)
        rows = sorted(
            range(len(self.changes)),
            key=lambda index: order.index(label.label) if (label := self.label_of(index)) else len(order),
        )
        for index in rows:
            change, label = self.changes[index], self.label_of(index)
            cells = [
                label.label if label else "",
                f"`{_md(change.location)}`",
                _md(change.describe()),
                _md(label.why) if label else "",
            ]
            lines.append("| " + " | ".join(cells) + " |")
        return lines


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _fragments(changes: list[tuple[Change, str | None]]) -> Iterator[str]:
    """Describe the changes at one location, folding runs of enum values into one ``enum + A, + B [label]``."""
    pending: list[str] = []
    key: tuple[str | None, str | None] = (None, None)

    def tagged() -> str:
        return ", ".join(pending) + (f" [{key[1]}]" if key[1] else "")

    for change, label in changes:
        if change.kind in ("value-added", "value-removed") and pending and (change.aspect, label) == key:
            pending.append(change.describe().removeprefix(f"{change.aspect} "))
            continue
        if pending:
            yield tagged()
        pending, key = [change.describe()], (change.aspect, label)
    if pending:
        yield tagged()


def _operation_moves(before: Surface, after: Surface) -> dict[str, str]:
    """Return old label -> new label for each operation id found at one place before and at another after."""
    removed: dict[Any, list[str]] = {}
    added: dict[Any, list[str]] = {}
    for side, other, found in ((before, after, removed), (after, before, added)):
        for (section, location), facts in side.items():
            if section == "operation" and facts.get("operationId") and (section, location) not in other:
                found.setdefault(facts["operationId"], []).append(location)
    return {
        removed[key][0]: added[key][0]
        for key in removed.keys() & added.keys()
        if len(removed[key]) == 1 and len(added[key]) == 1
    }


def _moved_location(location: str, moves: Mapping[str, str]) -> str:
    """Rename ``location`` when it belongs to a moved operation (its parameters, body, responses, callbacks)."""
    for old, new in moves.items():
        if location == old or location.startswith(f"{old} "):
            return new + location[len(old) :]
        if location.endswith(f" of {old})"):
            return location[: -len(f"{old})")] + f"{new})"
    return location


def _under_operation(location: str, label: str) -> bool:
    return location == label or location.startswith(f"{label} ") or location.endswith(f" of {label})")


def _under_field(location: str, field: str) -> bool:
    return location == field or location.startswith((f"{field}.", f"{field}["))


def _renamed_location(location: str, renames: Mapping[str, str]) -> str:
    """Rename ``location`` when it is a renamed field or parameter, or lies under a renamed field."""
    for old, new in renames.items():
        if _under_field(location, old):
            return new + location[len(old) :]
    return location


def _relabelled(surface: Surface, rename: Callable[[str], str]) -> Surface:
    return {(section, rename(location)): facts for (section, location), facts in surface.items()}


def _same_subtree(
    before: Surface,
    after: Surface,
    old: str,
    new: str,
    *,
    under: Callable[[str, str], bool],
    rename: Callable[[str], str],
) -> bool:
    """Whether everything ``before`` has at or under ``old`` is, renamed, what ``after`` has at or under ``new``."""
    was = {(section, rename(location)): facts for (section, location), facts in before.items() if under(location, old)}
    now = {key: facts for key, facts in after.items() if under(key[1], new)}
    return was == now


def _callback_parts(label: str) -> tuple[str, str, str] | None:
    """Split ``POST {$request.body#/x} (callback name of POST /path)`` into method, expression, and whose it is."""
    method, _, rest = label.partition(" ")
    expression, marker, owner = rest.partition(" (callback ")
    return (method, expression, owner) if marker else None


def _callback_moves(before: Surface, after: Surface) -> dict[str, str]:
    """Return old label -> new label for each callback that NEW calls under another, similar, expression.

    The same callback (name, method and operation) whose whole surface is unchanged, its URL read from a
    renamed field (``{$request.body#/callBackUrl}`` -> ``{$request.body#/callbackUrl}``): one move.
    """
    gone = [location for section, location in before if section == "operation" and ("operation", location) not in after]
    came = [location for section, location in after if section == "operation" and ("operation", location) not in before]
    parts = {label: _callback_parts(label) for label in [*gone, *came]}

    def same(old: str, new: str) -> bool:
        was, now = parts[old], parts[new]
        if was is None or now is None or (was[0], was[2]) != (now[0], now[2]):
            return False
        rename = functools.partial(_moved_location, moves={old: new})
        return _same_subtree(before, after, old, new, under=_under_operation, rename=rename)

    return _pairing.pair(
        [label for label in gone if parts[label]],
        [label for label in came if parts[label]],
        name=lambda label: (parts[label] or ("", label, ""))[1],
        same=same,
    )


def _split_name(section: str, location: str) -> tuple[str, str] | None:
    """Return (parent, name) of a field (``Parent.name``) or parameter (``LABEL in name``) location."""
    separator = {"field": ".", "parameter": " "}.get(section)
    if separator is None or separator not in location:
        return None
    parent, _, name = location.rpartition(separator)
    return parent, name


def _field_renames(before: Surface, after: Surface) -> dict[tuple[str, str], str]:
    """Return (section, old location) -> new location for each field or parameter NEW spells otherwise.

    A rename is a name gone from a parent and a new one in the same parent, spelled nearly the same
    (``_pairing``), with the same schema (every fact, and everything under it; descriptions are not facts),
    the pairing unique both ways; anything less certain stays a removal and an addition.
    """
    found: dict[tuple[str, str], str] = {}
    for section in ("field", "parameter"):
        gone = [key for key in before if key[0] == section and key not in after and _split_name(*key)]
        came = [key for key in after if key[0] == section and key not in before and _split_name(*key)]

        def same(old: tuple[str, str], new: tuple[str, str]) -> bool:
            if (_split_name(*old) or ("", ""))[0] != (_split_name(*new) or ("", ""))[0]:
                return False
            if old[0] == "parameter":
                return before[old] == after[new]
            rename = functools.partial(_renamed_location, renames={old[1]: new[1]})
            return _same_subtree(before, after, old[1], new[1], under=_under_field, rename=rename)

        pairs = _pairing.pair(gone, came, name=lambda key: (_split_name(*key) or ("", ""))[1], same=same)
        found.update({old: new[1] for old, new in pairs.items()})
    return found


def _value_renames(changes: list[Change]) -> list[Change]:
    """Fold each enum value removed and the one similar value added to the same list into one ``value-renamed``."""
    gone = [change for change in changes if change.kind == "value-removed" and isinstance(change.old, str)]
    came = [change for change in changes if change.kind == "value-added" and isinstance(change.new, str)]
    pairs = _pairing.pair(
        gone,
        came,
        name=lambda change: str(change.old if change.kind == "value-removed" else change.new),
        same=lambda old, new: (old.section, old.location, old.aspect) == (new.section, new.location, new.aspect),
    )
    renamed = {id(new): old for old, new in pairs.items()}
    dropped = {id(old) for old in pairs}
    folded = []
    for change in changes:
        if id(change) in dropped:
            continue
        was = renamed.get(id(change))
        folded.append(
            change
            if was is None
            else Change(change.section, change.location, "value-renamed", change.aspect, was.old, change.new)
        )
    return folded


def diff_specs(old: Mapping[str, Any], new: Mapping[str, Any]) -> SpecDiff:
    """Return the API surface changes from the effective spec ``old`` to the effective spec ``new``.

    An operation whose ``operationId`` is found at another path or method, or a callback found under another
    expression, is one ``moved`` change; what is under it (parameters, request body, responses, callbacks) is
    compared at its new place. A field, parameter or enum value that NEW spells otherwise, and nothing else
    about it changed, is one ``renamed`` (``value-renamed``) change (see ``_field_renames``).
    """
    before, after = surface(old), surface(new)
    moves = _operation_moves(before, after)
    before = _relabelled(before, lambda location: _moved_location(location, moves))
    callbacks = _callback_moves(before, after)
    before = _relabelled(before, lambda location: _moved_location(location, callbacks))
    moves.update(callbacks)
    renames = _field_renames(before, after)
    by_location = {old_location: new_location for (_, old_location), new_location in renames.items()}
    renamed = {
        (section, new_location): Change(
            section,
            old_location,
            "renamed",
            "name",
            (_split_name(section, old_location) or ("", old_location))[1],
            (_split_name(section, new_location) or ("", new_location))[1],
            facts=after[section, new_location],
        )
        for (section, old_location), new_location in renames.items()
    }
    before = _relabelled(before, lambda location: _renamed_location(location, by_location))
    keys = [*after, *(key for key in before if key not in after)]
    order = list(SECTIONS)
    changes: list[Change] = [
        Change("operation", new_label, "moved", "location", old_label, new_label)
        for old_label, new_label in moves.items()
    ]
    for section, location in sorted(keys, key=lambda key: order.index(key[0])):
        if (section, location) in renamed:
            changes.append(renamed[section, location])
        if (section, location) not in after:
            changes.append(Change(section, location, "removed", old=before[section, location]))
        elif (section, location) not in before:
            changes.append(Change(section, location, "added", new=after[section, location]))
        else:
            changes.extend(_fact_changes(section, location, before[section, location], after[section, location]))
    changes = _value_renames(changes)
    sides = _labels.schema_sides(old, new)
    return SpecDiff(tuple(changes), tuple(_labels.label_change(change, sides) for change in changes))


# --- effective specs and overlay health


@attrs.frozen
class OverlayProblem:
    """Something in the overlays that keeps the build from making a client of a spec."""

    overlay: str | None
    """The overlay document to edit (``overlays/normalise.overlay.yaml``); None when no single one is to blame."""
    action: int | None
    """The broken action's position in the document's ``actions``; None for a missing action."""
    target: str | None
    message: str
    suggestion: str | None = None
    """YAML for an action that would fix it, when one can be derived."""
    advice: str | None = None
    """For a dead action: delete it, or retarget it (and to what), see ``_advice``."""

    def __str__(self) -> str:
        where = self.overlay or "the effective spec"
        if self.action is not None:
            where += f": action {self.action} (target {self.target!r})"
        return f"{where}: {self.message}" + (f"; {self.advice}" if self.advice else "")

    def to_dict(self) -> dict[str, Any]:
        """Return the problem as JSON-ready data."""
        return attrs.asdict(self)


@attrs.frozen
class EffectiveSpec:
    """An effective spec and where it came from."""

    source: Path
    document: dict[str, Any] = attrs.field(repr=False)
    overlays: Path | None
    """The overlays applied to ``source``; None when ``source`` was an effective spec already."""
    problems: tuple[OverlayProblem, ...] = ()
    """What kept the overlays from applying cleanly; the document has every action that did match applied."""
    vendored: dict[str, Any] | None = attrs.field(default=None, repr=False, eq=False)
    """The document before the overlays (None for an effective spec): for the lists the overlays discard."""
    notes: tuple[str, ...] = ()
    """What was done to the document that needs no edit (an OpenAPI 3.0 document upgraded to 3.1)."""

    def describe(self) -> str:
        """Say what the document was made of."""
        source = _display(self.source)
        return source if self.overlays is None else f"{source} + {_display(self.overlays)}/"


def _display(path: Path) -> str:
    """Return ``path`` relative to the working directory when it is under it (shorter reports), else as is."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _jsonpath(path: Sequence[str | int]) -> str:
    """Write a path the way the overlays do: ``$.paths['/api/...'].post.requestBody.content['application/json']``."""
    parts = []
    for part in path:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(f".{part}" if _IDENTIFIER.match(part) else f"[{part!r}]")
    return "$" + "".join(parts)


def _at(document: Any, path: Sequence[str | int]) -> Any:
    for part in path:
        document = document[part]
    return document


def _leftover_wrappers(spec: dict[str, Any], effective: dict[str, Any], overlays: str) -> Iterator[OverlayProblem]:
    """Report each single-item ``allOf`` wrapper the overlays leave, with the flatten action that removes it.

    The action targets the wrapper where upstream's spec has it (found by its content), like the normalise
    overlay's own flatten actions, so it belongs with them: before the actions that copy inline schemas into
    components. A wrapper not found in upstream's spec gets an action on its effective location, to append.
    """
    upstream = list(_build.single_all_of_wrappers(spec))
    suggested: set[str] = set()
    for path in _build.single_all_of_wrappers(effective):
        node = _at(effective, path)
        origins = [origin for origin in upstream if _at(spec, origin) == node]
        target = _jsonpath(origins[0] if origins else path)
        if target in suggested:
            continue
        suggested.add(target)
        placement = "after the last flatten action" if origins else "at the end"
        yield OverlayProblem(
            f"{overlays}/{Path(NORMALISE_OVERLAY).name}",
            None,
            target,
            f"{_jsonpath(path)} is a single-item inline allOf wrapper (the generator makes an empty class of it);"
            f" add this flatten action {placement}:",
            f'  - target: "{target}"\n    copy: "{target}.allOf[0]"\n',
        )


def _name_problems(effective: Mapping[str, Any], overlays_dir: Path) -> Iterator[OverlayProblem]:
    """One problem per ``x-names`` role that does not resolve in ``effective``, with the code that uses it."""
    dead = _names.dead_names(effective, overlays_dir.parent)
    if not dead:
        return
    index = _names.names_action_index(overlays_dir)
    overlay = f"{overlays_dir.name}/{Path(NORMALISE_OVERLAY).name}"
    for name in dead:
        yield OverlayProblem(overlay, index, "$", str(name))


def load_effective(
    path: Path,
    overlays_dir: Path,
    *,
    effective: bool | None = None,
    moves: Mapping[str, str] | None = None,
    reference: Mapping[str, Any] | None = None,
) -> EffectiveSpec:
    """Return the effective spec of ``path``, and what kept the overlays from applying cleanly.

    An effective spec (``effective=True``; by default, a file named ``*.effective.json``) is taken as it is. Any
    other is a vendored spec: the overlays of ``overlays_dir`` are applied in the build's order, skipping (and
    reporting) every action that matches nothing, so that a spec the overlays no longer fit can still be compared.
    ``moves`` (old path -> new path) retargets the actions that name a moved path first. Each dead action gets
    advice (delete or retarget it, see ``_advice``), told from a rename by ``reference``, OLD's vendored document.

    Raises:
        _build.BuildError: ``path`` cannot be read, or is a vendored spec that is not valid OpenAPI.
    """
    if path.name.endswith(EFFECTIVE_SUFFIX) if effective is None else effective:
        loaded = _build.load_document(path)
        return EffectiveSpec(path, loaded, None, tuple(_name_problems(loaded, overlays_dir)))
    document, upgrade = _build.load_vendored(path)
    if upgrade is None:
        _build.validate_openapi(document, str(path))
    overlaid, broken = _build.apply_overlays_partially(document, _build.overlay_paths(overlays_dir), moves=moves)
    where = overlays_dir.name
    declared: dict[str, list[Any]] = {}
    problems = []
    for b in broken:
        if b.overlay not in declared:
            declared[b.overlay] = list(_build.load_document(overlays_dir / b.overlay).get("actions", []))
        actions = declared[b.overlay]
        action = actions[b.action_index] if b.action_index < len(actions) else {}
        advice = None
        if "matches nothing" in b.problem and isinstance(action, Mapping):
            advice = _advice.advise(action, b.problem, (document, overlaid), reference)
        problems.append(OverlayProblem(f"{where}/{b.overlay}", b.action_index, b.target, b.problem, advice=advice))
    problems.extend(_leftover_wrappers(document, overlaid, where))
    problems.extend(_name_problems(overlaid, overlays_dir))
    if not broken:  # with actions skipped, an invalid result only repeats what the broken actions already say
        try:
            _build.validate_openapi(overlaid, f"the effective spec ({path} + {where}/)")
        except _build.BuildError as exc:
            problems.append(OverlayProblem(None, None, None, str(exc).splitlines()[0]))
    notes = () if upgrade is None else (upgrade,)
    return EffectiveSpec(path, overlaid, overlays_dir, tuple(problems), document, notes)


# --- reports


def _problems_text(spec: EffectiveSpec) -> list[str]:
    lines = [f"  note: {note}" for note in spec.notes]
    for problem in spec.problems:
        lines.append(f"  error: {problem}")
        if problem.suggestion:
            lines.extend(f"      {line}" for line in problem.suggestion.splitlines())
    return lines


def _gaps_text(gaps: Sequence[Gap]) -> list[str]:
    return [f"  error: {gap}" for gap in gaps] or ["  ok: every model has limits; every field a rule names exists"]


@attrs.frozen
class DiffReport:
    """Everything ``python -m suno_api_build diff OLD NEW`` says: the diff, overlay health, rules coverage."""

    old: EffectiveSpec
    new: EffectiveSpec
    diff: SpecDiff
    gaps: tuple[Gap, ...]
    """Rules coverage of ``new``."""
    fail_on: str = attrs.field(default="any", validator=attrs.validators.in_(_labels.FAIL_ON))
    """Which changes make exit 1: ``breaking``, ``possibly-breaking`` (or worse), ``any`` (see ``exit_code``)."""

    @property
    def exit_code(self) -> int:
        """Return the exit code documented in the module docstring.

        2 (edit the overlays) wins over any change; ``fail_on`` only decides between 1 and 0: with
        ``breaking``, a diff of possibly-breaking and safe changes alone exits 0.
        """
        if self.new.problems or self.gaps:
            return EXIT_OVERLAYS_NEED_EDIT
        if not self.diff:
            return EXIT_NO_CHANGE
        if self.fail_on == "any" or _labels.fails(self.diff.summary(), self.fail_on):
            return EXIT_CHANGED
        return EXIT_NO_CHANGE

    def _result(self) -> str:
        code = self.exit_code
        if self.diff and code == EXIT_NO_CHANGE:
            return (
                f"Result: {len(self.diff.changes)} change(s), none {self.fail_on} (--fail-on {self.fail_on}); the"
                f" overlays apply and the rules cover NEW (exit {code})."
            )
        return _verdict(code, len(self.diff.changes), len(self.new.problems), len(self.gaps))

    def uncompared_lists(self) -> list[str]:
        """Return where NEW's upstream has a list the overlays discard, when OLD had no vendored document to compare."""
        if self.old.vendored is not None or self.new.vendored is None:
            return []
        kept = [enum for _, enum in _enum_lists(self.new.document)]
        return [_jsonpath(path) for path, enum in _enum_lists(self.new.vendored) if enum not in kept]

    def to_markdown(self) -> str:
        """Return the report as Markdown for a pull-request comment: the summary table first, then the detail."""
        lines = ["### Upstream spec diff", "", f"OLD `{self.old.describe()}`, NEW `{self.new.describe()}`", ""]
        lines.extend([*self.diff.to_markdown(), ""])
        problems = [*self.new.problems]
        lines.append(f"**Overlay health (NEW):** {len(problems) or 'ok'}" + (" problem(s)" if problems else ""))
        lines.extend(f"- {_md(str(problem))}" for problem in problems)
        lines.extend(["", f"**Rules coverage (NEW):** {len(self.gaps) or 'ok'}" + (" gap(s)" if self.gaps else "")])
        lines.extend(f"- {_md(str(gap))}" for gap in self.gaps)
        lines.extend(["", f"**{self._result()}**"])
        return "\n".join(lines) + "\n"

    def to_text(self) -> str:
        """Return the report for people: the summary first (in the diff's opening lines), then the detail."""
        lines = [f"OLD: {self.old.describe()}", f"NEW: {self.new.describe()}", "", self.diff.to_text()]
        uncompared = self.uncompared_lists()
        if uncompared:
            lines.append(
                "Not compared: OLD is an effective spec, and the overlays discard these upstream lists; give the"
                " vendored OLD (spec/suno-api.yaml) to compare them"
            )
            lines.extend([*(f"  {where}" for where in uncompared), ""])
        if self.new.overlays is not None:
            lines.append("Overlay health (NEW)")
            lines.extend(_problems_text(self.new))
            if not self.new.problems:
                lines.append("  ok: every action of every overlay applies")
            lines.append("")
        if self.old.problems:
            lines.append("Overlay notes (OLD; expected once the overlays are edited for NEW, not counted)")
            lines.extend(_problems_text(self.old))
            lines.append("")
        lines.extend(["Rules coverage (NEW)", *_gaps_text(self.gaps), ""])
        lines.append(self._result())
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready data."""
        return {
            "old": _spec_dict(self.old),
            "new": _spec_dict(self.new),
            **self.diff.to_dict(),
            "coverage": [gap.to_dict() for gap in self.gaps],
            "lists_not_compared": self.uncompared_lists(),
            "fail_on": self.fail_on,
            "exit_code": self.exit_code,
        }

    def text(self) -> str:
        """Return the report for people (``to_text``)."""
        return self.to_text()

    def markdown(self) -> str:
        """Return the report as Markdown (``to_markdown``)."""
        return self.to_markdown()

    def to_json(self) -> dict[str, Any]:
        """Return the report as JSON-ready data (``to_dict``)."""
        return self.to_dict()


@attrs.frozen
class CoverageReport:
    """What ``python -m suno_api_build coverage SPEC`` says: overlay health and rules coverage of SPEC."""

    spec: EffectiveSpec
    gaps: tuple[Gap, ...]

    @property
    def exit_code(self) -> int:
        """Return 0 when the overlays apply and the rules cover the spec, else 2."""
        return EXIT_OVERLAYS_NEED_EDIT if self.spec.problems or self.gaps else EXIT_NO_CHANGE

    def to_text(self) -> str:
        """Return the report for people."""
        lines = [f"SPEC: {self.spec.describe()}", ""]
        if self.spec.problems or self.spec.notes:
            lines.extend(["Overlay health", *_problems_text(self.spec), ""])
        lines.extend(["Rules coverage", *_gaps_text(self.gaps), ""])
        lines.append(_verdict(self.exit_code, None, len(self.spec.problems), len(self.gaps)))
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready data."""
        return {
            "spec": _spec_dict(self.spec),
            "coverage": [gap.to_dict() for gap in self.gaps],
            "exit_code": self.exit_code,
        }

    def text(self) -> str:
        """Return the report for people (``to_text``)."""
        return self.to_text()

    def to_json(self) -> dict[str, Any]:
        """Return the report as JSON-ready data (``to_dict``)."""
        return self.to_dict()


@attrs.frozen
class NotCompared:
    """Nothing was compared (exit 3): an unreadable or invalid spec, or no OLD to compare with."""

    message: str

    @property
    def exit_code(self) -> int:
        """Return 3, the exit code for "nothing was compared"."""
        return EXIT_ERROR

    def text(self) -> str:
        """Return the message for people."""
        return f"error: {self.message}\n"

    def markdown(self) -> str:
        """Return the message as Markdown."""
        return f"**Not compared:** {_md(self.message)}\n"

    def to_json(self) -> dict[str, Any]:
        """Return the message as JSON-ready data."""
        return {"error": self.message, "exit_code": self.exit_code}


def _spec_dict(spec: EffectiveSpec) -> dict[str, Any]:
    return {
        "source": str(spec.source),
        "overlays": None if spec.overlays is None else str(spec.overlays),
        "overlay_problems": [problem.to_dict() for problem in spec.problems],
        "notes": list(spec.notes),
    }


def _verdict(code: int, changes: int | None, problems: int, gaps: int) -> str:
    if code == EXIT_OVERLAYS_NEED_EDIT:
        counts = f"{problems} overlay problem(s), {gaps} coverage gap(s)"
        return f"Result: {counts}; edit the files named above and run this again (exit {code})."
    if changes:
        return (
            f"Result: {changes} change(s); the overlays apply and the rules cover NEW. Next: vendor NEW as"
            f" spec/suno-api.yaml, make generate, make test (exit {code})."
        )
    return f"Result: nothing to do (exit {code})."


def compare(
    old: Path, new: Path, *, root: Path | None = None, old_effective: bool | None = None, fail_on: str = "any"
) -> DiffReport:
    """Compare the effective specs of ``old`` and ``new`` (see ``load_effective``) with the overlays of ``root``.

    Rules coverage is checked on ``new``, with ``root``'s ``spec/ERRATA.md``. ``root`` defaults to the checkout,
    else the inputs an installed wheel ships (``_sources.data_root``).

    Raises:
        _build.BuildError: a spec cannot be read, or a vendored one is not valid OpenAPI.
    """
    root = root or _sources.data_root()
    before = load_effective(old, root / "overlays", effective=old_effective)
    after = load_effective(new, root / "overlays", reference=before.vendored)
    moves = _moved_paths(before.document, after.document) if after.overlays is not None and after.problems else {}
    if moves:
        retargeted = load_effective(new, root / "overlays", moves=moves, reference=before.vendored)
        if len(retargeted.problems) < len(after.problems):
            after = attrs.evolve(retargeted, problems=(*_move_problems(moves, after), *retargeted.problems))
    gaps = check_coverage(after.document, read_errata(root))
    diff = diff_specs(before.document, after.document)
    if before.vendored is not None and after.vendored is not None:
        diff = diff.extended(discarded_list_changes(before, after, moves), before.document, after.document)
    return DiffReport(before, after, diff, gaps, fail_on)


def _enum_lists(node: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], list[Any]]]:
    if isinstance(node, Mapping):
        if isinstance(node.get("enum"), list):
            yield path, list(node["enum"])
        for key, value in node.items():
            yield from _enum_lists(value, (*path, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _enum_lists(value, (*path, index))


def discarded_list_changes(
    old: EffectiveSpec, new: EffectiveSpec, moves: Mapping[str, str] | None = None
) -> list[Change]:
    """Return the changes to upstream's enums (response code lists...) that no effective spec keeps.

    The overlays replace some of upstream's lists (record-info's own code list becomes the shared code enum, or
    any integer), so a change to one is invisible in the effective diff. A vendored list equal to a list that
    its effective spec has is kept, and its changes are reported there already. ``moves`` (old path -> new
    path) compares a moved path's lists at its new place.
    """
    moves = moves or {}
    kept_old = [enum for _, enum in _enum_lists(old.document)]
    kept_new = [enum for _, enum in _enum_lists(new.document)]
    before = {
        (path[0], moves.get(str(path[1]), path[1]), *path[2:]) if len(path) > 1 and path[0] == "paths" else path: enum
        for path, enum in _enum_lists(old.vendored)
    }
    after = dict(_enum_lists(new.vendored))
    changes: list[Change] = []
    for path in dict.fromkeys([*after, *before]):
        was, now = before.get(path), after.get(path)
        if was == now or (now is not None and now in kept_new) or (was is not None and was in kept_old):
            continue
        location = _jsonpath(path)
        if was is None or now is None:
            changes.append(Change("vendored", location, "changed", "enum", was, now))
            continue
        changes.extend(
            Change("vendored", location, "value-added", "enum", new=value) for value in now if value not in was
        )
        changes.extend(
            Change("vendored", location, "value-removed", "enum", old=value) for value in was if value not in now
        )
    return changes


def _path_operations(document: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    paths = document.get("paths") or {}
    return {
        path: {method: item[method] for method in _METHODS if isinstance(item.get(method), Mapping)}
        for path, item in paths.items()
        if isinstance(item, Mapping)
    }


def _moved_paths(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, str]:
    """Return old path -> new path for each path upstream moved: the same operation id, else methods and last segment.

    Upstream's own document may carry no operation ids (the normalise overlay adds them), so a path that is gone
    and a new one with the same methods and the same last segment are taken for one move, when that pairing is
    unique.
    """
    before, after = _path_operations(old), _path_operations(new)
    gone, came = [path for path in before if path not in after], [path for path in after if path not in before]

    def ids(operations: Mapping[str, Any]) -> set[Any]:
        return {operation.get("operationId") for operation in operations.values()} - {None}

    def same(old_path: str, new_path: str) -> bool:
        shared = ids(before[old_path]) & ids(after[new_path])
        if shared:
            return True
        last = old_path.rstrip("/").rsplit("/", 1)[-1] == new_path.rstrip("/").rsplit("/", 1)[-1]
        return last and set(before[old_path]) == set(after[new_path])

    pairs = {old_path: [new_path for new_path in came if same(old_path, new_path)] for old_path in gone}
    targets = [new_path for found in pairs.values() for new_path in found]
    return {old_path: found[0] for old_path, found in pairs.items() if len(found) == 1 and targets.count(found[0]) == 1}


def _move_problems(moves: Mapping[str, str], before_retargeting: EffectiveSpec) -> Iterator[OverlayProblem]:
    """One problem per overlay and moved path, instead of one per action the move broke."""
    for old, new in moves.items():
        by_overlay: dict[str | None, list[int]] = {}
        for problem in before_retargeting.problems:
            named = f"{problem.target} {problem.message}"  # a copy names its source in the message
            if problem.action is not None and f"['{old}']" in named:
                by_overlay.setdefault(problem.overlay, []).append(problem.action)
        roles = [
            role
            for role, pointer in _names.declared(before_retargeting.document).items()
            if _names.moved_pointer(pointer, {old: new}) != pointer
        ]
        for overlay, actions in by_overlay.items():
            pointers = ""
            if roles and overlay is not None and overlay.endswith(Path(NORMALISE_OVERLAY).name):
                pointers = (
                    f" The x-names pointers of {', '.join(roles)} name it too: replace {_names.path_pointer(old)}"
                    f" with {_names.path_pointer(new)} in them."
                )
            yield OverlayProblem(
                overlay,
                None,
                None,
                f"upstream moved {old} to {new} (the same operation); {len(actions)} action(s) still target the old"
                f" path: {', '.join(map(str, actions))}.{pointers} Retarget them (this report applied them"
                " retargeted):",
                f"  replace ['{old}'] with ['{new}'] in their target and copy\n",
            )


def check_spec_coverage(spec: Path, *, root: Path | None = None, effective: bool | None = None) -> CoverageReport:
    """Check that the overlays of ``root`` apply to ``spec`` and that their rules cover it.

    Raises:
        _build.BuildError: ``spec`` cannot be read, or is a vendored spec that is not valid OpenAPI.
    """
    root = root or _sources.data_root()
    loaded = load_effective(spec, root / "overlays", effective=effective)
    return CoverageReport(loaded, check_coverage(loaded.document, read_errata(root)))


_NO_INSTALLED_SPEC = (
    "cannot find the effective spec the installed client was built from (suno_api/_effective_spec.json, or"
    " generated/suno-api.effective.json in a checkout)"
)


def diff_report(
    old: Path | None, new: Path, *, root: Path | None = None, fail_on: str = "any"
) -> DiffReport | NotCompared:
    """Compare spec ``old`` (default: the installed client's effective spec) with candidate ``new``.

    Args:
        old: a vendored spec, or an effective one (``*.effective.json``); None for the effective spec the
            installed client was built from (found without importing ``suno_api``).
        new: the candidate spec (usually upstream's latest, vendored form).
        root: the directory with ``overlays/`` and ``spec/ERRATA.md``; default: the checkout, else the copies
            an installed wheel ships.
        fail_on: ``any`` (default), ``possibly-breaking`` or ``breaking``: the changes that make exit 1; a diff
            with none of them exits 0. Overlay problems still exit 2.

    Returns:
        A ``DiffReport`` (exit code 0, 1 or 2), or ``NotCompared`` (exit code 3) when a spec cannot be read, is
        not valid OpenAPI, or there is no installed effective spec to compare with.
    """
    installed = _sources.installed_effective_spec() if old is None else old
    if installed is None:
        return NotCompared(f"{_NO_INSTALLED_SPEC}: give OLD")
    try:
        # The installed spec is effective whatever its file name (a wheel calls it _effective_spec.json).
        return compare(installed, new, root=root, old_effective=True if old is None else None, fail_on=fail_on)
    except _build.BuildError as exc:
        return NotCompared(str(exc))


def coverage_report(spec: Path | None, *, root: Path | None = None) -> CoverageReport | NotCompared:
    """Check overlay health and rules coverage of ``spec`` (default: the installed client's effective spec).

    Args:
        spec: a vendored spec (the overlays are applied and their health reported) or an effective one; None
            for the effective spec the installed client was built from.
        root: as for ``diff_report``.

    Returns:
        A ``CoverageReport`` (exit code 0 or 2), or ``NotCompared`` (exit code 3).
    """
    path = _sources.installed_effective_spec() if spec is None else spec
    if path is None:
        return NotCompared(f"{_NO_INSTALLED_SPEC}: give SPEC")
    try:
        return check_spec_coverage(path, root=root, effective=True if spec is None else None)
    except _build.BuildError as exc:
        return NotCompared(str(exc))


# --- command line


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # argparse exits 2 on bad usage, which here means "edit the overlays"
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message}\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry: ``OLD NEW [--json]`` or ``--coverage [SPEC] [--json]``; returns the exit code."""
    summary, _, rest = (__doc__ or "").partition("\n")
    parser = _Parser(
        prog="python -m suno_api_build._specdiff",
        description=summary,
        epilog="Exit codes:\n\n" + rest.partition("Exit codes:\n\n")[2].partition("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("old", nargs="?", type=Path, metavar="OLD", help="the vendored (or effective) spec now")
    parser.add_argument("new", nargs="?", type=Path, metavar="NEW", help="the candidate spec")
    parser.add_argument(
        "--coverage",
        nargs="?",
        const="",
        metavar="SPEC",
        help="only check overlay health and rules coverage of SPEC (default: spec/suno-api.yaml)",
    )
    parser.add_argument("--json", action="store_true", help="print the machine-readable report")
    parser.add_argument(
        "--root", type=Path, default=_sources.data_root(), help="where overlays/ and spec/ are (default: this checkout)"
    )
    args = parser.parse_args(argv)
    if args.coverage is not None and args.old is not None:
        parser.error("--coverage takes one spec, and no OLD NEW")
    if args.coverage is None and args.new is None:
        parser.error("give OLD and NEW, or --coverage [SPEC]")
    report: DiffReport | CoverageReport
    try:
        if args.coverage is not None:
            spec = Path(args.coverage) if args.coverage else args.root / "spec" / "suno-api.yaml"
            report = check_spec_coverage(spec, root=args.root)
        else:
            report = compare(args.old, args.new, root=args.root)
    except _build.BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    sys.stdout.write(json.dumps(report.to_dict(), indent=2) + "\n" if args.json else report.to_text())
    return report.exit_code


if __name__ == "__main__":
    raise SystemExit(main())
