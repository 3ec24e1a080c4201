"""Checks derived from the spec (issue 12): undocumented methods, credentials, envelope consistency, ERRATA, seeds.

Unit tests judge crafted answers; each defective mock of ``teeth_defects`` passed the suite before these checks
existed and must now be caught. Defect runs use a lean configuration (schemathesis's generated phases off): the
checks under test run in the suite's own deterministic tests, so a catch proves the check, not the fuzzer's luck.
"""

from __future__ import annotations

import http.client
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from suno_api.spec import REQUEST_SCHEMA, rules, schema
from suno_conformance.defects import catalogue
from suno_conformance.mock import MockApp
from suno_conformance.suite import SuiteOptions, run_suite
from suno_conformance.suite._cases import derive
from suno_conformance.suite._checks import Reply, Status, credentials_enforced, envelope_consistent
from suno_conformance.suite._errata import UNAVAILABLE, Errata, errata_path, load_errata, parse_errata
from suno_conformance.suite._oracle import (
    PATH_ITEM_METHODS,
    Credentials,
    SentRequest,
    credentials_of,
    documented_operations,
    documented_paths,
    expect,
    record_info_operation,
    secured_operations,
    submit_operation,
    undocumented_methods,
)
from suno_conformance.suite._receiver import CallbackReceiver
from suno_conformance.suite._runtime import credential_probes
from tests.bodies import default_body
from tests.conformance import teeth_defects
from tests.conformance.conftest import RUN_ARGS

TOKEN = "teeth-token"
ERRATA = Path(__file__).resolve().parents[2] / "spec" / "ERRATA.md"
PHASES = ("examples", "coverage", "fuzzing", "stateful")


def _config(tmp_path: Path, *enabled: str) -> Path:
    """Write a schemathesis.toml with only ``enabled`` of the generated phases on (the rest as shipped)."""
    shipped = SuiteOptions().config.read_text(encoding="utf-8")
    data = tomllib.loads(shipped)
    lines = [f"request-timeout = {data['request-timeout']}", "[generation]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in data["generation"].items()]
    for phase in PHASES:
        lines += [f"[phases.{phase}]", f"enabled = {json.dumps(phase in enabled)}"]
    lines += ["[phases.stateful.generation]", "max-examples = 3"]
    path = tmp_path / "schemathesis.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _reply(
    method: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    query: str = "",
    status: int = 200,
    answer: Any = None,
) -> Reply:
    body = json.dumps(default_body()).encode() if method == "POST" else None
    sent_headers = {"content-type": "application/json", **(headers or {})}
    sent = SentRequest.build(method, f"http://127.0.0.1:1{path}{query}", sent_headers, body)
    return Reply.build(expect(sent, TOKEN), status, {"content-type": "application/json"}, json.dumps(answer).encode())


SUBMIT_PATH = submit_operation().path
RECORD_INFO_PATH = record_info_operation().path
RECORD_INFO_LABEL = record_info_operation().label


# ------------------------------------------------------------------------------------ undocumented methods


def test_every_path_is_probed_with_every_method_it_does_not_document() -> None:
    """GET on the POST-only path and POST on the GET-only path are among the methods each path must refuse."""
    documented = {(operation.path, operation.method) for operation in documented_operations()}
    for path in documented_paths():
        probed = set(undocumented_methods(path))
        others = {m for m in PATH_ITEM_METHODS if (path, m) not in documented} - {"HEAD", "OPTIONS"}
        assert probed == others
    assert "GET" in undocumented_methods(SUBMIT_PATH)
    assert "POST" in undocumented_methods(RECORD_INFO_PATH)


def test_the_toml_no_longer_limits_schemathesis_unexpected_methods() -> None:
    """The hand-written list that left GET out of the coverage phase's method probes is gone."""
    data = tomllib.loads(SuiteOptions().config.read_text(encoding="utf-8"))
    assert "unexpected-methods" not in data["phases"]["coverage"]


# ----------------------------------------------------------------------------------------- credentials


