"""The conformance suite: property-based tests of a kie.ai Suno upload-extend endpoint against the effective spec.

Collected by ``suno-api conformance`` (or ``pytest --pyargs suno_conformance.suite``), after the plugin has
activated a run. Every test only *sends*: ``Run.send`` judges each answer with the envelope-aware checks and
records the results, and the plugin fails each test that recorded a failure. In order:

- ``test_examples_<operationId>`` / ``test_coverage_...`` / ``test_fuzzing_...``: schemathesis's phases, one
  test per operation of the spec;
- ``TestStateful``: submit -> record-info through the spec's links;
- ``test_task_ids_unique_in_a_burst``: valid submits back to back; every answer to a submit is also judged for a
  taskId no earlier submit got, every record-info of a created task for a ``param`` that reproduces the submitted
  body and a status that never goes backwards;
- ``test_credentials``: every credential probe (no token, other schemes, a bare key, the key in the query, an empty
  token; the scheme name in other cases, which must pass) on every secured operation, record-info also for an
  unknown task (credentials come before the lookup);
- ``test_undocumented_methods``: every method the spec does not document, on every documented path, with content
  the documented operation would accept;
- ``test_boundary``: the rule- and constraint-derived boundary cases (``_cases.py``);
- ``test_callbacks``: the callbacks the target sends to the suite's receiver, and the final task states;
- run-level judgements, last: a code 200 was reached; spec drift.

The few credential, method and burst probes come before the hundreds of boundary cases: a run that stops at its
first failure (``-x``) reaches them at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import hypothesis
import pytest
import schemathesis

from suno_conformance.suite._cases import derive
from suno_conformance.suite._oracle import (
    Operation,
    documented_operations,
    documented_paths,
    operation_by_id,
    secured_operations,
    undocumented_methods,
)
from suno_conformance.suite._runtime import UNKNOWN_TASK, CredentialProbe, Phase, credential_probes, current

RUN = current()

PHASE_DOCS = {
    "examples": "The spec's own examples (filled in where partial) get the answers the spec documents.",
    "coverage": "Deterministic boundary and type variations of every field, missing parts, other methods.",
    "fuzzing": "Random valid and invalid requests (``max-examples`` per operation).",
}


def _phase_test(phase: Phase, operation: Operation) -> Callable[..., None]:
    """Return the test of ``phase`` for one operation (one test per operation: a distinct id in the reports)."""

    def test(case: schemathesis.Case[Any]) -> None:
        RUN.send(case, phase)

    test.__name__ = test.__qualname__ = f"test_{phase}_{operation.operation_id}"
    test.__doc__ = PHASE_DOCS[phase]
    if phase == "fuzzing":
        # Each operation's own budget (an operation without a body needs fewer examples: RUN.fuzzing_budget).
        test = hypothesis.settings(max_examples=RUN.fuzzing_budget()[operation.operation_id])(test)
    parametrized: Callable[..., None] = (
        RUN.schema(phase).include(operation_id=operation.operation_id).parametrize()(test)
    )
    return parametrized


# test_examples_uploadAndExtendAudio, test_coverage_getRecordInfo...: generated from the spec's operations.
for _operation in documented_operations():
    for _phase in ("examples", "coverage", "fuzzing"):
        if RUN.phase_enabled(_phase):
            globals()[f"test_{_phase}_{_operation.operation_id}"] = _phase_test(_phase, _operation)


if RUN.phase_enabled("stateful"):

    class TestStateful(RUN.state_machine().TestCase):  # type: ignore[misc]
        """Scenarios of submits and record-info queries, following the spec's links."""

        settings = RUN.stateful_settings()

        def runTest(self) -> None:  # noqa: N802 - unittest's name
            reason = RUN.stateful_skip_reason()
            if reason is not None:
                RUN.ledger.note(f"stateful phase not run: {reason}")
                pytest.skip(reason)
            try:
                super().runTest()
            except hypothesis.errors.Unsatisfiable:
                # Live safety held back the submit of every scenario once the paid-call budget was spent.
                RUN.ledger.note("stateful phase cut short: the paid-call budget was spent")


def test_task_ids_unique_in_a_burst() -> None:
    """Submits sent back to back, within one second, each get a taskId no other submit of the run got."""
    RUN.send_burst()


@pytest.mark.parametrize("operation_id", [operation.operation_id for operation in secured_operations()])
@pytest.mark.parametrize("probe", credential_probes(), ids=lambda probe: probe.name)
def test_credentials(operation_id: str, probe: CredentialProbe) -> None:
    """Only ``Authorization: Bearer <key>`` (any case of the scheme) gets in; every other form gets 401."""
    RUN.send_credentials_probe(operation_id, probe)
    if operation_by_id(operation_id).is_record_info:
        # An unknown task: a server that looks it up before reading the credentials answers 404, not 401.
        RUN.send_credentials_probe(operation_id, probe, task_id=UNKNOWN_TASK)


@pytest.mark.parametrize(
    ("path", "method"), [(path, method) for path in documented_paths() for method in undocumented_methods(path)]
)
def test_undocumented_methods(path: str, method: str) -> None:
    """A method the spec does not document on a path is refused, even with content its operation accepts."""
    RUN.send_method_probe(path, method)


@pytest.mark.parametrize("case_id", [case.id for case in derive().cases])
def test_boundary(case_id: str) -> None:
    """At-limit bodies are accepted, single-rule violations rejected, rules not applied outside their condition."""
    RUN.send_boundary(derive().by_id(case_id))


def test_every_rule_has_boundary_cases() -> None:
    """Every rule of the rules overlay yields an at-limit body and a single-rule violation."""
    assert not derive().problems, "\n".join(derive().problems)


def test_callbacks() -> None:
    """Callbacks reach the callBackUrl, signed, in the documented shape; record-info agrees with them."""
    reason = RUN.callbacks_skip_reason()
    if reason is not None:
        pytest.skip(reason)  # the summary and the JSON report list it under "not checked", with what to set
    RUN.check_callbacks()


def _gate(gate: str) -> None:
    outcome, message = RUN.judge_gate(gate)
    if outcome == "failed" and gate == "spec_drift":
        pytest.fail(message, pytrace=False)  # reached_success fails the item through the ledger, like every check
    if outcome == "skipped":
        pytest.skip(message)


@pytest.mark.run_gate
def test_reached_success() -> None:
    """Some answer had code 200: otherwise a wrong token (every answer 401) would pass every other check."""
    _gate("reached_success")


@pytest.mark.run_gate
def test_spec_drift() -> None:
    """Values outside the documented lists are reported (and fail the run with SUNO_CONFORMANCE_FAIL_ON_DRIFT=1)."""
    _gate("spec_drift")
