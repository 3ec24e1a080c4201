"""The oracle: what a conforming server owes a request, from the request alone."""

from __future__ import annotations

import json

import pytest

from suno_conformance.suite._oracle import Credentials, SentRequest, Verdict, expect
from tests.bodies import default_body

TOKEN = "test-token"
VALID = default_body()


def _submit(body: object, *, content_type: str = "application/json", authorization: str | None = None) -> SentRequest:
    headers = {"Content-Type": content_type, "Authorization": authorization or f"Bearer {TOKEN}"}
    raw = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    return SentRequest.build("POST", "http://h/api/v1/generate/upload-extend", headers, raw)


def _record_info(query: str) -> SentRequest:
    return SentRequest.build(
        "GET", f"http://h/api/v1/generate/record-info{query}", {"Authorization": f"Bearer {TOKEN}"}
    )


def test_a_valid_body_must_be_accepted_and_is_not_free() -> None:
    """A valid submit creates a paid task: live safety must count it."""
    expectation = expect(_submit(VALID), TOKEN)
    assert (expectation.verdict, expectation.free, expectation.is_submit) == (Verdict.ACCEPT, False, True)
    assert expectation.credentials is Credentials.VALID


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        (None, "body.missing"),
        (b"{not json", "body.json"),
        ([1, 2], "schema.type"),
        ({**VALID, "defaultParamFlag": True}, "custom-mode-requires-style"),
        ({**VALID, "continueAt": 0}, "continue-at-after-start"),
        ({**VALID, "styleWeight": 0.295}, "schema.multipleOf"),
        ({**VALID, "customMode": True}, "no-custom-mode-field"),
    ],
)
def test_invalid_bodies_must_be_rejected_naming_the_rule(body: object, rule: str) -> None:
    """The rules overlay's table decides, with its rule ids."""
    expectation = expect(_submit(body), TOKEN)
    assert expectation.verdict is Verdict.REJECT
    assert rule in expectation.rule_ids


@pytest.mark.parametrize(
    ("body", "free"),
    [
        (None, True),
        (b"{", True),
        ({key: value for key, value in VALID.items() if key != "uploadUrl"}, True),
        ({**VALID, "uploadUrl": 5}, True),
        ({**VALID, "customMode": True}, False),  # upstream might ignore the field and charge for the task
        ({**VALID, "continueAt": 0}, False),
    ],
)
def test_only_bodies_with_nothing_to_extend_are_free(body: object, free: bool) -> None:
    """A rule violation upstream might read differently could still be charged: only no-uploadUrl is free."""
    assert expect(_submit(body), TOKEN).free is free


def test_bad_credentials_make_any_request_free() -> None:
    """Without a valid token nothing can be charged."""
    wrong = expect(_submit(VALID, authorization="Bearer other"), TOKEN)
    assert (wrong.credentials, wrong.free) == (Credentials.WRONG, True)
    headers = {"Content-Type": "application/json"}
    missing = expect(SentRequest.build("POST", "http://h/api/v1/generate/upload-extend", headers, b"{}"), TOKEN)
    assert missing.credentials is Credentials.MISSING


def test_a_valid_body_with_another_content_type_is_undetermined() -> None:
    """The spec documents application/json only and does not say a server must refuse other labels."""
    expectation = expect(_submit(VALID, content_type="text/plain"), TOKEN)
    assert (expectation.verdict, expectation.free) == (Verdict.UNDETERMINED, False)
    assert expect(_submit(VALID, content_type="application/json; charset=utf-8"), TOKEN).verdict is Verdict.ACCEPT


@pytest.mark.parametrize(
    ("query", "verdict", "task_id"),
    [
        ("?taskId=abc", Verdict.ACCEPT, "abc"),
        ("", Verdict.REJECT, None),
        ("?taskId=", Verdict.REJECT, ""),
        ("?taskId=a&taskId=b", Verdict.UNDETERMINED, None),
        ("?taskId=abc&extra=1", Verdict.ACCEPT, "abc"),
    ],
)
def test_record_info_queries(query: str, verdict: Verdict, task_id: str | None) -> None:
    """taskId is required and non-empty; unknown extra parameters are allowed; record-info is always free."""
    expectation = expect(_record_info(query), TOKEN)
    assert (expectation.verdict, expectation.task_id, expectation.free) == (verdict, task_id, True)


@pytest.mark.parametrize(
    ("method", "verdict"), [("TRACE", Verdict.REJECT), ("DELETE", Verdict.REJECT), ("OPTIONS", Verdict.UNDETERMINED)]
)
def test_undocumented_methods(method: str, verdict: Verdict) -> None:
    """Other methods on a documented path must be refused, except those HTTP itself defines."""
    expectation = expect(SentRequest.build(method, "http://h/api/v1/generate/upload-extend"), TOKEN)
    assert (expectation.operation, expectation.verdict, expectation.free) == (None, verdict, True)
    assert expectation.label == f"{method} /api/v1/generate/upload-extend"


def test_a_base_path_is_stripped_before_matching_operations() -> None:
    """A target behind a path prefix (https://gateway/kie) is matched against the spec's paths."""
    sent = SentRequest.build("GET", "http://h/kie/api/v1/generate/record-info?taskId=x", base_path="/kie")
    assert expect(sent, TOKEN).is_record_info
