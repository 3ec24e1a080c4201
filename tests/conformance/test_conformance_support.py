"""The suite's support code: drift detection, live safety, options, targets, the ledger and the reports."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis

import suno_conformance.suite
from suno_api.spec import effective_spec_path, enum_values, names
from suno_conformance.suite._cases import CALLBACK_PLACEHOLDER
from suno_conformance.suite._checks import Result
from suno_conformance.suite._drift import find_drift, strict_enums
from suno_conformance.suite._ledger import Ledger
from suno_conformance.suite._options import SuiteOptions
from suno_conformance.suite._oracle import Expectation, SentRequest, expect
from suno_conformance.suite._report import clean_junit, verdict
from suno_conformance.suite._safety import LiveSafety, keep_callbacks_home
from suno_conformance.suite._target import TargetError, is_loopback, open_target
from tests.spec_support import models, undocumented_value

SECRET = "s3cr3t-token"


def test_the_public_surface_is_sorted_and_real() -> None:
    """__all__ is sorted (constants, classes, functions, as ruff's RUF022 orders it) and every name exists."""
    names = suno_conformance.suite.__all__
    assert list(names) == sorted(names, key=lambda name: (not name.isupper(), not name[0].isupper(), name))
    assert all(hasattr(suno_conformance.suite, name) for name in names)


# ---------------------------------------------------------------------------------------------- drift


def test_the_named_enums_are_the_ones_responses_accept_loosely() -> None:
    """TaskStatus, CallbackType, ApiCode and CallbackCode, with their documented values."""
    enums = strict_enums()
    assert set(enums) == {"TaskStatus", "CallbackType", "ApiCode", "CallbackCode"}
    assert enums["TaskStatus"] == enum_values("TaskStatus")


def test_drift_inside_nullable_branches_is_found() -> None:
    """A status inside `data` (anyOf TaskRecord | null) is still reached."""
    status = undocumented_value("TaskStatus")
    record = {names().record_task_id: "t", names().record_status: status}
    found = find_drift({"code": 200, "msg": "", "data": record}, "RecordInfoResponse")
    assert [str(finding) for finding in found] == [
        f"`{names().envelope_data}.{names().record_status}` = {status!r} is not a documented TaskStatus ("
        + ", ".join(enum_values("TaskStatus"))
        + ")"
    ]


def test_a_value_of_the_wrong_type_is_a_failure_not_drift() -> None:
    """code "200" (a string) breaks the loose schema too: the schema check reports it, not drift."""
    assert find_drift({"code": "200", "msg": "", "data": None}, "UploadExtendResponse") == []


# ---------------------------------------------------------------------------------------------- safety


def _expectation(free: bool) -> Expectation:
    sent = SentRequest.build("GET" if free else "POST", f"http://h{names().record_info_path}?{names().task_id_param}=x")
    result = expect(sent, "t")
    return result if free else Expectation("POST", "/x", None, None, result.credentials, result.verdict, free=False)


def test_not_live_everything_is_sent() -> None:
    """Against the mock, live safety never holds anything back."""
    safety = LiveSafety(live=False)
    assert all(safety.permit(_expectation(free=False)) for _ in range(100))
    assert safety.paid_calls == 0


def test_live_without_a_budget_only_free_requests_go_out() -> None:
    """SUNO_MAX_PAID_CALLS unset: no request that might be accepted is sent."""
    safety = LiveSafety(live=True)
    assert safety.permit(_expectation(free=True))
    assert not safety.permit(_expectation(free=False))
    assert (safety.paid_calls, safety.held_back, safety.exhausted) == (0, 1, True)


def test_live_with_a_budget_stops_at_n() -> None:
    """SUNO_MAX_PAID_CALLS=2: two paid calls, then none."""
    safety = LiveSafety(live=True, max_paid_calls=2)
    assert [safety.permit(_expectation(free=False)) for _ in range(4)] == [True, True, False, False]
    assert "2 of 2 paid call(s) used" in safety.describe()
    with pytest.raises(ValueError, match="max_paid_calls"):
        LiveSafety(live=True, max_paid_calls=-1)


# --------------------------------------------------------------------------------------------- options


def test_options_from_the_environment() -> None:
    """Each variable maps to its option; keyword overrides win."""
    options = SuiteOptions.from_env(
        {
            "SUNO_BASE_URL": "https://api.kie.ai/",
            "KIE_API_KEY": " key ",
            "SUNO_MAX_PAID_CALLS": "3",
            "SUNO_CONFORMANCE_MAX_EXAMPLES": "50",
            "SUNO_CONFORMANCE_SEED": "7",
            "SUNO_CONFORMANCE_LIVE": "no",
            "SUNO_CONFORMANCE_FAIL_ON_DRIFT": "1",
        },
        seed=8,
    )
    assert (options.base_url, options.api_key, options.max_paid_calls) == ("https://api.kie.ai", "key", 3)
    assert (options.max_examples, options.seed, options.live, options.fail_on_drift) == (50, 8, False, True)
    assert "key" not in repr(options)


@pytest.mark.parametrize(
    ("variable", "value"),
    [("SUNO_MAX_PAID_CALLS", "-1"), ("SUNO_MAX_PAID_CALLS", "many"), ("SUNO_CONFORMANCE_LIVE", "maybe")],
)
def test_a_bad_variable_is_named_in_the_error(variable: str, value: str) -> None:
    """The error names the variable and its value."""
    with pytest.raises(ValueError, match=variable):
        SuiteOptions.from_env({variable: value})


def test_the_kie_base_url_of_the_client_does_not_select_a_target() -> None:
    """Only SUNO_BASE_URL does: a client configured for production never runs conformance against it by accident."""
    assert SuiteOptions.from_env({"KIE_BASE_URL": "https://api.kie.ai"}).base_url is None


# --------------------------------------------------------------------------------------------- targets


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://127.0.0.1:8000", True),
        ("http://[::1]:8000", True),
        ("http://localhost:8000", True),
        ("http://[::ffff:127.0.0.1]:8000", True),
        ("http://127.0.0.1.nip.io", False),
        ("https://api.kie.ai", False),
        ("http://10.0.0.1", False),
    ],
)
def test_loopback_detection(url: str, loopback: bool) -> None:
    """Live mode is the default for every host that is not this machine."""
    assert is_loopback(url) is loopback


