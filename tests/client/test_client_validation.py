"""Validation before the network: every rule from the effective spec, every violation at once, nothing sent."""

from __future__ import annotations

import copy
import json
import re
import wave
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

from suno_api import (
    SunoClient,
    UploadExtendRequest,
    ValidationError,
    _spec,
    _validation,
    find_violations,
    read_audio_duration,
    spec,
    validate_upload_extend,
)
from suno_api._messages import (
    PLACEHOLDERS,
    MessageError,
    fill,
    number,
    rule_message,
    unknown_placeholders,
    words_for_seconds,
)
from suno_api._spec import REQUEST_SCHEMA, effective_spec, rules, schema
from suno_api.spec import names
from suno_api_build import _coverage
from suno_conformance.mock import MockApp, MockSettings
from tests.bodies import custom_body, field
from tests.client.client_strategies import PROPERTIES, breaking_bodies, check_rule_shapes, resolve, valid_bodies
from tests.client.client_support import Recorder, envelope, respond
from tests.spec_support import models, undocumented_value

RULES = rules()
# The fields some rule limits in length (per model), as the rules overlay has them.
LENGTH_FIELDS = tuple(sorted({item.field for item in RULES if "maxLength" in str(item.schema)}))
# The weights: the roles of the fields with a range and a step.
WEIGHTS = ("style_weight", "weirdness_constraint", "audio_weight")


def rule_ids(body: Any, **audio: Any) -> tuple[str, ...]:
    return tuple(violation.rule_id for violation in find_violations(body, **audio))


def _decimal(value: float) -> Decimal:
    """A bound as the spec writes it, exactly (0.01, not the float nearest to it)."""
    return Decimal(number(value))


def _range(role: str) -> tuple[Decimal, Decimal, Decimal]:
    """The minimum, maximum and step of the weight ``role``, from the request schema."""
    node = schema(REQUEST_SCHEMA)["properties"][field(role)]
    return _decimal(node["minimum"]), _decimal(node["maximum"]), _decimal(node["multipleOf"])


def _on_step(role: str, steps: int) -> float:
    """The weight ``steps`` steps above its minimum, as a person writes it (0.07 with a step of 0.01)."""
    minimum, maximum, step = _range(role)
    value = minimum + steps * step
    assert value <= maximum, f"{field(role)} has fewer than {steps} steps"
    return float(value)


def _off_step(role: str) -> float:
    """A weight in range but between two steps (0.015 with a step of 0.01)."""
    minimum, _, step = _range(role)
    return float(minimum + step * Decimal("1.5"))


def _continue_floor() -> Any:
    """The bound continueAt must exceed, from its rule."""
    return spec.rule("continue-at-after-start").schema["properties"][names().continue_at]["exclusiveMinimum"]


def _upload_limit() -> Any:
    """The longest source audio the service accepts, in seconds, from the audio rules."""
    audio_rules = schema(REQUEST_SCHEMA)["x-audio-rules"]
    return next(item for item in audio_rules if item["x-rule-id"] == "upload-duration-limit")["x-max-duration-seconds"]


# --- properties ----------------------------------------------------------------------------------------------


def test_every_rule_has_a_shape_the_strategies_understand() -> None:
    """A rule of a new shape fails here, by name, instead of going untested."""
    assert check_rule_shapes() == []


@pytest.mark.parametrize("field", sorted(PROPERTIES))
def test_valid_body_strategy_reaches_every_field(field: str) -> None:
    """The generator covers the whole schema, optional fields included."""
    # Only the keys: Hypothesis builds a repr of what find() returns, and bodies can hold 5000-character
    # strings. Generation only: shrinking the example found would only cost time.
    keys = valid_bodies().map(lambda body: tuple(sorted(body)))
    assert field in find(keys, lambda found: field in found, settings=settings(phases=[Phase.generate]))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(valid_bodies())
def test_every_body_generated_from_the_schema_passes(body: dict[str, Any]) -> None:
    """Bodies built from the effective schema and its rules are valid, and so is the same body as a model."""
    assert find_violations(body) == []
    validate_upload_extend(UploadExtendRequest.from_dict(body))


