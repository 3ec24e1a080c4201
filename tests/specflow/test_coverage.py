"""Rules coverage: the committed rules cover the committed spec, and each kind of gap is found and explained."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from suno_api.spec import names
from suno_api_build._coverage import Gap, check_coverage, errata_names, read_errata
from tests.bodies import field

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def effective(changed: dict[str, Any]) -> dict[str, Any]:
    return changed


def request(spec: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = spec["components"]["schemas"]["UploadExtendRequest"]
    return found


def rule(spec: dict[str, Any], rule_id: str) -> dict[str, Any]:
    return next(item for item in request(spec)["allOf"] if item.get("x-rule-id") == rule_id)


def set_models(spec: dict[str, Any], rule_id: str, models: list[str], declared: list[str] | None = None) -> None:
    # Replace, never mutate: rules share their `if` objects (YAML anchors in the overlay).
    limits = rule(spec, rule_id)
    model = names().model
    limits["if"] = {"required": [model], "properties": {model: {"enum": models}}}
    limits["x-rule-models"] = list(models if declared is None else declared)


def models(spec: dict[str, Any]) -> list[str]:
    found: list[str] = spec["components"]["schemas"]["SunoModel"]["enum"]
    return found


def absent(names: list[str]) -> str:
    """A model name the spec does not list (longer than every one), whatever upstream lists."""
    return max(names, key=len) + "X"


def limit(spec: dict[str, Any], rule_id: str) -> int:
    found = rule(spec, rule_id)
    value: int = found["then"]["properties"][found["x-rule-field"]]["maxLength"]
    return value


def limit_rules(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [item for item in request(spec)["allOf"] if "x-rule-models" in item]


def kinds(gaps: tuple[Gap, ...]) -> list[tuple[str, str]]:
    return [(gap.kind, gap.subject) for gap in gaps]


def but_messages(gaps: tuple[Gap, ...]) -> tuple[Gap, ...]:
    """The gaps other than stale messages (a rule edited alone leaves its message stale: tested apart)."""
    return tuple(gap for gap in gaps if gap.kind != "stale-message")


def test_committed_spec_and_overlays_have_full_coverage(committed: dict[str, Any]) -> None:
    """The gate in `make test`: every model has limits, every rule's field exists, every required field is discussed."""
    assert check_coverage(committed, read_errata(ROOT)) == ()


def test_new_model_without_limits_is_named_with_its_fields(effective: dict[str, Any]) -> None:
    newcomer = absent(models(effective))
    models(effective).append(newcomer)
    (gap,) = check_coverage(effective)
    assert (gap.kind, gap.subject, gap.edit) == ("model-without-limit", newcomer, "overlays/rules.overlay.yaml")
    assert "no character limit for prompt, style, title" in gap.message


def test_model_missing_from_one_field_names_only_that_field(effective: dict[str, Any]) -> None:
    *kept, dropped = rule(effective, "title-max-length-100")["x-rule-models"]
    set_models(effective, "title-max-length-100", kept)
    (gap,) = but_messages(check_coverage(effective))
    assert gap.kind == "model-without-limit"
    assert f"{dropped} has no character limit for title:" in gap.message


def test_dropped_model_still_named_by_a_rule(effective: dict[str, Any]) -> None:
    dropped = rule(effective, "prompt-max-length-3000")["x-rule-models"][0]
    models(effective).remove(dropped)
    assert kinds(check_coverage(effective)) == [
        ("unknown-model", item["x-rule-id"]) for item in limit_rules(effective) if dropped in item["x-rule-models"]
    ]


def test_x_rule_models_must_match_the_if(effective: dict[str, Any]) -> None:
    """`x-rule-models` is what the runtime reports; the `if` is what is enforced: they must agree."""
    shared = next(item for item in limit_rules(effective) if len(item["x-rule-models"]) > 1)
    enforced = list(shared["x-rule-models"])
    set_models(effective, shared["x-rule-id"], enforced, declared=enforced[1:])
    assert kinds(but_messages(check_coverage(effective))) == [("models-mismatch", shared["x-rule-id"])]


def test_one_model_with_two_different_limits(effective: dict[str, Any]) -> None:
    lower, higher = "prompt-max-length-3000", "prompt-max-length-5000"
    model = rule(effective, lower)["x-rule-models"][-1]
    set_models(effective, higher, [model, *rule(effective, higher)["x-rule-models"]])
    (gap,) = but_messages(check_coverage(effective))
    assert (gap.kind, gap.subject) == ("conflicting-limits", model)
    assert f"{limit(effective, lower)} ({lower}), {limit(effective, higher)} ({higher})" in gap.message


@pytest.mark.parametrize(
    ("role", "subject"),
    [
        pytest.param("persona_id", "persona-requires-custom-mode", id="rule"),
        pytest.param("upload_url", "upload-duration-limit", id="audio-rule"),
        pytest.param("style_weight", "x-field-hints.{field}", id="hint"),
    ],
)
def test_rule_naming_a_field_the_spec_dropped(effective: dict[str, Any], role: str, subject: str) -> None:
    dropped = field(role)
    request(effective)["properties"].pop(dropped)
    assert ("unknown-field", subject.format(field=dropped)) in kinds(check_coverage(effective))


def test_rule_field_in_the_if_counts_too(effective: dict[str, Any]) -> None:
    """A rule names fields in its if/then as well as in x-rule-field: the custom-mode flag here."""
    flag = field("default_param_flag")
    request(effective)["properties"].pop(flag)
    request(effective)["required"].remove(flag)
    found = kinds(check_coverage(effective))
    assert ("unknown-field", "custom-mode-requires-style") in found
    assert ("unknown-field", f"x-field-hints.{flag}") in found


