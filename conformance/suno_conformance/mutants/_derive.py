"""Mutants derived from the effective spec: each one constraint of the spec broken in one realistic way.

Nothing here names a field, a rule or a limit: every mutant comes from walking ``suno_api.spec`` (the rules of
the request schema, its properties, their enums, bounds and types, its ``required`` list, its security scheme),
so a constraint added to a regenerated spec gives new mutants with no code change.

A body mutant changes only ``MockApp.validate_body`` (the seam the hand-written defects use): it runs the
faithful validation, drops the violations of the constraint it breaks, and, when the mutant *moves* a constraint
rather than removing it, validates the body against the moved copy of the spec fragment with jsonschema-rs, as
the faithful validation does. A credential mutant changes only ``MockApp.authenticate``.
"""

from __future__ import annotations

import copy
import functools
import math
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import attrs
import jsonschema_rs
from starlette.requests import Request

from suno_api import Violation
from suno_api.spec import REQUEST_SCHEMA, Rule, effective_spec, rules, schema
from suno_conformance.mock import MockApp

Body = Mapping[str, Any]
# Keywords that bound a value, and which way "one step more permissive" moves each.
_LOWER_BOUNDS = ("minLength", "minimum", "exclusiveMinimum")
_UPPER_BOUNDS = ("maxLength", "maximum", "exclusiveMaximum")
_LENGTHS = ("minLength", "maxLength")
# Keywords whose violation can be switched off alone (bounds are moved instead, enums loosened, types coerced).
_DROPPABLE = ("format", "multipleOf")
# The spellings of JSON's literals a lenient server reads from a string.
_BOOLEAN_TEXT = {"true": True, "false": False}


@attrs.frozen
class Mutant:
    """A defective variant of the mock, derived from one constraint of the effective spec.

    Attributes:
        name: ``family:detail`` (``rule-off:prompt-max-length-3000``), stable across runs of one spec.
        family: The kind of defect (``rule-off``, ``limit-loose``...).
        detail: Which constraint it breaks, and how.
        description: One line: what the defective server does.
        mock_class: The ``MockApp`` subclass to serve.
    """

    name: str
    family: str
    detail: str
    description: str
    mock_class: type[MockApp] = attrs.field(repr=False)


def _validator(fragment: Mapping[str, Any]) -> jsonschema_rs.Validator:
    # Fragments may hold $refs into the components: carry them along, as the faithful validation does.
    return jsonschema_rs.validator_for(
        {**fragment, "components": effective_spec()["components"]}, validate_formats=True
    )


def _property(name: str) -> Mapping[str, Any]:
    """Return the request property ``name`` with a ``$ref`` to a component resolved (enums live there)."""
    found: Mapping[str, Any] = schema(REQUEST_SCHEMA).get("properties", {}).get(name, {})
    ref = found.get("$ref")
    if isinstance(ref, str):
        found = {**schema(ref.rsplit("/", 1)[-1]), **{key: value for key, value in found.items() if key != "$ref"}}
    return found


def _properties() -> tuple[str, ...]:
    return tuple(schema(REQUEST_SCHEMA).get("properties", {}))


def _body_variant(
    name: str,
    description: str,
    *,
    drop: Callable[[Violation], bool] = lambda _: False,
    extra: Callable[[Body], list[Violation]] | None = None,
    prepare: Callable[[Body], Body] | None = None,
) -> type[MockApp]:
    """Return a ``MockApp`` whose validation drops some violations, adds others, or reads the body leniently."""

    def validate_body(self: MockApp, body: Any) -> list[Violation]:
        checked = prepare(body) if prepare is not None and isinstance(body, Mapping) else body
        found = MockApp.validate_body(self, checked)
        if any(violation.rule_id.startswith("json.") for violation in found) or not isinstance(checked, Mapping):
            return found  # not a JSON object at all: nothing of the schema was judged, nothing to relax
        kept = [violation for violation in found if not drop(violation)]
        if extra is not None:
            kept.extend(extra(checked))
        return kept

    return type(_class_name(name), (MockApp,), {"validate_body": validate_body, "__doc__": description})


def _class_name(name: str) -> str:
    return "Mutant_" + "".join(char if char.isalnum() else "_" for char in name)


# --------------------------------------------------------------------------------------------- rules


