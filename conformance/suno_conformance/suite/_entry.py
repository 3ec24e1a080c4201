"""Entry points: ``run_suite`` (in-process, returns the outcome) and ``main`` (``python -m suno_conformance.suite``).

The suite parses no command line of its own: ``main`` hands its arguments to ``suno-api conformance``, whose
options come from ``SUITE_SETTINGS``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest

from suno_conformance.mock import MockApp
from suno_conformance.suite._ledger import Ledger
from suno_conformance.suite._options import SuiteOptions
from suno_conformance.suite._parallel import suite_workers
from suno_conformance.suite._plugin import SuitePlugin
from suno_conformance.suite._report import EXIT_FOR_PYTEST, EXIT_INVALID, report_data, verdict
from suno_conformance.suite._runtime import Run

SUITE_DIR = Path(__file__).resolve().parent


@attrs.frozen
class Outcome:
    """What a run found.

    Attributes:
        exit_code: The exit status of ``suno-api conformance`` (0 conforms, 1 does not, 2 usage, 70 crash).
        ledger: Every judgement, failure and drift.
        run: The run itself (target description, safety counters, timing).
    """

    exit_code: int
    ledger: Ledger
    run: Run

    @property
    def conforms(self) -> bool:
        """Whether the run found no failure (drift allowed unless ``fail_on_drift``)."""
        return self.exit_code == 0

    @property
    def verdict(self) -> str:
        """The summary's verdict line."""
        return verdict(self.ledger, fail_on_drift=self.run.options.fail_on_drift)

    def report(self) -> dict[str, Any]:
        """Return the JSON report's data (what ``--json-report`` writes), secrets redacted."""
        return report_data(self.run)


def mock_class_for(options: SuiteOptions) -> type[MockApp]:
    """Return the mock ``options.defect`` names (the faithful ``MockApp`` when it names none).

    Raises:
        ValueError: no defect of the catalogue has that name.
    """
    if options.defect is None:
        return MockApp
    from suno_conformance.defects import catalogue  # noqa: PLC0415 - only a --defect run needs the catalogue

    found = {defect.name: defect for defect in catalogue()}
    if options.defect not in found:
        raise ValueError(f"no defect {options.defect!r}; see `suno-api conformance --list-defects`")
    return found[options.defect].mock_class


def run_suite(
    options: SuiteOptions | None = None,
    *,
    mock_class: type[MockApp] | None = None,
    pytest_args: Sequence[str] = (),
) -> Outcome:
    """Run the conformance suite in this process and return its outcome.

    Args:
        options: The settings; ``SuiteOptions.from_env()`` when omitted.
        mock_class: The mock to serve when ``options.base_url`` is unset (a defective variant, for the
            catalogue); default: the one ``options.defect`` names, else the faithful mock.
        pytest_args: Extra pytest arguments (``-q``, ``-x``...).

    Raises:
        ValueError: an unknown ``defect``, an unreadable ``schemathesis.toml``, or ``workers`` > 1 for what
            cannot be spread over worker processes.
    """
    chosen = options if options is not None else SuiteOptions.from_env()
    served = mock_class if mock_class is not None else mock_class_for(chosen)
    run = Run(chosen, mock_class=served)  # raises ValueError for an unreadable schemathesis.toml
    workers = suite_workers(chosen, served, run.fuzzing_examples())
    args = [
        str(SUITE_DIR),
        "-p",
        "no:cacheprovider",
        # The suite's tests judge through the ledger, not through assert statements: rewriting the asserts of
        # every module of this distribution (a pytest11 plugin's) cost seconds per process for nothing.
        "--assert=plain",
        "-o",
        "junit_family=xunit2",
        "-o",
        "junit_suite_name=conformance",
        # This process imported hypothesis and schemathesis (pytest plugins) before pytest started, so pytest
        # cannot rewrite their asserts; its warning saying so is not about the target.
        "-W",
        "ignore::pytest.PytestAssertRewriteWarning",
    ]
    if chosen.junit is not None:
        chosen.junit.parent.mkdir(parents=True, exist_ok=True)
        args.append(f"--junitxml={chosen.junit}")
    if workers > 1:
        # pytest-xdist: one worker process per shard (see _parallel.py); the plugin below is the controller.
        args.extend(["-p", "xdist", "--numprocesses", str(workers)])
    args.extend(pytest_args)
    status = int(pytest.main(args, plugins=[SuitePlugin(run, workers=workers)]))
    return Outcome(EXIT_FOR_PYTEST.get(status, EXIT_INVALID), run.ledger, run)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``suno-api conformance`` with ``argv`` (default: the process's arguments); return its exit status."""
    import sys  # noqa: PLC0415 - only the command line reads the process's arguments

    from suno_api.cli import main as cli_main  # noqa: PLC0415 - `import suno_conformance.suite` needs no click

    return cli_main(["conformance", *(sys.argv[1:] if argv is None else argv)])
