"""Reports for anyone's CI: the JSON report's identity fields, and secrets that never reach a report, even in part."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from suno_api.spec import effective_spec, effective_spec_path, names
from suno_conformance.mock import MockServer, MockSettings
from suno_conformance.suite import SuiteOptions, run_suite
from suno_conformance.suite._checks import Result
from suno_conformance.suite._ledger import Ledger, curl_command
from suno_conformance.suite._oracle import SentRequest
from suno_conformance.suite._report import clean_junit, render_summary, write_json
from suno_conformance.suite._runtime import Run

CANARY = "sk-LEAKCANARY-0123456"


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _fail(ledger: Ledger, *, detail: str = "", answer: str = "", reproduction: str = "") -> None:
    result = Result.failed("the answer is wrong", detail)
    ledger.record("POST /x", "json_envelope", result, phase="examples", reproduction=reproduction, answer=answer)


# ---------------------------------------------------------------------------------------------- JUnit


def test_a_key_that_spells_a_tag_name_keeps_the_junit_report_valid_xml(tmp_path: Path) -> None:
    """KIE_API_KEY=test: values are redacted before serialising, so the markup (<testsuites>) is untouched."""
    report = tmp_path / "conformance.xml"
    report.write_text(
        '<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests"><testsuite name="conformance">'
        '<testcase classname="suite" name="test_boundary"><failure message="Bearer test refused">'
        "curl -H 'Authorization: Bearer test'</failure></testcase></testsuite></testsuites>",
        encoding="utf-8",
    )
    clean_junit(report, Ledger(["test"]), {"conformance.verdict": "a test verdict"}, "summary: test")
    text = report.read_text(encoding="utf-8")
    root = ElementTree.fromstring(text)  # noqa: S314 - the report this test just wrote
    assert root.tag == "testsuites"
    assert [element.tag for element in root.iter()][:3] == ["testsuites", "testsuite", "properties"]
    assert "[REDACTED]suites" not in text
    failure = root.find("./testsuite/testcase/failure")
    assert failure is not None
    assert failure.get("message") == "Bearer [REDACTED] refused"
    assert failure.text == "curl -H 'Authorization: Bearer [REDACTED]'"
    for element in root.iter():
        assert "test" not in "".join([*element.attrib.values(), element.text or "", element.tail or ""])


# ------------------------------------------------------------------------------------------- excerpts


def test_an_answer_excerpt_is_cut_after_redaction(tmp_path: Path) -> None:
    """A secret straddling the excerpt's end is redacted whole: no 'sk-LEAKCANAR' in the ledger or the JSON."""
    ledger = Ledger([CANARY])
    answer = "x" * 390 + CANARY + " and more"
    _fail(ledger, answer=answer, detail="y" * 595 + CANARY)
    (failure,) = ledger.all_failures()
    for text in (failure.answer, failure.detail, failure.render()):
        assert "sk-LEAK" not in text
        assert "LEAKCANAR" not in text
    assert len(failure.answer) <= 400


def test_a_curl_body_is_cut_after_redaction() -> None:
    """The reproduction's body is trimmed after redaction too."""
    body = json.dumps({names().prompt: "p" * 1985 + CANARY}).encode()
    request = SentRequest("POST", "/x", headers={"content-type": "application/json"}, body=body)
    command = curl_command(request, "http://127.0.0.1:1/x", (CANARY,))
    assert "sk-LEAK" not in command
    assert "[REDACTED]" in command or command.endswith("…'")


@pytest.mark.parametrize(
    ("secret", "echo"),
    [
        (CANARY, CANARY.replace("-", "\\u002d")),
        ("key/with/slashes-123", "key\\/with\\/slashes-123"),
        ('quo"te\\back-123', json.dumps('quo"te\\back-123')[1:-1]),
        (CANARY, CANARY.replace("-", "%2D")),
    ],
    ids=["unicode-escape", "escaped-slash", "quote-and-backslash", "percent-encoded"],
)
def test_an_echoed_secret_in_any_spelling_reaches_no_report(secret: str, echo: str, tmp_path: Path) -> None:
    """A server echoing the key JSON-escaped or encoded: the summary and the JSON report still never show it."""
    run = Run(SuiteOptions(junit=None, seed=1))
    run.ledger.add_secret(secret)
    _fail(run.ledger, answer=f'{{"msg": "bad token {echo}"}}', detail=f"token {secret} and {echo}")
    path = tmp_path / "report.json"
    write_json(run, path)
    text = path.read_text(encoding="utf-8")
    summary = render_summary(run)
    for shown in (text, summary):
        assert secret not in shown
        assert echo not in shown
    assert all(secret not in value for value in _strings(json.loads(text)))
    assert "[REDACTED]" in text


