"""Tolerant decoding: every quirk of spec/UPSTREAM.md section 4 decodes, unknown values are kept and exposed."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from suno_api import (
    APIError,
    GenerationRefusedError,
    NotFoundError,
    RateLimitError,
    RecordTrack,
    ResponseDecodeError,
    ServerError,
    SunoClient,
    TaskRecord,
    TaskStatus,
    UnknownAPIError,
    parse_record_info,
)
from suno_api.spec import names
from suno_api_client.models import TaskRecord as GeneratedTaskRecord
from suno_api_client.types import Unset
from tests.client.client_support import Recorder, envelope, load_payload, record, respond
from tests.spec_support import member, undocumented_value


def fetch(make_client: Callable[..., SunoClient], payload: Any, status: int = 200) -> TaskRecord:
    return make_client(Recorder(respond(payload, status=status)), max_retries=0).get_record("task-1")


def test_the_live_capture_decodes_with_its_undocumented_values(make_client: Callable[..., SunoClient]) -> None:
    payload = load_payload("record-info-success-live.json")
    live = make_client(Recorder(respond(payload)), max_retries=0).get_record(payload["data"][names().record_task_id])
    assert isinstance(live, GeneratedTaskRecord)
    assert live.succeeded
    assert live.type_ == "chirp-bluejay"  # docs say GENERATE
    assert live.operation_type == "generate"
    assert live.parent_music_id == ""
    assert [track.model_name for track in live.tracks] == ["chirp-bluejay", "chirp-bluejay"]
    assert [track.duration for track in live.tracks] == [119.12, 104.56]
    assert live.tracks[0].create_time == 1763169558062  # integer milliseconds
    assert live.additional_properties["createTime"] == 1763169463000  # an extra field, kept
    # The parameters as the live client sent them (a generate-endpoint body: customMode), a JSON string decoded.
    request = live.original_request
    assert request is not None
    assert request == json.loads(payload["data"]["param"])
    assert request["customMode"] is True


def test_parse_record_info_decodes_bytes_text_and_dicts() -> None:
    payload = load_payload("record-info-success-live.json")
    for body in (json.dumps(payload).encode(), json.dumps(payload), payload):
        assert parse_record_info(body).task_id == "07d32bdbb4165e1df3feda2efb42aff1"


@pytest.mark.parametrize("status", ["GENERATING", "FAILED", "queued", ""])
def test_unknown_status_values_are_kept_as_strings(status: str, make_client: Callable[..., SunoClient]) -> None:
    fetched = fetch(make_client, record(status))
    assert fetched.status == status
    assert fetched.status_name == status
    assert fetched.known_status is None


def test_documented_statuses_become_the_enum(make_client: Callable[..., SunoClient]) -> None:
    first = member("status_first_success")
    assert fetch(make_client, record(first)).known_status is TaskStatus(first)


@pytest.mark.parametrize("code", ["200", 200, 200.0, " 200 "])
def test_code_200_in_any_spelling_is_success(code: Any, make_client: Callable[..., SunoClient]) -> None:
    assert fetch(make_client, {**record(names().status_success), "code": code}).succeeded


@pytest.mark.parametrize(
    ("code", "error_class"),
    [
        (400, UnknownAPIError),
        (405, UnknownAPIError),
        (413, UnknownAPIError),
        (430, RateLimitError),
        (501, GenerationRefusedError),
        (505, GenerationRefusedError),
        (531, GenerationRefusedError),
        (537, GenerationRefusedError),
        (502, ServerError),
        ("404", NotFoundError),
    ],
)
def test_codes_upstream_uses_map_to_their_class_and_keep_the_code(
    code: Any, error_class: type[APIError], make_client: Callable[..., SunoClient]
) -> None:
    """The codes upstream's own list has beyond the vendored enum (spec/ERRATA.md E-17), listed or not."""
    with pytest.raises(error_class) as raised:
        fetch(make_client, envelope(code, "nope"))
    assert raised.value.code == int(code)


def test_an_undocumented_code_keeps_the_code(make_client: Callable[..., SunoClient]) -> None:
    code = undocumented_value("ApiCode")
    with pytest.raises(APIError) as raised:
        fetch(make_client, envelope(code, "nope"))
    assert raised.value.code == code


RESPONSES: dict[str, Callable[[], Any]] = {
    "null": lambda: None,
    "empty": dict,
    "sunoData-null": lambda: {"sunoData": None},
    "sunoData-empty": lambda: {"sunoData": []},
    "no-sunoData": lambda: {names().response_task_id: "x"},
    "string": lambda: "not an object",
    "number": lambda: 5,
}


@pytest.mark.parametrize("response", list(RESPONSES))
def test_missing_or_null_response_means_no_tracks(response: str, make_client: Callable[..., SunoClient]) -> None:
    fetched = fetch(make_client, record(names().status_pending, response=RESPONSES[response]()))
    assert fetched.tracks == []


def test_placeholder_tracks_are_kept_as_sent(make_client: Callable[..., SunoClient]) -> None:
    spec_names = names()
    placeholder = {
        spec_names.track_id: "",
        spec_names.track_audio_url: "",
        spec_names.track_stream_audio_url: "",
        spec_names.track_image_url: "",
        spec_names.track_title: "",
        spec_names.track_duration: None,
    }
    first = member("status_first_success")  # the stage that sends placeholders
    fetched = fetch(make_client, record(first, response={"sunoData": [placeholder, "junk", None]}))
    (track,) = fetched.tracks
    assert isinstance(track, RecordTrack)
    assert (track.id, track.audio_url, track.duration) == ("", "", None)