@pytest.mark.parametrize("rule", RULES, ids=[rule.id for rule in RULES])
@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_single_rule_violation_is_caught_with_its_rule_id(rule: Any, data: st.DataObject) -> None:
    """Break one rule of a valid body (where the rule applies): exactly that rule's id is reported."""
    body = data.draw(breaking_bodies(rule))
    assert rule_ids(body) == (rule.id,)
    with pytest.raises(ValidationError) as raised:
        validate_upload_extend(body)
    assert raised.value.violations[0].message == rule.message


# --- limits --------------------------------------------------------------------------------------------------


def _length_rule(model: str, name: str) -> Any:
    matching = [
        rule for rule in RULES if rule.field == name and model in rule.models and "maxLength" in str(rule.schema)
    ]
    assert len(matching) == 1, f"model {model} needs exactly one length rule for {name}, has {len(matching)}"
    return matching[0]


LIMIT_CASES = [(model, name) for model in models() for name in LENGTH_FIELDS]


@pytest.mark.parametrize(("known_model", "name"), LIMIT_CASES)
def test_exactly_at_limit_passes_and_limit_plus_one_fails(known_model: str, name: str) -> None:
    """For every model and every length-limited field: limit characters pass, limit + 1 fail with the rule id."""
    length_rule = _length_rule(known_model, name)
    limit = length_rule.schema["then"]["properties"][name]["maxLength"]
    # Non-ASCII on purpose: limits count characters, not bytes.
    assert rule_ids(custom_body({names().model: known_model, name: "é" * limit})) == ()
    assert rule_ids(custom_body({names().model: known_model, name: "é" * (limit + 1)})) == (length_rule.id,)


# 7, 29 and 57 steps of 0.01 are values float division gets wrong (0.07 / 0.01 is not 7).
@pytest.mark.parametrize("steps", [7, 29, 57, 1, 14, 28, 56, 58, 59, 94, 99])
@pytest.mark.parametrize("role", WEIGHTS)
def test_weights_accept_values_on_their_step(role: str, steps: int) -> None:
    """0.07, 0.29, 0.57 (with a step of 0.01) and the other values on the step pass."""
    assert rule_ids(custom_body(**{role: _on_step(role, steps)})) == ()


@pytest.mark.parametrize("bound", ["minimum", "maximum"])
@pytest.mark.parametrize("role", WEIGHTS)
def test_weights_accept_their_bounds_written_as_integers_or_floats(role: str, bound: str) -> None:
    value = schema(REQUEST_SCHEMA)["properties"][field(role)][bound]
    # a list, not a set: 1 == 1.0, and both spellings are sent
    for written in [value, float(value), *([int(value)] if float(value).is_integer() else [])]:
        assert rule_ids(custom_body(**{role: written})) == (), repr(written)


@pytest.mark.parametrize("role", WEIGHTS)
def test_weights_accept_every_value_of_their_range_on_the_step(role: str) -> None:
    minimum, maximum, step = _range(role)
    for steps in range(int((maximum - minimum) / step) + 1):
        value = float(minimum + steps * step)
        assert rule_ids(custom_body(**{role: value})) == (), value


def _breaking_weight(role: str, keyword: str) -> float:
    minimum, maximum, step = _range(role)
    return {"multipleOf": _off_step(role), "maximum": float(maximum + step), "minimum": float(minimum - step)}[keyword]


@pytest.mark.parametrize("keyword", ["multipleOf", "maximum", "minimum"])
@pytest.mark.parametrize("role", WEIGHTS)
def test_weights_reject_too_precise_or_out_of_range(role: str, keyword: str) -> None:
    weight = _breaking_weight(role, keyword)
    violations = find_violations(custom_body(**{role: weight}))
    assert [(v.field, v.rule_id) for v in violations] == [(field(role), f"schema.{keyword}")]
    if keyword == "multipleOf":
        step = number(_range(role)[2])
        assert f"{weight} is not a multiple of {step}" in violations[0].message
        assert f"in steps of {step}" in violations[0].message


