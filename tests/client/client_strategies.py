"""Hypothesis strategies for upload-extend bodies, derived from the effective spec and its rules.

Nothing here repeats a limit: types, enums, ranges and ``multipleOf`` come from the request schema's
``properties``; conditional requirements and per-model lengths come from the rules (``allOf`` items), read
through a small interpreter of the shapes the rules overlay uses (``if``/``then`` with ``required``, ``const``,
``enum``, ``minLength``, ``maxLength``, ``exclusiveMinimum``; ``not: {required}``). A rule of any other shape
makes ``check_rule_shapes`` fail, naming it, so a new kind of rule cannot silently go untested.

This is not a validator: it builds bodies that should pass, and bodies that break exactly one rule, and the
tests let the real validator judge them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Final

from hypothesis import strategies as st

from suno_api._spec import REQUEST_SCHEMA, Rule, rules, schema

REQUEST: Final = schema(REQUEST_SCHEMA)
PROPERTIES: Final[Mapping[str, Any]] = REQUEST["properties"]
REQUIRED: Final = frozenset(REQUEST.get("required", ()))
_CONDITION_KEYWORDS: Final = frozenset({"const", "enum"})
_LIMIT_KEYWORDS: Final = frozenset({"minLength", "maxLength", "exclusiveMinimum", "const"})
_RULE_KEYS: Final = frozenset(
    {"x-rule-id", "x-rule-field", "x-rule-message", "x-rule-source", "x-rule-models", "if", "then", "properties", "not"}
)


class _Present:
    """Ask ``valid_bodies`` for a field to be present with any valid value."""

    def __repr__(self) -> str:
        return "PRESENT"


PRESENT: Final = _Present()


def resolve(node: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str):
        return schema(ref.rsplit("/", 1)[-1])
    return node


def check_rule_shapes() -> list[str]:
    """Return a problem for each rule whose shape this module cannot interpret (empty when all are known)."""
    problems = []
    for rule in rules():
        item = rule.schema
        unknown = set(item) - _RULE_KEYS
        if unknown:
            problems.append(f"{rule.id}: unknown keys {sorted(unknown)}")
        for condition_field, sub in item.get("if", {}).get("properties", {}).items():
            if set(sub) - _CONDITION_KEYWORDS:
                problems.append(f"{rule.id}: condition on {condition_field} uses {sorted(set(sub))}")
        part = item.get("then", item)
        for field, sub in part.get("properties", {}).items():
            if set(sub) - _LIMIT_KEYWORDS:
                problems.append(f"{rule.id}: constraint on {field} uses {sorted(set(sub))}")
        if "not" in item and set(item["not"]) != {"required"}:
            problems.append(f"{rule.id}: `not` other than `required`")
    return problems


def holds(condition: Mapping[str, Any], body: Mapping[str, Any]) -> bool:
    """Evaluate an ``if`` made of ``required`` and ``const``/``enum`` properties against ``body``."""
    if any(name not in body for name in condition.get("required", ())):
        return False
    for name, sub in condition.get("properties", {}).items():
        if name not in body:
            continue  # JSON Schema: `properties` constrains only the keys that are present
        value = body[name]
        if "const" in sub and not (type(value) is type(sub["const"]) and value == sub["const"]):
            return False
        if "enum" in sub and value not in sub["enum"]:
            return False
    return True


def _discriminators() -> list[str]:
    """Fields the rules' conditions look at (drawn first: they decide which limits apply)."""
    names: set[str] = set()
    for rule in rules():
        condition = rule.schema.get("if", {})
        names.update(condition.get("required", ()))
        names.update(condition.get("properties", {}))
    return sorted(names)