def _rule_off(rule: Rule) -> Mutant:
    name, description = f"rule-off:{rule.id}", f"rule {rule.id} is not enforced"
    return Mutant(name, "rule-off", rule.id, description, _body_variant(name, description, drop=_of_rule(rule.id)))


def _moved_rule(family: str, detail: str, description: str, rule: Rule, moved: Mapping[str, Any]) -> Mutant:
    """A mutant enforcing ``moved`` (a changed copy of ``rule``'s schema) in place of the rule."""
    validator = _validator(moved)

    def extra(body: Body) -> list[Violation]:
        if validator.is_valid(dict(body)):
            return []
        return [Violation(rule.field, rule.id, rule.message, body.get(rule.field))]

    name = f"{family}:{detail}"
    mock_class = _body_variant(name, description, drop=_of_rule(rule.id), extra=extra)
    return Mutant(name, family, detail, description, mock_class)


def _constraint_nodes(item: Mapping[str, Any]) -> Mapping[str, Any]:
    """Return the part of a rule that constrains (its ``then``, or the rule itself without a condition)."""
    constraint: Mapping[str, Any] = item["then"] if "if" in item and "then" in item else item
    return constraint


def _copied_rule(rule: Rule) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return a deep copy of ``rule``'s schema and the constraining part of that copy, to change."""
    changed: dict[str, Any] = copy.deepcopy(dict(rule.schema))
    constraint: dict[str, Any] = changed["then"] if "if" in changed and "then" in changed else changed
    return changed, constraint


def _on_field(field: str, rule_id: str) -> Callable[[Violation], bool]:
    """Return whether a violation is ``rule_id``'s on ``field``."""
    return lambda violation: violation.field == field and violation.rule_id == rule_id


def _of_rule(rule_id: str) -> Callable[[Violation], bool]:
    """Return whether a violation is ``rule_id``'s."""
    return lambda violation: violation.rule_id == rule_id


def _step(constraint: Mapping[str, Any], keyword: str) -> float:
    """One step of a bound: a character for lengths, else the ``multipleOf`` grid, else 1."""
    if keyword in _LENGTHS:
        return 1
    step: float = constraint.get("multipleOf", 1)
    return step


def _moved_bounds(constraint: Mapping[str, Any]) -> Iterator[tuple[str, str, Any]]:
    """Yield (keyword, direction, moved limit): ``loose`` admits one step beyond, ``strict`` refuses the limit."""
    for keyword in (*_LOWER_BOUNDS, *_UPPER_BOUNDS):
        if keyword not in constraint or isinstance(constraint[keyword], bool):
            continue
        limit = constraint[keyword]
        step = _step(constraint, keyword)
        outward = -step if keyword in _LOWER_BOUNDS else step
        for direction, delta in (("loose", outward), ("strict", -outward)):
            moved = round(limit + delta, 10)
            if keyword in _LENGTHS:
                moved = int(moved)
                if moved < 0:
                    continue  # no length is shorter than zero: there is no looser bound to move to
            yield keyword, direction, moved


def _rule_limit_mutants(rule: Rule) -> Iterator[Mutant]:
    for field, constraint in _constraint_nodes(rule.schema).get("properties", {}).items():
        for keyword, direction, moved in _moved_bounds(constraint):
            changed, node = _copied_rule(rule)
            node["properties"][field][keyword] = moved
            how = "admits one step beyond" if direction == "loose" else "refuses"
            yield _moved_rule(
                f"limit-{direction}",
                f"{rule.id}/{field}/{keyword}",
                f"rule {rule.id}: {field} {keyword} {constraint[keyword]} is {moved}: {how} the limit",
                rule,
                changed,
            )


def _rule_required_mutants(rule: Rule) -> Iterator[Mutant]:
    required = _constraint_nodes(rule.schema).get("required", ())
    for field in required:
        if field in schema(REQUEST_SCHEMA).get("required", ()):
            continue  # required everywhere: leaving it out breaks schema.required, so the mutant would be no defect
        changed, node = _copied_rule(rule)
        node["required"] = [name for name in required if name != field]
        yield _moved_rule(
            "required-off",
            f"{rule.id}/{field}",
            f"rule {rule.id}: {field} may be left out",
            rule,
            changed,
        )


