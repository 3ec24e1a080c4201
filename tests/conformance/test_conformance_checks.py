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
from suno_api.spec import effective_spec_path, names
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
    envelope_consistent,
    invalid_rejected,
    json_envelope,
    no_server_error,
    response_schema,
    task_found,
    undocumented_method,
    valid_accepted,
)
from suno_conformance.suite._ledger import Ledger
from suno_conformance.suite._oracle import SentRequest, expect
from suno_conformance.suite._report import _findings
from tests.bodies import default_body
from tests.mock.mock_support import RECORD_INFO as RECORD_INFO_PATH
from tests.mock.mock_support import SUBMIT as SUBMIT_PATH
from tests.spec_support import undocumented_value

TOKEN = "test-token"
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


def _accepted(task_id: Any = "t") -> dict[str, Any]:
    """A submit's success envelope carrying ``task_id``."""
    return _ok({names().submit_task_id: task_id})


def _record(task_id: str, status: str | None = None) -> dict[str, Any]:
    """Record-info's data for ``task_id`` (with ``status`` when given)."""
    record: dict[str, Any] = {names().record_task_id: task_id}
    if status is not None:
        record[names().record_status] = status
    return record


def _query(task_id: str) -> str:
    """Record-info's query string asking for ``task_id``."""
    return f"?{names().task_id_param}={task_id}"


def _unknown_model() -> dict[str, Any]:
    """A valid body but for a model the spec does not list."""
    return default_body({names().model: undocumented_value("SunoModel")})


def _bad_upload_url() -> dict[str, Any]:
    """A body whose upload URL is a number."""
    return {names().upload_url: 5}


# ------------------------------------------------------------------------------------------- rejection


@pytest.mark.parametrize(
    ("status", "answer"),
    [(200, _error(422)), (422, _error(422)), (200, _error(400)), (400, {"code": 400, "msg": "bad", "data": None})],
)
def test_an_invalid_body_rejected_with_a_4xx_class_code_passes(status: int, answer: Any) -> None:
    """In the envelope (HTTP 200) or as the HTTP status (status style), any 4xx-class code is a rejection."""
    reply = _reply(body=_unknown_model(), status=status, answer=answer)
    assert invalid_rejected(reply, StubContext()).status is Status.PASSED


def test_an_invalid_body_accepted_fails_naming_the_rule() -> None:
    """Success for a body that breaks a rule is a failure that names the rule."""
    reply = _reply(body=default_body({names().style: "x"}, default_param_flag=True), answer=_accepted())
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
    reply = _reply(body=_bad_upload_url(), answer=_error(401))
    result = invalid_rejected(reply, StubContext())
    assert result.status is Status.FAILED
    assert "own token" in result.message


def test_rejection_checks_do_not_concern_valid_bodies_or_bad_credentials() -> None:
    """invalid_rejected judges only invalid requests sent with our token."""
    assert invalid_rejected(_reply(body=default_body(), answer=_accepted()), StubContext()).status is (
        Status.NOT_APPLICABLE
    )
    no_token = _reply(body=_bad_upload_url(), credentials=None, answer=_error(401))
    assert invalid_rejected(no_token, StubContext()).status is Status.NOT_APPLICABLE


# ------------------------------------------------------------------------------------------- acceptance


def test_a_valid_body_accepted_with_a_task_id_passes() -> None:
    """code 200 with a non-empty string task id."""
    reply = _reply(body=default_body(), answer=_accepted("abc"))
    assert valid_accepted(reply, StubContext()).status is Status.PASSED


@pytest.mark.parametrize(
    "answer",
    [lambda: _accepted(""), lambda: _accepted(12), lambda: _ok(None), lambda: _ok({})],
    ids=["empty", "number", "no-data", "no-task-id"],
)
def test_code_200_without_a_usable_task_id_fails(answer: Any) -> None:
    """An empty, non-string or missing task id breaks the acceptance contract."""
    reply = _reply(body=default_body(), answer=answer())
    assert valid_accepted(reply, StubContext()).status is Status.FAILED


