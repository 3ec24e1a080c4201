"""``suno-api conformance``: run the conformance suite; its options come from ``SUITE_SETTINGS``.

Needs the ``conformance`` extra; ``suno_conformance`` is imported only when the command runs.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, Final

import click

from suno_api import SunoClient
from suno_api.cli._exit import ExitCode
from suno_api.cli._lib import API_KEY_ENV
from suno_api.cli._options import api_key_file_option, output_options, read_key_file
from suno_api.cli._output import CommandError, Output, import_extra, output_of
from suno_api.cli._settings import SettingLike, SettingsCommand, overrides

EXTRA: Final = "conformance"


def _suite_package() -> ModuleType:
    return import_extra("suno_conformance.suite", EXTRA, "conformance")


def suite_settings() -> Sequence[SettingLike]:
    """Return the suite's settings table, ``SUITE_SETTINGS`` (exit 2 naming the extra when it is not installed)."""
    return tuple(_suite_package().SUITE_SETTINGS)


EPILOG: Final = """\b
Examples:
  suno-api conformance                                   # the embedded mock; exit 0 when it conforms
  suno-api conformance --max-examples 20 --seed 1 -- -q  # after --: pytest options
  KIE_API_KEY=... suno-api conformance --base-url https://api.kie.ai --max-paid-calls 1
  suno-api conformance --defect auth_ignored             # a broken mock: exit 1
  suno-api conformance --json | tail -n 1 | jq .verdict
  # in CI: a server of your own, both reports kept (the JSON one carries "conforms" and the spec's hash)
  KIE_API_KEY=... suno-api conformance --base-url "$TARGET" --junit reports/conformance.xml \\
      --json-report reports/conformance.json

The same safety rules as `make conformance`: a server that is not on loopback is LIVE, and then only requests
that cannot create a paid task are sent, plus at most --max-paid-calls that might. Needs the 'conformance' extra.

\b
Exit codes: 0 conforms; 1 does not conform (or the run was interrupted); 2 a bad option or setting, or the
extra is missing; 70 the suite itself crashed."""


def _defects() -> Sequence[Any]:
    catalogue = import_extra("suno_conformance.defects", EXTRA, "conformance").catalogue
    return tuple(catalogue())


def _list_defects(output: Output) -> None:
    defects = _defects()
    for defect in defects:
        output.say(f"{defect.name:<34} [{defect.caught_as}] {defect.description}")
    output.result(
        ExitCode.OK,
        defects=[
            {"name": defect.name, "caught_as": defect.caught_as, "description": defect.description}
            for defect in defects
        ],
    )


def _options(output: Output, table: Sequence[SettingLike], values: dict[str, Any], api_key_file: Path | None) -> Any:
    chosen = overrides(table, values)
    if api_key_file is not None:
        chosen["api_key"] = read_key_file(api_key_file)
    try:
        options = _suite_package().SuiteOptions.from_env(**chosen)
    except (TypeError, ValueError) as exc:
        raise CommandError(ExitCode.USAGE, str(exc)) from exc
    output.keep_secret(options.api_key)
    output.keep_secret(options.webhook_key)
    if options.base_url is not None:
        if not options.api_key:
            raise CommandError(
                ExitCode.USAGE,
                f"testing {options.base_url} needs its API key: set {API_KEY_ENV}, or pass --api-key-file FILE",
            )
        # The suite sends the key to this server: the client's rule applies (https, or plain http to loopback).
        # Building a client checks it without sending anything (ConfigurationError: exit 2).
        SunoClient(api_key=options.api_key, base_url=options.base_url).close()
    return options


@click.command(
    "conformance",
    cls=SettingsCommand,
    load_settings=suite_settings,
    epilog=EPILOG,
    short_help="Run the conformance suite against the mock or a server (the 'conformance' extra).",
)
@api_key_file_option
@click.option("--list-defects", is_flag=True, help="List the defective mocks of --defect and exit.")
@click.argument("pytest_args", nargs=-1, type=click.UNPROCESSED, metavar="[-- PYTEST ARGS]")
@output_options
@click.pass_context
def conformance_command(
    ctx: click.Context,
    /,
    *,
    api_key_file: Path | None,
    list_defects: bool,
    pytest_args: tuple[str, ...],
    **values: Any,
) -> None:
    """Property-test an upload-extend endpoint against the effective spec and the rules.

    The embedded mock by default, or the server at --base-url with KIE_API_KEY or --api-key-file.
    """
    output = output_of(ctx)
    command = ctx.command
    assert isinstance(command, SettingsCommand)  # noqa: S101 - the decorator above makes it one
    if list_defects:
        _list_defects(output)
        return
    options = _options(output, command.settings, values, api_key_file)
    # With --json, pytest's report goes to standard error: standard output holds the JSON lines only.
    redirect = contextlib.redirect_stdout(sys.stderr) if output.json else contextlib.nullcontext()
    try:
        with redirect:
            outcome = _suite_package().run_suite(options, pytest_args=list(pytest_args))
    except ValueError as exc:  # an unknown --defect, an unreadable schemathesis.toml: nothing was run
        raise CommandError(ExitCode.USAGE, str(exc)) from exc
    code = int(outcome.exit_code)
    if output.json:
        report = dict(outcome.report())
        report.pop("exit_code", None)  # the result line carries it already
        output.result(code, **report)
    elif code == ExitCode.USAGE:
        output.err("error: the suite could not run as configured (see pytest's message above)")
    ctx.exit(code)
