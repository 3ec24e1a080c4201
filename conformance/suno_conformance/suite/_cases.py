"""Boundary cases derived from the spec: what schemathesis's own generation rarely or never sends.

Every case is derived from the effective spec (``suno_api.spec``), never written by hand, so a constraint added
to a regenerated spec gives its cases with no code change:

- **rule cases**, one set per rule of the rules overlay (``suno_api.spec.rules()``): for every way to satisfy
  the rule's ``if`` (each listed model of a limit rule), an **at-limit** body that is valid exactly at the
  boundary (a 100-character title with V5) and a **violation** that breaks that rule and no other (101
  characters), a length in ASCII and again in multi-byte text (a BMP and an astral character: JSON Schema counts
  code points, not bytes or UTF-16 units), a lower numeric bound also with ``-0.0`` and a negative value; each
  field the rule's ``then`` requires, missing; and for every way to make the ``if`` false (each ``const``
  flipped, each other enum member, a field the ``if`` requires left out) **outside-condition** bodies that
  must be accepted (an empty ``style`` in default mode, a 3001-character prompt with V4_5, no ``style`` at all);
- **constraint cases**, from the plain property constraints of the request schema (``schema.<keyword>``):
  ``type``: each typed property with its own JSON type (accepted) and in another (rejected): a boolean or
  number as its JSON text (``"true"``, ``"60"``), a string as a number; ``enum``: each documented value
  (accepted), and per value its case variants, surrounding whitespace and a near miss (one character added or
  removed), plus one undocumented value (rejected); each numeric or length bound at and beyond its limit, with
  the same multi-byte and sign variants; ``multipleOf`` on and off its grid; each ``uri`` field not a URI,
  relative, empty and without its scheme; each required field missing;
- **mode twins**: the modes are the boolean fields the rules' conditions test (read from their ``if``); every
  case above is sent again with each mode flipped, wherever ``find_violations`` says its verdict does not
  depend on that mode (an uppercase model is refused in default mode too), so not every case is the spec
  example in custom mode.

Every derived body is checked with ``suno_api.find_violations`` before it is used: an accepted body
has no violation, a violation breaks exactly the rule it is named after. A rule or constraint for which no such
body can be derived is reported in ``Derivation.problems`` instead of being skipped silently.
"""

from __future__ import annotations

import copy
import functools
import json
import math
import operator
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Literal

import attrs

from suno_api import find_violations
from suno_api.spec import REQUEST_SCHEMA, Rule, effective_spec, rules, schema
from suno_api.spec import names as spec_names
from suno_conformance.suite._oracle import Verdict

CaseKind = Literal["at-limit", "violation", "outside-condition"]
# Where a callback would go. `.invalid` never resolves (RFC 6761); the suite puts its own receiver here when the
# target can reach it.
CALLBACK_PLACEHOLDER = "https://callback.invalid/conformance"
_FILL = "x"
# Each one code point: JSON Schema's lengths count code points, so a server counting UTF-8 bytes is off on both,
# and one counting UTF-16 units (as JavaScript's `length` does) on the astral one.
_ENCODINGS: Mapping[str, tuple[str, str]] = {
    "": (_FILL, "ASCII characters"),
    "bmp": ("\u65e5", "BMP characters (3 UTF-8 bytes, 1 UTF-16 unit each)"),
    "astral": ("\U0001f3b6", "astral characters (4 UTF-8 bytes, 2 UTF-16 units each)"),
}
_NOT_DOCUMENTED = "__not_documented__"
_NOT_A_URI = "not a uri"
# What a string property is sent as in the type cases: any JSON number is another type.
_A_NUMBER = 1
# The JSON types whose values a lenient server might read from a string.
_TEXT_READABLE = ("boolean", "number", "integer")
# How a property's bound case is labelled when accepted (the violation is `violation`): ids predate the others.
_ACCEPTED_LABELS: Mapping[str, str] = {"minimum": "at-minimum", "maximum": "at-maximum", "multipleOf": "on-grid"}
_LOWER_NUMERIC = ("minimum", "exclusiveMinimum")
# The last id segment of a variation of a plain case (see `_Probe.variant`).
_VARIANTS = frozenset({*_ENCODINGS, "negative", "negative-zero"} - {""})


