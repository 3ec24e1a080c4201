"""The envelope-aware checks, one answer at a time: what passes, what fails, what is skipped or not concerned."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import pytest
import requests
import schemathesis
from schemathesis.core.failures import FailureGroup

from suno_api import compute_signature
from suno_api.spec import effective_spec_path
from suno_conformance.mock import MockServer
from suno_conformance.suite._checks import (
    CALLBACK_CHECKS,
    RESPONSE_CHECKS,
    Callback,
    CallbackContext,
    Reply,
    Status,
    as_schemathesis_check,
    callback_drift,
    callback_schema,
    callback_signature,
    callback_task,
    credentials_enforced,
    drift_of,
    invalid_rejected,
    json_envelope,
    no_server_error,
    response_schema,
    task_found,
    undocumented_method,
    valid_accepted,
)
from suno_conformance.suite._oracle import SentRequest, expect
from tests.bodies import default_body

TOKEN = "test-token"
SUBMIT_PATH = "/api/v1/generate/upload-extend"
RECORD_INFO_PATH = "/api/v1/generate/record-info"
VALID_BODY: dict[str, Any] = default_body()
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "real-payloads"


@attrs.frozen
class StubContext:
    token: str = TOKEN
    base_path: str = ""
    created: frozenset[str] = frozenset()

    def created_task(self, task_id: str) -> bool:
        return task_id in self.created


def _reply(
    method: str = "POST",
    path: str = SUBMIT_PATH,
    *,
    body: Any = None,
    query: str = "",
    credentials: str | None = TOKEN,
    content_type: str = "application/json",
    status: int = 200,
    answer: Any = None,
    answer_type: str = "application/json",
) -> Reply:
    headers = {"content-type": content_type} if body is not None else {}
    if credentials is not None:
        headers["authorization"] = f"Bearer {credentials}"
    raw = json.dumps(body).encode() if body is not None and not isinstance(body, bytes) else body
    sent = SentRequest.build(method, f"http://127.0.0.1:1{path}{query}", headers, raw)
    content = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
    return Reply.build(expect(sent, TOKEN), status, {"content-type": answer_type}, content)


def _ok(data: Any = None) -> dict[str, Any]:
    return {"code": 200, "msg": "success", "data": data}


def _error(code: int) -> dict[str, Any]:
    return {"code": code, "msg": "no", "data": None}


# ------------------------------------------------------------------------------------------- rejection


@pytest.mark.parametrize(
    ("status", "answer"),
    [(200, _error(422)), (422, _error(422)), (200, _error(400)), (400, {"code": 400, "msg": "bad", "data": None})],
)
def test_an_invalid_body_rejected_with_a_4xx_class_code_passes(status: int, answer: Any) -> None:
    """In the envelope (HTTP 200) or as the HTTP status (status style), any 4xx-class code is a rejection."""
    reply = _reply(body={**VALID_BODY, "model": "V9"}, status=status, answer=answer)
    assert invalid_rejected(reply, StubContext()).status is Status.PASSED


def test_an_invalid_body_accepted_fails_naming_the_rule() -> None:
    """Success for a body that breaks a rule is a failure that names the rule."""
    reply = _reply(body={**VALID_BODY, "defaultParamFlag": True, "style": "x"}, answer=_ok({"taskId": "t"}))
    result = invalid_rejected(reply, StubContext())
    assert result.status is Status.FAILED
    assert "custom-mode-requires-title" in result.message
    assert "accepted" in result.message


def test_a_server_error_is_not_a_rejection() -> None:
    """A 500 answer to an invalid body fails both the rejection check and no_server_error."""
    reply = _reply(body=b"{not json", answer=_error(500))
    assert invalid_rejected(reply, StubContext()).status is Status.FAILED
    assert no_server_error(reply, StubContext()).status is Status.FAILED


def test_a_401_to_our_own_token_fails_even_when_the_body_is_invalid() -> None:
    """A wrong run token would otherwise pass every rejection check: 401 to our token is a failure."""
    reply = _reply(body={"uploadUrl": 5}, answer=_error(401))
    result = invalid_rejected(reply, StubContext())
    assert result.status is Status.FAILED
    assert "own token" in result.message


def test_rejection_checks_do_not_concern_valid_bodies_or_bad_credentials() -> None:
    """invalid_rejected judges only invalid requests sent with our token."""
    assert invalid_rejected(_reply(body=VALID_BODY, answer=_ok({"taskId": "t"})), StubContext()).status is (
        Status.NOT_APPLICABLE
    )
    no_token = _reply(body={"uploadUrl": 5}, credentials=None, answer=_error(401))
    assert invalid_rejected(no_token, StubContext()).status is Status.NOT_APPLICABLE


# ------------------------------------------------------------------------------------------- acceptance


def test_a_valid_body_accepted_with_a_task_id_passes() -> None:
    """code 200 with a non-empty string taskId."""
    reply = _reply(body=VALID_BODY, answer=_ok({"taskId": "abc"}))
    assert valid_accepted(reply, StubContext()).status is Status.PASSED


@pytest.mark.parametrize("data", [{"taskId": ""}, {"taskId": 12}, None, {}])
def test_code_200_without_a_usable_task_id_fails(data: Any) -> None:
    """An empty, non-string or missing taskId breaks the acceptance contract."""
    reply = _reply(body=VALID_BODY, answer=_ok(data))
    assert valid_accepted(reply, StubContext()).status is Status.FAILED


def test_a_valid_body_refused_fails_and_service_states_are_skipped() -> None:
    """422 for a valid body fails; 402, 429 and 455 say nothing about the body and are skipped."""
    assert valid_accepted(_reply(body=VALID_BODY, answer=_error(422)), StubContext()).status is Status.FAILED
    for code in (402, 429, 455):
        result = valid_accepted(_reply(body=VALID_BODY, answer=_error(code)), StubContext())
        assert result.status is Status.SKIPPED, code


def test_a_valid_body_with_another_content_type_is_not_judged_for_acceptance() -> None:
    """The spec does not say whether a JSON body labelled text/plain must be refused: neither check applies."""
    reply = _reply(body=VALID_BODY, content_type="text/plain", answer=_ok({"taskId": "t"}))
    assert valid_accepted(reply, StubContext()).status is Status.NOT_APPLICABLE
    assert invalid_rejected(reply, StubContext()).status is Status.NOT_APPLICABLE


# ------------------------------------------------------------------------------------------ credentials


@pytest.mark.parametrize("credentials", [None, "wrong-token"])
@pytest.mark.parametrize(("status", "answer"), [(200, _error(401)), (401, _error(401))])
def test_missing_or_wrong_credentials_refused_with_401_pass(credentials: str | None, status: int, answer: Any) -> None:
    """401 in the envelope or as the HTTP status."""
    reply = _reply(body=VALID_BODY, credentials=credentials, status=status, answer=answer)
    assert credentials_enforced(reply, StubContext()).status is Status.PASSED


@pytest.mark.parametrize(("answer", "expected"), [(_ok({"taskId": "t"}), Status.FAILED), (_error(403), Status.FAILED)])
def test_credentials_not_refused_with_401_fail(answer: Any, expected: Status) -> None:
    """Serving the request, or refusing it with another code than 401, fails."""
    reply = _reply(body=VALID_BODY, credentials=None, answer=answer)
    assert credentials_enforced(reply, StubContext()).status is expected


def test_credentials_enforced_does_not_concern_our_token() -> None:
    """Requests carrying the run's token are judged by the other checks."""
    reply = _reply(body=VALID_BODY, answer=_ok({"taskId": "t"}))
    assert credentials_enforced(reply, StubContext()).status is Status.NOT_APPLICABLE


