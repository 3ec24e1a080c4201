"""Boundary cases are derived from the spec (rules and property constraints), and each does what its name says.

Every family is checked against the constraints it comes from, read from the effective spec here too: a property
or rule without its cases fails, whatever the spec holds.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pytest

from suno_api import find_violations
from suno_api import spec as suno_spec
from suno_api.spec import REQUEST_SCHEMA, Rule, names, rules, schema
from suno_conformance.suite import _cases
from suno_conformance.suite._cases import CALLBACK_PLACEHOLDER, BoundaryCase, base_body, derive
from suno_conformance.suite._oracle import Verdict

CASES = derive().cases
PROPERTIES: tuple[str, ...] = tuple(schema(REQUEST_SCHEMA)["properties"])


def test_every_rule_yields_an_at_limit_body_and_a_single_rule_violation() -> None:
    """No rule of the overlay is left without both halves of its boundary."""
    assert derive().problems == ()
    for rule in rules():
        kinds = {case.kind for case in CASES if case.rule_id == rule.id}
        assert {"at-limit", "violation"} <= kinds, rule.id


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_each_case_breaks_exactly_what_it_claims(case: BoundaryCase) -> None:
    """An accepted case has no violation; a violation breaks its own rule and no other."""
    found = {violation.rule_id for violation in find_violations(case.body)}
    if case.expected is Verdict.ACCEPT:
        assert found == set()
    else:
        assert found == {case.rule_id}


@pytest.mark.parametrize("rule", [rule for rule in rules() if rule.models], ids=lambda rule: rule.id)
def test_limit_rules_are_exercised_exactly_at_the_limit_for_every_listed_model(rule: Rule) -> None:
    """For each model of a limit rule: the limit itself is accepted, one more character is rejected."""
    limit = rule.schema["then"]["properties"][rule.field]["maxLength"]
    field = rule.field
    for model in rule.models:
        at_limit = derive().by_id(f"{rule.id}/{model}/at-limit/{field}")
        beyond = derive().by_id(f"{rule.id}/{model}/violation/{field}")
        assert (len(at_limit.body[field]), at_limit.body[names().model]) == (limit, model)
        assert len(beyond.body[field]) == limit + 1


def test_outside_its_condition_a_rule_is_not_applied() -> None:
    """An empty style in default mode, and a prompt one over the V3_5/V4 limit with V4_5, must be accepted."""
    spec = names()
    style = derive().by_id(f"custom-mode-requires-style/outside-condition/{spec.default_param_flag}=false/{spec.style}")
    assert (style.body[spec.default_param_flag], style.body[spec.style], style.expected) == (False, "", Verdict.ACCEPT)
    limit = suno_spec.rule("prompt-max-length-3000").schema["then"]["properties"][spec.prompt]["maxLength"]
    prompt = derive().by_id(f"prompt-max-length-3000/outside-condition/{spec.model_v4_5}/{spec.prompt}")
    assert (prompt.body[spec.model], len(prompt.body[spec.prompt])) == (spec.model_v4_5, limit + 1)
    assert prompt.expected is Verdict.ACCEPT


def test_the_float_trap_of_multiple_of_is_a_valid_case() -> None:
    """29 steps above the minimum (0.29 on a 0.01 grid; float division says otherwise): it must be accepted."""
    weight = names().style_weight
    node = schema(REQUEST_SCHEMA)["properties"][weight]
    case = derive().by_id(f"schema.multipleOf/{weight}/on-grid")
    on_grid = Decimal(str(node.get("minimum", 0))) + 29 * Decimal(str(node["multipleOf"]))
    assert (Decimal(str(case.body[weight])), case.expected) == (on_grid, Verdict.ACCEPT)


def test_every_documented_model_is_a_case_to_accept() -> None:
    """A server that refuses a documented model is caught."""
    model = names().model
    accepted = {case.body[model] for case in _family("schema.enum", model) if case.expected is Verdict.ACCEPT}
    assert accepted == set(_cases._property(model)["enum"])


def test_the_callback_url_is_filled_in_only_where_it_is_the_placeholder() -> None:
    """with_callback swaps the placeholder, and leaves a deliberately broken callback URL alone."""
    spec = names()
    callback = spec.callback_url
    assert base_body()[callback] == CALLBACK_PLACEHOLDER
    case = derive().by_id(f"schema.enum/{spec.model}/{spec.model_v5}")
    assert case.with_callback("http://127.0.0.1:9/callbacks/1")[callback] == "http://127.0.0.1:9/callbacks/1"
    assert case.body[callback] == CALLBACK_PLACEHOLDER
    broken = derive().by_id(f"schema.format/{callback}/violation")
    assert broken.with_callback("http://127.0.0.1:9/callbacks/2")[callback] == "not a uri"


def test_case_ids_are_unique() -> None:
    """Each case is one pytest test with a stable id."""
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))


# ------------------------------------------------------------------------------ families, per constraint
_TEXT_READABLE = ("boolean", "number", "integer")


def _family(rule_id: str, field: str) -> list[BoundaryCase]:
    """The cases of ``rule_id`` (a ``schema.<keyword>``) about the property ``field``, twins included."""
    return [case for case in _schema_cases(field) if case.rule_id == rule_id]


def _schema_cases(field: str) -> list[BoundaryCase]:
    """Every ``schema.<keyword>`` case about the property ``field``."""
    return [case for case in CASES if case.rule_id.startswith("schema.") and case.id.split("/")[1] == field]


def _prop(name: str) -> Mapping[str, Any]:
    return _cases._property(name)


def _modes() -> set[str]:
    """The boolean fields some rule's condition tests, read from the rules here too."""
    return {
        name
        for rule in rules()
        for name, constraint in rule.schema.get("if", {}).get("properties", {}).items()
        if isinstance(constraint.get("const"), bool)
    }