@pytest.mark.parametrize(
    ("authorization", "expected"),
    [
        (f"Bearer {TOKEN}", Credentials.VALID),
        (f"bearer {TOKEN}", Credentials.VALID),
        (f"BEARER {TOKEN}", Credentials.VALID),
        (f"Basic {TOKEN}", Credentials.WRONG),
        (f"Token {TOKEN}", Credentials.WRONG),
        (TOKEN, Credentials.WRONG),
        ("Bearer ", Credentials.WRONG),
        ("Bearer other", Credentials.WRONG),
        (f"Bearer  {TOKEN}", Credentials.WRONG),
    ],
)
def test_only_the_bearer_scheme_in_any_case_with_the_key_is_valid(authorization: str, expected: Credentials) -> None:
    """The scheme name is case-insensitive (RFC 7235); other schemes, a bare key or an empty token are not valid."""
    assert credentials_of({"authorization": authorization}, TOKEN) is expected


def test_a_key_in_the_query_accepted_fails_naming_where_the_key_was() -> None:
    """No Authorization header but the key in the query: a 200 is a failure that says so."""
    reply = _reply("GET", RECORD_INFO_PATH, query=f"?taskId=t&api_key={TOKEN}", answer={"code": 200, "msg": "ok"})
    result = credentials_enforced(reply, None)  # type: ignore[arg-type]
    assert result.status is Status.FAILED
    assert "the run's key in the query" in result.message
    assert TOKEN not in result.message


def test_a_basic_scheme_accepted_fails_naming_the_scheme() -> None:
    """``Basic <key>`` let in is reported with the scheme it used, without the key."""
    reply = _reply("POST", SUBMIT_PATH, headers={"authorization": f"Basic {TOKEN}"}, answer={"code": 200, "msg": "ok"})
    result = credentials_enforced(reply, None)  # type: ignore[arg-type]
    assert result.status is Status.FAILED
    assert "'Basic'" in result.message
    assert TOKEN not in result.message


def test_credential_probes_cover_every_secured_operation_and_both_verdicts() -> None:
    """Every operation of the spec requires credentials; the probes include forms to refuse and to accept."""
    assert {op.operation_id for op in secured_operations()} == {op.operation_id for op in documented_operations()}
    verdicts = {
        credentials_of({k.lower(): v for k, v in probe.headers(TOKEN).items()}, TOKEN) for probe in credential_probes()
    }
    assert verdicts == {Credentials.VALID, Credentials.WRONG, Credentials.MISSING}


# --------------------------------------------------------------------------------- envelope consistency


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (422, 200, Status.FAILED),
        (401, 200, Status.FAILED),
        (401, 422, Status.FAILED),
        (422, 422, Status.PASSED),
        (500, 500, Status.PASSED),
        (200, 422, Status.NOT_APPLICABLE),
        (200, 200, Status.NOT_APPLICABLE),
    ],
)
def test_an_error_status_must_carry_its_own_code_never_200(status: int, code: int, expected: Status) -> None:
    """HTTP error status with envelope code 200, or another code, fails; upstream style (HTTP 200) is not judged."""
    reply = _reply("POST", SUBMIT_PATH, status=status, answer={"code": code, "msg": "refused", "data": None})
    result = envelope_consistent(reply, None)  # type: ignore[arg-type]
    assert result.status is expected
    if expected is Status.FAILED and code == 200:
        assert "claims success" in result.message


# ---------------------------------------------------------------------------------------------- ERRATA


def test_every_errata_entry_says_whether_servers_enforce_it() -> None:
    """Each entry of spec/ERRATA.md carries the decision; E-19 is a client caution."""
    errata = parse_errata(ERRATA.read_text(encoding="utf-8"))
    assert len(errata.entries) == len(re.findall(r"^## E-\d+ ", ERRATA.read_text(encoding="utf-8"), re.MULTILINE))
    assert all(entry.enforced is not None for entry in errata.entries)
    by_id = {entry.id: entry for entry in errata.entries}
    assert by_id["E-19"].enforced is False
    assert by_id["E-8"].enforced is True


def test_the_suite_finds_the_errata_and_lists_client_cautions_as_not_judged() -> None:
    """The suite reads ERRATA (package data or checkout); every "no" entry is listed as not judged."""
    assert errata_path() is not None
    errata = load_errata()
    listed = {entry["id"] for entry in errata.not_judged()}
    assert listed == {entry.id for entry in errata.entries if entry.enforced is False}


