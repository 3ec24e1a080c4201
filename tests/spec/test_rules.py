"""Every rule of the rules overlay, checked with a real JSON Schema validator against the effective spec.

These tests judge the spec itself (jsonschema-rs on the effective request schema), not the client's wrapper:
each rule gets a body that is valid exactly at its boundary and a body that breaks that rule and nothing else.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from tests.bodies import custom_body

ROOT = Path(__file__).resolve().parents[2]
EFFECTIVE = json.loads((ROOT / "generated" / "suno-api.effective.json").read_text(encoding="utf-8"))
REQUEST = EFFECTIVE["components"]["schemas"]["UploadExtendRequest"]
RULES = {item["x-rule-id"]: (index, item) for index, item in enumerate(REQUEST["allOf"])}
VALIDATOR = jsonschema_rs.validator_for({**REQUEST, "components": EFFECTIVE["components"]}, validate_formats=True)


def violated_rules(body: dict[str, Any]) -> set[str]:
    """Return the ids of the rules the body breaks; fail on any non-rule schema error."""
    ids = set()
    for error in VALIDATOR.iter_errors(body):
        path = list(error.schema_path)
        assert path[0] == "allOf", f"unexpected non-rule error {path}: {error.message}"
        ids.add(REQUEST["allOf"][path[1]]["x-rule-id"])
    return ids


def limit_cases(rule_id: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """At-limit valid body and limit+1 invalid body for every model a limit rule covers."""
    _, rule = RULES[rule_id]
    field = rule["x-rule-field"]
    limit = rule["then"]["properties"][field]["maxLength"]
    return [
        (custom_body(model=model, **{field: "é" * limit}), custom_body(model=model, **{field: "é" * (limit + 1)}))
        for model in rule["x-rule-models"]
    ]


CASES: dict[str, Callable[[], list[tuple[dict[str, Any], dict[str, Any]]]]] = {
    "custom-mode-requires-style": lambda: [
        (custom_body(style="x"), custom_body(style=...)),
        (custom_body(defaultParamFlag=False, style=...), custom_body(style="")),
    ],
    "custom-mode-requires-title": lambda: [
        (custom_body(title="x"), custom_body(title=...)),
        (custom_body(defaultParamFlag=False, title=""), custom_body(title="")),
    ],
    "custom-vocal-requires-prompt": lambda: [
        (custom_body(prompt="x"), custom_body(prompt=...)),
        (custom_body(instrumental=True, prompt=...), custom_body(prompt="")),
        (custom_body(defaultParamFlag=False, style=..., title=..., prompt=...), custom_body(prompt="")),
    ],
    "continue-at-after-start": lambda: [
        (custom_body(continueAt=0.01), custom_body(continueAt=0)),
        (custom_body(continueAt=1), custom_body(continueAt=-5)),
    ],
    "persona-requires-custom-mode": lambda: [
        (custom_body(personaId="persona_123"), custom_body(defaultParamFlag=False, personaId="persona_123")),
    ],
    "no-custom-mode-field": lambda: [
        (custom_body(), custom_body(customMode=True)),
    ],
    **{
        rule_id: functools.partial(limit_cases, rule_id)
        for rule_id in RULES
        if rule_id.startswith(("prompt-max-length", "style-max-length", "title-max-length"))
    },
}


def test_every_rule_has_cases() -> None:
    """A rule added to the overlay must come with a valid and an invalid body here."""
    assert set(CASES) == set(RULES)


def test_every_rule_is_documented() -> None:
    """Each rule carries an id, the field it points at, a message and the quoted source sentence."""
    for rule_id, (_, rule) in RULES.items():
        for key in ("x-rule-field", "x-rule-message", "x-rule-source"):
            assert rule.get(key), f"{rule_id} lacks {key}"


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_accepts_valid_and_rejects_only_its_violation(rule_id: str) -> None:
    """The valid body passes the whole schema; the invalid one breaks this rule and nothing else."""
    for valid, invalid in CASES[rule_id]():
        assert violated_rules(valid) == set(), valid
        assert violated_rules(invalid) == {rule_id}, invalid


@pytest.mark.parametrize("weight", ["styleWeight", "weirdnessConstraint", "audioWeight"])
def test_weights_accept_every_two_decimal_value(weight: str) -> None:
    """0.00..1.00 in steps of 0.01 all pass (python-jsonschema's float trap rejects 0.07, 0.29...)."""
    rejected = [step / 100 for step in range(101) if not VALIDATOR.is_valid(custom_body(**{weight: step / 100}))]
    assert rejected == []


@pytest.mark.parametrize("value", [0.015, 1.01, -0.01, 0.333])
def test_weights_reject_out_of_range_or_too_precise(value: float) -> None:
    assert not VALIDATOR.is_valid(custom_body(styleWeight=value))


def test_seed_example_is_valid() -> None:
    """The request example upstream publishes passes every rule."""
    example = EFFECTIVE["paths"]["/api/v1/generate/upload-extend"]["post"]["requestBody"]["content"][
        "application/json"
    ]["example"]
    assert VALIDATOR.is_valid(example)


@pytest.mark.parametrize(
    "field", ["uploadUrl", "defaultParamFlag", "callBackUrl", "model", "instrumental", "continueAt"]
)
def test_published_required_list_applies_in_default_mode(field: str) -> None:
    """ERRATA E-1/E-3: the required list holds in default mode too."""
    body = custom_body(defaultParamFlag=False, style=..., title=..., prompt=...)
    assert VALIDATOR.is_valid(body)
    del body[field]
    assert not VALIDATOR.is_valid(body)