# ------------------------------------------------------------------------------------------ record-info


def test_record_info_of_a_created_task_must_answer_with_it() -> None:
    """A task this run created: code 200 with the same taskId; anything else fails."""
    context = StubContext(created=frozenset({"t1"}))
    found = _reply("GET", RECORD_INFO_PATH, query="?taskId=t1", answer=_ok({"taskId": "t1", "status": "PENDING"}))
    assert task_found(found, context).status is Status.PASSED
    forgotten = _reply("GET", RECORD_INFO_PATH, query="?taskId=t1", answer=_error(404))
    assert task_found(forgotten, context).status is Status.FAILED
    other = _reply("GET", RECORD_INFO_PATH, query="?taskId=t1", answer=_ok({"taskId": "t2"}))
    assert task_found(other, context).status is Status.FAILED


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (_error(404), Status.PASSED),
        (_ok(None), Status.PASSED),
        (_error(500), Status.FAILED),
        (_ok({"taskId": "nobody"}), Status.FAILED),
    ],
)
def test_record_info_of_an_unknown_task(answer: Any, expected: Status) -> None:
    """Not-found (a 4xx-class code, or code 200 with no data) passes; a server error or an invented record fails."""
    reply = _reply("GET", RECORD_INFO_PATH, query="?taskId=nobody", answer=answer)
    assert task_found(reply, StubContext()).status is expected