# --- what clients in the wild send (spec/UPSTREAM.md section 4) ----------------------------------------------------


def test_missing_default_param_flag_says_what_to_set() -> None:
    (violation,) = find_violations(custom_body(default_param_flag=...))
    assert (violation.field, violation.rule_id) == (names().default_param_flag, "schema.required")
    assert "true for custom mode" in violation.message
    assert "false to let the service" in violation.message


def test_continue_at_at_its_floor_says_it_must_be_greater() -> None:
    floor = _continue_floor()
    (violation,) = find_violations(custom_body(continue_at=floor))
    assert violation.rule_id == "continue-at-after-start"
    assert f"greater than {number(floor)}" in violation.message
    assert violation.value == floor


def test_empty_style_and_title_in_custom_mode_say_how_to_fix_both() -> None:
    violations = find_violations(custom_body({names().style: "", names().title: ""}))
    assert [v.rule_id for v in violations] == ["custom-mode-requires-style", "custom-mode-requires-title"]
    for violation in violations:
        assert "non-empty" in violation.message
        assert f"{names().default_param_flag} to false" in violation.message


def test_continue_at_equal_to_the_track_length_is_caught_when_the_duration_is_known() -> None:
    body = custom_body(continue_at=95.5)
    assert rule_ids(body) == ()  # without the duration the body cannot tell
    (violation,) = find_violations(body, audio_duration=95.5)
    assert violation.rule_id == "continue-at-within-audio"
    assert "less than the source audio's duration (95.5 s)" in violation.message
    assert rule_ids(custom_body(continue_at=95.4), audio_duration=95.5) == ()


def _unknown_model(kind: str) -> str:
    """A model the spec does not list: one it cannot have, a lower-case or a suffixed spelling of the newest,
    or the upstream model name a record reports (spec/UPSTREAM.md section 4)."""
    newest = models()[-1]
    return {
        "undocumented": str(undocumented_value("SunoModel")),
        "lower-case": newest.lower(),
        "suffixed": f"{newest}ALL",
        "upstream-name": "chirp-auk-turbo",
    }[kind]


@pytest.mark.parametrize("kind", ["undocumented", "lower-case", "suffixed", "upstream-name"])
def test_model_newer_than_the_spec_says_to_regenerate_or_pick_a_known_one(kind: str) -> None:
    model = _unknown_model(kind)
    assert model not in models()
    (violation,) = find_violations(custom_body({names().model: model}))
    assert (violation.field, violation.rule_id, violation.value) == (names().model, "schema.enum", model)
    assert "regenerate" in violation.message
    assert [known for known in models() if known not in violation.message] == []


def test_generate_endpoints_custom_mode_field_is_named() -> None:
    (violation,) = find_violations(custom_body({"customMode": True}))
    assert violation.rule_id == "no-custom-mode-field"
    assert f"use {names().default_param_flag}" in violation.message


def test_upload_longer_than_the_limit_is_caught_when_the_duration_is_known() -> None:
    (violation,) = find_violations(custom_body(continue_at=60), audio_duration=_upload_limit() + 1)
    assert violation.rule_id == "upload-duration-limit"
    assert "Trim it" in violation.message


def test_every_violation_is_listed_at_once() -> None:
    body = custom_body(
        {"customMode": False, names().model: undocumented_value("SunoModel")},
        default_param_flag=...,
        continue_at=_continue_floor(),
        style_weight=_off_step("style_weight"),
    )
    with pytest.raises(ValidationError) as raised:
        validate_upload_extend(body)
    assert sorted(raised.value.rule_ids) == sorted(
        ["schema.required", "continue-at-after-start", "schema.enum", "schema.multipleOf", "no-custom-mode-field"]
    )
    assert "5 problems" in str(raised.value)
    assert isinstance(raised.value, ValueError)