@attrs.frozen
class BoundaryCase:
    """One derived request body and what a conforming server must do with it.

    Attributes:
        id: Stable identifier, the pytest id and the report's name: ``<rule>/<condition>/<kind>/<field>`` for a
            rule (``title-max-length-80/V3_5/violation/title/astral``), ``schema.<keyword>/<field>/<what>`` for
            a property constraint (``schema.enum/model/V5/lowercase``), a mode twin's ending in the modes it
            flips (``.../defaultParamFlag=false``).
        rule_id: The rule or ``schema.<keyword>`` it exercises.
        kind: ``at-limit``, ``violation`` or ``outside-condition``.
        expected: ``accept`` or ``reject``.
        body: The body; its callback URL is ``CALLBACK_PLACEHOLDER`` until ``with_callback`` replaces it.
        description: One line for the report.
    """

    id: str
    rule_id: str
    kind: CaseKind
    expected: Verdict
    body: Mapping[str, Any] = attrs.field(repr=False)
    description: str

    def with_callback(self, url: str) -> dict[str, Any]:
        """Return a copy of the body whose placeholder callback URL is ``url``."""
        body = copy.deepcopy(dict(self.body))
        field = spec_names().callback_url
        if body.get(field) == CALLBACK_PLACEHOLDER:
            body[field] = url
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
    """Return the spec's request example with the placeholder callback URL: the start of every case.

    Raises:
        ValueError: the example breaks the spec (the spec must be fixed first).
    """
    names = spec_names()
    operation = effective_spec()["paths"][names.submit_path]["post"]
    content = next(iter(operation["requestBody"]["content"].values()))  # the one media type the spec documents
    example = copy.deepcopy(dict(content["example"]))
    example[names.callback_url] = CALLBACK_PLACEHOLDER
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


@attrs.frozen
class _Outside:
    """A way to make a rule's ``if`` false: fields to set and fields to leave out, with its label for ids."""

    label: str
    changes: Mapping[str, Any]
    dropped: tuple[str, ...] = ()

    def apply(self, body: Mapping[str, Any]) -> dict[str, Any]:
        return {key: value for key, value in {**body, **self.changes}.items() if key not in self.dropped}

    def said(self) -> str:
        parts = [f"{name}={value!r}" for name, value in self.changes.items()]
        parts.extend(f"no {name}" for name in self.dropped)
        return ", ".join(parts)


def _outside_assignments(condition: Mapping[str, Any]) -> Iterator[_Outside]:
    """Yield every single change that makes the ``if`` false: a const flipped, another enum member, a field out."""
    properties: Mapping[str, Any] = condition.get("properties", {})
    for name, constraint in properties.items():
        if isinstance(constraint.get("const"), bool):
            flipped = not constraint["const"]
            yield _Outside(f"{name}={json.dumps(flipped)}", {name: flipped})
        elif "enum" in constraint:
            for value in _property(name).get("enum", ()):
                if value not in constraint["enum"]:
                    yield _Outside(str(value), {name: value})
    for name in condition.get("required", ()):
        if name not in properties and name not in _globally_required():
            yield _Outside(f"{name}-absent", {}, (name,))


@attrs.frozen
class _Probe:
    """One value for a constrained property: at its boundary (accepted) or beyond it (rejected).

    ``what`` says what was sent and what is required; ``variant`` tells apart the multi-byte and sign variants
    of one boundary (``""``, ``bmp``, ``astral``, ``negative``, ``negative-zero``).
    """

    keyword: str
    kind: Literal["at-limit", "violation"]
    value: Any
    what: str
    variant: str = ""

    def suffix(self) -> str:
        return f"/{self.variant}" if self.variant else ""


