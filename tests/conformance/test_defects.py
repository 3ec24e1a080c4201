"""The suite has teeth: every defective mock of ``conformance/defects`` is caught; the faithful mock passes.

Each defect is served over real sockets and the whole suite runs against it in this process, with small example
counts (the defects are caught by the deterministic phases: coverage, boundary cases, credentials, callbacks).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from suno_conformance.defects import DefectInfo, catalogue
from suno_conformance.mock import MockServer, MockSettings
from suno_conformance.suite import Outcome, SuiteOptions, run_suite
from suno_conformance.suite._ledger import CALLBACK_LABEL
from tests.conformance.conftest import MOCK_KEY, RUN_ARGS, WEBHOOK_KEY

CATALOGUE = catalogue()


def _caught(defect: DefectInfo, outcome: Outcome) -> bool:
    failures = outcome.ledger.all_failures()
    if defect.caught_as == "drift":
        # Drift is not a failure: the run still conforms, and says upstream changed.
        return bool(outcome.ledger.drift) and not failures and outcome.exit_code == 0
    return bool(failures) and outcome.exit_code != 0


@pytest.fixture(scope="module")
def catalogue_options(tmp_path_factory: pytest.TempPathFactory) -> SuiteOptions:
    return SuiteOptions(
        max_examples=10,
        stateful_examples=5,
        seed=1,
        junit=tmp_path_factory.mktemp("defects") / "conformance.xml",
    )


def _by_name(name: str) -> DefectInfo:
    return next(defect for defect in CATALOGUE if defect.name == name)


def test_the_catalogue_has_at_least_twenty_defects() -> None:
    """The issue asks for at least 20 defective variants, each one file."""
    assert len(CATALOGUE) >= 20
    assert len({defect.mock_class for defect in CATALOGUE}) == len(CATALOGUE)


@pytest.mark.parametrize("defect", CATALOGUE, ids=lambda defect: defect.name)
def test_defect_is_caught(
    defect: DefectInfo, catalogue_options: SuiteOptions, kill_records: list[dict[str, Any]]
) -> None:
    """The suite reports the defect: as a failure (exit status non-zero) or, for a value outside a list, as drift."""
    # A defect caught as a failure needs only its first one (-x); drift fails nothing, so that run goes to the end.
    stop_early = ["-x"] if defect.caught_as != "drift" else []
    outcome = run_suite(catalogue_options, mock_class=defect.mock_class, pytest_args=[*RUN_ARGS, *stop_early])
    checks = sorted({failure.check for failure in outcome.ledger.all_failures()})
    how = ", ".join(checks) if checks else f"drift x{len(outcome.ledger.drift)}"
    killed = _caught(defect, outcome)
    kill_records.append({"section": "defect catalogue", "name": defect.name, "killed": killed, "how": how})
    failures = "\n".join(failure.render() for failure in outcome.ledger.all_failures())
    assert _caught(defect, outcome), f"{defect.name} ({defect.caught_as}) survived: {outcome.verdict}\n{failures}"


@pytest.fixture(scope="module")
def faithful_run(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], tuple[SuiteOptions, Outcome]]:
    """Return the small run of the faithful mock in an error style, run once per style for the module.

    The conformance verdict and the reports' secrets are judged on the same run: a second identical run would
    only repeat it.
    """
    done: dict[str, tuple[SuiteOptions, Outcome]] = {}

    def run(error_style: str) -> tuple[SuiteOptions, Outcome]:
        if error_style not in done:
            folder = tmp_path_factory.mktemp(f"faithful-{error_style}")
            options = SuiteOptions(
                max_examples=10, stateful_examples=5, seed=1, junit=folder / "conformance.xml", callback_wait=5.0
            )
            with pytest.MonkeyPatch.context() as patch:
                patch.setenv("SUNO_MOCK_ERROR_STYLE", error_style)
                done[error_style] = (options, run_suite(options, pytest_args=list(RUN_ARGS)))
        return done[error_style]

    return run


@pytest.mark.parametrize("error_style", ["upstream", "status"])
def test_faithful_mock_conforms(error_style: str, faithful_run: Callable[[str], tuple[SuiteOptions, Outcome]]) -> None:
    """The faithful mock passes with zero failures and no drift, in both error styles."""
    _, outcome = faithful_run(error_style)
    failures = "\n".join(failure.render() for failure in outcome.ledger.all_failures())
    assert outcome.exit_code == 0, failures
    assert outcome.ledger.failed_checks() == 0
    assert not outcome.ledger.drift
    assert outcome.verdict == "CONFORMS"
    # Every phase ran and every check judged something.
    assert all(outcome.ledger.sent[phase] for phase in ("examples", "coverage", "fuzzing", "stateful", "boundary"))
    assert all(outcome.ledger.sent[phase] for phase in ("credentials", "callbacks"))


def test_a_server_at_suno_base_url_is_tested_like_the_mock(
    mock_server: MockServer, small_options: SuiteOptions
) -> None:
    """SUNO_BASE_URL on this machine (not live): every phase runs, callbacks are awaited and judged."""
    options = small_options.evolve(
        base_url=mock_server.url,
        api_key=mock_server.settings.api_keys[0],
        webhook_key=mock_server.settings.webhook_key,
    )
    outcome = run_suite(options, pytest_args=list(RUN_ARGS))
    failures = "\n".join(failure.render() for failure in outcome.ledger.all_failures())
    assert outcome.exit_code == 0, failures
    assert outcome.run.target.kind == "server"
    assert outcome.ledger.callbacks_received > 0
    assert outcome.ledger.counts[(CALLBACK_LABEL, "callback_signature")].passed > 0


WRONG_TOKEN = "a-secret-token-that-fails"


@pytest.fixture(scope="module")
def wrong_token_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[SuiteOptions, Outcome]:
    """A small run against a server that refuses the run's token (every answer 401), run once for the module."""
    settings = MockSettings(api_keys=(MOCK_KEY,), stage_seconds=0, webhook_key=WEBHOOK_KEY, seed=7)
    folder = tmp_path_factory.mktemp("wrong-token")
    with MockServer(settings) as server:
        options = SuiteOptions(
            max_examples=10,
            stateful_examples=5,
            seed=1,
            junit=folder / "conformance.xml",
            callback_wait=5.0,
            base_url=server.url,
            api_key=WRONG_TOKEN,
        )
        return options, run_suite(options, pytest_args=list(RUN_ARGS))