def test_record_info_without_task_id_must_be_rejected() -> None:
    """A missing taskId is an invalid query: a 4xx-class code passes, code 200 fails."""
    assert invalid_rejected(_reply("GET", RECORD_INFO_PATH, answer=_error(422)), StubContext()).status is (
        Status.PASSED
    )
    assert invalid_rejected(_reply("GET", RECORD_INFO_PATH, answer=_ok(None)), StubContext()).status is Status.FAILED


# ------------------------------------------------------------------------------------- methods, envelopes


@pytest.mark.parametrize(
    ("status", "answer", "expected"),
    [
        (200, _error(405), Status.PASSED),
        (405, b"Method Not Allowed", Status.PASSED),
        (200, _ok(None), Status.FAILED),
    ],
)
def test_an_undocumented_method_must_be_refused(status: int, answer: Any, expected: Status) -> None:
    """TRACE on a documented path: a 4xx-class answer passes, a success fails."""
    reply = _reply("TRACE", SUBMIT_PATH, status=status, answer=answer)
    assert undocumented_method(reply, StubContext()).status is expected
    assert json_envelope(reply, StubContext()).status is Status.NOT_APPLICABLE


def test_options_and_head_are_left_to_http() -> None:
    """CORS preflights and HEAD are not the spec's to judge."""
    reply = _reply("OPTIONS", SUBMIT_PATH, answer=_ok(None))
    assert undocumented_method(reply, StubContext()).status is Status.NOT_APPLICABLE


@pytest.mark.parametrize(
    ("answer", "answer_type", "expected"),
    [
        (_error(422), "application/json", Status.PASSED),
        (_error(422), "application/problem+json", Status.PASSED),
        (_error(422), "text/plain", Status.FAILED),
        (b"{truncated", "application/json", Status.FAILED),
        ([1, 2], "application/json", Status.FAILED),
    ],
)
def test_json_envelope(answer: Any, answer_type: str, expected: Status) -> None:
    """A documented operation answers a JSON object with a JSON content type."""
    reply = _reply(body={"uploadUrl": 5}, answer=answer, answer_type=answer_type)
    assert json_envelope(reply, StubContext()).status is expected


@pytest.mark.parametrize(
    ("status", "answer", "expected"),
    [
        (200, _ok({"taskId": "t"}), Status.PASSED),
        (200, {"code": 200, "data": {"taskId": "t"}}, Status.FAILED),  # msg missing
        (200, _ok({"taskId": 7}), Status.FAILED),
        (200, {"code": 422, "msg": "no", "data": {}}, Status.FAILED),  # an error carries data null
        (422, _error(422), Status.PASSED),  # status style: the error envelope
        (500, _error(500), Status.PASSED),  # documented 500: ErrorResponse
    ],
)
def test_response_schema(status: int, answer: Any, expected: Status) -> None:
    """The body matches the documented envelope; an error envelope also matches ErrorResponse."""
    reply = _reply(body=VALID_BODY, status=status, answer=answer)
    assert response_schema(reply, StubContext()).status is expected


def test_the_live_capture_passes_the_schema_and_shows_no_drift() -> None:
    """A real record-info answer conforms: the checks do not flag what upstream really sends."""
    answer = json.loads((FIXTURES / "record-info-success-live.json").read_text(encoding="utf-8"))
    context = StubContext(created=frozenset({answer["data"]["taskId"]}))
    reply = _reply("GET", RECORD_INFO_PATH, query=f"?taskId={answer['data']['taskId']}", answer=answer)
    assert [
        check(reply, context).status for check in RESPONSE_CHECKS if check(reply, context).status is Status.FAILED
    ] == []
    assert drift_of(reply) == []


def test_values_outside_documented_lists_are_drift_not_failures() -> None:
    """An undocumented status or code passes the schema and is reported as drift."""
    reply = _reply(
        "GET",
        RECORD_INFO_PATH,
        query="?taskId=t",
        answer={"code": 200, "msg": "ok", "data": {"taskId": "t", "status": "GENERATING"}},
    )
    assert response_schema(reply, StubContext()).status is Status.PASSED
    assert [(finding.location, finding.value, finding.enum) for finding in drift_of(reply)] == [
        ("data.status", "GENERATING", "TaskStatus")
    ]
    coded = _reply(body={"uploadUrl": 5}, answer=_error(430))
    assert [finding.enum for finding in drift_of(coded)] == ["ApiCode"]


# ------------------------------------------------------------------------------------------- callbacks

WEBHOOK_KEY = "whsec-test"
NOW = 1_735_689_600.0