def _probes(name: str, constraint: Mapping[str, Any]) -> Iterator[_Probe]:
    """Yield the boundary probes of one property constraint (a rule's or the schema's own)."""
    yield from _length_probes(constraint)
    yield from _number_probes(name, constraint)
    if "const" in constraint:
        value = constraint["const"]
        yield _Probe("const", "at-limit", value, f"the value const requires, {value!r}")
        if isinstance(value, bool):
            yield _Probe("const", "violation", not value, f"const requires {value!r}")


def _length_probes(constraint: Mapping[str, Any]) -> Iterator[_Probe]:
    for keyword, outward in (("maxLength", 1), ("minLength", -1)):
        if keyword not in constraint:
            continue
        limit = int(constraint[keyword])
        beyond = limit + outward
        for variant, (char, kind) in _ENCODINGS.items():
            required = f"{keyword} is {limit}, counted in code points"
            # Zero characters look alike in every encoding: only the plain case sends them.
            if limit > 0 or not variant:
                yield _Probe(keyword, "at-limit", char * limit, f"{limit} {kind}; {required}", variant)
            if beyond > 0 or (beyond == 0 and not variant):
                yield _Probe(keyword, "violation", char * beyond, f"{beyond} {kind}; {required}", variant)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _broken_bound(constraint: Mapping[str, Any], value: float) -> str | None:
    """Return the first numeric bound of ``constraint`` that ``value`` breaks, or ``None``."""
    # (keyword, whether value breaks it): value < minimum, value <= exclusiveMinimum...
    tests: tuple[tuple[str, Callable[[Any, Any], bool]], ...] = (
        ("minimum", operator.lt),
        ("exclusiveMinimum", operator.le),
        ("maximum", operator.gt),
        ("exclusiveMaximum", operator.ge),
    )
    for keyword, breaks in tests:
        if _is_number(constraint.get(keyword)) and breaks(value, constraint[keyword]):
            return keyword
    return None


def _number_probes(name: str, constraint: Mapping[str, Any]) -> Iterator[_Probe]:
    """Bounds at and one step beyond (on the ``multipleOf`` grid), the grid itself, and the sign variants."""
    step: Any = constraint.get("multipleOf")
    grid = step or 1
    if _is_number(constraint.get("minimum")):
        limit = constraint["minimum"]
        yield _Probe("minimum", "at-limit", limit, f"minimum is {limit}")
        yield _Probe("minimum", "violation", round(limit - grid, 10), f"minimum is {limit}")
    if _is_number(constraint.get("maximum")):
        limit = constraint["maximum"]
        yield _Probe("maximum", "at-limit", limit, f"maximum is {limit}")
        yield _Probe("maximum", "violation", round(limit + grid, 10), f"maximum is {limit}")
    if _is_number(constraint.get("exclusiveMinimum")):
        limit = constraint["exclusiveMinimum"]
        above = round(limit + step, 10) if step else math.nextafter(limit, math.inf)
        yield _Probe("exclusiveMinimum", "at-limit", above, f"exclusiveMinimum is {limit}")
        yield _Probe("exclusiveMinimum", "violation", limit, f"exclusiveMinimum is {limit}")
    if _is_number(constraint.get("exclusiveMaximum")):
        limit = constraint["exclusiveMaximum"]
        below = round(limit - step, 10) if step else math.nextafter(limit, -math.inf)
        yield _Probe("exclusiveMaximum", "at-limit", below, f"exclusiveMaximum is {limit}")
        yield _Probe("exclusiveMaximum", "violation", limit, f"exclusiveMaximum is {limit}")
    if _is_number(step):
        low = constraint.get("minimum", 0)
        high = constraint.get("maximum", low + 100 * step)
        # 0.29 is on the 0.01 grid, but float division says otherwise: servers that divide reject it.
        on_grid = round(low + 29 * step, 10) if low + 29 * step <= high else low
        yield _Probe("multipleOf", "at-limit", on_grid, f"multipleOf is {step}")
        yield _Probe("multipleOf", "violation", round(on_grid + step / 2, 10), f"multipleOf is {step}")
    yield from _sign_probes(name, constraint, grid)