# ---------------------------------------------------------------------------------------- properties


def _property_violation(field: str, keyword: str, value: Any, limit: Any) -> Violation:
    return Violation(field, f"schema.{keyword}", f"`{field}` breaks {keyword} {limit}.", value)


def _property_limit_mutants(field: str) -> Iterator[Mutant]:
    prop = _property(field)
    for keyword, direction, moved in _moved_bounds(prop):
        rule_id = f"schema.{keyword}"

        def extra(body: Body, field: str = field, keyword: str = keyword, moved: Any = moved) -> list[Violation]:
            value = body.get(field)
            if field not in body or _validator_for(keyword, moved).is_valid(value):
                return []
            return [_property_violation(field, keyword, value, moved)]

        name = f"limit-{direction}:schema/{field}/{keyword}"
        how = "admits one step beyond" if direction == "loose" else "refuses"
        description = f"{field} {keyword} {prop[keyword]} is {moved}: {how} the limit"
        mock_class = _body_variant(
            name,
            description,
            drop=_on_field(field, rule_id),
            extra=extra,
        )
        yield Mutant(name, f"limit-{direction}", f"schema/{field}/{keyword}", description, mock_class)


@functools.cache
def _validator_for(keyword: str, limit: Any) -> jsonschema_rs.Validator:
    return _validator({keyword: limit})


def _keyword_off_mutants(field: str) -> Iterator[Mutant]:
    prop = _property(field)
    for keyword in _DROPPABLE:
        if keyword not in prop:
            continue
        rule_id = f"schema.{keyword}"
        name = f"keyword-off:{field}/{keyword}"
        description = f"{field}: {keyword} {prop[keyword]} is not enforced"
        mock_class = _body_variant(name, description, drop=_on_field(field, rule_id))
        yield Mutant(name, "keyword-off", f"{field}/{keyword}", description, mock_class)


_LOOSE_MATCHES: Mapping[str, tuple[str, Callable[[str], str], Callable[[str], str]]] = {
    # how: (what the server does, how it reads the members, how it reads the value)
    "case": ("matches case-insensitively", str.casefold, str.casefold),
    "strip": ("strips surrounding whitespace", str.strip, str.strip),
}


def _enum_mutants(field: str) -> Iterator[Mutant]:
    members = tuple(_property(field).get("enum", ()))
    if not any(isinstance(member, str) for member in members):
        return
    for how, (doing, read_member, read_value) in _LOOSE_MATCHES.items():
        table = {read_member(member): member for member in members if isinstance(member, str)}

        def prepare(body: Body, field: str = field, table: Mapping[str, Any] = table, read: Any = read_value) -> Body:
            value = body.get(field)
            if not isinstance(value, str) or value in members:
                return body
            return {**body, field: table.get(read(value), value)}

        name = f"enum-loose:{field}/{how}"
        description = f"{field}: the enum {doing}"
        yield Mutant(
            name, "enum-loose", f"{field}/{how}", description, _body_variant(name, description, prepare=prepare)
        )


def _from_text(kind: str, text: str) -> Any:
    """Return what a lenient server reads from ``text`` for a field of JSON type ``kind`` (``text`` when nothing)."""
    if kind == "boolean":
        return _BOOLEAN_TEXT.get(text.strip().lower(), text)
    try:
        number = float(text)
    except ValueError:
        return text
    if not math.isfinite(number):
        return text
    if kind == "integer" or number.is_integer():
        return int(number) if number.is_integer() else text
    return number


def _type_mutants(field: str) -> Iterator[Mutant]:
    kind = _property(field).get("type")
    if kind not in ("boolean", "number", "integer"):
        return

    def prepare(body: Body, field: str = field, kind: str = kind) -> Body:
        value = body.get(field)
        return {**body, field: _from_text(kind, value)} if isinstance(value, str) else body

    name = f"type-coerced:{field}"
    description = f"{field} ({kind}) is also accepted as a string"
    yield Mutant(name, "type-coerced", field, description, _body_variant(name, description, prepare=prepare))


def _required_mutants() -> Iterator[Mutant]:
    for field in schema(REQUEST_SCHEMA).get("required", ()):
        name = f"required-off:{field}"
        description = f"{field} may be left out"
        mock_class = _body_variant(name, description, drop=_on_field(field, "schema.required"))
        yield Mutant(name, "required-off", field, description, mock_class)


