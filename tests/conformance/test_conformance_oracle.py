"""The oracle: what a conforming server owes a request, from the request alone."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from suno_api.spec import REQUEST_SCHEMA, names, schema
from suno_conformance.suite._oracle import Credentials, SentRequest, Verdict, expect
from tests.bodies import default_body
from tests.mock.mock_support import RECORD_INFO, SUBMIT

TOKEN = "test-token"


def _submit(body: object, *, content_type: str = "application/json", authorization: str | None = None) -> SentRequest:
    headers = {"Content-Type": content_type, "Authorization": authorization or f"Bearer {TOKEN}"}
    raw = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    return SentRequest.build("POST", f"http://h{SUBMIT}", headers, raw)


def _record_info(query: str) -> SentRequest:
    return SentRequest.build("GET", f"http://h{RECORD_INFO}{query}", {"Authorization": f"Bearer {TOKEN}"})


def _off_grid_weight() -> dict[str, Any]:
    """A valid body but for a style weight half a step off its grid."""
    step = Decimal(str(schema(REQUEST_SCHEMA)["properties"][names().style_weight]["multipleOf"]))
    return default_body(style_weight=float(29 * step + step / 2))


def _without_upload_url() -> dict[str, Any]:
    return default_body(upload_url=...)


def test_a_valid_body_must_be_accepted_and_is_not_free() -> None:
    """A valid submit creates a paid task: live safety must count it."""
    expectation = expect(_submit(default_body()), TOKEN)
    assert (expectation.verdict, expectation.free, expectation.is_submit) == (Verdict.ACCEPT, False, True)
    assert expectation.credentials is Credentials.VALID


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        (lambda: None, "body.missing"),
        (lambda: b"{not json", "body.json"),
        (lambda: [1, 2], "schema.type"),
        (lambda: default_body(default_param_flag=True), "custom-mode-requires-style"),
        (lambda: default_body(continue_at=0), "continue-at-after-start"),
        (_off_grid_weight, "schema.multipleOf"),
        (lambda: default_body({"customMode": True}), "no-custom-mode-field"),
    ],
    ids=lambda value: value if isinstance(value, str) else "body",
)
def test_invalid_bodies_must_be_rejected_naming_the_rule(body: Callable[[], object], rule: str) -> None:
    """The rules overlay's table decides, with its rule ids."""
    expectation = expect(_submit(body()), TOKEN)
    assert expectation.verdict is Verdict.REJECT
    assert rule in expectation.rule_ids


@pytest.mark.parametrize(
    ("body", "free"),
    [
        (lambda: None, True),
        (lambda: b"{", True),
        (_without_upload_url, True),
        (lambda: default_body(upload_url=5), True),
        (lambda: default_body({"customMode": True}), False),  # upstream might ignore the field and charge for it
        (lambda: default_body(continue_at=0), False),
    ],
    ids=["no-body", "not-json", "no-upload-url", "number-upload-url", "custom-mode-field", "start-at-0"],
)
def test_only_bodies_with_nothing_to_extend_are_free(body: Callable[[], object], free: bool) -> None:
    """A rule violation upstream might read differently could still be charged: only no upload URL is free."""
    assert expect(_submit(body()), TOKEN).free is free


def test_bad_credentials_make_any_request_free() -> None:
    """Without a valid token nothing can be charged."""
    wrong = expect(_submit(default_body(), authorization="Bearer other"), TOKEN)
    assert (wrong.credentials, wrong.free) == (Credentials.WRONG, True)
    headers = {"Content-Type": "application/json"}
    missing = expect(SentRequest.build("POST", f"http://h{SUBMIT}", headers, b"{}"), TOKEN)
    assert missing.credentials is Credentials.MISSING


def test_a_valid_body_with_another_content_type_is_undetermined() -> None:
    """The spec documents application/json only and does not say a server must refuse other labels."""
    expectation = expect(_submit(default_body(), content_type="text/plain"), TOKEN)
    assert (expectation.verdict, expectation.free) == (Verdict.UNDETERMINED, False)
    utf_8 = _submit(default_body(), content_type="application/json; charset=utf-8")
    assert expect(utf_8, TOKEN).verdict is Verdict.ACCEPT


@pytest.mark.parametrize(
    ("query", "verdict", "task_id"),
    [
        ("?{id}=abc", Verdict.ACCEPT, "abc"),
        ("", Verdict.REJECT, None),
        ("?{id}=", Verdict.REJECT, ""),
        ("?{id}=a&{id}=b", Verdict.UNDETERMINED, None),
        ("?{id}=abc&extra=1", Verdict.ACCEPT, "abc"),
    ],
)
def test_record_info_queries(query: str, verdict: Verdict, task_id: str | None) -> None:
    """The task id ({id}) is required and non-empty; unknown extra parameters are allowed; it is always free."""
    expectation = expect(_record_info(query.format(id=names().task_id_param)), TOKEN)
    assert (expectation.verdict, expectation.task_id, expectation.free) == (verdict, task_id, True)


@pytest.mark.parametrize(
    ("method", "verdict"), [("TRACE", Verdict.REJECT), ("DELETE", Verdict.REJECT), ("OPTIONS", Verdict.UNDETERMINED)]
)
def test_undocumented_methods(method: str, verdict: Verdict) -> None:
    """Other methods on a documented path must be refused, except those HTTP itself defines."""
    expectation = expect(SentRequest.build(method, f"http://h{SUBMIT}"), TOKEN)
    assert (expectation.operation, expectation.verdict, expectation.free) == (None, verdict, True)
    assert expectation.label == f"{method} {SUBMIT}"


def test_a_base_path_is_stripped_before_matching_operations() -> None:
    """A target behind a path prefix (https://gateway/kie) is matched against the spec's paths."""
    sent = SentRequest.build("GET", f"http://h/kie{RECORD_INFO}?{names().task_id_param}=x", base_path="/kie")
    assert expect(sent, TOKEN).is_record_info
