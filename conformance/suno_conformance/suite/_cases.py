"""Boundary cases derived from the spec: what schemathesis's own generation rarely or never sends.

Two families, both derived from the effective spec, never written by hand:

- **rule cases**, one set per rule of the rules overlay (``suno_api.spec.rules()``): for every way to satisfy
  the rule's ``if`` (each listed model of a limit rule), an **at-limit** body that is valid exactly at the
  boundary (a 100-character title with V5) and a **violation** that breaks that rule and no other (101
  characters); where flipping the ``if`` makes the same value legal, an **outside-condition** body that must be
  accepted (an empty ``style`` in default mode, a 3001-character prompt with V4_5);
- **constraint cases**, from the plain property constraints of the request schema: each documented enum value
  (every model), each numeric bound at and beyond its limit, an off-grid ``multipleOf`` value, each required
  field missing, each ``uri`` field malformed.

Every derived body is checked with ``suno_api.find_violations`` before it is used: an accepted body
has no violation, a violation breaks exactly the rule it is named after. A rule for which no such pair can be
derived is reported in ``Derivation.problems`` instead of being skipped silently.
"""

from __future__ import annotations

import copy
import functools
import math
from collections.abc import Iterator, Mapping
from typing import Any, Literal

import attrs

from suno_api import find_violations
from suno_api.spec import REQUEST_SCHEMA, Rule, effective_spec, rules, schema
from suno_conformance.suite._oracle import Verdict

CaseKind = Literal["at-limit", "violation", "outside-condition"]
# Where a callback would go. `.invalid` never resolves (RFC 6761); the suite puts its own receiver here when the
# target can reach it.
CALLBACK_PLACEHOLDER = "https://callback.invalid/conformance"
_FILL = "x"
_NOT_DOCUMENTED = "__not_documented__"
_NOT_A_URI = "not a uri"


@attrs.frozen
class BoundaryCase:
    """One derived request body and what a conforming server must do with it.

    Attributes:
        id: Stable identifier (``title-max-length-80/V3_5/violation``): the pytest id and the report's name.
        rule_id: The rule or ``schema.<keyword>`` it exercises.
        kind: ``at-limit``, ``violation`` or ``outside-condition``.
        expected: ``accept`` or ``reject``.
        body: The body; ``callBackUrl`` is ``CALLBACK_PLACEHOLDER`` until ``with_callback`` replaces it.
        description: One line for the report.
    """

    id: str
    rule_id: str
    kind: CaseKind
    expected: Verdict
    body: Mapping[str, Any] = attrs.field(repr=False)
    description: str

    def with_callback(self, url: str) -> dict[str, Any]:
        """Return a copy of the body whose placeholder ``callBackUrl`` is ``url``."""
        body = copy.deepcopy(dict(self.body))
        if body.get("callBackUrl") == CALLBACK_PLACEHOLDER:
            body["callBackUrl"] = url
        return body


@attrs.frozen
class Derivation:
    """The derived cases, and the rules or constraints for which no checked pair could be derived."""

    cases: tuple[BoundaryCase, ...]
    problems: tuple[str, ...]

    def by_id(self, case_id: str) -> BoundaryCase:
        """Return the case ``case_id``."""
        for case in self.cases:
            if case.id == case_id:
                return case
        raise KeyError(case_id)


def _request_schema() -> Mapping[str, Any]:
    return schema(REQUEST_SCHEMA)


def _property(name: str) -> Mapping[str, Any]:
    """Return the request property ``name``, with a ``$ref`` to an enum component resolved."""
    found: Mapping[str, Any] = _request_schema().get("properties", {}).get(name, {})
    ref = found.get("$ref")
    if isinstance(ref, str):
        target = ref.rsplit("/", 1)[-1]
        found = {**effective_spec()["components"]["schemas"][target], **{k: v for k, v in found.items() if k != "$ref"}}
    return found