def _sign_probes(name: str, constraint: Mapping[str, Any], grid: float) -> Iterator[_Probe]:
    """``-0.0`` (legal exactly where 0 is) and a negative value below the lower bound."""
    lower = next((keyword for keyword in _LOWER_NUMERIC if _is_number(constraint.get(keyword))), None)
    if lower is None:
        return
    limit = constraint[lower]
    broken = _broken_bound(constraint, 0)
    zero = "negative zero, equal to 0"
    yield _Probe(
        broken or lower, "violation" if broken else "at-limit", -0.0, f"{zero}; {lower} is {limit}", "negative-zero"
    )
    example = _property(name).get("example")
    magnitude = abs(example) if _is_number(example) and example else grid
    negative = round(min(limit, 0) - magnitude, 10)
    yield _Probe(lower, "violation", negative, f"a negative number; {lower} is {limit}", "negative")


def _shown(value: Any) -> str:
    """``value`` as the description shows it: a long run of one character as its count."""
    if isinstance(value, str) and len(value) > 12 and len(set(value)) == 1:
        return f"{value[0]!r} x {len(value)}"
    return repr(value)


def _case(
    case_id: str, rule_id: str, kind: CaseKind, expected: Verdict, body: Mapping[str, Any], *, what: str
) -> BoundaryCase:
    verdict = "accepted" if expected is Verdict.ACCEPT else "rejected"
    return BoundaryCase(case_id, rule_id, kind, expected, body, f"{what}: must be {verdict}")


# A derived case and the field it varies (the mode twins never flip that field).
_Derived = tuple[str | None, BoundaryCase]


@functools.cache
def derive() -> Derivation:
    """Return every boundary case of the effective spec (cached: the spec does not change within a run)."""
    base = base_body()
    cases: list[BoundaryCase] = []
    problems: list[str] = []
    for rule in rules():
        derived = list(_rule_cases(rule, base))
        if not any(case.kind == "violation" for _, case in derived):
            problems.append(f"{rule.id}: no body breaking this rule alone could be derived from its schema")
        if not any(case.kind == "at-limit" for _, case in derived):
            problems.append(f"{rule.id}: no valid body at this rule's boundary could be derived from its schema")
        tested = set(rule.schema.get("if", {}).get("properties", {}))
        cases.extend(_with_twins(derived, skip=tested))
    cases.extend(_with_twins(_constraint_cases(base), skip=set()))
    checked, rejected = _checked(cases)
    problems.extend(rejected)
    # Plain cases first, then the multi-byte and sign variants, then the mode twins: a mutant run stops at its
    # first failure, and what a variation catches the plain case mostly catches too (stable sort: ids keep order).
    checked.sort(key=_tier)
    return Derivation(tuple(checked), tuple(problems))


def _tier(case: BoundaryCase) -> int:
    last = case.id.rsplit("/", 1)[-1]
    if "=" in last and case.kind != "outside-condition":
        return 2
    return 1 if last in _VARIANTS else 0


def _does_what_it_claims(case: BoundaryCase, body: Mapping[str, Any] | None = None) -> bool:
    found = {violation.rule_id for violation in find_violations(case.body if body is None else body)}
    return (case.expected is Verdict.ACCEPT and not found) or (
        case.expected is Verdict.REJECT and found == {case.rule_id}
    )


def _checked(cases: list[BoundaryCase]) -> tuple[list[BoundaryCase], list[str]]:
    """Keep the cases whose body does what they claim; describe the others."""
    kept: list[BoundaryCase] = []
    problems: list[str] = []
    seen: set[str] = set()
    for case in cases:
        if case.id in seen:
            continue
        seen.add(case.id)
        if _does_what_it_claims(case):
            kept.append(case)
        elif case.kind != "outside-condition":
            found = sorted({violation.rule_id for violation in find_violations(case.body)})
            problems.append(f"{case.id}: the derived body breaks {found or 'nothing'}, not only {case.rule_id}")
    return kept, problems