# ------------------------------------------------------------------------------------------- JSON report


@pytest.fixture(scope="module")
def tag_key_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str, SuiteOptions]:
    """A run against a server whose key is ``test`` (a word of the JUnit markup), reports under a temp dir."""
    folder = tmp_path_factory.mktemp("tag-key")
    settings = MockSettings(api_keys=("test",), stage_seconds=0, webhook_key="whsec-tag-key-run", seed=3)
    with MockServer(settings) as server:
        url = server.url
        options = SuiteOptions(
            base_url=url + "/",
            api_key="test",
            webhook_key="whsec-tag-key-run",
            live=False,
            max_examples=5,
            stateful_examples=2,
            seed=1,
            junit=folder / "junit" / "conformance.xml",
            json_report=folder / "json" / "report.json",
            callback_wait=5.0,
        )
        # The phases that reach the reports' every part: examples, credentials probes, callbacks, the gates.
        phases = "examples or credentials or callbacks or reached_success or spec_drift"
        outcome = run_suite(options, pytest_args=["-q", "-k", phases])
    assert options.json_report is not None
    report = json.loads(options.json_report.read_text(encoding="utf-8"))
    assert report == json.loads(json.dumps(outcome.report()))
    return report, url, options


def test_the_json_report_says_whether_it_conforms_and_against_what(
    tag_key_run: tuple[dict[str, Any], str, SuiteOptions],
) -> None:
    """conforms, exit_code, our version, the effective spec's version and hash, and the target (no credentials)."""
    report, url, _ = tag_key_run
    assert report["conforms"] is True
    assert report["exit_code"] == 0
    assert report["suite"]["distribution"] == "suno-upload-extend"
    assert report["suite"]["version"]
    assert report["spec"]["version"] == effective_spec()["info"]["version"]
    assert report["spec"]["sha256"] == hashlib.sha256(effective_spec_path().read_bytes()).hexdigest()
    assert report["target"]["url"] == url
    assert report["target"]["live"] is False
    assert report["target"]["kind"] == "server"
    assert report["not_checked"] == []
    assert report["callbacks"]["checked"] is True
    assert report["callbacks"]["signatures_checked"] is True


def test_the_junit_report_of_a_run_with_a_tag_name_key_is_valid_xml(
    tag_key_run: tuple[dict[str, Any], str, SuiteOptions],
) -> None:
    """The JUnit report goes where --junit says, parses, and carries the verdict and the spec's hash."""
    _, _, options = tag_key_run
    assert options.junit is not None
    root = ElementTree.parse(options.junit).getroot()  # noqa: S314 - the report the suite just wrote
    assert root.tag == "testsuites"
    properties = {item.get("name"): item.get("value") for item in root.iter("property")}
    assert properties["conformance.verdict"] == "CONFORMS"
    assert properties["conformance.spec.sha256"] == hashlib.sha256(effective_spec_path().read_bytes()).hexdigest()


def test_a_url_with_credentials_is_reported_without_them() -> None:
    """The target's URL in a report drops user, password and query."""
    from suno_conformance.suite._target import public_url  # noqa: PLC0415 - one helper under test

    assert public_url("https://user:pw@api.example.org:8443/base?key=k#x") == "https://api.example.org:8443/base"
    assert public_url("http://[::1]:9/") == "http://[::1]:9/"


def test_plain_pytest_of_the_package_runs_the_suite_and_writes_both_reports(tmp_path: Path) -> None:
    """`pytest --pyargs suno_conformance.suite --junitxml=X`: the late-registered run starts; JSON beside X."""
    env = {
        **os.environ,
        "SUNO_CONFORMANCE_MAX_EXAMPLES": "2",
        "SUNO_CONFORMANCE_STATEFUL_EXAMPLES": "1",
        "SUNO_CONFORMANCE_SEED": "1",
    }
    junit = tmp_path / "out" / "plain.xml"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--pyargs", "suno_conformance.suite"]
    command += ["-k", "examples or reached_success", f"--junitxml={junit}"]
    completed = subprocess.run(  # noqa: S603 - this interpreter, our suite
        command, cwd=tmp_path, env=env, capture_output=True, encoding="utf-8", timeout=300, check=False
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    assert "VERDICT: CONFORMS" in completed.stdout
    report = json.loads(junit.with_suffix(".json").read_text(encoding="utf-8"))
    assert report["conforms"] is True
    assert ElementTree.parse(junit).getroot().tag == "testsuites"  # noqa: S314 - the suite's own report