def _limits(body: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Collect the constraints of every rule that applies to ``body`` (its condition holds, or it has none)."""
    limits: dict[str, dict[str, Any]] = {}
    for rule in rules():
        item = rule.schema
        if "if" in item and not holds(item["if"], body):
            continue
        part = item.get("then", item)
        for name in part.get("required", ()):
            limits.setdefault(name, {})["required"] = True
        for name, sub in part.get("properties", {}).items():
            entry = limits.setdefault(name, {})
            if "minLength" in sub:
                entry["minLength"] = max(entry.get("minLength", 0), sub["minLength"])
            if "maxLength" in sub:
                entry["maxLength"] = min(entry.get("maxLength", math.inf), sub["maxLength"])
            if "exclusiveMinimum" in sub:
                entry["exclusiveMinimum"] = max(entry.get("exclusiveMinimum", -math.inf), sub["exclusiveMinimum"])
    return limits


_HOST = st.from_regex(r"[a-z][a-z0-9-]{0,15}", fullmatch=True)
_PATH = st.from_regex(r"[A-Za-z0-9._~-]{0,20}", fullmatch=True)
URIS: Final = st.builds(lambda host, path: f"https://{host}.example/{path}", _HOST, _PATH)
_TEXT_CAP: Final = 40


def text_of_length(size: int) -> st.SearchStrategy[str]:
    """Strings of exactly ``size`` characters, repeating a short drawn pattern.

    Drawing thousands of characters one by one makes Hypothesis slow and its health checks unhappy.
    """
    if size == 0:
        return st.just("")
    return st.text(min_size=1, max_size=8).map(lambda pattern: (pattern * (size // len(pattern) + 1))[:size])


def value_strategy(node: Mapping[str, Any], limit: Mapping[str, Any] | None = None) -> st.SearchStrategy[Any]:
    """Valid values of one property, under the rule limits that apply to it."""
    node = resolve(node)
    limit = limit or {}
    if "enum" in node:
        return st.sampled_from(node["enum"])
    kind = node.get("type")
    if kind == "boolean":
        return st.booleans()
    if kind == "string":
        if node.get("format") == "uri":
            return URIS
        low = int(limit.get("minLength", node.get("minLength", 0)))
        high = limit.get("maxLength", node.get("maxLength"))
        texts = st.text(min_size=low, max_size=max(low, min(_TEXT_CAP, high if high is not None else _TEXT_CAP)))
        # Exactly at the limit is where off-by-one bugs live: draw it often.
        return texts if high is None else st.one_of(texts, text_of_length(int(high)))
    if kind == "number":
        if "multipleOf" in node:
            step = node["multipleOf"]
            low, high = math.ceil(node["minimum"] / step), math.floor(node["maximum"] / step)
            decimals = max(0, -math.floor(math.log10(step)))
            return st.integers(low, high).map(lambda k: round(k * step, decimals))
        floor = limit.get("exclusiveMinimum", node.get("exclusiveMinimum"))
        floor = 0 if floor is None else floor
        return st.one_of(
            st.integers(int(floor) + 1, 10_000),
            st.floats(min_value=floor, max_value=10_000, exclude_min=True, allow_nan=False, allow_infinity=False),
        )
    raise NotImplementedError(f"no strategy for schema {dict(node)}; teach client_strategies.value_strategy")


def _reconcile(body: dict[str, Any], fixed: Mapping[str, Any]) -> None:
    """Apply the rules whose ``then`` constrains a discriminator (personaId needs custom mode).

    Honour the constraint, or leave out the optional field the rule's condition requires, unless it is pinned.
    """
    for rule in rules():
        item = rule.schema
        then_properties = item.get("then", {}).get("properties", {})
        if not then_properties or any("const" not in sub for sub in then_properties.values()):
            continue
        if not holds(item["if"], body) or holds(item["then"], body):
            continue
        optional = [name for name in item["if"].get("required", ()) if name not in REQUIRED]
        if optional and not any(name in fixed for name in optional):
            for name in optional:
                body.pop(name)
            continue
        for name, sub in then_properties.items():
            assert name not in fixed or fixed[name] is PRESENT, f"{rule.id}: pinned {name} contradicts it"
            body[name] = sub["const"]


@st.composite
def valid_bodies(draw: st.DrawFn, fixed: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Bodies that satisfy the request schema and every rule; ``fixed`` pins some fields (``PRESENT``: any)."""
    fixed = dict(fixed or {})
    body: dict[str, Any] = {}
    discriminators = _discriminators()
    for name in discriminators:
        wanted = fixed.get(name)
        if name in fixed and wanted is not PRESENT:
            body[name] = wanted
        elif name in fixed or name in REQUIRED or draw(st.booleans()):
            body[name] = draw(value_strategy(PROPERTIES[name]))
    _reconcile(body, fixed)
    limits = _limits(body)
    for name, node in PROPERTIES.items():
        if name in body or name in discriminators:
            continue  # discriminators were decided above, present or absent
        limit = limits.get(name, {})
        if name in REQUIRED or limit.get("required") or name in fixed or draw(st.booleans()):
            body[name] = draw(value_strategy(node, limit))
    return body


def _pin_condition(draw: st.DrawFn, condition: Mapping[str, Any]) -> dict[str, Any]:
    """Field values that make a rule's ``if`` hold."""
    pinned: dict[str, Any] = dict.fromkeys(condition.get("required", ()), PRESENT)
    for name, sub in condition.get("properties", {}).items():
        pinned[name] = sub["const"] if "const" in sub else draw(st.sampled_from(sub["enum"]))
    return pinned


@st.composite
def breaking_bodies(draw: st.DrawFn, rule: Rule) -> dict[str, Any]:
    """Bodies that break ``rule`` and nothing else: a valid body where the rule applies, then one change."""
    item = rule.schema
    body = draw(valid_bodies(_pin_condition(draw, item["if"]) if "if" in item else None))
    if "not" in item:
        for name in item["not"]["required"]:
            body[name] = draw(st.one_of(st.booleans(), st.text(max_size=5), st.none()))
        return body
    part = item.get("then", item)
    changes: list[tuple[str, str, Any]] = [
        ("drop", name, None) for name in part.get("required", ()) if name not in REQUIRED and name in body
    ]
    for name, sub in part.get("properties", {}).items():
        changes += [(keyword, name, sub[keyword]) for keyword in sorted(set(sub) & _LIMIT_KEYWORDS)]
    assert changes, f"{rule.id}: nothing to break"
    keyword, name, bound = draw(st.sampled_from(changes))
    if keyword == "drop":
        body.pop(name)
    elif keyword == "minLength":
        body[name] = draw(st.text(max_size=bound - 1))
    elif keyword == "maxLength":
        body[name] = draw(st.integers(bound + 1, bound + 3).flatmap(text_of_length))
    elif keyword == "exclusiveMinimum":
        body[name] = draw(st.one_of(st.just(bound), st.floats(max_value=bound, allow_nan=False, allow_infinity=False)))
    else:  # const: any other value of the same type
        body[name] = (
            not bound
            if isinstance(bound, bool)
            else draw(value_strategy(PROPERTIES[name]).filter(lambda v: v != bound))
        )
    return body