def _is_twin(case: BoundaryCase) -> bool:
    return any(f"/{mode}=" in case.id for mode in _modes()) and case.kind != "outside-condition"


def test_every_boolean_and_number_is_also_sent_as_its_json_text() -> None:
    """Each typed property: its value as a JSON string is rejected; the same body with the value is accepted."""
    typed = [name for name in PROPERTIES if _prop(name).get("type") in _TEXT_READABLE]
    assert typed
    for name in typed:
        kind = _prop(name)["type"]
        encoded = [
            case
            for case in _family("schema.type", name)
            if f"/{name}/string-encoded/" in case.id and not _is_twin(case)
        ]
        assert encoded, name
        for case in encoded:
            value = json.loads(case.body[name])
            assert isinstance(value, bool) == (kind == "boolean"), case.id
            assert case.expected is Verdict.REJECT
            twin = derive().by_id(case.id.replace("/string-encoded/", f"/{kind}/"))
            assert twin.expected is Verdict.ACCEPT
            assert twin.body == {**case.body, name: value}
        if kind == "boolean":
            assert {case.body[name] for case in encoded} == {"true", "false"}


def test_every_free_string_is_also_sent_as_a_number() -> None:
    """Each string property without an enum: a number in its place is rejected, a string accepted."""
    strings = [name for name in PROPERTIES if _prop(name).get("type") == "string" and "enum" not in _prop(name)]
    assert strings
    for name in strings:
        wrong = derive().by_id(f"schema.type/{name}/as-number")
        right = derive().by_id(f"schema.type/{name}/string")
        assert not isinstance(wrong.body[name], str | bool)
        assert isinstance(wrong.body[name], int | float)
        assert (wrong.expected, right.expected, type(right.body[name])) == (Verdict.REJECT, Verdict.ACCEPT, str)


def test_every_enum_member_is_sent_in_other_cases_with_whitespace_and_near_misses() -> None:
    """Each documented value in lower, upper and swapped case, padded, one character longer or shorter: rejected."""
    enums = [name for name in PROPERTIES if _prop(name).get("enum")]
    assert enums
    for name in enums:
        members = list(_prop(name)["enum"])
        rejected = {case.body[name] for case in _family("schema.enum", name) if case.expected is Verdict.REJECT}
        for member in (member for member in members if isinstance(member, str)):
            loose = {member.lower(), member.upper(), member.swapcase(), f" {member}", f"{member} ", member[:-1]}
            loose.add(member + member[-1])
            assert loose - set(members) - {""} <= rejected, (name, member)
            assert derive().by_id(f"schema.enum/{name}/{member}/leading-space").body[name] == f" {member}"
            assert derive().by_id(f"schema.enum/{name}/{member}").expected is Verdict.ACCEPT
        assert derive().by_id(f"schema.enum/{name}/undocumented").expected is Verdict.REJECT


def _length_bounds() -> list[tuple[str, str, str, int]]:
    """(id prefix, field, keyword, limit) of every length bound: the rules' (per condition) and the schema's."""
    found: list[tuple[str, str, str, int]] = []
    for rule in rules():
        item = rule.schema
        constraint = item.get("then", item) if "if" in item else item
        for label, _ in _cases._condition_assignments(item.get("if", {})):
            prefix = f"{rule.id}/{label}" if label else rule.id
            for field, bounds in constraint.get("properties", {}).items():
                found.extend(
                    (prefix, field, keyword, bounds[keyword])
                    for keyword in ("maxLength", "minLength")
                    if keyword in bounds
                )
    for name in PROPERTIES:
        found.extend(
            (f"schema.{keyword}/{name}", name, keyword, _prop(name)[keyword])
            for keyword in ("maxLength", "minLength")
            if keyword in _prop(name)
        )
    return found