def test_a_wrong_token_fails_the_run(wrong_token_run: tuple[SuiteOptions, Outcome]) -> None:
    """With a token the server refuses, every answer is 401: the run must fail, not pass vacuously."""
    _, outcome = wrong_token_run
    assert outcome.exit_code != 0
    checks = {failure.check for failure in outcome.ledger.all_failures()}
    assert "reached_success" in checks
    assert "invalid_rejected" in checks  # "the run's own token was refused with 401"
    assert sum(outcome.ledger.reached.values()) == 0


def test_the_token_is_in_no_report(faithful_run: Callable[[str], tuple[SuiteOptions, Outcome]]) -> None:
    """Neither the JUnit report nor the JSON report nor the summary contains the run's token or webhook key."""
    small_options, outcome = faithful_run("upstream")
    assert small_options.junit is not None
    junit = Path(small_options.junit).read_text(encoding="utf-8")
    report = Path(small_options.junit).with_suffix(".json").read_text(encoding="utf-8")
    assert "<testsuite" in junit
    assert '<property name="conformance.verdict" value="CONFORMS"' in junit
    assert "hypothesis-statistics" not in junit
    for secret in (outcome.run.target.token, outcome.run.target.webhook_key):
        assert secret
        assert secret not in junit
        assert secret not in report


def test_a_failing_run_keeps_the_token_out_of_the_junit_report(wrong_token_run: tuple[SuiteOptions, Outcome]) -> None:
    """Failures carry curl reproductions with the Authorization header: the token is redacted in them."""
    options, _ = wrong_token_run
    assert options.junit is not None
    junit = Path(options.junit).read_text(encoding="utf-8")
    assert "<failure" in junit
    assert "Authorization: Bearer [REDACTED]" in junit
    assert WRONG_TOKEN not in junit


def test_a_parallel_run_is_one_run_and_its_seed_reproduces_it(small_options: SuiteOptions) -> None:
    """Two workers, each with its own mock, report as one run; the same seed sends the same cases again.

    The controller merges the workers' ledgers, judges the run-level gates on the merged ledger, and writes one
    JUnit report with every test, the gates among them. The stateful phase runs first on its worker's fresh mock,
    so its scenarios (which follow the task ids the mock answers) are the seed's alone.
    """
    junit = Path(str(small_options.junit)).with_name("parallel.xml")
    spread = run_suite(small_options.evolve(workers=2, junit=junit), pytest_args=list(RUN_ARGS))
    failures = "\n".join(failure.render() for failure in spread.ledger.all_failures())
    assert spread.exit_code == 0, failures
    assert spread.verdict == "CONFORMS"
    assert spread.ledger.counts[("run", "reached_success")].passed == 1
    assert any("2 worker processes" in note for note in spread.ledger.notes)
    assert all(spread.ledger.sent[phase] for phase in ("examples", "coverage", "fuzzing", "stateful", "boundary"))
    text = junit.read_text(encoding="utf-8")
    for name in ("test_reached_success", "test_spec_drift", "test_fuzzing_", "runTest", "test_callbacks"):
        assert f'name="{name}' in text, name
    assert '<property name="conformance.verdict" value="CONFORMS"' in text
    assert "<failure" not in text
    assert junit.with_suffix(".json").is_file()

    again = run_suite(small_options.evolve(workers=2, junit=None), pytest_args=list(RUN_ARGS))
    assert again.run.stateful_requests == spread.run.stateful_requests
    # Every phase but the callbacks' (it polls the tasks its own worker created) sends as many cases again.
    assert {phase: n for phase, n in again.ledger.sent.items() if phase != "callbacks"} == {
        phase: n for phase, n in spread.ledger.sent.items() if phase != "callbacks"
    }


def test_a_parallel_run_catches_a_defect_in_a_worker(small_options: SuiteOptions) -> None:
    """A defective mock's class reaches every worker: the failure a worker records fails the whole run."""
    defect = next(defect for defect in CATALOGUE if defect.name == "auth_ignored")
    outcome = run_suite(small_options.evolve(workers=2), mock_class=defect.mock_class, pytest_args=list(RUN_ARGS))
    assert outcome.exit_code != 0
    assert _caught(defect, outcome)