def test_a_valid_body_refused_fails_and_service_states_are_skipped() -> None:
    """422 for a valid body fails; 402, 429 and 455 say nothing about the body and are skipped."""
    assert valid_accepted(_reply(body=default_body(), answer=_error(422)), StubContext()).status is Status.FAILED
    for code in (402, 429, 455):
        result = valid_accepted(_reply(body=default_body(), answer=_error(code)), StubContext())
        assert result.status is Status.SKIPPED, code


def test_a_valid_body_with_another_content_type_is_not_judged_for_acceptance() -> None:
    """The spec does not say whether a JSON body labelled text/plain must be refused: neither check applies."""
    reply = _reply(body=default_body(), content_type="text/plain", answer=_accepted())
    assert valid_accepted(reply, StubContext()).status is Status.NOT_APPLICABLE
    assert invalid_rejected(reply, StubContext()).status is Status.NOT_APPLICABLE


# ------------------------------------------------------------------------------------------ credentials


@pytest.mark.parametrize("credentials", [None, "wrong-token"])
@pytest.mark.parametrize(("status", "answer"), [(200, _error(401)), (401, _error(401))])
def test_missing_or_wrong_credentials_refused_with_401_pass(credentials: str | None, status: int, answer: Any) -> None:
    """401 in the envelope or as the HTTP status."""
    reply = _reply(body=default_body(), credentials=credentials, status=status, answer=answer)
    assert credentials_enforced(reply, StubContext()).status is Status.PASSED


@pytest.mark.parametrize(
    ("answer", "expected"), [(_accepted, Status.FAILED), (lambda: _error(403), Status.FAILED)], ids=["served", "403"]
)
def test_credentials_not_refused_with_401_fail(answer: Any, expected: Status) -> None:
    """Serving the request, or refusing it with another code than 401, fails."""
    reply = _reply(body=default_body(), credentials=None, answer=answer())
    assert credentials_enforced(reply, StubContext()).status is expected


def test_credentials_enforced_does_not_concern_our_token() -> None:
    """Requests carrying the run's token are judged by the other checks."""
    reply = _reply(body=default_body(), answer=_accepted())
    assert credentials_enforced(reply, StubContext()).status is Status.NOT_APPLICABLE


# ------------------------------------------------------------------------------------------ record-info


def test_record_info_of_a_created_task_must_answer_with_it() -> None:
    """A task this run created: code 200 with the same task id; anything else fails."""
    context = StubContext(created=frozenset({"t1"}))
    found = _reply("GET", RECORD_INFO_PATH, query=_query("t1"), answer=_ok(_record("t1", names().status_pending)))
    assert task_found(found, context).status is Status.PASSED
    forgotten = _reply("GET", RECORD_INFO_PATH, query=_query("t1"), answer=_error(404))
    assert task_found(forgotten, context).status is Status.FAILED
    other = _reply("GET", RECORD_INFO_PATH, query=_query("t1"), answer=_ok(_record("t2")))
    assert task_found(other, context).status is Status.FAILED


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (lambda: _error(404), Status.PASSED),
        (lambda: _ok(None), Status.PASSED),
        (lambda: _error(500), Status.FAILED),
        (lambda: _ok(_record("nobody")), Status.FAILED),
    ],
    ids=["404", "no-data", "500", "invented"],
)
def test_record_info_of_an_unknown_task(answer: Any, expected: Status) -> None:
    """Not-found (a 4xx-class code, or code 200 with no data) passes; a server error or an invented record fails."""
    reply = _reply("GET", RECORD_INFO_PATH, query=_query("nobody"), answer=answer())
    assert task_found(reply, StubContext()).status is expected


def test_record_info_without_task_id_must_be_rejected() -> None:
    """A missing task id is an invalid query: a 4xx-class code passes, code 200 fails."""
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
    reply = _reply(body=_bad_upload_url(), answer=answer, answer_type=answer_type)
    assert json_envelope(reply, StubContext()).status is expected