def test_enforced_errata_rules_are_judged_by_derived_cases() -> None:
    """Each rule an enforced entry names is judged by boundary cases, unless it needs the source audio."""
    known = {rule.id for rule in rules()}
    audio = {str(item["x-rule-id"]) for item in schema(REQUEST_SCHEMA).get("x-audio-rules", ())}
    exercised = {case.rule_id for case in derive().cases}
    for entry in load_errata().enforced():
        for name in entry.implemented_by:
            if name in known:
                assert name in exercised, f"{entry.id}: {name} has no derived case"
            elif name.startswith("schema."):
                assert name in exercised or name == "schema.required", name
    listed = {entry["id"] for entry in load_errata().not_judged(audio)}
    assert {"E-9", "E-10"} <= listed


def test_without_the_errata_file_the_report_says_so() -> None:
    """No ERRATA.md anywhere: one not-judged line saying the errata are unavailable."""
    assert Errata(problem=UNAVAILABLE).not_judged() == [
        {"id": "ERRATA", "title": "spec/ERRATA.md", "reason": UNAVAILABLE}  # spec-literal: the report's own key
    ]


def test_an_entry_without_a_decision_is_listed() -> None:
    """A new entry that forgets the line is not silently judged."""
    errata = parse_errata("# x\n\n## E-1 A\n**Implemented by:** `r`.\n\n## E-2 B\n**Enforced by servers:** yes\n")
    assert [entry["id"] for entry in errata.not_judged()] == ["E-1"]


# ------------------------------------------------------------------------------- defects, end to end


@pytest.mark.parametrize("defect", teeth_defects.ALL + teeth_defects.STATE, ids=lambda defect: defect.__name__)
def test_a_defect_the_suite_used_to_miss_is_caught(defect: type[MockApp], tmp_path: Path) -> None:
    """Each defect passed the suite before the spec-derived checks; now the run fails on it."""
    options = SuiteOptions(seed=1, junit=tmp_path / "c.xml", config=_config(tmp_path), callback_wait=5.0)
    # A catch needs one failed test (-x): the tests after it (the callbacks' wait among them) prove nothing more.
    outcome = run_suite(options, mock_class=defect, pytest_args=[*RUN_ARGS, "-x"])
    failures = outcome.ledger.all_failures()
    assert failures, f"{defect.__name__} survived: {outcome.verdict}"
    assert outcome.exit_code != 0
    # Failure messages name the check, and carry a reproducing request and the answer.
    rendered = failures[0].render()
    assert failures[0].check in rendered


def test_the_faithful_mock_passes_the_new_checks_and_reports_not_judged(tmp_path: Path) -> None:
    """The faithful mock conforms with the lean configuration; the JSON report lists the ERRATA not judged."""
    options = SuiteOptions(seed=1, junit=tmp_path / "c.xml", config=_config(tmp_path), callback_wait=5.0)
    outcome = run_suite(options, pytest_args=list(RUN_ARGS))
    failures = "\n".join(failure.render() for failure in outcome.ledger.all_failures())
    assert outcome.exit_code == 0, failures
    assert outcome.ledger.sent["methods"] == sum(len(undocumented_methods(p)) for p in documented_paths())
    report = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    assert "E-19" in {entry["id"] for entry in report["not_judged"]}


# ----------------------------------------------------------------------------------------------- seeds


def _stateful_requests(tmp_path: Path, seed: int) -> list[str]:
    folder = tmp_path / f"seed-{seed}-{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    options = SuiteOptions(seed=seed, stateful_examples=3, junit=folder / "c.xml", config=_config(folder, "stateful"))
    # The stateful phase alone: it runs first on a fresh mock, so the other tests cannot change its scenarios.
    outcome = run_suite(options, pytest_args=[*RUN_ARGS, "-k", "TestStateful"])
    assert outcome.exit_code == 0
    assert outcome.run.stateful_requests
    return outcome.run.stateful_requests


def test_the_seed_reproduces_the_stateful_phase_and_another_seed_varies_it(tmp_path: Path) -> None:
    """Same seed, same stateful request sequence; seeds 1 and 2 give different scenarios (no derandomizing)."""
    first = _stateful_requests(tmp_path, 1)
    assert _stateful_requests(tmp_path, 1) == first
    assert _stateful_requests(tmp_path, 2) != first


# ----------------------------------------------------------------------------------------- callback state

CALLBACK_STATE_DEFECTS = {
    "callback_text_skipped": ("callback_stages", "skipped a stage"),
    "callback_first_skipped": ("callback_stages", "skipped a stage"),
    "callbacks_out_of_order": ("callback_stages", "out of the spec's stage order"),
    "callback_names_another_task": ("callback_task", "another task"),
    "complete_callback_drops_a_track": ("callback_consistency", "does not carry every track"),
    "callback_track_urls_differ": ("callback_tracks_agree", "disagree on audio_url/audioUrl"),
}


