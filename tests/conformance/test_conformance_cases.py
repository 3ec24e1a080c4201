"""Boundary cases are derived from the rules overlay, and each does exactly what its name says."""

from __future__ import annotations

import pytest

from suno_api import find_violations
from suno_api.spec import Rule, rules
from suno_conformance.suite._cases import CALLBACK_PLACEHOLDER, BoundaryCase, base_body, derive
from suno_conformance.suite._oracle import Verdict

CASES = derive().cases


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
        assert (len(at_limit.body[field]), at_limit.body["model"]) == (limit, model)
        assert len(beyond.body[field]) == limit + 1


def test_outside_its_condition_a_rule_is_not_applied() -> None:
    """An empty style in default mode, and a 3001-character prompt with V4_5, must be accepted."""
    style = derive().by_id("custom-mode-requires-style/outside-condition/style")
    assert (style.body["defaultParamFlag"], style.body["style"], style.expected) == (False, "", Verdict.ACCEPT)
    prompt = derive().by_id("prompt-max-length-3000/outside-condition/prompt")
    assert (prompt.body["model"], len(prompt.body["prompt"])) == ("V4_5", 3001)


def test_the_float_trap_of_multiple_of_is_a_valid_case() -> None:
    """0.29 is on the 0.01 grid (float division says otherwise): it must be accepted."""
    assert derive().by_id("schema.multipleOf/styleWeight/on-grid").body["styleWeight"] == 0.29


def test_every_documented_model_is_a_case_to_accept() -> None:
    """A server that refuses a documented model is caught."""
    assert {case.body["model"] for case in CASES if case.id.startswith("schema.enum/model/V")} == {
        "V3_5",
        "V4",
        "V4_5",
        "V4_5PLUS",
        "V5",
    }


def test_the_callback_url_is_filled_in_only_where_it_is_the_placeholder() -> None:
    """with_callback swaps the placeholder, and leaves a deliberately broken callBackUrl alone."""
    assert base_body()["callBackUrl"] == CALLBACK_PLACEHOLDER
    case = derive().by_id("schema.enum/model/V5")
    assert case.with_callback("http://127.0.0.1:9/callbacks/1")["callBackUrl"] == "http://127.0.0.1:9/callbacks/1"
    assert case.body["callBackUrl"] == CALLBACK_PLACEHOLDER
    broken = derive().by_id("schema.format/callBackUrl/violation")
    assert broken.with_callback("http://127.0.0.1:9/callbacks/2")["callBackUrl"] == "not a uri"


def test_case_ids_are_unique() -> None:
    """Each case is one pytest test with a stable id."""
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))
