"""Hostile and careless input (issue 14, findings 4 and 7) and a regenerated enum that lost a member (issue 13).

Bodies that cannot be sent fail validation with a violation naming the field, before anything is sent;
answers that hold a task id somewhere undocumented are decoded; refusals are refusals.
"""

from __future__ import annotations

import datetime
import json
import re
import subprocess
import sys
import textwrap
from collections.abc import Callable
from typing import Any

import httpx
import pytest

import suno_api
from suno_api import (
    ConfigurationError,
    GenerationRefusedError,
    NotFoundError,
    ResponseDecodeError,
    SubmitOutcomeUnknownError,
    SunoClient,
    ValidationError,
    find_violations,
    validate_upload_extend,
)
from suno_api.spec import REQUEST_SCHEMA, names, schema
from tests.bodies import custom_body, field
from tests.client.client_support import TOKEN, Recorder, envelope, record, respond, submitted
from tests.spec_support import present


def never_called(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"nothing should be sent: {request.method} {request.url}")


def _violations(body: Any) -> dict[str, str]:
    """field -> rule id of every violation of ``body``, the client's cautions included."""
    return {violation.field: violation.rule_id for violation in find_violations(body, cautions=True)}


# --- finding 4: bodies that cannot be sent ---------------------------------------------------------------


def _unsendable(case: str) -> tuple[str, Any, str]:
    """A field, a value JSON cannot carry in it, and the rule the violation names."""
    spec_names = names()
    return {
        "NaN weight": (spec_names.audio_weight, float("nan"), "json.finite-number"),
        "-inf weight": (spec_names.style_weight, float("-inf"), "json.finite-number"),
        "lone surrogate": (spec_names.title, "Peaceful \ud800 Piano", "json.unicode"),
        "bytes": (spec_names.style, b"Classical", "json.type"),
        "a set": (spec_names.prompt, {"la", "lu"}, "json.type"),
        "a datetime": (spec_names.title, datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC), "json.type"),
        "NaN in a field the spec lacks": ("extra", float("nan"), "json.finite-number"),
    }[case]


@pytest.mark.parametrize(
    "case",
    ["NaN weight", "-inf weight", "lone surrogate", "bytes", "a set", "a datetime", "NaN in a field the spec lacks"],
)
def test_values_json_cannot_carry_are_violations_naming_the_field(case: str) -> None:
    key, value, rule_id = _unsendable(case)
    assert _violations(custom_body({key: value})) == {key: rule_id}


def test_non_string_keys_are_a_violation_not_a_crash() -> None:
    body: dict[Any, Any] = {**custom_body(), 1: "one", ("a", "b"): "tuple"}
    assert set(_violations(body).values()) == {"json.key"}


def test_a_body_nested_ten_thousand_deep_is_a_violation_not_a_recursion_error() -> None:
    deep: Any = "bottom"
    for _ in range(10_000):
        deep = {"x": deep}
    found = find_violations(custom_body({"extra": deep}))
    assert [violation.rule_id for violation in found] == ["json.depth"]
    assert found[0].field.startswith("extra.x.x")


def test_an_unsendable_body_is_never_sent(make_client: Callable[..., SunoClient]) -> None:
    with pytest.raises(ValidationError) as raised:
        make_client(never_called).submit(custom_body({names().title: "\udfff"}))
    assert raised.value.rule_ids == ("json.unicode",)
    assert names().title in str(raised.value)


def _uri_fields() -> list[str]:
    """The request's `format: uri` fields, read from the spec as the client reads them."""
    return [name for name, node in schema(REQUEST_SCHEMA)["properties"].items() if node.get("format") == "uri"]


def test_the_uri_fields_are_the_ones_upstream_documents() -> None:
    assert sorted(_uri_fields()) == sorted([field("callback_url"), field("upload_url")])


@pytest.mark.parametrize("field", _uri_fields())
@pytest.mark.parametrize("url", ["file:///etc/passwd", "mailto:me@example.com", "javascript:alert(1)", "ftp://x/y"])
def test_uri_fields_must_be_http_urls(field: str, url: str) -> None:
    """`format: uri` admits these; the service can neither fetch from nor post to them (ERRATA E-19)."""
    assert _violations(custom_body({field: url})) == {field: "url.http-scheme"}


@pytest.mark.parametrize("field", _uri_fields())
def test_the_scheme_caution_is_the_clients_own(field: str, make_client: Callable[..., SunoClient]) -> None:
    """The mock and the suite judge by the spec and its rules: find_violations alone does not apply it."""
    body = custom_body({field: "file:///etc/passwd"})
    assert find_violations(body) == []
    with pytest.raises(ValidationError, match=r"url\.http-scheme"):
        validate_upload_extend(body)
    with pytest.raises(ValidationError, match=r"url\.http-scheme"):
        make_client(never_called).submit(body)