@pytest.mark.parametrize(
    ("value", "rule_id"),
    [
        (float("nan"), "json.finite-number"),
        (float("inf"), "json.finite-number"),
        (True, "schema.type"),
        ("60", "schema.type"),
    ],
)
def test_continue_at_must_be_a_finite_number(value: Any, rule_id: str) -> None:
    """NaN, infinity, booleans and strings are refused before httpx would choke on them."""
    assert rule_id in rule_ids(custom_body(continue_at=value))


def test_a_body_that_is_not_an_object_is_one_violation() -> None:
    assert rule_ids(["not", "a", "body"]) == ("schema.type",)


# --- audio files ---------------------------------------------------------------------------------------------


def _wav(path: Path, seconds: float, rate: int = 8000) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(rate)
        out.writeframes(b"\x80" * int(seconds * rate))
    return path


def test_duration_is_read_from_a_local_file(tmp_path: Path) -> None:
    audio = _wav(tmp_path / "source.wav", 2.5)
    assert read_audio_duration(audio) == pytest.approx(2.5)
    (violation,) = find_violations(custom_body(continue_at=3), audio_file=audio)
    assert violation.rule_id == "continue-at-within-audio"


def test_a_file_that_is_not_audio_is_a_validation_error(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not audio", encoding="utf-8")
    with pytest.raises(ValidationError) as raised:
        read_audio_duration(text)
    assert raised.value.rule_ids == ("audio.readable",)


# --- nothing is sent -------------------------------------------------------------------------------------------


def test_an_invalid_body_is_never_sent(make_client: Callable[..., SunoClient]) -> None:
    recorder = Recorder(respond(envelope(data={names().submit_task_id: "t"})))
    client = make_client(recorder)
    with pytest.raises(ValidationError) as raised:
        client.submit(custom_body({names().style: ""}, continue_at=_continue_floor()))
    assert recorder.count == 0
    assert raised.value.rule_ids == ("custom-mode-requires-style", "continue-at-after-start")


def test_an_audio_aware_violation_is_never_sent(make_client: Callable[..., SunoClient]) -> None:
    recorder = Recorder(respond(envelope(data={names().submit_task_id: "t"})))
    with pytest.raises(ValidationError):
        make_client(recorder).submit(custom_body(continue_at=30), audio_duration=30)
    assert recorder.count == 0


def test_a_valid_model_body_is_sent_as_the_generated_code_builds_it(make_client: Callable[..., SunoClient]) -> None:
    recorder = Recorder(respond(envelope(data={names().submit_task_id: "task-9"})))
    gender = resolve(PROPERTIES[names().vocal_gender])["enum"][-1]
    body = custom_body(vocal_gender=gender, style_weight=_on_step("style_weight", 29), persona_id="p-1")
    assert make_client(recorder).submit(UploadExtendRequest.from_dict(body)) == "task-9"
    (sent,) = recorder.requests
    assert sent.method == "POST"
    assert sent.url.path == names().submit_path
    assert httpx.Response(200, content=sent.content).json() == body


def test_an_empty_task_id_is_refused_before_any_request(make_client: Callable[..., SunoClient]) -> None:
    recorder = Recorder(respond(envelope()))
    with pytest.raises(ValidationError) as raised:
        make_client(recorder).get_record("")
    assert raised.value.rule_ids == ("schema.minLength",)
    assert recorder.count == 0


# --- messages from the schema ----------------------------------------------------------------------------------


def _texts(request: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """Yield (where, text) for every message, hint and help text the request schema carries."""
    for item in [*request.get("allOf", ()), *request.get("x-audio-rules", ())]:
        yield f"rule {item['x-rule-id']}", item["x-rule-message"]
    for section in ("x-field-hints", "x-field-help"):
        for name, entries in request.get(section, {}).items():
            for key, text in entries.items():
                yield f"{section}.{name}.{key}", text


def test_every_text_of_the_spec_uses_only_known_placeholders() -> None:
    """A typo such as {maxLenght} in the rules overlay fails here, naming where it is."""
    texts = list(_texts(schema(REQUEST_SCHEMA)))
    assert any("{" in text for _, text in texts)  # the overlay does use placeholders
    assert [(where, unknown_placeholders(text)) for where, text in texts if unknown_placeholders(text)] == []


def test_an_unknown_or_unfillable_placeholder_fails_loudly() -> None:
    with pytest.raises(MessageError, match=r"rule r: unknown placeholder\(s\) \{maxLenght\}"):
        fill("at most {maxLenght}", {"maxLength": "3"}, subject="rule r")
    with pytest.raises(MessageError, match=r"\{maximum\} has no value here"):
        fill("at most {maximum}", {"minimum": "0"}, subject="x-field-hints.f.maximum")
    item = {"x-rule-id": "r", "x-rule-field": names().title, "x-rule-message": "{models} {maxLength}"}
    with pytest.raises(MessageError, match="rule r"):  # a rule with no models and no maxLength
        rule_message(item)


@pytest.mark.parametrize(
    ("bound", "shown"), [(3000, "3000"), (3000.0, "3000"), (0.01, "0.01"), (0.001, "0.001"), (1e-05, "0.00001")]
)
def test_bounds_are_shown_as_a_person_writes_them(bound: float, shown: str) -> None:
    assert number(bound) == shown


@pytest.mark.parametrize(
    ("seconds", "words"), [(120, "2 minutes"), (60, "1 minute"), (90, "90 seconds"), (480, "8 minutes")]
)
def test_duration_limits_are_shown_in_words(seconds: int, words: str) -> None:
    assert words_for_seconds(seconds) == words


def test_every_rule_message_renders_with_no_placeholder_left() -> None:
    for rule in RULES:
        assert "{" not in rule.message, rule.id
        assert "}" not in rule.message, rule.id
        assert rule.message == " ".join(rule.message.split())


@pytest.mark.parametrize(
    ("field", "keyword"),
    [(field, keyword) for field, hints in schema(REQUEST_SCHEMA)["x-field-hints"].items() for keyword in hints],
)
def test_every_field_hint_renders_with_no_placeholder_left(field: str, keyword: str) -> None:
    message = _validation.hint_message(field, keyword, value="sample", detail=None)
    assert "{" not in message
    assert "}" not in message


def test_every_placeholder_is_documented_in_the_module() -> None:
    """PLACEHOLDERS and the module docstring list the same names: docs cannot fall behind the code."""
    import suno_api._messages as messages  # noqa: PLC0415 - only its docstring is read

    documented = set(re.findall(r"``\{(\w+)\}``", messages.__doc__ or ""))
    assert documented == set(PLACEHOLDERS)


def test_the_builds_placeholder_list_is_the_runtimes() -> None:
    """The build (which never imports suno_api) flags the same placeholders as unknown that the runtime would."""
    assert set(_coverage.PLACEHOLDERS) == set(PLACEHOLDERS)


def test_audio_rule_messages_state_the_limit_and_the_measured_duration() -> None:
    limit = next(item for item in schema(REQUEST_SCHEMA)["x-audio-rules"] if "x-max-duration-seconds" in item)
    seconds = limit["x-max-duration-seconds"]
    (violation,) = find_violations(custom_body(continue_at=1), audio_duration=seconds + 1.5)
    assert f"lasts {number(seconds + 1.5)} s" in violation.message
    assert f"at most {number(seconds)} s" in violation.message
    assert "{" not in violation.message


def _clear_spec_caches() -> None:
    for cached in (
        _spec.effective_spec,
        _spec.rules,
        _validation._validator,
        _validation._uri_fields,
        _validation._field_values,
    ):
        cached.cache_clear()
    from suno_api.cli import _body  # noqa: PLC0415 - the CLI caches its field table too

    _body.fields.cache_clear()


@contextmanager
def changed_spec(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, change: Callable[[dict[str, Any]], None]
) -> Iterator[dict[str, Any]]:
    """Point the library at a copy of the effective spec edited by ``change`` (as an upgrade would), then back."""
    document = copy.deepcopy(dict(effective_spec()))
    change(document)
    path = tmp_path / "changed.effective.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    monkeypatch.setattr(_spec, "effective_spec_path", lambda: path)
    _clear_spec_caches()
    try:
        yield document
    finally:
        monkeypatch.undo()
        _clear_spec_caches()


NEW_MODEL = "V9_TEST"


def _finer_step(properties: Mapping[str, Any]) -> Decimal:
    """A tenth of the finest step of any field: a step no field has yet, so every text that shows it is new."""
    return min(_decimal(node["multipleOf"]) for node in properties.values() if "multipleOf" in node) / 10


def upstream_change(document: dict[str, Any]) -> None:
    """Finer, wider weights (a step finer than any, twice the maximum), a new model, an 8-minute upload limit.

    The new model joins, for each length-limited field, the rule with the largest limit (its `if` and its
    x-rule-models, as the rules overlay would be edited).
    """
    model = names().model
    schemas = document["components"]["schemas"]
    request = schemas[REQUEST_SCHEMA]
    step = float(_finer_step(request["properties"]))
    for node in request["properties"].values():
        if "multipleOf" in node:
            node.update(multipleOf=step, maximum=node["maximum"] * 2)
    schemas[request["properties"][model]["$ref"].rsplit("/", 1)[-1]]["enum"].append(NEW_MODEL)
    widest: dict[str, tuple[int, dict[str, Any]]] = {}
    for item in request["allOf"]:
        name = item["x-rule-field"]
        limit = item.get("then", {}).get("properties", {}).get(name, {}).get("maxLength")
        if "x-rule-models" in item and limit is not None and limit > widest.get(name, (-1, item))[0]:
            widest[name] = (limit, item)
    for _, item in widest.values():
        item["if"]["properties"][model]["enum"].append(NEW_MODEL)
        item["x-rule-models"] = [*item["x-rule-models"], NEW_MODEL]
    for item in request["x-audio-rules"]:
        if "x-max-duration-seconds" in item:
            item["x-max-duration-seconds"] = 480


def test_messages_follow_a_changed_spec(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """After a finer step, a doubled maximum, a new model and an 8-minute limit, every text says so."""
    minimum, maximum, _ = _range("style_weight")
    new_step, new_maximum = _finer_step(schema(REQUEST_SCHEMA)["properties"]), maximum * 2
    with changed_spec(monkeypatch, tmp_path, upstream_change):
        assert _range("style_weight") == (minimum, new_maximum, new_step)
        off_step = _off_step("style_weight")
        (violation,) = find_violations(custom_body(style_weight=off_step))
        assert violation.rule_id == "schema.multipleOf"
        assert f"in steps of {number(float(new_step))}" in violation.message
        assert f"{number(float(minimum))} to {number(float(new_maximum))}" in violation.message
        # above the old maximum, on the new step only
        assert find_violations(custom_body(style_weight=float(maximum + new_step))) == []
        mock = MockApp(MockSettings(stage_seconds=0))
        shown = mock.violations_message(mock.validate_body(custom_body(style_weight=off_step)))
        assert shown.endswith(violation.message)
        widened = [item for item in rules() if NEW_MODEL in item.models]
        assert len(widened) == len(LENGTH_FIELDS)
        for item in widened:
            limit = item.schema["then"]["properties"][item.field]["maxLength"]
            (length,) = find_violations(custom_body({names().model: NEW_MODEL, item.field: "x" * (limit + 1)}))
            assert length.rule_id == item.id
            assert f" or {NEW_MODEL}, `{item.field}` may have at most {limit} characters." in length.message
        (unknown,) = find_violations(custom_body({names().model: undocumented_value("SunoModel")}))
        assert f", {NEW_MODEL})" in unknown.message
        (audio,) = find_violations(custom_body(continue_at=1), audio_duration=500)
        assert "at most 480 s (8 minutes)" in audio.message
    # and back: the installed spec's texts again
    step_now = number(float(_range("style_weight")[2]))
    assert f"in steps of {step_now}" in find_violations(custom_body(style_weight=_off_step("style_weight")))[0].message
