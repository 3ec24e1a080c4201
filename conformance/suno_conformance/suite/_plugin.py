"""The pytest plugin that runs the suite: it starts the run, fails the items that recorded failures, and reports.

The suite's ``conftest.py`` registers it when the suite is run with plain pytest; ``run_suite`` registers
its own instance (a prepared ``Run``, e.g. against a defective mock) before pytest starts.
"""

from __future__ import annotations

import sys
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from suno_conformance.suite import _runtime
from suno_conformance.suite._options import SuiteOptions
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


class SuitePlugin:
    """Drive one conformance run through a pytest session.

    Args:
        run: A prepared run; ``None`` builds one from the environment at configure time.
    """

    def __init__(self, run: _runtime.Run | None = None) -> None:
        self.run = run
        self._xml_path: Path | None = None

    def pytest_configure(self, config: pytest.Config) -> None:
        """Build (or take) the run and activate it before the test module is collected."""
        config.addinivalue_line("markers", f"{RUN_GATE}: a run-level judgement, collected after every other test")
        if self.run is None:
            try:
                self.run = _runtime.Run(SuiteOptions.from_env())
            except ValueError as exc:
                raise pytest.UsageError(str(exc)) from exc
        # The test module builds its tests from the active run at import time: import it afresh for this run.
        sys.modules.pop(TEST_MODULE, None)
        _runtime.activate(self.run)
        xml_path = getattr(config.option, "xmlpath", None)
        self._xml_path = Path(xml_path) if xml_path else None

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
        """Run the run-level judgements last, whatever the collection order; start a run registered late."""
        items.sort(key=lambda item: item.get_closest_marker(RUN_GATE) is not None)
        # `pytest --pyargs suno_conformance.suite` loads the suite's conftest (which registers this plugin)
        # while collecting, after the session started: the run starts here instead.
        assert self.run is not None
        if not self.run.started:
            self._start()

    def _start(self) -> None:
        assert self.run is not None
        try:
            self.run.start()
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
        del session
        assert self.run is not None
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
        if self.run.started:
            for line in render_summary(self.run).splitlines():
                terminalreporter.write_line(line)


def ensure_registered(config: pytest.Config) -> None:
    """Register a ``SuitePlugin`` built from the environment unless one is registered already."""
    if not any(isinstance(plugin, SuitePlugin) for plugin in config.pluginmanager.get_plugins()):
        # pytest_configure is a historic hook: pytest calls it on the plugin as it is registered.
        config.pluginmanager.register(SuitePlugin(), PLUGIN_NAME)