# --------------------------------------------------------------------------------------- credentials


def _bearer_schemes() -> tuple[str, ...]:
    """The HTTP authentication schemes of the spec's security schemes (``bearer``), lower case."""
    schemes: Mapping[str, Any] = effective_spec().get("components", {}).get("securitySchemes", {})
    return tuple(
        str(item["scheme"]).lower() for item in schemes.values() if item.get("type") == "http" and "scheme" in item
    )


def _credentials(request: Request) -> tuple[str, str, str]:
    """Return (scheme in lower case, token, the whole header) of the Authorization header."""
    value = request.headers.get("authorization", "")
    scheme, _, token = value.strip().partition(" ")
    return scheme.lower(), token.strip(), value.strip()


def _any_token(mock: MockApp, request: Request) -> str | None:
    scheme, token, _ = _credentials(request)
    return token if scheme in _bearer_schemes() and token else MockApp.authenticate(mock, request)


def _bare_key(mock: MockApp, request: Request) -> str | None:
    _, _, whole = _credentials(request)
    return whole if whole in mock.settings.api_keys else MockApp.authenticate(mock, request)


def _any_scheme(mock: MockApp, request: Request) -> str | None:
    _, token, _ = _credentials(request)
    return token if token in mock.settings.api_keys else MockApp.authenticate(mock, request)


def _query_key(mock: MockApp, request: Request) -> str | None:
    for value in request.query_params.values():
        if value in mock.settings.api_keys:
            return value
    return MockApp.authenticate(mock, request)


def _after_lookup(mock: MockApp, request: Request) -> str | None:
    key = MockApp.authenticate(mock, request)
    if key is None:
        for value in request.query_params.values():
            mock.find_task(value)  # an unknown task answers 404 before the missing credentials are noticed
    return key


_AUTH_RELAXATIONS: Mapping[str, tuple[str, Callable[[MockApp, Request], str | None]]] = {
    "any-token": ("any non-empty token of the documented scheme is accepted", _any_token),
    "bare-key": ("a key without its scheme is accepted", _bare_key),
    "any-scheme": ("a key under another scheme (Basic, Token) is accepted", _any_scheme),
    "query-key": ("a key in the query string is accepted", _query_key),
    "after-lookup": ("credentials are checked only after the task is looked up (unknown task: 404)", _after_lookup),
}


def _auth_mutants() -> Iterator[Mutant]:
    if not _bearer_schemes():
        return  # the spec documents no HTTP authentication: nothing to relax
    for detail, (description, authenticate) in _AUTH_RELAXATIONS.items():
        name = f"auth-relaxed:{detail}"
        mock_class = type(_class_name(name), (MockApp,), {"authenticate": authenticate, "__doc__": description})
        yield Mutant(name, "auth-relaxed", detail, description, mock_class)


# ---------------------------------------------------------------------------------------------- all


@functools.cache
def mutants() -> tuple[Mutant, ...]:
    """Return every mutant of the effective spec, in a stable order (rules, properties, required, credentials).

    Raises:
        ValueError: two derived mutants got the same name (the spec has two constraints the names cannot tell
            apart).
    """
    found: list[Mutant] = []
    for rule in rules():
        found.append(_rule_off(rule))
        found.extend(_rule_limit_mutants(rule))
        found.extend(_rule_required_mutants(rule))
    for field in _properties():
        found.extend(_property_limit_mutants(field))
        found.extend(_keyword_off_mutants(field))
        found.extend(_enum_mutants(field))
        found.extend(_type_mutants(field))
    found.extend(_required_mutants())
    found.extend(_auth_mutants())
    names = [mutant.name for mutant in found]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"mutant names are not unique: {', '.join(duplicates)}")
    return tuple(found)


def families() -> tuple[str, ...]:
    """Return the mutant families, in the order their first mutant appears."""
    return tuple(dict.fromkeys(mutant.family for mutant in mutants()))


def mutant(name: str) -> Mutant:
    """Return the mutant ``name``; raise ``KeyError`` naming the families otherwise."""
    for candidate in mutants():
        if candidate.name == name:
            return candidate
    raise KeyError(f"no mutant {name!r}; families: {', '.join(families())}")