@pytest.mark.parametrize("name", sorted(CALLBACK_STATE_DEFECTS))
def test_a_callback_state_defect_is_caught_by_its_own_check(name: str, tmp_path: Path) -> None:
    """Each callback-state defect of the catalogue fails the check made for it, and only that one."""
    defect = next(info for info in catalogue() if info.name == name)
    check, message = CALLBACK_STATE_DEFECTS[name]
    options = SuiteOptions(seed=1, junit=tmp_path / "c.xml", config=_config(tmp_path), callback_wait=5.0)
    outcome = run_suite(options, mock_class=defect.mock_class, pytest_args=list(RUN_ARGS))
    failures = outcome.ledger.all_failures()
    assert outcome.exit_code != 0
    assert {failure.check for failure in failures} == {check}, "\n".join(f.render() for f in failures)
    assert any(message in failure.message for failure in failures)


# ------------------------------------------------------------------------- one root cause, one failure

BODY_DEFECTS = {
    "record_info_nan": "it contains NaN, which JSON does not allow",
    "record_info_latin_1": "the body is not UTF-8, as JSON must be",
    "record_info_cut_short": "the body is not JSON",
}


@pytest.mark.parametrize("name", sorted(BODY_DEFECTS))
def test_a_broken_answer_fails_once_saying_what_is_wrong_with_it(name: str, tmp_path: Path) -> None:
    """A record-info body that is not UTF-8 JSON fails json_envelope alone, in terms of the answer.

    The schema is skipped pointing at it (a NaN is not reported as ``null is not of types ...``), and what the
    answer still says (the task, its status, its tracks) is judged as usual, or skipped when nothing can be read.
    """
    defect = next(info for info in catalogue() if info.name == name)
    options = SuiteOptions(seed=1, junit=tmp_path / "c.xml", config=_config(tmp_path), callback_wait=5.0)
    outcome = run_suite(options, mock_class=defect.mock_class, pytest_args=list(RUN_ARGS))
    failures = outcome.ledger.all_failures()
    assert [(failure.check, failure.label) for failure in failures] == [("json_envelope", RECORD_INFO_LABEL)], (
        "\n".join(f.render() for f in failures)
    )
    assert BODY_DEFECTS[name] in failures[0].message
    assert "null is not of types" not in failures[0].render()
    skipped = {(check, reason) for (label, check, reason) in outcome.ledger.skips if label == RECORD_INFO_LABEL}
    assert ("response_schema", f"not judged: {failures[0].message} (reported by json_envelope)") in skipped


# ---------------------------------------------------------------------------------------- callback receiver


def test_the_receiver_keeps_a_connection_alive_for_the_next_callback() -> None:
    """Callbacks share a keep-alive connection: each one recorded, none answered with a closed connection."""
    with CallbackReceiver() as receiver:
        connection = http.client.HTTPConnection(*receiver.listening.rsplit(":", 1), timeout=5)
        try:
            for number in (1, 2):
                connection.request("POST", receiver.new_url()[1], body=b"{}", headers={"Content-Type": "x/y"})
                answer = connection.getresponse()
                answer.read()
                assert (answer.status, answer.version, answer.will_close) == (200, 11, False), number
        finally:
            connection.close()
        assert [callback.path for callback in receiver.received] == ["/callbacks/1", "/callbacks/2"]


@pytest.mark.parametrize("selected", ["test_credentials", "test_credentials or test_callbacks"])
def test_a_run_without_the_callbacks_test_starts_no_receiver_and_says_so(selected: str, tmp_path: Path) -> None:
    """No receiver unless test_callbacks runs (no callback is delivered for nothing); the summary says why."""
    options = SuiteOptions(seed=1, junit=None, config=_config(tmp_path), callback_wait=5.0)
    outcome = run_suite(options, pytest_args=[*RUN_ARGS, "-k", selected])
    assert outcome.exit_code == 0
    with_callbacks = "test_callbacks" in selected
    assert (outcome.run.receiver is not None) is with_callbacks
    reasons = [entry.reason for entry in outcome.run.not_checked() if entry.what == "callbacks"]
    assert reasons == (
        [] if with_callbacks else ["the callbacks test is not selected, so no callback receiver was started"]
    )
    assert (outcome.ledger.callbacks_received > 0) is with_callbacks