def test_a_base_url_without_a_token_is_refused() -> None:
    """SUNO_BASE_URL without KIE_API_KEY cannot authenticate: a clear error, nothing sent."""
    with pytest.raises(TargetError, match="KIE_API_KEY"), open_target(SuiteOptions(base_url="https://api.kie.ai")):
        pass


def test_a_remote_target_is_live_unless_told_otherwise() -> None:
    """Live mode follows the host; SUNO_CONFORMANCE_LIVE overrides it."""
    with open_target(SuiteOptions(base_url="https://api.kie.ai", api_key="k")) as target:
        assert (target.live, target.loopback, target.kind) == (True, False, "server")
    with open_target(SuiteOptions(base_url="http://127.0.0.1:9", api_key="k", live=True)) as target:
        assert target.live


# ------------------------------------------------------------------------------------- ledger, reports


def test_the_ledger_redacts_secrets_everywhere_it_stores_text() -> None:
    """Messages, reproductions and answers lose the token."""
    ledger = Ledger()
    ledger.add_secret(SECRET)
    ledger.current_item = "item"
    ledger.record(
        "POST /x",
        "invalid_rejected",
        Result.failed(f"bad {SECRET}", f"detail {SECRET}"),
        phase="fuzzing",
        reproduction=f"curl -H 'Authorization: Bearer {SECRET}'",
        answer=f"echo {SECRET}",
    )
    rendered = "\n".join(failure.render() for failure in ledger.all_failures())
    assert SECRET not in rendered
    assert "Bearer [REDACTED]" in rendered
    assert SECRET not in str(ledger.snapshot())


def test_each_item_fails_with_its_own_example_of_a_shared_failure() -> None:
    """The same failure found by two tests fails both; the summary counts it once with its occurrences."""
    ledger = Ledger()
    for item in ("one", "two"):
        ledger.current_item = item
        ledger.record("POST /x", "valid_accepted", Result.failed("not accepted"), phase="boundary", answer=item)
    assert [failure.answer for failure in ledger.failures_for("two")] == ["two"]
    assert [failure.count for failure in ledger.all_failures()] == [2]
    assert ledger.counts[("POST /x", "valid_accepted")].failed == 2


def test_not_applicable_results_are_not_counted() -> None:
    """Only passed, failed, skipped and drift appear in the table."""
    ledger = Ledger()
    ledger.record("POST /x", "task_found", Result.not_applicable(), phase="fuzzing")
    assert ledger.counts == {}


def test_verdicts() -> None:
    """Conforms; conforms with drift; does not conform (and drift fails the run only when asked)."""
    ledger = Ledger()
    assert verdict(ledger) == "CONFORMS"
    spec_names = names()
    answer = {spec_names.envelope_code: undocumented_value("ApiCode"), spec_names.envelope_msg: ""}
    found = find_drift({**answer, spec_names.envelope_data: None}, "UploadExtendResponse")
    ledger.record_drift("POST /x", "response_schema", found)
    assert verdict(ledger).startswith("CONFORMS, WITH SPEC DRIFT")
    assert verdict(ledger, fail_on_drift=True).startswith("DOES NOT CONFORM")
    ledger.record("POST /x", "json_envelope", Result.failed("text/plain"), phase="examples")
    assert verdict(ledger).startswith("DOES NOT CONFORM (1 failed judgement(s), 1 distinct")


def test_the_junit_report_loses_hypothesis_blobs_and_secrets(tmp_path: Path) -> None:
    """Base64 statistics would hide a secret from redaction: they are dropped, then every secret is redacted."""
    report = tmp_path / "conformance.xml"
    report.write_text(
        '<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="conformance"><properties>'
        '<property name="hypothesis-statistics-x" value="c2VjcmV0"/></properties>'
        f'<testcase name="t"><failure message="Bearer {SECRET}">Bearer {SECRET}</failure></testcase>'
        "</testsuite></testsuites>",
        encoding="utf-8",
    )
    ledger = Ledger([SECRET])
    clean_junit(report, ledger)
    text = report.read_text(encoding="utf-8")
    assert SECRET not in text
    assert "hypothesis-statistics" not in text
    assert "<properties" not in text
    assert "Bearer [REDACTED]" in text


@pytest.mark.parametrize("home", [CALLBACK_PLACEHOLDER, "https://tunnel.example.org/callbacks/3"])
def test_live_callbacks_never_go_to_a_host_the_generator_made_up(home: str) -> None:
    """In live mode an http(s) callback URL goes home (the receiver, or callback.invalid); a malformed one stays."""
    schema = schemathesis.openapi.from_path(effective_spec_path())
    operation = schema[names().submit_path]["POST"]
    field, model = names().callback_url, names().model
    made_up = operation.Case(body={field: "https://0.com", model: models()[-1]}, media_type="application/json")
    keep_callbacks_home(made_up.body, home)
    assert made_up.body == {field: home, model: models()[-1]}
    broken = operation.Case(body={field: "not a uri"}, media_type="application/json")
    keep_callbacks_home(broken.body, home)
    assert broken.body == {field: "not a uri"}