@pytest.mark.parametrize(
    ("status", "answer", "expected"),
    [
        (200, _accepted, Status.PASSED),
        (200, lambda: {"code": 200, "data": {names().submit_task_id: "t"}}, Status.FAILED),  # msg missing
        (200, lambda: _accepted(7), Status.FAILED),
        (200, lambda: {"code": 422, "msg": "no", "data": {}}, Status.FAILED),  # an error carries data null
        (422, lambda: _error(422), Status.PASSED),  # status style: the error envelope
        (500, lambda: _error(500), Status.PASSED),  # documented 500: ErrorResponse
    ],
    ids=["accepted", "no-msg", "number-id", "error-with-data", "422", "500"],
)
def test_response_schema(status: int, answer: Any, expected: Status) -> None:
    """The body matches the documented envelope; an error envelope also matches ErrorResponse."""
    reply = _reply(body=default_body(), status=status, answer=answer())
    assert response_schema(reply, StubContext()).status is expected


def test_the_live_capture_passes_the_schema_and_shows_no_drift() -> None:
    """A real record-info answer conforms: the checks do not flag what upstream really sends."""
    answer = json.loads((FIXTURES / "record-info-success-live.json").read_text(encoding="utf-8"))
    task_id = answer["data"][names().record_task_id]
    context = StubContext(created=frozenset({task_id}))
    reply = _reply("GET", RECORD_INFO_PATH, query=_query(task_id), answer=answer)
    assert [
        check(reply, context).status for check in RESPONSE_CHECKS if check(reply, context).status is Status.FAILED
    ] == []
    assert drift_of(reply) == []


def test_values_outside_documented_lists_are_drift_not_failures() -> None:
    """An undocumented status or code passes the schema and is reported as drift."""
    status = undocumented_value("TaskStatus")
    reply = _reply("GET", RECORD_INFO_PATH, query=_query("t"), answer=_ok(_record("t", status)))
    assert response_schema(reply, StubContext()).status is Status.PASSED
    assert [(finding.location, finding.value, finding.enum) for finding in drift_of(reply)] == [
        (f"{names().envelope_data}.{names().record_status}", status, "TaskStatus")
    ]
    coded = _reply(body=_bad_upload_url(), answer=_error(undocumented_value("ApiCode")))
    assert [finding.enum for finding in drift_of(coded)] == ["ApiCode"]


# ------------------------------------------------------------------------------------------- callbacks

WEBHOOK_KEY = "whsec-test"
NOW = 1_735_689_600.0


def _callback(
    *, task_id: str = "t1", path: str = "/callbacks/1", signed: bool = True, timestamp: float = NOW, **overrides: Any
) -> Callback:
    spec = names()
    payload: dict[str, Any] = {
        spec.callback_code: 200,
        spec.callback_msg: "ok",
        spec.callback_data: {
            spec.callback_type: spec.stage_complete,
            spec.callback_task_id: task_id,
            spec.callback_tracks: [],
        },
    }
    payload.update(overrides)
    headers = {"content-type": "application/json"}
    if signed:
        stamp = str(int(timestamp))
        headers[spec.timestamp_header.lower()] = stamp
        headers[spec.signature_header.lower()] = compute_signature(WEBHOOK_KEY, task_id, stamp)
    return Callback(path, headers, json.dumps(payload).encode())


CALLBACK_CONTEXT = CallbackContext(WEBHOOK_KEY, 300.0, NOW, {"/callbacks/1": "t1"})


def test_a_documented_signed_callback_passes_every_check() -> None:
    """The shape, the signature and the task all match."""
    callback = _callback()
    assert [check(callback, CALLBACK_CONTEXT).status for check in CALLBACK_CHECKS] == [Status.PASSED] * 3


def test_callback_signatures() -> None:
    """Unsigned, wrongly signed and stale callbacks fail; without a known key, signatures are not judged."""
    assert callback_signature(_callback(signed=False), CALLBACK_CONTEXT).status is Status.FAILED
    forged = attrs.evolve(_callback(), headers={**_callback().headers, names().signature_header.lower(): "AAAA"})
    assert callback_signature(forged, CALLBACK_CONTEXT).status is Status.FAILED
    stale = _callback(timestamp=NOW - 3600)
    assert "outside the ±N s window" in callback_signature(stale, CALLBACK_CONTEXT).message
    unknown = attrs.evolve(CALLBACK_CONTEXT, webhook_key=None)
    assert callback_signature(_callback(), unknown).status is Status.SKIPPED