def base_body() -> dict[str, Any]:
    """Return the spec's request example with the placeholder ``callBackUrl``: the start of every case.

    Raises:
        ValueError: the example breaks the spec (the spec must be fixed first).
    """
    operation = effective_spec()["paths"]["/api/v1/generate/upload-extend"]["post"]
    example = copy.deepcopy(dict(operation["requestBody"]["content"]["application/json"]["example"]))
    example["callBackUrl"] = CALLBACK_PLACEHOLDER
    problems = find_violations(example)
    if problems:
        listed = "; ".join(map(str, problems))
        raise ValueError(f"the request example of the effective spec is not valid: {listed}")
    return example


def _globally_required() -> tuple[str, ...]:
    return tuple(_request_schema().get("required", ()))


def _value_for(name: str) -> Any:
    """Return a valid value for the request property ``name`` (its example, or its first enum value)."""
    prop = _property(name)
    if "example" in prop:
        return prop["example"]
    if prop.get("enum"):
        return prop["enum"][0]
    return _FILL


def _repair(body: dict[str, Any], keep: str, target: str | None) -> dict[str, Any]:
    """Drop optional fields that rules other than ``target`` complain about (never ``keep``)."""
    required = set(_globally_required())
    for _ in range(len(body)):
        others = [v for v in find_violations(body) if v.rule_id != target and v.field in body]
        droppable = [v.field for v in others if v.field != keep and v.field not in required]
        if not droppable:
            break
        for name in droppable:
            body.pop(name, None)
    return body