def _kind_path(prefix: str, kind: str, field: str) -> str:
    if prefix.startswith("schema."):
        return f"{prefix}/{kind}"
    return f"{prefix}/{kind}/{field}"


def test_lengths_are_exercised_in_multibyte_text_at_and_past_the_limit() -> None:
    """At every length bound: BMP and astral text at the limit (in code points) and one past it."""
    bounds = _length_bounds()
    assert bounds
    for prefix, field, keyword, limit in bounds:
        beyond = limit + 1 if keyword == "maxLength" else limit - 1
        for variant in ("bmp", "astral"):
            at = derive().by_id(f"{_kind_path(prefix, 'at-limit', field)}/{variant}") if limit else None
            if at is not None:
                text = at.body[field]
                assert (len(text), at.expected) == (limit, Verdict.ACCEPT)
                assert len(text.encode()) > limit  # a server counting bytes refuses a legal body
                if variant == "astral":
                    assert len(text.encode("utf-16-le")) // 2 > limit  # and so does one counting UTF-16 units
            if beyond > 0:
                past = derive().by_id(f"{_kind_path(prefix, 'violation', field)}/{variant}")
                assert (len(past.body[field]), past.expected) == (beyond, Verdict.REJECT)


def _admits_zero(constraint: Mapping[str, Any]) -> bool:
    low: float = constraint.get("minimum", 0)
    high: float = constraint.get("maximum", 0)
    above: float = constraint.get("exclusiveMinimum", -1)
    below: float = constraint.get("exclusiveMaximum", 1)
    return low <= 0 <= high and above < 0 < below


def test_lower_bounds_are_sent_negative_zero_and_negative() -> None:
    """Every lower numeric bound: -0.0 (accepted exactly where 0 is legal) and a negative number (rejected)."""
    seen = 0
    for name in PROPERTIES:
        prop = _prop(name)
        lower = next((key for key in ("minimum", "exclusiveMinimum") if key in prop), None)
        if lower is None:
            continue
        seen += 1
        zero = [case for case in _schema_cases(name) if case.id.endswith("/negative-zero")]
        assert len(zero) == 1, name
        assert math.copysign(1, zero[0].body[name]) == -1
        assert json.dumps(zero[0].body[name]) == "-0.0"
        assert (zero[0].expected is Verdict.ACCEPT) == _admits_zero(prop)
        negative = derive().by_id(f"schema.{lower}/{name}/violation/negative")
        assert negative.body[name] < 0
        assert negative.expected is Verdict.REJECT
    for rule in rules():
        constraint = rule.schema.get("then", rule.schema) if "if" in rule.schema else rule.schema
        for field, bounds in constraint.get("properties", {}).items():
            if not {"minimum", "exclusiveMinimum"} & set(bounds):
                continue
            seen += 1
            kind = "at-limit" if _admits_zero(bounds) else "violation"
            zero_case = derive().by_id(f"{rule.id}/{kind}/{field}/negative-zero")
            assert math.copysign(1, zero_case.body[field]) == -1
            assert derive().by_id(f"{rule.id}/violation/{field}/negative").body[field] < 0
    assert seen


def test_every_uri_field_is_sent_relative_empty_and_without_its_scheme() -> None:
    """Each ``format: uri`` property: a relative reference, an empty string, a scheme-less URI, each rejected."""
    uris = [name for name in PROPERTIES if _prop(name).get("format") == "uri"]
    assert uris
    for name in uris:
        relative = derive().by_id(f"schema.format/{name}/relative").body[name]
        schemeless = derive().by_id(f"schema.format/{name}/scheme-less").body[name]
        assert relative.startswith("/")
        assert "://" not in relative
        assert "://" not in schemeless
        assert "/" in schemeless
        assert not schemeless.startswith("/")
        assert derive().by_id(f"schema.format/{name}/empty").body[name] == ""
        assert all(case.expected is Verdict.REJECT for case in _family("schema.format", name))


def test_every_branch_of_a_conditional_rule_is_left_by_each_of_its_conditions() -> None:
    """Each const of an ``if`` flipped, and each field an ``if`` requires left out, gives an accepted body."""
    conditional = [rule for rule in rules() if "if" in rule.schema]
    assert conditional
    for rule in conditional:
        outside = [case for case in CASES if case.rule_id == rule.id and case.kind == "outside-condition"]
        condition = rule.schema["if"]
        assert all(case.expected is Verdict.ACCEPT for case in outside)
        for name, constraint in condition.get("properties", {}).items():
            if isinstance(constraint.get("const"), bool):
                assert any(case.body.get(name) is (not constraint["const"]) for case in outside), (rule.id, name)
        for name in condition.get("required", ()):
            if name not in condition.get("properties", {}) and name not in schema(REQUEST_SCHEMA)["required"]:
                assert any(name not in case.body for case in outside), (rule.id, name)
        for name in rule.schema["then"].get("required", ()):
            if name not in schema(REQUEST_SCHEMA)["required"]:
                assert any(case.id.endswith(f"/{name}-missing") for case in outside), (rule.id, name)
                assert derive().by_id(f"{rule.id}/violation/{name}-missing").expected is Verdict.REJECT


