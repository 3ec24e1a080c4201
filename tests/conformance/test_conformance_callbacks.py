"""Callbacks of a server that is not on this machine: a public URL for the receiver, and never a silent skip.

A target elsewhere is simulated with a mock on loopback whose target is marked as not on this machine; the
"public" URL of the receiver points back at loopback, through a path prefix as a tunnel or proxy may add.
"""

from __future__ import annotations

import contextlib
import json
import socket
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
import requests

from suno_api.spec import enum_values
from suno_conformance.defects import callbacks_out_of_order as out_of_order
from suno_conformance.mock import MockServer, MockSettings
from suno_conformance.suite import SuiteOptions, _runtime, run_suite
from suno_conformance.suite._checks import Status
from suno_conformance.suite._ledger import CALLBACK_LABEL
from suno_conformance.suite._report import junit_properties, render_summary
from suno_conformance.suite._runtime import Run
from suno_conformance.suite._state import judge_stages, judge_tracks, stages, track_pairs
from suno_conformance.suite._target import Target, open_target

# Whole runs here are about callbacks: the spec's examples (a code 200 for the run's gate), the callback phase
# and the run-level gates; the other phases are judged by test_defects.py.
CALLBACK_RUN = ["-q", "-k", "examples or callbacks or reached_success or spec_drift"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every server target look like one that is not on this machine (it cannot reach loopback)."""
    original = open_target

    @contextlib.contextmanager
    def remote(options: SuiteOptions, mock_class: Any = None) -> Iterator[Target]:
        with original(options, *([mock_class] if mock_class else [])) as target:
            yield attrs.evolve(target, loopback=False) if target.kind == "server" else target

    monkeypatch.setattr(_runtime, "open_target", remote)


def _server_options(server: MockServer, options: SuiteOptions, **changes: Any) -> SuiteOptions:
    values: dict[str, Any] = {"base_url": server.url, "api_key": server.settings.api_keys[0], "live": False}
    return options.evolve(**{**values, **changes})


@contextlib.contextmanager
def _started(options: SuiteOptions) -> Iterator[Run]:
    run = Run(options)
    run.start()
    try:
        yield run
    finally:
        run.stop()


def _what(run: Run) -> list[str]:
    return [entry.what for entry in run.not_checked()]


# ------------------------------------------------------------------------------ what is (not) checked


def test_against_the_mock_everything_is_checked(small_options: SuiteOptions) -> None:
    """The embedded mock reaches the loopback receiver and its key is known: nothing is left unchecked."""
    with _started(small_options) as run:
        assert run.not_checked() == []
        assert run.receiver is not None
        assert run.callback_url().startswith("http://127.0.0.1:")


@pytest.mark.usefixtures("elsewhere")
def test_a_server_elsewhere_without_a_public_url_or_key_says_what_to_set(
    mock_server: MockServer, small_options: SuiteOptions
) -> None:
    """No callback URL, no SUNO_WEBHOOK_SECRET: both gaps are named, each with the variable that closes it."""
    with _started(_server_options(mock_server, small_options)) as run:
        assert run.receiver is None
        callbacks, signatures = run.not_checked()
    assert (callbacks.what, signatures.what) == ("callbacks", "callback signatures")
    assert "SUNO_CONFORMANCE_CALLBACK_URL" in callbacks.remedy
    assert "SUNO_CONFORMANCE_CALLBACK_LISTEN" in callbacks.remedy
    assert "SUNO_WEBHOOK_SECRET" in signatures.remedy


def test_live_without_a_public_url_sends_callbacks_nowhere_and_says_so(
    mock_server: MockServer, small_options: SuiteOptions
) -> None:
    """Live mode with no public URL: callback.invalid, and the summary says how to get callbacks checked."""
    options = _server_options(mock_server, small_options, live=True, webhook_key=mock_server.settings.webhook_key)
    with _started(options) as run:
        assert run.receiver is None
        assert run.callback_url() == "https://callback.invalid/conformance"
        (entry,) = run.not_checked()
    assert entry.what == "callbacks"
    assert "SUNO_CONFORMANCE_CALLBACK_URL" in entry.remedy
    assert "SUNO_MAX_PAID_CALLS" in entry.remedy


@pytest.mark.parametrize(("budget", "unchecked"), [(0, ["callbacks"]), (2, [])])
def test_live_with_a_public_url_needs_a_paid_call_budget(
    mock_server: MockServer, small_options: SuiteOptions, budget: int, unchecked: list[str]
) -> None:
    """Live with a public URL: callbacks go to it; without SUNO_MAX_PAID_CALLS no task, so none is checked."""
    port = _free_port()
    options = _server_options(
        mock_server,
        small_options,
        live=True,
        max_paid_calls=budget,
        webhook_key=mock_server.settings.webhook_key,
        callback_url=f"http://127.0.0.1:{port}/hooks",
        callback_listen=f"127.0.0.1:{port}",
    )
    with _started(options) as run:
        assert run.callback_url().startswith(f"http://127.0.0.1:{port}/hooks/callbacks/")
        assert _what(run) == unchecked
        if unchecked:
            assert "SUNO_MAX_PAID_CALLS" in run.not_checked()[0].remedy


def test_the_receiver_listens_where_told_and_matches_through_a_prefix(small_options: SuiteOptions) -> None:
    """Callbacks sent to the public URL (with the prefix a proxy keeps) are recorded under /callbacks/<n>."""
    port = _free_port()
    options = small_options.evolve(callback_url=f"http://127.0.0.1:{port}/hooks", callback_listen=f"127.0.0.1:{port}")
    with _started(options) as run:
        assert run.receiver is not None
        assert run.receiver.listening == f"127.0.0.1:{port}"
        url = run.callback_url()
        requests.post(url, json={"code": 200}, timeout=5).raise_for_status()
        (received,) = run.receiver.received
    assert url.startswith(f"http://127.0.0.1:{port}/hooks/callbacks/")
    assert received.path == url.removeprefix(f"http://127.0.0.1:{port}/hooks")


# ------------------------------------------------------------------------------------------ whole runs


@pytest.mark.usefixtures("elsewhere")
def test_unchecked_callbacks_are_in_the_summary_and_the_reports(
    mock_server: MockServer, small_options: SuiteOptions, capsys: pytest.CaptureFixture[str]
) -> None:
    """A server elsewhere, no public URL, no key: the run conforms, and says twice what it did not check."""
    outcome = run_suite(_server_options(mock_server, small_options), pytest_args=CALLBACK_RUN)
    assert outcome.exit_code == 0, outcome.verdict
    printed = capsys.readouterr().out
    for shown in (printed, render_summary(outcome.run)):
        assert "callbacks NOT CHECKED" in shown
        assert "callback signatures NOT CHECKED" in shown
        assert "SUNO_CONFORMANCE_CALLBACK_URL" in shown
        assert "SUNO_WEBHOOK_SECRET" in shown
        assert "VERDICT: CONFORMS (NOT CHECKED: callbacks, callback signatures)" in shown
    assert small_options.json_path is not None
    report = json.loads(small_options.json_path.read_text(encoding="utf-8"))
    assert report["callbacks"]["checked"] is False
    assert report["callbacks"]["signatures_checked"] is False
    assert [entry["what"] for entry in report["not_checked"]] == ["callbacks", "callback signatures"]
    assert "SUNO_CONFORMANCE_CALLBACK_URL" in report["not_checked"][0]["remedy"]
    assert "conformance.not_checked.callbacks" in junit_properties(outcome.run)
    assert outcome.ledger.callbacks_received == 0


@pytest.mark.usefixtures("elsewhere")
def test_a_server_elsewhere_is_checked_through_the_public_url(
    mock_server: MockServer, small_options: SuiteOptions
) -> None:
    """With a public URL and the key, callbacks of a server elsewhere are received, verified and judged."""
    port = _free_port()
    public = f"http://127.0.0.1:{port}/hooks"
    options = _server_options(
        mock_server,
        small_options,
        webhook_key=mock_server.settings.webhook_key,
        callback_url=public,
        callback_listen=f"127.0.0.1:{port}",
    )
    outcome = run_suite(options, pytest_args=CALLBACK_RUN)
    failures = "\n".join(failure.render() for failure in outcome.ledger.all_failures())
    assert outcome.exit_code == 0, failures
    assert outcome.run.not_checked() == []
    assert outcome.ledger.callbacks_received > 0
    assert outcome.ledger.counts[(CALLBACK_LABEL, "callback_signature")].passed > 0
    assert outcome.ledger.counts[(CALLBACK_LABEL, "callbacks_delivered")].passed > 0
    assert outcome.ledger.counts[(CALLBACK_LABEL, "callback_stages")].passed > 0
    assert outcome.ledger.counts[(CALLBACK_LABEL, "callback_tracks_agree")].passed > 0
    assert outcome.report()["callbacks"]["url"] == public
    # Not live: generated bodies keep their own callback URL (the mock refuses those hosts); ours were delivered.
    delivered = {delivery.url for delivery in mock_server.mock.deliveries if delivery.outcome == "delivered"}
    assert delivered
    assert all(url.startswith(public + "/callbacks/") for url in delivered)


def test_live_callbacks_go_only_to_the_public_url(mock_server: MockServer, small_options: SuiteOptions) -> None:
    """Live mode with a budget and a public URL: the paid tasks' callbacks come home and are judged."""
    port = _free_port()
    public = f"http://127.0.0.1:{port}/hooks"
    options = _server_options(
        mock_server,
        small_options,
        live=True,
        max_paid_calls=3,
        webhook_key=mock_server.settings.webhook_key,
        callback_url=public,
        callback_listen=f"127.0.0.1:{port}",
    )
    outcome = run_suite(options, pytest_args=CALLBACK_RUN)
    failures = "\n".join(failure.render() for failure in outcome.ledger.all_failures())
    assert outcome.exit_code == 0, failures
    assert outcome.run.safety.paid_calls <= 3
    deliveries = mock_server.mock.deliveries
    assert deliveries
    assert all(delivery.url.startswith(public + "/callbacks/") for delivery in deliveries)
    assert all(delivery.outcome == "delivered" for delivery in deliveries)
    assert outcome.ledger.counts[(CALLBACK_LABEL, "callbacks_delivered")].passed > 0


# ------------------------------------------------------------------------------------- stages and tracks

KNOWN = stages(_runtime.final_callbacks())
TEXT, FIRST, COMPLETE = KNOWN.progress
(ERROR,) = KNOWN.failures


def test_the_stages_are_the_spec_enum_in_its_order() -> None:
    """Progress stages end at the first final type; the failure stage comes after it, as the spec lists them."""
    assert (*KNOWN.progress, *KNOWN.failures) == enum_values("CallbackType")
    assert KNOWN.finals == _runtime.final_callbacks()


@pytest.mark.parametrize(
    ("types", "expected", "message"),
    [
        ([TEXT, FIRST, COMPLETE], Status.PASSED, ""),
        ([TEXT, TEXT, FIRST, COMPLETE], Status.PASSED, ""),  # a re-delivery is not a new stage
        ([TEXT, ERROR], Status.PASSED, ""),
        ([ERROR], Status.PASSED, ""),
        ([TEXT], Status.PASSED, ""),  # still running when the wait ended: callbacks_delivered judges that
        ([FIRST, COMPLETE], Status.FAILED, "skipped a stage"),
        ([TEXT, COMPLETE], Status.FAILED, "skipped a stage"),
        ([FIRST, TEXT, COMPLETE], Status.FAILED, "out of the spec's stage order"),
        ([TEXT, FIRST, TEXT, COMPLETE], Status.FAILED, "out of the spec's stage order"),
        ([TEXT, FIRST, COMPLETE, ERROR], Status.FAILED, "after the task's final callback"),
        (["lyrics", FIRST, COMPLETE], Status.SKIPPED, "outside the documented stages"),
        ([], Status.NOT_APPLICABLE, ""),
    ],
)
def test_a_task_passes_every_stage_in_order(types: list[str], expected: Status, message: str) -> None:
    """Every stage up to the last one reached has its callback, in the spec's order; nothing after a final one."""
    result = judge_stages(types, KNOWN)
    assert result.status is expected, result
    assert message in result.message


def _track(pairs: dict[str, str], track_id: str, url: str, *, side: int) -> dict[str, str]:
    return {name[side]: url for name in pairs.items() if name[0] != "id"} | {"id": track_id}


def test_the_tracks_pair_by_the_spec_descriptions() -> None:
    """The callback's snake_case and record-info's camelCase fields are paired because the spec describes both so."""
    pairs = dict(track_pairs())
    assert pairs["id"] == "id"
    assert pairs["audio_url"] == "audioUrl"
    assert "createTime" not in pairs  # not a string field in both: its spelling varies (ERRATA E-12)


def test_the_final_callback_carries_every_track_with_the_same_content() -> None:
    """Equal sets of tracks, and a paired field with other content, are judged apart, each with what differs."""
    pairs = dict(track_pairs())
    one = _track(pairs, "t1", "https://cdn.example/1.mp3", side=0)
    two = _track(pairs, "t2", "https://cdn.example/2.mp3", side=0)
    listed = [
        _track(pairs, "t1", "https://cdn.example/1.mp3", side=1),
        _track(pairs, "t2", "https://cdn.example/2.mp3", side=1),
    ]
    same, agree = judge_tracks([one, two], listed)
    assert (same.status, agree.status) == (Status.PASSED, Status.PASSED)
    same, _ = judge_tracks([one], listed)
    assert same.status is Status.FAILED
    assert "does not carry every track" in same.message
    assert "t2" in same.detail
    same, _ = judge_tracks([one, two, {"id": "t3"}], listed)
    assert "does not list the tracks the complete callback delivered" in same.message
    _, agree = judge_tracks([one, {**two, "audio_url": "https://elsewhere.example/2.mp3"}], listed)
    assert agree.status is Status.FAILED
    assert agree.message == "the complete callback and record-info disagree on audio_url/audioUrl"
    assert "elsewhere.example" in agree.detail
    # An empty field is a placeholder, not a claim.
    _, agree = judge_tracks([one, {**two, "audio_url": ""}], listed)
    assert agree.status is Status.PASSED


def test_a_remote_server_is_waited_for_and_its_stage_order_judged(small_options: SuiteOptions) -> None:
    """Stages that take real time on a server elsewhere are awaited; callbacks out of order still fail the run."""
    settings = MockSettings(api_keys=("remote-key",), stage_seconds=0.2, webhook_key="remote-hook", seed=7)
    with MockServer(mock=out_of_order.Defect(settings)) as server:
        options = _server_options(server, small_options, webhook_key="remote-hook", callback_wait=20.0)
        outcome = run_suite(options, pytest_args=CALLBACK_RUN)
    checks = {failure.check for failure in outcome.ledger.all_failures()}
    assert checks == {"callback_stages"}
    assert outcome.ledger.counts[(CALLBACK_LABEL, "callbacks_delivered")].failed == 0
