"""Entry points: ``run_suite`` (in-process, returns the ledger) and ``main`` (``python -m suno_conformance.suite``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import attrs
import pytest

from suno_conformance.mock import MockApp
from suno_conformance.suite._ledger import Ledger
from suno_conformance.suite._options import SuiteOptions
from suno_conformance.suite._plugin import SuitePlugin
from suno_conformance.suite._report import verdict
from suno_conformance.suite._runtime import Run, read_config

SUITE_DIR = Path(__file__).resolve().parent


@attrs.frozen
class Outcome:
    """What a run found.

    Attributes:
        exit_code: pytest's exit status (0: conforms).
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


def run_suite(
    options: SuiteOptions | None = None,
    *,
    mock_class: type[MockApp] = MockApp,
    pytest_args: Sequence[str] = (),
) -> Outcome:
    """Run the conformance suite in this process and return its outcome.

    Args:
        options: The settings; ``SuiteOptions.from_env()`` when omitted.
        mock_class: The mock to serve when ``options.base_url`` is unset (a defective variant, for the catalogue).
        pytest_args: Extra pytest arguments (``-q``, ``-x``...).
    """
    chosen = options if options is not None else SuiteOptions.from_env()
    run = Run(chosen, mock_class=mock_class)  # raises ValueError for an unreadable schemathesis.toml
    args = [
        str(SUITE_DIR),
        "-p",
        "no:cacheprovider",
        "-o",
        "junit_family=xunit2",
        "-o",
        "junit_suite_name=conformance",
        # This process imported hypothesis and schemathesis (pytest plugins) before pytest started, so pytest
        # cannot rewrite their asserts; its warning saying so is not about the target.
        "-W",
        "ignore::pytest.PytestAssertRewriteWarning",
    ]
    if chosen.junit_path is not None:
        chosen.junit_path.parent.mkdir(parents=True, exist_ok=True)
        args.append(f"--junitxml={chosen.junit_path}")
    args.extend(pytest_args)
    exit_code = int(pytest.main(args, plugins=[SuitePlugin(run)]))
    return Outcome(exit_code, run.ledger, run)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m suno_conformance.suite",
        description=(
            "Property-test a kie.ai Suno upload-extend endpoint against the effective spec: the embedded mock by"
            " default, SUNO_BASE_URL + KIE_API_KEY otherwise. Exit status 0 when it conforms."
        ),
    )
    parser.add_argument("--junit", type=Path, help="JUnit report path (default reports/conformance.xml)")
    parser.add_argument(
        "--max-examples", type=int, help="fuzzing examples per operation (SUNO_CONFORMANCE_MAX_EXAMPLES)"
    )
    parser.add_argument("--seed", type=int, help="seed of the generated cases (SUNO_CONFORMANCE_SEED)")
    parser.add_argument("--defect", help="run against a defective mock of conformance/defects (see --list-defects)")
    parser.add_argument("--list-defects", action="store_true", help="list the defective mocks and exit")
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments, after --")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the suite from the command line; return its exit status."""
    arguments = _parser().parse_args(argv)
    from suno_conformance.defects import catalogue  # noqa: PLC0415 - only the CLI's --defect needs the catalogue

    if arguments.list_defects:
        for defect in catalogue():
            print(f"{defect.name:<34} [{defect.caught_as}] {defect.description}")
        return 0
    overrides: dict[str, object] = {}
    if arguments.junit is not None:
        overrides["junit_path"] = arguments.junit
    if arguments.max_examples is not None:
        overrides["max_examples"] = arguments.max_examples
    if arguments.seed is not None:
        overrides["seed"] = arguments.seed
    try:
        options = SuiteOptions.from_env(**overrides)
        read_config(options.config_path)  # fail here, with a clear message, rather than inside pytest
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    mock_class: type[MockApp] = MockApp
    if arguments.defect:
        found = {defect.name: defect for defect in catalogue()}
        if arguments.defect not in found:
            print(f"error: no defect {arguments.defect!r}; see --list-defects", file=sys.stderr)
            return 2
        mock_class = found[arguments.defect].mock_class
    return run_suite(options, mock_class=mock_class, pytest_args=arguments.pytest_args).exit_code