@pytest.mark.parametrize("create_time", [1763169558062, "2025-01-01 00:00:00"])
def test_both_create_time_forms_decode(create_time: Any, make_client: Callable[..., SunoClient]) -> None:
    success = names().status_success
    fetched = fetch(make_client, record(success, response={"sunoData": [{"id": "a", "createTime": create_time}]}))
    assert fetched.tracks[0].create_time == create_time


def test_values_of_the_wrong_type_are_coerced_or_dropped_never_raised(make_client: Callable[..., SunoClient]) -> None:
    spec_names = names()
    track = {
        spec_names.track_id: 7,
        spec_names.track_duration: "119.5",
        spec_names.track_title: None,
        spec_names.track_tags: ["a"],
        spec_names.track_create_time: True,
        spec_names.track_model_name: "chirp-auk-turbo",
    }
    param = {spec_names.model: spec_names.model_v4}
    fetched = fetch(
        make_client,
        record(
            spec_names.status_success, errorCode="0", errorMessage=None, param=param, response={"sunoData": [track]}
        ),
    )
    (decoded,) = fetched.tracks
    assert (decoded.id, decoded.duration, decoded.model_name) == ("7", 119.5, "chirp-auk-turbo")
    assert isinstance(decoded.title, Unset)
    assert isinstance(decoded.tags, Unset)
    assert isinstance(decoded.create_time, Unset)
    assert fetched.error_code == 0
    assert fetched.succeeded
    # Nothing is lost: the record as received is kept.
    assert fetched.raw["param"] == param
    assert fetched.original_request is None  # param was not a JSON string


def test_extra_fields_are_kept_everywhere(make_client: Callable[..., SunoClient]) -> None:
    fetched = fetch(
        make_client,
        {
            **record(
                names().status_success,
                personaModel="style_persona",
                response={"sunoData": [{"id": "a", "lyrics": "la"}], "x": 1},
            ),
            "traceId": "abc",
        },
    )
    assert fetched.additional_properties["personaModel"] == "style_persona"
    assert fetched.tracks[0].additional_properties == {"lyrics": "la"}


def test_a_record_without_task_id_gets_the_id_that_was_asked_for(make_client: Callable[..., SunoClient]) -> None:
    assert fetch(make_client, envelope(data={names().record_status: names().status_pending})).task_id == "task-1"


@pytest.mark.parametrize("with_code", [False, True], ids=["no-code-no-msg", "no-msg"])
def test_envelopes_without_msg_or_code_decode(with_code: bool, make_client: Callable[..., SunoClient]) -> None:
    spec_names = names()
    data = {spec_names.record_task_id: "task-1"}
    payload = (
        {"code": 200, "data": data}
        if with_code
        else {"data": {**data, spec_names.record_status: spec_names.status_pending}}
    )
    assert fetch(make_client, payload).task_id == "task-1"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (envelope(200, "success", None), "no task record"),
        ({"code": 200, "msg": "success"}, "no task record"),
        ([1, 2, 3], "not an envelope"),
        (b"<html>maintenance</html>", "not JSON"),
        (b"", "not JSON"),
        (b"\xff\xfe\x00", "not JSON"),
    ],
    ids=["data-null", "no-data", "array", "html", "empty", "not-utf8"],
)
def test_answers_that_are_no_envelope_raise_a_decode_error(
    payload: Any, message: str, make_client: Callable[..., SunoClient]
) -> None:
    with pytest.raises(ResponseDecodeError, match=message) as raised:
        fetch(make_client, payload)
    assert raised.value.http_status == 200


def test_pending_with_an_error_already_set_reads_as_failed(make_client: Callable[..., SunoClient]) -> None:
    pending = names().status_pending
    fetched = fetch(make_client, record(pending, errorCode=531, errorMessage="generation failed, credits refunded"))
    assert fetched.failed
    assert not fetched.finished or fetched.failed
    assert (fetched.error_code_value, fetched.error_message_value) == (531, "generation failed, credits refunded")


def _accessors(fetched: TaskRecord) -> tuple[bool, bool, bool]:
    return fetched.succeeded, fetched.failed, fetched.finished


@pytest.mark.parametrize(
    ("role", "succeeded", "failed"),
    [
        ("status_success", True, False),
        ("status_pending", False, False),
        ("status_text_success", False, False),
        ("status_generate_audio_failed", False, True),
    ],
)
def test_success_and_failure_accessors(
    role: str, succeeded: bool, failed: bool, make_client: Callable[..., SunoClient]
) -> None:
    fetched = fetch(make_client, record(member(role)))
    assert _accessors(fetched) == (succeeded, failed, succeeded or failed)


@pytest.mark.parametrize(("status", "failed"), [("FAILED", True), ("GENERATING", False)])
def test_undocumented_statuses_read_by_their_spelling(
    status: str, failed: bool, make_client: Callable[..., SunoClient]
) -> None:
    assert _accessors(fetch(make_client, record(status))) == (False, failed, failed)


def test_the_submit_answer_tolerates_a_numeric_task_id(make_client: Callable[..., SunoClient]) -> None:
    from tests.bodies import custom_body  # noqa: PLC0415 - only this test submits

    client = make_client(Recorder(respond({"code": "200", "data": {names().submit_task_id: 12345, "extra": True}})))
    assert client.submit(custom_body()) == "12345"
