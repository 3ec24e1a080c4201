"""The pytest plugin that runs the suite: it starts the run, fails the items that recorded failures, and reports.

The suite's ``conftest.py`` registers it when the suite is run with plain pytest; ``run_suite`` registers
its own instance (a prepared ``Run``, e.g. against a defective mock) before pytest starts.

In a parallel run (``workers`` > 1, pytest-xdist) the same plugin plays both parts (``_parallel.py``): in each
worker (registered by the conftest) it builds the controller's run from what the controller sent and hands its
ledger back at the end; in the controller it plans the shards, merges the ledgers, judges the run-level gates
and writes the reports.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from suno_conformance.suite import _parallel, _runtime
from suno_conformance.suite._options import SuiteOptions
from suno_conformance.suite._oracle import documented_operations
from suno_conformance.suite._report import (
    EXIT_FOR_PYTEST,
    EXIT_INVALID,
    clean_junit,
    junit_properties,
    render_summary,
    write_json,
)
from suno_conformance.suite._target import TargetError

PLUGIN_NAME = "conformance-suite"
TEST_MODULE = "suno_conformance.suite.test_conformance"
RUN_GATE = "run_gate"
CALLBACKS_TEST = "test_callbacks"


class SuitePlugin:
    """Drive one conformance run through a pytest session.

    Args:
        run: A prepared run; ``None`` builds one from the environment at configure time.
    """

    def __init__(self, run: _runtime.Run | None = None, *, workers: int = 1) -> None:
        self.run = run
        self.workers = workers
        """Worker processes this (controller's) plugin spreads the tests over; 1: it runs them itself."""
        self._xml_path: Path | None = None
        self._worker = False
        self._gates: list[tuple[str, tuple[str, int | None, str]]] = []
        self._scheduler: Any = None
        self._nodes_up = 0
        self._reports: dict[int, dict[str, Any]] = {}

    def pytest_configure(self, config: pytest.Config) -> None:
        """Build (or take) the run and activate it before the test module is collected."""
        config.addinivalue_line("markers", f"{RUN_GATE}: a run-level judgement, collected after every other test")
        payload = getattr(config, "workerinput", {}).get(_parallel.WORKER_INPUT)
        if payload is not None:
            # A worker of a parallel run: the controller's options, seed and mock, for one shard of its tests.
            self._worker = True
            options, mock_class = _parallel.worker_options(payload)
            self.run = _runtime.Run(options, mock_class=mock_class)
        if self.run is None:
            try:
                self.run = _runtime.Run(SuiteOptions.from_env())
            except ValueError as exc:
                raise pytest.UsageError(str(exc)) from exc
        # The test module builds its tests from the active run at import time: import it afresh for this run.
        sys.modules.pop(TEST_MODULE, None)
        _runtime.activate(self.run)
        xml_path = getattr(config.option, "xmlpath", None)
        # A worker writes no report: the controller writes the one report of the run.
        self._xml_path = Path(xml_path) if xml_path and not self._worker else None

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        """Deactivate the run."""
        del config
        if _runtime.active_context() is self.run:
            _runtime.activate(None)

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        """Start the target and the callback receiver."""
        del session
        self._start()

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        """Run the stateful phase first and the run-level judgements last; start a run registered late.

        The stateful phase follows the spec's links with the task ids the target answers, which depend on what
        the target was sent before: first, on a fresh target, its scenarios are the seed's alone, in one process
        or in a worker of a parallel run.
        """
        items.sort(key=lambda item: (item.get_closest_marker(RUN_GATE) is not None, not _is_stateful(item)))
        self._gates = [
            (item.nodeid, (str(item.location[0]), item.location[1], item.location[2]))
            for item in items
            if item.get_closest_marker(RUN_GATE) is not None
        ]
        # `pytest --pyargs suno_conformance.suite` loads the suite's conftest (which registers this plugin)
        # while collecting, after the session started: the run starts here instead.
        assert self.run is not None
        if not self.run.started:
            self._start()

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """Start the callback receiver when the callbacks test is selected.

        Without that test no callback is judged: a receiver would only make the target deliver hundreds of
        callbacks nobody reads (what a run of the targeted tests alone, e.g. ``suno_conformance.mutants``, is).
        """
        assert self.run is not None
        if not self.run.started:
            return
        if any(item.name == CALLBACKS_TEST for item in session.items):
            self.run.start_receiver()
        else:
            self.run.without_callbacks()

    def _start(self) -> None:
        assert self.run is not None
        try:
            # The controller of a parallel run collects nothing: its receiver, like its target, is what its
            # summary describes. Elsewhere the receiver waits for the collected tests (pytest_collection_finish).
            self.run.start(receiver=self.workers > 1)
        except TargetError as exc:
            raise pytest.UsageError(str(exc)) from exc

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Generator[None, Any, Any]:
        """Fail an item that recorded failures in the ledger (checks never raise inside hypothesis)."""
        assert self.run is not None
        ledger = self.run.ledger
        ledger.current_item = item.nodeid
        try:
            result = yield
        finally:
            ledger.current_item = None
        failures = ledger.failures_for(item.nodeid)
        if failures:
            rendered = "\n".join(failure.render() for failure in failures)
            pytest.fail(ledger.redact(f"{len(failures)} distinct failure(s):\n{rendered}"), pytrace=False)
        return result

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        """Stop the target; write the JSON report; scrub the token from the JUnit report pytest just wrote."""
        assert self.run is not None
        if self._worker:
            if self.run.started:
                self.run.stop()
            workeroutput: dict[str, Any] = getattr(session.config, "workeroutput", {})
            workeroutput[_parallel.WORKER_OUTPUT] = _parallel.worker_report(self.run, self._gates)
            return
        self.run.exit_code = EXIT_FOR_PYTEST.get(int(exitstatus), EXIT_INVALID)
        if self.run.started:
            self.run.stop()
        if self._xml_path is not None:
            if self.run.started:
                summary = render_summary(self.run)
                clean_junit(self._xml_path, self.run.ledger, junit_properties(self.run), summary)
            else:
                clean_junit(self._xml_path, self.run.ledger)
        # Beside the JUnit report pytest writes (run_suite passes options.junit; plain pytest, --junitxml).
        json_path = self.run.options.json_report
        if json_path is None:
            json_path = self._xml_path.with_suffix(".json") if self._xml_path is not None else None
        if json_path is not None and self.run.started:
            write_json(self.run, json_path)

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        """Print the conformance summary after pytest's own."""
        assert self.run is not None
        if self.run.started and not self._worker:
            for line in render_summary(self.run).splitlines():
                terminalreporter.write_line(line)

    # ------------------------------------------------------------------ the controller of a parallel run

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        """Send a new worker what it needs to build this very run (options, seed, mock class)."""
        assert self.run is not None
        node.workerinput[_parallel.WORKER_INPUT] = _parallel.worker_payload(self.run)
        self._nodes_up += 1

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_make_scheduler(self, config: pytest.Config, log: Any) -> Any:
        """Give each worker one shard of the tests, planned from the budget; the gates to none."""
        assert self.run is not None
        if self.workers <= 1:
            return None
        operations = documented_operations()
        costs = _parallel.Costs(
            fuzzing=self.run.fuzzing_budget(),
            with_body=_runtime.operations_with_body(operations),
            stateful_steps=self.run.stateful_steps(),
        )
        self._scheduler = _parallel.make_scheduler(config, log, costs, held_back=_is_gate)
        return self._scheduler

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: object) -> None:
        """Keep a finished worker's ledger; once the last is down, merge them and judge the gates."""
        del error  # a crashed worker's tests are reported failed by xdist itself
        data = getattr(node, "workeroutput", {}).get(_parallel.WORKER_OUTPUT)
        if data is not None:
            index = self._scheduler.shard_index(node) if self._scheduler is not None else -1
            self._reports[len(self._reports) + 1000 * (index + 1)] = _parallel.read_worker_report(data)
        self._nodes_up -= 1
        if self._nodes_up == 0:
            self._merge_workers(node.config)

    def _merge_workers(self, config: pytest.Config) -> None:
        assert self.run is not None
        gates: list[tuple[str, tuple[str, int | None, str]]] = []
        # In shard order, so that the merged ledger (the order failures are listed in) is the seed's alone.
        for key in sorted(self._reports):
            facts = self._reports[key]
            _parallel.merge_ledger(self.run.ledger, facts["ledger"])
            self.run.stateful_requests.extend(facts["stateful_requests"])
            gates = gates or [(nodeid, tuple(location)) for nodeid, location in facts["gates"]]
        cpu = ", ".join(f"{facts['cpu_seconds']:.1f}" for _, facts in sorted(self._reports.items()))
        self.run.ledger.note(
            f"{len(self._reports)} worker processes (CPU seconds: {cpu}), each with its own {self.run.target.kind}"
            " and callback receiver (the target and callback lines above are the controller's); the seed gives"
            " each the same tests"
        )
        for nodeid, location in gates:
            self._report_gate(config, nodeid, location)

    def _report_gate(self, config: pytest.Config, nodeid: str, location: tuple[str, int | None, str]) -> None:
        """Judge a gate on the merged ledger and report it as the test it is (terminal, JUnit, exit status)."""
        assert self.run is not None
        name = nodeid.rsplit("::", 1)[-1]
        ledger = self.run.ledger
        ledger.current_item = nodeid
        started = time.time()
        try:
            outcome, message = self.run.judge_gate(name.removeprefix("test_"))
        finally:
            ledger.current_item = None
        failures = ledger.failures_for(nodeid)
        longrepr: tuple[str, int, str] | str | None = None
        if failures:
            outcome = "failed"
            rendered = "\n".join(failure.render() for failure in failures)
            longrepr = ledger.redact(f"{len(failures)} distinct failure(s):\n{rendered}")
        elif outcome == "failed":
            longrepr = ledger.redact(message)
        elif outcome == "skipped":
            longrepr = (location[0], (location[1] or 0) + 1, f"Skipped: {ledger.redact(message)}")
        config.hook.pytest_runtest_logstart(nodeid=nodeid, location=location)
        for when in ("setup", "call", "teardown"):
            report = pytest.TestReport(
                nodeid,
                location,
                {name: 1},
                outcome if when == "call" else "passed",
                longrepr if when == "call" else None,
                when,
                start=started,
                stop=time.time(),
                user_properties=[],
            )
            config.hook.pytest_runtest_logreport(report=report)
        config.hook.pytest_runtest_logfinish(nodeid=nodeid, location=location)


def _is_gate(nodeid: str) -> bool:
    return nodeid.rsplit("::", 1)[-1] in {f"test_{gate}" for gate in _runtime.GATES}


def ensure_registered(config: pytest.Config) -> None:
    """Register a ``SuitePlugin`` built from the environment unless one is registered already."""
    if not any(isinstance(plugin, SuitePlugin) for plugin in config.pluginmanager.get_plugins()):
        # pytest_configure is a historic hook: pytest calls it on the plugin as it is registered.
        config.pluginmanager.register(SuitePlugin(), PLUGIN_NAME)


def _is_stateful(item: pytest.Item) -> bool:
    return isinstance(item, pytest.Function) and item.cls is not None and item.cls.__name__ == "TestStateful"