def test_forbidding_rule_is_fine_until_the_field_appears(effective: dict[str, Any]) -> None:
    """`no-custom-mode-field` names `customMode` under a `not`: absent from the schema is its point."""
    request(effective)["properties"]["customMode"] = {"type": "boolean"}
    assert kinds(check_coverage(effective)) == [("forbidden-field-defined", "no-custom-mode-field")]


def test_new_required_field_must_be_discussed(effective: dict[str, Any]) -> None:
    request(effective)["properties"]["personaModel"] = {"type": "string"}
    request(effective)["required"].append("personaModel")
    (gap,) = check_coverage(effective, errata="`personaId` is discussed, not the new one")
    assert (gap.kind, gap.subject) == ("undiscussed-required", "personaModel")
    assert "spec/ERRATA.md" in gap.message
    assert check_coverage(effective, errata="## E-99 `personaModel`: now required") == ()


def test_rule_quoting_text_upstream_rewrote(effective: dict[str, Any]) -> None:
    duration = next(
        item for item in request(effective)["x-audio-rules"] if item["x-rule-id"] == "upload-duration-limit"
    )
    seconds = duration["x-max-duration-seconds"]
    upload = request(effective)["properties"][field("upload_url")]
    stated = f"{seconds // 60} minutes"
    assert stated in duration["x-rule-source"]
    assert stated in upload["description"]
    upload["description"] = upload["description"].replace(stated, f"{seconds // 60 * 4} minutes")
    (gap,) = check_coverage(effective)
    assert (gap.kind, gap.subject) == ("stale-source", "upload-duration-limit")
    assert repr(duration["x-rule-source"]) in gap.message
    assert f"x-max-duration-seconds is {seconds}" in gap.message


def test_source_quoting_two_sentences_needs_both(effective: dict[str, Any]) -> None:
    quoting = next(item for item in limit_rules(effective) if "; " in item["x-rule-source"])
    field = request(effective)["properties"][quoting["x-rule-field"]]
    # reword the models of the last sentence only: the first still matches, the source no longer does
    models_named = quoting["x-rule-source"].split("; ")[-1].split(":")[0]
    assert models_named in field["description"]
    field["description"] = field["description"].replace(models_named, "**reworded**")
    assert kinds(check_coverage(effective)) == [("stale-source", quoting["x-rule-id"])]


def test_missing_request_schema_points_at_the_normalise_overlay(effective: dict[str, Any]) -> None:
    del effective["components"]["schemas"]["SunoModel"]
    (gap,) = check_coverage(effective)
    assert (gap.kind, gap.subject, gap.edit) == ("missing-schema", "SunoModel", "overlays/normalise.overlay.yaml")


def test_errata_names_are_what_stands_in_backticks() -> None:
    assert errata_names("`startAt` and `customFlag: true`, not personaModel") == {"startAt", "customFlag: true"}


def test_a_message_stating_an_old_bound_is_stale(effective: dict[str, Any]) -> None:
    """The bound changed, the message still states the old one: the report names the rule and both numbers."""
    old = limit(effective, "prompt-max-length-3000")
    limits = rule(effective, "prompt-max-length-3000")
    # a message that writes its bound in, instead of the {maxLength} placeholder, goes stale when the bound moves
    limits["x-rule-message"] = f"`{limits['x-rule-field']}` may have at most {old} characters."
    limits["then"]["properties"][limits["x-rule-field"]]["maxLength"] = old - 1
    (gap,) = check_coverage(effective)
    assert (gap.kind, gap.subject) == ("stale-message", "rule prompt-max-length-3000")
    assert f"states {old}, which is no bound of its rule (now {old - 1})" in gap.message


def test_a_message_naming_other_models_is_stale(effective: dict[str, Any]) -> None:
    """A model added to a rule (as the coverage report asks for a new model) leaves its message stale."""
    newcomer = absent(models(effective))
    models(effective).append(newcomer)
    named = list(rule(effective, "prompt-max-length-5000")["x-rule-models"])
    for rule_id in ("prompt-max-length-5000", "style-max-length-1000", "title-max-length-100"):
        # a message that writes its models in, instead of the {models} placeholder
        item = rule(effective, rule_id)
        item["x-rule-message"] = (
            f"With model {', '.join(item['x-rule-models'])}, `{item['x-rule-field']}` may have at most"
            f" {limit(effective, rule_id)} characters."
        )
        set_models(effective, rule_id, [*item["x-rule-models"], newcomer])
    found = check_coverage(effective)
    assert {gap.kind for gap in found} == {"stale-message"}
    assert len(found) == 3
    old, new = ", ".join(named), ", ".join([*named, newcomer])
    assert f"names the models {old}, but its x-rule-models are {new}" in found[0].message


def test_a_hint_stating_an_old_bound_is_stale(effective: dict[str, Any]) -> None:
    """A field hint's numbers are checked against the field's schema and its rules (continueAt: greater than 0)."""
    continue_at = field("continue_at")
    hints = request(effective)["x-field-hints"][continue_at]
    # a hint that writes its bound in, instead of the {exclusiveMinimum} placeholder
    bounds = [
        member
        for item in request(effective)["allOf"]
        if isinstance(member := item.get("properties", {}).get(continue_at), dict) and "exclusiveMinimum" in member
    ]
    hints["required"] = hints["required"].replace("{exclusiveMinimum}", str(bounds[0]["exclusiveMinimum"]))
    for member in bounds:
        member["exclusiveMinimum"] += 1
    assert ("stale-message", f"x-field-hints.{continue_at}.required") in kinds(check_coverage(effective))