def _condition_assignments(condition: Mapping[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (label, assignment) pairs that make the ``if`` schema true; one per enum value."""
    properties: Mapping[str, Any] = condition.get("properties", {})
    fixed: dict[str, Any] = {}
    enum_field: str | None = None
    for name, constraint in properties.items():
        if "const" in constraint:
            fixed[name] = constraint["const"]
        elif "enum" in constraint:
            enum_field = name
    for name in condition.get("required", ()):
        if name not in properties:
            fixed[name] = _value_for(name)
    if enum_field is None:
        yield "", fixed
        return
    for value in properties[enum_field]["enum"]:
        yield str(value), {**fixed, enum_field: value}


def _outside_assignment(condition: Mapping[str, Any]) -> dict[str, Any] | None:
    """Return an assignment that makes the ``if`` false through one const or enum, or ``None``."""
    for name, constraint in condition.get("properties", {}).items():
        if isinstance(constraint.get("const"), bool):
            return {name: not constraint["const"]}
        if "enum" in constraint:
            others = [value for value in _property(name).get("enum", ()) if value not in constraint["enum"]]
            if others:
                return {name: others[0]}
    return None


def _bounds(name: str, constraint: Mapping[str, Any]) -> Iterator[tuple[str, Any, Any]]:
    """Yield (keyword, valid value at the boundary, invalid value beyond it) for one property constraint."""
    if "maxLength" in constraint:
        limit = int(constraint["maxLength"])
        yield "maxLength", _FILL * limit, _FILL * (limit + 1)
    if "minLength" in constraint:
        limit = int(constraint["minLength"])
        yield "minLength", _FILL * limit, (_FILL * (limit - 1) if limit > 0 else None)
    if "exclusiveMinimum" in constraint:
        limit = constraint["exclusiveMinimum"]
        yield "exclusiveMinimum", math.nextafter(limit, math.inf), limit
    if "exclusiveMaximum" in constraint:
        limit = constraint["exclusiveMaximum"]
        yield "exclusiveMaximum", math.nextafter(limit, -math.inf), limit
    if "const" in constraint:
        value = constraint["const"]
        yield "const", value, (not value if isinstance(value, bool) else None)
    del name


def _numeric_bounds(constraint: Mapping[str, Any]) -> Iterator[tuple[str, str, Any, Any]]:
    """Yield (keyword, label, valid, invalid) for plain numeric bounds, staying on the ``multipleOf`` grid."""
    step = constraint.get("multipleOf", 1)
    if "minimum" in constraint:
        limit = constraint["minimum"]
        yield "minimum", "at-minimum", limit, round(limit - step, 10)
    if "maximum" in constraint:
        limit = constraint["maximum"]
        yield "maximum", "at-maximum", limit, round(limit + step, 10)
    if "multipleOf" in constraint:
        low = constraint.get("minimum", 0)
        high = constraint.get("maximum", low + 100 * step)
        # 0.29 is on the 0.01 grid, but float division says otherwise: servers that divide reject it.
        on_grid = round(low + 29 * step, 10) if low + 29 * step <= high else low
        yield "multipleOf", "on-grid", on_grid, round(on_grid + step / 2, 10)


@functools.cache
def derive() -> Derivation:
    """Return every boundary case of the effective spec (cached: the spec does not change within a run)."""
    base = base_body()
    cases: list[BoundaryCase] = []
    problems: list[str] = []
    for rule in rules():
        derived = list(_rule_cases(rule, base))
        if not any(case.kind == "violation" for case in derived):
            problems.append(f"{rule.id}: no body breaking this rule alone could be derived from its schema")
        if not any(case.kind == "at-limit" for case in derived):
            problems.append(f"{rule.id}: no valid body at this rule's boundary could be derived from its schema")
        cases.extend(derived)
    cases.extend(_constraint_cases(base))
    checked, rejected = _checked(cases)
    problems.extend(rejected)
    return Derivation(tuple(checked), tuple(problems))


def _checked(cases: list[BoundaryCase]) -> tuple[list[BoundaryCase], list[str]]:
    """Keep the cases whose body does what they claim; describe the others."""
    kept: list[BoundaryCase] = []
    problems: list[str] = []
    seen: set[str] = set()
    for case in cases:
        if case.id in seen:
            continue
        seen.add(case.id)
        found = {violation.rule_id for violation in find_violations(case.body)}
        if (case.expected is Verdict.ACCEPT and not found) or (
            case.expected is Verdict.REJECT and found == {case.rule_id}
        ):
            kept.append(case)
        elif case.kind != "outside-condition":
            problems.append(f"{case.id}: the derived body breaks {sorted(found) or 'nothing'}, not only {case.rule_id}")
    return kept, problems


def _rule_cases(rule: Rule, base: Mapping[str, Any]) -> Iterator[BoundaryCase]:
    item = rule.schema
    condition: Mapping[str, Any] | None = item.get("if")
    constraint: Mapping[str, Any] = item.get("then", item) if condition is not None else item
    if "not" in item and set(item["not"]) == {"required"}:
        yield from _forbidden_field_cases(rule, base, item["not"]["required"])
        return
    for label, assignment in _condition_assignments(condition or {}):
        prefix = f"{rule.id}/{label}" if label else rule.id
        start = {**base, **assignment}
        for name, prop_constraint in constraint.get("properties", {}).items():
            for keyword, valid, invalid in _bounds(name, prop_constraint):
                good = _repair({**start, name: valid}, name, None)
                yield BoundaryCase(
                    f"{prefix}/at-limit/{name}",
                    rule.id,
                    "at-limit",
                    Verdict.ACCEPT,
                    good,
                    f"{name} at its {keyword} boundary{_with(assignment)}: must be accepted",
                )
                if invalid is not None:
                    bad = _repair({**start, name: invalid}, name, rule.id)
                    yield BoundaryCase(
                        f"{prefix}/violation/{name}",
                        rule.id,
                        "violation",
                        Verdict.REJECT,
                        bad,
                        f"{name} one step beyond its {keyword} boundary{_with(assignment)}: must be rejected",
                    )
        for name in constraint.get("required", ()):
            if name in _globally_required():
                continue  # missing, it would break `schema.required` too: the const/minLength case covers the rule
            missing = _repair({key: value for key, value in start.items() if key != name}, name, rule.id)
            yield BoundaryCase(
                f"{prefix}/violation/{name}-missing",
                rule.id,
                "violation",
                Verdict.REJECT,
                missing,
                f"{name} missing{_with(assignment)}: must be rejected",
            )
    if condition is not None:
        yield from _outside_cases(rule, base, condition, constraint)


def _outside_cases(
    rule: Rule, base: Mapping[str, Any], condition: Mapping[str, Any], constraint: Mapping[str, Any]
) -> Iterator[BoundaryCase]:
    outside = _outside_assignment(condition)
    if outside is None:
        return
    for name, prop_constraint in constraint.get("properties", {}).items():
        for keyword, _, invalid in _bounds(name, prop_constraint):
            if invalid is None:
                continue
            body = _repair({**base, **outside, name: invalid}, name, None)
            yield BoundaryCase(
                f"{rule.id}/outside-condition/{name}",
                rule.id,
                "outside-condition",
                Verdict.ACCEPT,
                body,
                f"{name} beyond its {keyword} boundary, but{_with(outside)} the rule does not apply: must be accepted",
            )


def _forbidden_field_cases(rule: Rule, base: Mapping[str, Any], names: list[str]) -> Iterator[BoundaryCase]:
    without = {key: value for key, value in base.items() if key not in names}
    yield BoundaryCase(
        f"{rule.id}/at-limit/absent",
        rule.id,
        "at-limit",
        Verdict.ACCEPT,
        without,
        f"no {', '.join(names)} field: must be accepted",
    )
    for name in names:
        yield BoundaryCase(
            f"{rule.id}/violation/{name}",
            rule.id,
            "violation",
            Verdict.REJECT,
            {**without, name: True},
            f"a {name} field: must be rejected",
        )


def _with(assignment: Mapping[str, Any]) -> str:
    if not assignment:
        return ""
    return " with " + ", ".join(f"{name}={value!r}" for name, value in assignment.items())


def _constraint_cases(base: Mapping[str, Any]) -> Iterator[BoundaryCase]:
    properties: Mapping[str, Any] = _request_schema().get("properties", {})
    for name in properties:
        prop = _property(name)
        for value in prop.get("enum", ()):
            body = _repair({**base, name: value}, name, None)
            yield BoundaryCase(
                f"schema.enum/{name}/{value}",
                "schema.enum",
                "at-limit",
                Verdict.ACCEPT,
                body,
                f"{name}={value!r}, a documented value: must be accepted",
            )
        if prop.get("enum"):
            yield BoundaryCase(
                f"schema.enum/{name}/undocumented",
                "schema.enum",
                "violation",
                Verdict.REJECT,
                {**base, name: _NOT_DOCUMENTED},
                f"{name}={_NOT_DOCUMENTED!r}, not a documented value: must be rejected",
            )
        for keyword, label, valid, invalid in _numeric_bounds(prop):
            yield BoundaryCase(
                f"schema.{keyword}/{name}/{label}",
                f"schema.{keyword}",
                "at-limit",
                Verdict.ACCEPT,
                {**base, name: valid},
                f"{name}={valid!r}, on its {keyword} boundary: must be accepted",
            )
            yield BoundaryCase(
                f"schema.{keyword}/{name}/violation",
                f"schema.{keyword}",
                "violation",
                Verdict.REJECT,
                {**base, name: invalid},
                f"{name}={invalid!r}, beyond its {keyword}: must be rejected",
            )
        if prop.get("format") == "uri":
            yield BoundaryCase(
                f"schema.format/{name}/violation",
                "schema.format",
                "violation",
                Verdict.REJECT,
                {**base, name: _NOT_A_URI},
                f"{name}={_NOT_A_URI!r}, not a URI: must be rejected",
            )
    for name in _globally_required():
        body = _repair({key: value for key, value in base.items() if key != name}, name, "schema.required")
        yield BoundaryCase(
            f"schema.required/{name}",
            "schema.required",
            "violation",
            Verdict.REJECT,
            body,
            f"{name} missing: must be rejected",
        )
