"""Every rule of the rules overlay, checked with a real JSON Schema validator against the effective spec.

These tests judge the spec itself (jsonschema-rs on the effective request schema), not the client's wrapper:
each rule gets a body that is valid exactly at its boundary and a body that breaks that rule and nothing else.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from suno_api import spec
from tests.bodies import custom_body, field

ROOT = Path(__file__).resolve().parents[2]
EFFECTIVE = json.loads((ROOT / "generated" / "suno-api.effective.json").read_text(encoding="utf-8"))
REQUEST = EFFECTIVE["components"]["schemas"][spec.REQUEST_SCHEMA]
RULES = {item["x-rule-id"]: (index, item) for index, item in enumerate(REQUEST["allOf"])}
VALIDATOR = jsonschema_rs.validator_for({**REQUEST, "components": EFFECTIVE["components"]}, validate_formats=True)
WEIGHTS = ("style_weight", "weirdness_constraint", "audio_weight")
"""The roles of the numeric fields upstream gives a range and a number of decimal places."""


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
    name = rule["x-rule-field"]
    limit = rule["then"]["properties"][name]["maxLength"]
    return [
        (custom_body({name: "é" * limit}, model=model), custom_body({name: "é" * (limit + 1)}, model=model))
        for model in rule["x-rule-models"]
    ]


def after_start_cases() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Just above the rule's exclusive minimum is valid; the minimum itself and below it are not."""
    _, rule = RULES["continue-at-after-start"]
    start = rule["properties"][field("continue_at")]["exclusiveMinimum"]
    return [
        (custom_body(continue_at=start + 0.01), custom_body(continue_at=start)),
        (custom_body(continue_at=start + 1), custom_body(continue_at=start - 5)),
    ]


CASES: dict[str, Callable[[], list[tuple[dict[str, Any], dict[str, Any]]]]] = {
    "custom-mode-requires-style": lambda: [
        (custom_body(style="x"), custom_body(style=...)),
        (custom_body(default_param_flag=False, style=...), custom_body(style="")),
    ],
    "custom-mode-requires-title": lambda: [
        (custom_body(title="x"), custom_body(title=...)),
        (custom_body(default_param_flag=False, title=""), custom_body(title="")),
    ],
    "custom-vocal-requires-prompt": lambda: [
        (custom_body(prompt="x"), custom_body(prompt=...)),
        (custom_body(instrumental=True, prompt=...), custom_body(prompt="")),
        (custom_body(default_param_flag=False, style=..., title=..., prompt=...), custom_body(prompt="")),
    ],
    "continue-at-after-start": after_start_cases,
    "persona-requires-custom-mode": lambda: [
        (custom_body(persona_id="persona_123"), custom_body(default_param_flag=False, persona_id="persona_123")),
    ],
    "no-custom-mode-field": lambda: [
        (custom_body(), custom_body({"customMode": True})),
    ],
    # every per-model character limit, however many rules upstream's models need
    **{
        rule_id: functools.partial(limit_cases, rule_id)
        for rule_id, (_, rule) in RULES.items()
        if "x-rule-models" in rule
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


def weight_bounds(role: str) -> tuple[Decimal, Decimal, Decimal]:
    """Return the field's minimum, maximum and step as the spec writes them (decimals, so 0.07 stays 0.07)."""
    schema = REQUEST["properties"][field(role)]
    return Decimal(str(schema["minimum"])), Decimal(str(schema["maximum"])), Decimal(str(schema["multipleOf"]))


@pytest.mark.parametrize("role", WEIGHTS)
def test_weights_accept_every_value_in_range_and_step(role: str) -> None:
    """Minimum to maximum in steps of multipleOf all pass (python-jsonschema's float trap rejects 0.07, 0.29...)."""
    minimum, maximum, step = weight_bounds(role)
    values = [float(minimum + index * step) for index in range(int((maximum - minimum) / step) + 1)]
    assert values[-1] == float(maximum)
    rejected = [value for value in values if not VALIDATOR.is_valid(custom_body(**{role: value}))]
    assert rejected == []


OUT_OF_STEP: dict[str, Callable[[Decimal, Decimal, Decimal], Decimal]] = {
    "one-and-a-half-steps": lambda minimum, _, step: minimum + step * Decimal("1.5"),
    "a-step-above-maximum": lambda _, maximum, step: maximum + step,
    "a-step-below-minimum": lambda minimum, _, step: minimum - step,
    "a-tenth-of-a-step-more-precise": lambda minimum, _, step: minimum + step * Decimal("33.3"),
}


@pytest.mark.parametrize("case", sorted(OUT_OF_STEP))
def test_weights_reject_out_of_range_or_too_precise(case: str) -> None:
    minimum, maximum, step = weight_bounds("style_weight")
    value = float(OUT_OF_STEP[case](minimum, maximum, step))
    assert not VALIDATOR.is_valid(custom_body(style_weight=value)), value


def test_seed_example_is_valid() -> None:
    """The request example upstream publishes passes every rule."""
    example = EFFECTIVE["paths"][spec.names().submit_path]["post"]["requestBody"]["content"]["application/json"][
        "example"
    ]
    assert VALIDATOR.is_valid(example)


@pytest.mark.parametrize("name", REQUEST["required"])
def test_published_required_list_applies_in_default_mode(name: str) -> None:
    """ERRATA E-1/E-3: the required list holds in default mode too."""
    body = custom_body(default_param_flag=False, style=..., title=..., prompt=...)
    assert VALIDATOR.is_valid(body)
    del body[name]
    assert not VALIDATOR.is_valid(body)
