"""Live safety, proven against the mock: forced into live mode, the suite sends no acceptable submission."""

from __future__ import annotations

from suno_api.spec import names
from suno_conformance.mock import MockServer
from suno_conformance.suite import SuiteOptions, run_suite
from suno_conformance.suite._runtime import credential_probes
from tests.conformance.conftest import RUN_ARGS


def _accepted_submits(server: MockServer) -> int:
    return sum(1 for record in server.mock.requests if record.route == "submit" and record.code == 200)


def _live(options: SuiteOptions, server: MockServer, **changes: object) -> SuiteOptions:
    return options.evolve(
        base_url=server.url,
        api_key=server.settings.api_keys[0],
        webhook_key=server.settings.webhook_key,
        live=True,
        **changes,
    )


def test_live_mode_without_a_budget_sends_no_acceptable_submit(
    mock_server: MockServer, small_options: SuiteOptions
) -> None:
    """No SUNO_MAX_PAID_CALLS: the mock accepts no submit, yet the free requests still run and conform."""
    outcome = run_suite(_live(small_options, mock_server), pytest_args=list(RUN_ARGS))
    assert _accepted_submits(mock_server) == 0
    assert outcome.run.safety.paid_calls == 0
    assert sum(outcome.ledger.not_sent.values()) > 0
    # What was sent is free and judged: credentials probes, malformed bodies, record-info, other methods.
    # Every refused form on every operation (record-info twice: a created task and an unknown one); the accepted
    # spellings of the scheme would be paid submits.
    refused = [probe for probe in credential_probes() if not probe.name.startswith("scheme-")]
    assert outcome.ledger.sent["credentials"] == len(refused) + 2 * len(credential_probes())
    assert outcome.ledger.counts[(f"POST {names().submit_path}", "invalid_rejected")].passed > 0
    failures = "\n".join(failure.render() for failure in outcome.ledger.all_failures())
    assert outcome.exit_code == 0, failures


def test_live_mode_stops_at_the_paid_call_budget(mock_server: MockServer, small_options: SuiteOptions) -> None:
    """SUNO_MAX_PAID_CALLS=3: at most three submits that might be accepted are sent."""
    outcome = run_suite(_live(small_options, mock_server, max_paid_calls=3), pytest_args=list(RUN_ARGS))
    assert outcome.run.safety.paid_calls == 3
    assert 1 <= _accepted_submits(mock_server) <= 3
    assert outcome.run.safety.held_back > 0