def test_every_constraint_family_is_sent_in_both_modes() -> None:
    """Each schema constraint is exercised with every mode (the rules' boolean conditions) both true and false."""
    modes = _modes()
    assert modes
    families = {case.rule_id for case in CASES if case.rule_id.startswith("schema.")}
    for family in families:
        members = [case for case in CASES if case.rule_id == family]
        for mode in modes:
            assert {case.body.get(mode) for case in members} >= {True, False}, (family, mode)


def test_each_mode_twin_has_its_case_with_the_same_verdict_in_the_other_mode() -> None:
    """A twin names the modes it flips; its case exists, expects the same, and holds the other mode value."""
    twins = [case for case in CASES if _is_twin(case)]
    assert twins
    for twin in twins:
        first = min(twin.id.index(f"/{mode}=") for mode in _modes() if f"/{mode}=" in twin.id)
        original = derive().by_id(twin.id[:first])
        flipped = [part.split("=")[0] for part in twin.id[first + 1 :].split("/")]
        assert original.expected is twin.expected
        assert all(twin.body[mode] is not original.body[mode] for mode in flipped), twin.id
        assert "in the other mode" in twin.description


def test_a_new_constraint_in_the_spec_gives_new_cases(monkeypatch: pytest.MonkeyPatch) -> None:
    """Properties, an enum, a uri, a length, a rule and a mode added to the spec give their cases, no code change."""
    original = dict(schema(REQUEST_SCHEMA))
    added = {
        "tempo": {"type": "integer", "minimum": 40, "maximum": 240},
        "mood": {"type": "string", "enum": ["calm", "Loud"]},
        "lyricsUrl": {"type": "string", "format": "uri", "example": "https://example.com/lyrics.txt"},
        "hook": {"type": "string", "maxLength": 12},
        "live": {"type": "boolean"},
    }
    extended = {**original, "properties": {**original["properties"], **added}}
    item = {
        "x-rule-id": "hook-short-live",
        "if": {"required": ["live"], "properties": {"live": {"const": True}}},
        "then": {"required": ["hook"], "properties": {"hook": {"maxLength": 8}}},
    }
    extra_rule = Rule(len(rules()), "hook-short-live", "hook", "short hooks when live", "test", (), item)
    monkeypatch.setattr(_cases, "_request_schema", lambda: extended)
    monkeypatch.setattr(_cases, "rules", lambda: (*rules(), extra_rule))
    base = {**base_body(), "tempo": 120, "mood": "calm", "live": True, "hook": "la"}
    cases = {case.id: case for _, case in _cases._constraint_cases(base)}
    ruled = {case.id: case for _, case in _cases._rule_cases(extra_rule, base)}
    modes = _cases._mode_fields()
    sent: dict[str, Any] = {case_id: case.body.get(case_id.split("/")[1]) for case_id, case in cases.items()}
    assert sent["schema.type/tempo/string-encoded/40"] == "40"
    assert cases["schema.type/tempo/integer/40"].expected is Verdict.ACCEPT
    assert {sent["schema.type/live/string-encoded/true"], sent["schema.type/live/string-encoded/false"]} == {
        "true",
        "false",
    }
    assert (sent["schema.minimum/tempo/violation"], sent["schema.maximum/tempo/violation"]) == (39, 241)
    assert sent["schema.minimum/tempo/violation/negative"] == -1
    assert cases["schema.minimum/tempo/violation/negative-zero"].expected is Verdict.REJECT  # 0 < 40
    assert (sent["schema.enum/mood/calm/uppercase"], sent["schema.enum/mood/Loud/swapped-case"]) == ("CALM", "lOUD")
    assert sent["schema.enum/mood/Loud/lowercase"] == "loud"
    assert sent["schema.format/lyricsUrl/relative"] == "/lyrics.txt"
    assert sent["schema.format/lyricsUrl/scheme-less"] == "example.com/lyrics.txt"
    assert len(sent["schema.maxLength/hook/at-limit/astral"]) == 12
    assert len(sent["schema.maxLength/hook/violation/bmp"]) == 13
    assert sent["schema.type/hook/as-number"] == 1
    assert len(ruled["hook-short-live/violation/hook/astral"].body["hook"]) == 9
    assert "hook" not in ruled["hook-short-live/violation/hook-missing"].body
    assert ruled["hook-short-live/outside-condition/live=false/hook-missing"].body["live"] is False
    assert "live" in modes