def test_callback_shape_and_task() -> None:
    """Record-info's shape is not a callback; a callback must report the task of its callback URL."""
    shaped_like_record_info = Callback(
        "/callbacks/1", {"content-type": "application/json"}, json.dumps({"code": 200, "data": _record("t1")}).encode()
    )
    assert callback_schema(shaped_like_record_info, CALLBACK_CONTEXT).status is Status.FAILED
    assert callback_task(_callback(task_id="t2"), CALLBACK_CONTEXT).status is Status.FAILED
    assert callback_task(_callback(path="/callbacks/9"), CALLBACK_CONTEXT).status is Status.FAILED
    text = attrs.evolve(_callback(), headers={**_callback().headers, "content-type": "text/plain"})
    assert callback_schema(text, CALLBACK_CONTEXT).status is Status.FAILED


def test_a_callback_type_outside_the_list_is_drift() -> None:
    """A callback type the spec does not list conforms to the loose schema and is reported as drift."""
    spec = names()
    stage = undocumented_value("CallbackType")
    data = {spec.callback_type: stage, spec.callback_task_id: "t1", spec.callback_tracks: None}
    content = json.dumps({spec.callback_code: 200, spec.callback_msg: "x", spec.callback_data: data}).encode()
    callback = Callback("/callbacks/1", {"content-type": "application/json"}, content)
    assert callback_schema(callback, CALLBACK_CONTEXT).status is Status.PASSED
    assert [finding.value for finding in callback_drift(callback)] == [stage]


# --------------------------------------------------------------------------------- schemathesis protocol


def _schemathesis_checks(context: StubContext) -> list[Any]:
    return [as_schemathesis_check(check, lambda: context) for check in RESPONSE_CHECKS]


def test_the_checks_work_as_schemathesis_checks(mock_server: MockServer) -> None:
    """case.validate_response accepts them: a conforming answer passes, a 401 to our token raises."""
    key = mock_server.settings.api_keys[0]
    schema = schemathesis.openapi.from_path(effective_spec_path())
    case = schema[SUBMIT_PATH]["POST"].Case(body=default_body(), media_type="application/json")
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


# ------------------------------------------------------------------------- what the answer got wrong


def _failures(reply: Reply, context: StubContext | None = None) -> list[tuple[str, str, str]]:
    """Record every response check of ``reply`` in a ledger, as a run does; return its distinct failures."""
    ledger = Ledger([TOKEN])
    for check in RESPONSE_CHECKS:
        ledger.record("op", check.__name__, check(reply, context or StubContext()), phase="examples")
    return [(failure.check, failure.message, failure.detail) for failure in ledger.all_failures()]


def _submit_answer(content: bytes, answer_type: str = "application/json", status: int = 200) -> Reply:
    return _reply(body=default_body(), answer=content, answer_type=answer_type, status=status)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_a_non_finite_number_is_reported_as_itself_once(constant: str) -> None:
    """A NaN is named NaN, with where it is; the schema check does not also fail with ``null is not of types``."""
    key = names().submit_task_id
    content = f'{{"code": 200, "msg": "ok", "data": {{"{key}": "t", "score": {constant}}}}}'.encode()
    reply = _submit_answer(content)
    failures = _failures(reply)
    assert [check for check, _, _ in failures] == ["json_envelope"]
    _, message, detail = failures[0]
    assert constant.lstrip("-") in message
    assert "JSON does not allow" in message
    assert f"`data.score`: {constant}" in detail
    schema = response_schema(reply, StubContext())
    assert schema.status is Status.SKIPPED
    assert "json_envelope" in schema.message
    assert "null is not of types" not in schema.message
    # The rest of the answer is still read: the submit was accepted, and says so.
    assert valid_accepted(reply, StubContext()).status is Status.PASSED