def _mode_fields() -> tuple[str, ...]:
    """The modes: the boolean fields the rules' conditions test (``if``: ``const`` true or false), in rule order."""
    found: dict[str, None] = {}
    for rule in rules():
        for name, constraint in rule.schema.get("if", {}).get("properties", {}).items():
            if isinstance(constraint.get("const"), bool):
                found[name] = None
    return tuple(found)


def _with_twins(derived: Iterable[_Derived], *, skip: set[str]) -> Iterator[BoundaryCase]:
    """Yield each case, then its twin in the other mode where ``find_violations`` gives it the same verdict.

    The twin flips every mode at once (custom mode without vocals becomes default mode with vocals), except the
    field its case varies and the modes in ``skip`` (those the case's own rule tests: flipping them is what the
    outside-condition cases do). Multi-byte variants get no twin: the encoding is varied in one mode, the mode
    with plain text.
    """
    modes = _mode_fields()
    for field, case in derived:
        yield case
        if case.kind == "outside-condition" or case.id.rsplit("/", 1)[-1] in _ENCODINGS:
            continue
        flipped = {
            mode: not case.body[mode]
            for mode in modes
            if mode != field and mode not in skip and isinstance(case.body.get(mode), bool)
        }
        if not flipped:
            continue
        target = None if case.expected is Verdict.ACCEPT else case.rule_id
        body = _repair({**case.body, **flipped}, field or next(iter(flipped)), target)
        if not _does_what_it_claims(case, body):
            continue  # the verdict depends on the mode: the rule cases judge that
        what, _, verdict = case.description.rpartition(": must be ")
        said = ", ".join(f"{mode}={json.dumps(value)}" for mode, value in flipped.items())
        yield attrs.evolve(
            case,
            id=f"{case.id}/{said.replace(', ', '/')}",
            body=body,
            description=f"{what}, in the other mode ({said}): must be {verdict}",
        )


def _rule_cases(rule: Rule, base: Mapping[str, Any]) -> Iterator[_Derived]:
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
            for probe in _probes(name, prop_constraint):
                accepted = probe.kind == "at-limit"
                target = None if accepted else rule.id
                yield (
                    name,
                    _case(
                        f"{prefix}/{probe.kind}/{name}{probe.suffix()}",
                        rule.id,
                        probe.kind,
                        Verdict.ACCEPT if accepted else Verdict.REJECT,
                        _repair({**start, name: probe.value}, name, target),
                        what=f"{name}={_shown(probe.value)}, {probe.what}{_with(assignment)}",
                    ),
                )
        for name in constraint.get("required", ()):
            if name in _globally_required():
                continue  # missing, it would break `schema.required` too: the const/minLength case covers the rule
            missing = _repair({key: value for key, value in start.items() if key != name}, name, rule.id)
            yield (
                name,
                _case(
                    f"{prefix}/violation/{name}-missing",
                    rule.id,
                    "violation",
                    Verdict.REJECT,
                    missing,
                    what=f"no {name}, which {rule.id} requires{_with(assignment)}",
                ),
            )
    if condition is not None:
        yield from _outside_cases(rule, base, condition, constraint)


def _outside_cases(
    rule: Rule, base: Mapping[str, Any], condition: Mapping[str, Any], constraint: Mapping[str, Any]
) -> Iterator[_Derived]:
    for outside in _outside_assignments(condition):
        start = outside.apply(base)
        prefix = f"{rule.id}/outside-condition/{outside.label}"
        unless = f"but with {outside.said()} the rule does not apply"
        for name, prop_constraint in constraint.get("properties", {}).items():
            for probe in _probes(name, prop_constraint):
                if probe.kind != "violation" or probe.variant:
                    continue
                yield (
                    name,
                    _case(
                        f"{prefix}/{name}{probe.suffix()}",
                        rule.id,
                        "outside-condition",
                        Verdict.ACCEPT,
                        _repair({**start, name: probe.value}, name, None),
                        what=f"{name}={_shown(probe.value)}, beyond the rule's bound ({probe.what}), {unless}",
                    ),
                )
        for name in constraint.get("required", ()):
            if name in _globally_required():
                continue
            body = _repair({key: value for key, value in start.items() if key != name}, name, None)
            yield (
                name,
                _case(
                    f"{prefix}/{name}-missing",
                    rule.id,
                    "outside-condition",
                    Verdict.ACCEPT,
                    body,
                    what=f"no {name}, which the rule requires, {unless}",
                ),
            )