@pytest.mark.parametrize("field", _uri_fields())
def test_uri_fields_accept_http_and_https(field: str) -> None:
    assert _violations(custom_body({field: "http://example.com/a.mp3"})) == {}
    assert _violations(custom_body({field: "HTTPS://example.com/a.mp3"})) == {}


@pytest.mark.parametrize("duration", [float("nan"), float("inf"), 0.0, -3.0])
def test_an_unusable_audio_duration_is_a_violation_not_silence(duration: float) -> None:
    """`audio_duration=nan` used to turn the audio-aware rules off without a word."""
    assert "audio.duration" in {v.rule_id for v in find_violations(custom_body(), audio_duration=duration)}


@pytest.mark.parametrize("key", ["sk-caf\u00e9-123", "sk-\u4e2d\u6587"])
def test_an_api_key_httpx_cannot_send_is_a_configuration_error(key: str) -> None:
    with pytest.raises(ConfigurationError, match="printable ASCII") as raised:
        SunoClient(api_key=key)
    assert key not in str(raised.value)


# --- finding 7: decoding and mapping ---------------------------------------------------------------------


def _snake_case(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _submit_answer(place: str) -> dict[str, Any]:
    """A submit answer with the id in one of the places real answers put it (spec/ERRATA.md E-18)."""
    documented = names().submit_task_id
    snake = _snake_case(documented)
    return {
        "data, snake_case": envelope(data={snake: "id-1"}),
        "root": {**envelope(), documented: "id-1"},
        "root, snake_case": {**envelope(), snake: "id-1"},
        "null data, root": {**envelope(data=None), documented: "id-1"},
        "documented place wins": envelope(data={documented: "id-1", snake: "other"}),
    }[place]


@pytest.mark.parametrize(
    "place", ["data, snake_case", "root", "root, snake_case", "null data, root", "documented place wins"]
)
def test_the_submit_id_is_found_where_real_answers_put_it(place: str, make_client: Callable[..., SunoClient]) -> None:
    assert make_client(Recorder(respond(_submit_answer(place)))).submit(custom_body()) == "id-1"


def test_a_submit_answer_without_any_id_still_leaves_the_outcome_unknown(
    make_client: Callable[..., SunoClient],
) -> None:
    with pytest.raises(SubmitOutcomeUnknownError):
        make_client(Recorder(respond(envelope(data={"id": "x"})))).submit(custom_body())


def test_430_call_frequency_is_retried_like_429(make_client: Callable[..., SunoClient]) -> None:
    recorder = Recorder(respond(envelope(430, "call frequency too high")), respond(submitted("t")))
    assert make_client(recorder).submit(custom_body()) == "t"
    assert recorder.count == 2


@pytest.mark.parametrize("code", [501, 505, *range(531, 538)])
def test_documented_refusals_are_refusals_not_a_task_that_may_exist(
    code: int, make_client: Callable[..., SunoClient]
) -> None:
    recorder = Recorder(respond(envelope(code, "refused")))
    with pytest.raises(GenerationRefusedError) as raised:
        make_client(recorder, retry_submit=True).submit(custom_body())
    assert raised.value.code == code
    assert recorder.count == 1


def test_an_error_without_an_envelope_keeps_the_servers_json_message(make_client: Callable[..., SunoClient]) -> None:
    answer = respond({"error": "task not found"}, status=404)  # spec-literal: a bare JSON error's key, not the stage
    with pytest.raises(NotFoundError) as raised:
        make_client(Recorder(answer), max_retries=0).get_record("task-1")
    assert str(raised.value) == "[404] (HTTP 404) for task task-1: task not found."


def test_get_record_refuses_the_record_of_another_task(make_client: Callable[..., SunoClient]) -> None:
    with pytest.raises(ResponseDecodeError, match="not of 'task-1'"):
        make_client(Recorder(respond(record(names().status_success, task_id="someone-else")))).get_record("task-1")


def test_get_record_accepts_a_numeric_id_equal_to_the_one_asked_for(make_client: Callable[..., SunoClient]) -> None:
    answer = envelope(data={names().record_task_id: 42, names().record_status: names().status_success})
    assert make_client(Recorder(respond(answer))).get_record("42").task_id == "42"


# --- issue 13 item 2: a response enum member disappears from the generated models -------------------------

_WITHOUT_MEMBERS = textwrap.dedent(
    """
    import enum, json, sys
    import suno_api_client.models as models
    import suno_api_client.models.callback_data as callback_data
    import suno_api_client.models.callback_type as callback_type
    import suno_api_client.models.task_record as task_record
    import suno_api_client.models.task_status as task_status

    given = json.loads(sys.argv[1])

    def without(cls, *values):
        return enum.StrEnum(cls.__name__, {m.name: m.value for m in cls if m.value not in values})

    # What a regeneration from a spec that dropped these values would give.
    status = without(task_status.TaskStatus, given["failure"], given["success"])
    stage = without(callback_type.CallbackType, given["final_stage"], given["error_stage"])
    for module in (models, task_status, task_record):
        module.TaskStatus = status
    for module in (models, callback_type, callback_data):
        module.CallbackType = stage

    import suno_api  # must not touch a removed member at import time

    def record(status):
        return {given["code"]: 200, given["data"]: {given["task_id"]: "t", given["status"]: status}}

    def callback(stage):
        data = {given["stage"]: stage, given["callback_task_id"]: "t", given["tracks"]: []}
        return {given["callback_code"]: 200, given["callback_data"]: data}

    print(json.dumps({
        "failure_failed": suno_api.parse_record_info(record(given["failure"])).failed,
        "success_succeeded": suno_api.parse_record_info(record(given["success"])).succeeded,
        "complete_succeeded": suno_api.parse_callback(callback(given["final_stage"])).succeeded,
        "error_failed": suno_api.parse_callback(callback(given["error_stage"])).failed,
    }))
    """
)


def _removed_and_keys() -> dict[str, str]:
    """The members the script removes, and the keys its bodies use, for the script's argument."""
    spec_names = names()
    # A failure status upstream still lists (issue 13's example was CALLBACK_EXCEPTION, which may be gone).
    failure = present("status_callback_exception", "status_generate_audio_failed", "status_create_task_failed")[0]
    return {
        "failure": failure,
        "success": spec_names.status_success,
        "final_stage": spec_names.stage_complete,
        "error_stage": spec_names.stage_error,
        "code": spec_names.envelope_code,
        "data": spec_names.envelope_data,
        "task_id": spec_names.record_task_id,
        "status": spec_names.record_status,
        "callback_code": spec_names.callback_code,
        "callback_data": spec_names.callback_data,
        "stage": spec_names.callback_type,
        "callback_task_id": spec_names.callback_task_id,
        "tracks": spec_names.callback_tracks,
    }


def test_import_and_decoding_survive_a_removed_enum_member() -> None:
    """Hand-written modules look statuses and stages up by value, so a missing member breaks nothing."""
    result = subprocess.run(  # noqa: S603 - this interpreter, running the fixed script above
        [sys.executable, "-c", _WITHOUT_MEMBERS, json.dumps(_removed_and_keys())],
        capture_output=True,
        text=True,  # spec-literal: subprocess.run's keyword, not the callback stage
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "failure_failed": True,
        "success_succeeded": True,
        "complete_succeeded": True,
        "error_failed": True,
    }


# --- the package --------------------------------------------------------------------------------------------


def test_version_comes_from_the_installed_distribution() -> None:
    from importlib.metadata import version  # noqa: PLC0415 - the subject of the test

    assert suno_api.__version__ == version("suno-upload-extend")


def test_the_client_never_sends_the_key_it_was_not_given(make_client: Callable[..., SunoClient]) -> None:
    """Authorization is set once per request, with the client's own key (copies may use another)."""
    recorder = Recorder(respond(record()))
    client = make_client(recorder)
    client.get_record("task-1")
    client.with_options(api_key="sk-other-key").get_record("task-1")
    assert [r.headers.get_list("Authorization") for r in recorder.requests] == [
        [f"Bearer {TOKEN}"],
        ["Bearer sk-other-key"],
    ]


@pytest.mark.parametrize("base_url", ["http://[::ffff:127.0.0.1]:8080", "http://[::1]:8080", "http://localhost:1"])
def test_plain_http_is_allowed_to_every_spelling_of_loopback(base_url: str) -> None:
    """The client uses the one predicate: IPv4-mapped loopback was refused before (issue 11 item 6)."""
    assert SunoClient(api_key=TOKEN, base_url=base_url).base_url == base_url


@pytest.mark.parametrize("base_url", ["http://[::ffff:10.0.0.1]:8080", "http://127.0.0.1.nip.io"])
def test_plain_http_is_refused_to_anything_that_only_looks_local(base_url: str) -> None:
    with pytest.raises(ConfigurationError, match="plain http"):
        SunoClient(api_key=TOKEN, base_url=base_url)