def test_a_nan_in_a_record_shows_its_path() -> None:
    """A track's duration NaN in record-info: the failure points at the track's field."""
    spec = names()
    track = {spec.track_id: "a", spec.track_duration: 1.5}
    record = {**_record("t", spec.status_success), spec.record_response: {spec.response_tracks: [track]}}
    content = json.dumps({"code": 200, "msg": "ok", "data": record}).replace("1.5", "NaN").encode()
    reply = _reply("GET", RECORD_INFO_PATH, query=_query("t"), answer=content)
    failures = _failures(reply, StubContext(created=frozenset({"t"})))
    where = ".".join((spec.envelope_data, spec.record_response, spec.response_tracks, "0", spec.track_duration))
    assert [(check, detail) for check, _, detail in failures] == [("json_envelope", f"`{where}`: NaN")]


@pytest.mark.parametrize(
    ("answer_type", "message"),
    [
        ("application/json", "the body is not UTF-8, as JSON must be"),
        ("application/json; charset=utf-8", "the body is not UTF-8, the charset its Content-Type declares"),
        ("application/json; charset=ISO-8859-1", "the body is iso-8859-1, as its Content-Type declares, not UTF-8"),
    ],
)
def test_a_latin_1_body_says_it_is_not_utf_8(answer_type: str, message: str) -> None:
    """A body in another encoding says so, and what the Content-Type declared; nothing else fails for it."""
    content = json.dumps({**_accepted(), "msg": "réussi"}, ensure_ascii=False)
    reply = _submit_answer(content.encode("latin-1"), answer_type)
    failures = _failures(reply)
    assert [check for check, _, _ in failures] == ["json_envelope"]
    assert message in failures[0][1]
    assert f"byte 0xe9 at offset {content.index('é')} is not UTF-8" in failures[0][2]
    assert "r⟨here⟩éussi" in failures[0][2]  # the excerpt, read in the charset it is in, marks the byte
    assert valid_accepted(reply, StubContext()).status is Status.PASSED


def test_a_utf_16_body_says_which_encoding_it_is() -> None:
    """JSON in UTF-16 (with its byte order mark) is named as such."""
    reply = _submit_answer(json.dumps(_accepted()).encode("utf-16"))
    failures = _failures(reply)
    assert [check for check, _, _ in failures] == ["json_envelope"]
    assert "the body is UTF-16, not UTF-8" in failures[0][1]


def test_truncated_json_says_where_it_ends_and_only_json_envelope_fails() -> None:
    """A body cut short: not JSON, where, an excerpt; acceptance and the schema are skipped, pointing at it."""
    cut = f'"{names().submit_task_id}": "t'
    reply = _submit_answer(f'{{"code": 200, "msg": "ok", "data": {{{cut}'.encode())
    failures = _failures(reply)
    assert [check for check, _, _ in failures] == ["json_envelope"]
    _, message, detail = failures[0]
    assert message == "the body is not JSON"
    assert "cut short" in detail
    assert cut in detail
    assert reply.describe() == "HTTP 200, body not JSON"
    for check in (response_schema, valid_accepted):
        result = check(reply, StubContext())
        assert result.status is Status.SKIPPED
        assert result.message == "not judged: the body is not JSON (reported by json_envelope)"


def test_an_html_answer_says_it_is_not_json_and_shows_it() -> None:
    """Another content type and a body that is not JSON: one failure, with the body's problem and an excerpt."""
    reply = _submit_answer(b"<html><body>Bad gateway</body></html>", "text/html")
    failures = _failures(reply)
    assert [check for check, _, _ in failures] == ["json_envelope"]
    _, message, detail = failures[0]
    assert message == "answered Content-Type text/html, not application/json"
    assert "the body is not JSON" in detail
    assert "Bad gateway" in detail


def test_an_error_status_with_a_body_that_is_not_json() -> None:
    """The HTTP status still judges the request; envelope consistency is skipped, pointing at json_envelope."""
    reply = _reply(body=_unknown_model(), status=422, answer=b"Unprocessable")
    assert invalid_rejected(reply, StubContext()).status is Status.PASSED
    consistent = envelope_consistent(reply, StubContext())
    assert consistent.status is Status.SKIPPED
    assert "json_envelope" in consistent.message
    assert [check for check, _, _ in _failures(reply)] == ["json_envelope"]