def _forbidden_field_cases(rule: Rule, base: Mapping[str, Any], names: list[str]) -> Iterator[_Derived]:
    without = {key: value for key, value in base.items() if key not in names}
    yield (
        None,
        _case(
            f"{rule.id}/at-limit/absent",
            rule.id,
            "at-limit",
            Verdict.ACCEPT,
            without,
            what=f"no {', '.join(names)} field, which {rule.id} forbids",
        ),
    )
    for name in names:
        yield (
            name,
            _case(
                f"{rule.id}/violation/{name}",
                rule.id,
                "violation",
                Verdict.REJECT,
                {**without, name: True},
                what=f"a {name} field, which {rule.id} forbids",
            ),
        )


def _with(assignment: Mapping[str, Any]) -> str:
    if not assignment:
        return ""
    return ", with " + ", ".join(f"{name}={value!r}" for name, value in assignment.items())


def _constraint_cases(base: Mapping[str, Any]) -> Iterator[_Derived]:
    for name in _request_schema().get("properties", {}):
        prop = _property(name)
        yield from _type_cases(base, name, prop)
        yield from _enum_cases(base, name, prop)
        yield from _bound_cases(base, name, prop)
        yield from _format_cases(base, name, prop)
    for name in _globally_required():
        body = _repair({key: value for key, value in base.items() if key != name}, name, "schema.required")
        yield (
            name,
            _case(
                f"schema.required/{name}",
                "schema.required",
                "violation",
                Verdict.REJECT,
                body,
                what=f"no {name}, which the schema requires",
            ),
        )


def _type_cases(base: Mapping[str, Any], name: str, prop: Mapping[str, Any]) -> Iterator[_Derived]:
    """Each typed property with a value of its type (accepted) and the same value in another JSON type."""
    kind = prop.get("type")
    if kind in _TEXT_READABLE:
        values = (True, False) if kind == "boolean" else (_legal_number(prop),)
        for value in values:
            text = json.dumps(value)
            # The twins differ in this one field: repair the rejected body first, then put the value back.
            bad = _repair({**base, name: text}, name, "schema.type")
            good = _repair({**bad, name: value}, name, None)
            yield (
                name,
                _case(
                    f"schema.type/{name}/{kind}/{text}",
                    "schema.type",
                    "at-limit",
                    Verdict.ACCEPT,
                    good,
                    what=f"{name}={value!r}, a JSON {kind} as the schema requires",
                ),
            )
            yield (
                name,
                _case(
                    f"schema.type/{name}/string-encoded/{text}",
                    "schema.type",
                    "violation",
                    Verdict.REJECT,
                    bad,
                    what=f"{name}={text!r}, a JSON string holding the {kind}'s text; the schema requires a {kind}",
                ),
            )
    elif kind == "string" and "enum" not in prop:  # an enum's cases already send every other value
        value = base.get(name, _value_for(name))
        yield (
            name,
            _case(
                f"schema.type/{name}/string",
                "schema.type",
                "at-limit",
                Verdict.ACCEPT,
                _repair({**base, name: value}, name, None),
                what=f"{name}={_shown(value)}, a JSON string as the schema requires",
            ),
        )
        yield (
            name,
            _case(
                f"schema.type/{name}/as-number",
                "schema.type",
                "violation",
                Verdict.REJECT,
                _repair({**base, name: _A_NUMBER}, name, "schema.type"),
                what=f"{name}={_A_NUMBER!r}, a JSON number; the schema requires a string",
            ),
        )