def _callback(
    *, task_id: str = "t1", path: str = "/callbacks/1", signed: bool = True, timestamp: float = NOW, **overrides: Any
) -> Callback:
    payload = {"code": 200, "msg": "ok", "data": {"callbackType": "complete", "task_id": task_id, "data": []}}
    payload.update(overrides)
    headers = {"content-type": "application/json"}
    if signed:
        stamp = str(int(timestamp))
        headers["x-webhook-timestamp"] = stamp
        headers["x-webhook-signature"] = compute_signature(WEBHOOK_KEY, task_id, stamp)
    return Callback(path, headers, json.dumps(payload).encode())


CALLBACK_CONTEXT = CallbackContext(WEBHOOK_KEY, 300.0, NOW, {"/callbacks/1": "t1"})


def test_a_documented_signed_callback_passes_every_check() -> None:
    """The shape, the signature and the task all match."""
    callback = _callback()
    assert [check(callback, CALLBACK_CONTEXT).status for check in CALLBACK_CHECKS] == [Status.PASSED] * 3


def test_callback_signatures() -> None:
    """Unsigned, wrongly signed and stale callbacks fail; without a known key, signatures are not judged."""
    assert callback_signature(_callback(signed=False), CALLBACK_CONTEXT).status is Status.FAILED
    forged = attrs.evolve(_callback(), headers={**_callback().headers, "x-webhook-signature": "AAAA"})
    assert callback_signature(forged, CALLBACK_CONTEXT).status is Status.FAILED
    stale = _callback(timestamp=NOW - 3600)
    assert "outside the ±N s window" in callback_signature(stale, CALLBACK_CONTEXT).message
    unknown = attrs.evolve(CALLBACK_CONTEXT, webhook_key=None)
    assert callback_signature(_callback(), unknown).status is Status.SKIPPED


def test_callback_shape_and_task() -> None:
    """Record-info's shape is not a callback; a callback must report the task of its callBackUrl."""
    shaped_like_record_info = Callback(
        "/callbacks/1", {"content-type": "application/json"}, b'{"code":200,"data":{"taskId":"t1"}}'
    )
    assert callback_schema(shaped_like_record_info, CALLBACK_CONTEXT).status is Status.FAILED
    assert callback_task(_callback(task_id="t2"), CALLBACK_CONTEXT).status is Status.FAILED
    assert callback_task(_callback(path="/callbacks/9"), CALLBACK_CONTEXT).status is Status.FAILED
    text = attrs.evolve(_callback(), headers={**_callback().headers, "content-type": "text/plain"})
    assert callback_schema(text, CALLBACK_CONTEXT).status is Status.FAILED


def test_a_callback_type_outside_the_list_is_drift() -> None:
    """callbackType "failed" conforms to the loose schema and is reported as drift."""
    callback = Callback(
        "/callbacks/1",
        {"content-type": "application/json"},
        b'{"code": 200, "msg": "x", "data": {"callbackType": "failed", "task_id": "t1", "data": null}}',
    )
    assert callback_schema(callback, CALLBACK_CONTEXT).status is Status.PASSED
    assert [finding.value for finding in callback_drift(callback)] == ["failed"]


# --------------------------------------------------------------------------------- schemathesis protocol


def _schemathesis_checks(context: StubContext) -> list[Any]:
    return [as_schemathesis_check(check, lambda: context) for check in RESPONSE_CHECKS]


def test_the_checks_work_as_schemathesis_checks(mock_server: MockServer) -> None:
    """case.validate_response accepts them: a conforming answer passes, a 401 to our token raises."""
    key = mock_server.settings.api_keys[0]
    schema = schemathesis.openapi.from_path(effective_spec_path())
    case = schema[SUBMIT_PATH]["POST"].Case(body=dict(VALID_BODY), media_type="application/json")
    with requests.Session() as session:
        response = case.call(base_url=mock_server.url, session=session, headers={"Authorization": f"Bearer {key}"})
        case.validate_response(response, checks=_schemathesis_checks(StubContext(token=key)))
        refused = case.call(base_url=mock_server.url, session=session, headers={"Authorization": "Bearer nope"})
        with pytest.raises(FailureGroup, match="own token"):
            case.validate_response(refused, checks=_schemathesis_checks(StubContext(token="nope")))


def test_a_schemathesis_check_without_a_run_skips() -> None:
    """Outside a run (no context), the adapted checks skip instead of judging blindly."""
    adapted = as_schemathesis_check(no_server_error, lambda: None)
    assert adapted(None, object(), object()) is True  # type: ignore[arg-type]


def test_every_check_is_documented_in_the_module_table() -> None:
    """The table of _checks.py names every response check."""
    import suno_conformance.suite._checks as module  # noqa: PLC0415 - the module itself is under test

    assert module.__doc__ is not None
    for check in RESPONSE_CHECKS:
        assert f"``{check.__name__}``" in module.__doc__