@pytest.mark.parametrize("shift", range(0, 90, 6))
def test_the_excerpt_of_a_broken_body_never_shows_part_of_the_token(shift: int) -> None:
    """The window around the error is cut after redaction: no fragment of the token, wherever the cut falls."""
    token = "s3cr3t-token-value-0123456789"
    content = f'{{"code": 200, "msg": "{"y" * 80}{token}{"x" * shift}'.encode()
    expectation = _submit_answer(b"{}").expectation
    reply = Reply.build(expectation, 200, {"content-type": "application/json"}, content, [token])
    assert reply.problem == "the body is not JSON"
    assert "cut short" in reply.problem_detail
    shown = reply.problem_detail
    assert not [size for size in range(4, len(token) + 1) if token[:size] in shown or token[-size:] in shown]
    if shift < 20:
        assert "[REDACTED]" in shown


def test_a_callback_with_nan_is_reported_as_nan() -> None:
    """A callback's NaN is named NaN by callback_schema, not as a schema mismatch on null."""
    content = _callback().content.replace(b'"data": {', b'"data": {"score": NaN, ', 1)
    callback = attrs.evolve(_callback(), content=content)
    result = callback_schema(callback, CALLBACK_CONTEXT)
    assert result.status is Status.FAILED
    assert "NaN" in result.message
    assert "null" not in result.message
    assert "`data.score`: NaN" in result.detail


def test_a_skip_names_its_cause_in_the_ledger_the_summary_and_the_json() -> None:
    """The checks a broken body leaves unjudged are listed with why, pointing at the failure that says it."""
    reply = _submit_answer(f'{{"code": 200, "msg": "ok", "data": {{"{names().submit_task_id}": "t'.encode())
    ledger = Ledger([TOKEN])
    for check in RESPONSE_CHECKS:
        ledger.record("op", check.__name__, check(reply, StubContext()), phase="examples")
    reason = "not judged: the body is not JSON (reported by json_envelope)"
    assert ledger.skips[("op", "response_schema", reason)] == 1
    assert {"operation": "op", "check": "valid_accepted", "reason": reason, "count": 1} in ledger.snapshot()["skipped"]
    assert f"  [response_schema] op: {reason}" in _findings(ledger)


@pytest.mark.parametrize(
    ("content", "answer_type", "problem"),
    [
        (b'{"code": 200, "msg": "ok"}', "application/json; charset=us-ascii", ""),  # ASCII reads the same
        ('{"code": 200, "msg": "réussi"}'.encode(), "application/json; charset=utf-8", ""),
        ('{"code": 200, "msg": "réussi"}'.encode(), "application/json; charset=iso-8859-1", "declares charset"),
        (b'\xef\xbb\xbf{"code": 200, "msg": "ok"}', "application/json", "byte order mark"),
    ],
)
def test_a_charset_the_body_is_not_in_is_reported(content: bytes, answer_type: str, problem: str) -> None:
    """A UTF-8 body whose Content-Type declares another charset misleads clients; plain ASCII is the same in all."""
    reply = _submit_answer(content, answer_type)
    assert (problem in reply.problem) if problem else reply.problem == ""
    assert json_envelope(reply, StubContext()).status is (Status.FAILED if problem else Status.PASSED)


def test_json_that_is_not_an_envelope_fails_once() -> None:
    """A JSON list where the envelope belongs: json_envelope says so; acceptance and the schema point at it."""
    reply = _submit_answer(json.dumps([{"code": 200}]).encode())
    assert _failures(reply) == [("json_envelope", "the body is JSON but not an envelope object", '[{"code": 200}]')]
    assert reply.describe() == "HTTP 200, body not an envelope"
    for check in (response_schema, valid_accepted):
        assert check(reply, StubContext()).message == (
            "not judged: the body is JSON but not an envelope object (reported by json_envelope)"
        )