def _legal_number(prop: Mapping[str, Any]) -> Any:
    """The property's example, else its lower bound, else 1: a number the schema accepts for it."""
    for candidate in (prop.get("example"), prop.get("minimum")):
        if _is_number(candidate):
            return candidate
    return 1


def _near_values(value: str) -> Iterator[tuple[str, str, str]]:
    """Yield (label, variant, how it relates to ``value``) for the loose matches a server must not make."""
    yield "lowercase", value.lower(), "in lower case"
    yield "uppercase", value.upper(), "in upper case"
    yield "swapped-case", value.swapcase(), "with its case swapped"
    yield "leading-space", f" {value}", "with a leading space"
    yield "trailing-space", f"{value} ", "with a trailing space"
    yield "char-added", value + value[-1:], "with one character added"
    yield "char-removed", value[:-1], "with one character removed"


def _enum_cases(base: Mapping[str, Any], name: str, prop: Mapping[str, Any]) -> Iterator[_Derived]:
    members = list(prop.get("enum", ()))
    if not members:
        return
    listed = ", ".join(map(str, members))
    for value in members:
        body = _repair({**base, name: value}, name, None)
        yield (
            name,
            _case(
                f"schema.enum/{name}/{value}",
                "schema.enum",
                "at-limit",
                Verdict.ACCEPT,
                body,
                what=f"{name}={value!r}, a documented value",
            ),
        )
    sent: set[Any] = set(members)
    for value in members:
        if not isinstance(value, str):
            continue
        for label, variant, how in _near_values(value):
            if not variant or variant in sent:
                continue  # the same text as a documented value or as an earlier variant is no new case
            sent.add(variant)
            yield (
                name,
                _case(
                    f"schema.enum/{name}/{value}/{label}",
                    "schema.enum",
                    "violation",
                    Verdict.REJECT,
                    _repair({**base, name: variant}, name, "schema.enum"),
                    what=f"{name}={variant!r}, the documented {value!r} {how}; {name} must be exactly one of {listed}",
                ),
            )
    yield (
        name,
        _case(
            f"schema.enum/{name}/undocumented",
            "schema.enum",
            "violation",
            Verdict.REJECT,
            {**base, name: _NOT_DOCUMENTED},
            what=f"{name}={_NOT_DOCUMENTED!r}, not a documented value; {name} must be one of {listed}",
        ),
    )


def _bound_cases(base: Mapping[str, Any], name: str, prop: Mapping[str, Any]) -> Iterator[_Derived]:
    for probe in _probes(name, prop):
        accepted = probe.kind == "at-limit"
        rule_id = f"schema.{probe.keyword}"
        label = _ACCEPTED_LABELS.get(probe.keyword, "at-limit") if accepted else "violation"
        yield (
            name,
            _case(
                f"{rule_id}/{name}/{label}{probe.suffix()}",
                rule_id,
                probe.kind,
                Verdict.ACCEPT if accepted else Verdict.REJECT,
                _repair({**base, name: probe.value}, name, None if accepted else rule_id),
                what=f"{name}={_shown(probe.value)}, {probe.what}",
            ),
        )


def _format_cases(base: Mapping[str, Any], name: str, prop: Mapping[str, Any]) -> Iterator[_Derived]:
    if prop.get("format") != "uri":
        return
    parts = urllib.parse.urlsplit(str(base.get(name, _value_for(name))))
    malformed = {
        "violation": (_NOT_A_URI, "not a URI"),
        "relative": (urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, "")), "a relative reference"),
        "empty": ("", "empty"),
        "scheme-less": (f"{parts.netloc}{parts.path}", "a URI without its scheme"),
    }
    for label, (value, how) in malformed.items():
        if label == "scheme-less" and not parts.netloc:
            continue
        yield (
            name,
            _case(
                f"schema.format/{name}/{label}",
                "schema.format",
                "violation",
                Verdict.REJECT,
                _repair({**base, name: value}, name, "schema.format"),
                what=f"{name}={value!r}, {how}; {name} must be an absolute URI (format uri)",
            ),
        )
