"""The ``suno-api`` group: registers one command per module and runs them with documented exit codes."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Sequence
from types import FrameType
from typing import Final

import click

from suno_api.cli._conformance import conformance_command
from suno_api.cli._exit import ExitCode, exit_codes_help
from suno_api.cli._extend import extend
from suno_api.cli._group import SunoGroup, Terminated
from suno_api.cli._mock import mock_command
from suno_api.cli._options import set_debug
from suno_api.cli._output import DISTRIBUTION, PROG, capture_client_log
from suno_api.cli._spec import spec
from suno_api.cli._status import status
from suno_api.cli._validate import validate
from suno_api.cli._wait_ready import wait_ready
from suno_api.cli._webhook import WEBHOOK_SECRET_ENV, webhook

_EPILOG: Final = f"""\b
Examples:
  suno-api mock --port 8765 &
  suno-api wait-ready http://127.0.0.1:8765 --timeout 10
{{quick_example}}
  suno-api validate body.json
  suno-api status TASK_ID --wait --download ./out
  suno-api webhook verify --timestamp T --signature S callback.json   # secret in {WEBHOOK_SECRET_ENV}
  suno-api conformance --base-url https://staging.example.com --junit reports/conformance.xml
  suno-api spec diff new-upstream.yaml

{exit_codes_help()}
  `spec diff` and `spec coverage` keep their own codes (see their --help)."""


@click.group(
    name=PROG,
    cls=SunoGroup,
    epilog=_EPILOG,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110},
)
@click.version_option(package_name=DISTRIBUTION, prog_name=PROG)
@click.option(
    "--debug",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=set_debug,
    help="On error, also print the traceback (every command takes it too).",
)
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Try the kie.ai Suno "Upload and Extend Audio" API from the terminal.

    Validate a request body, extend a track and follow it, download the result, check a callback's signature,
    run the offline sandbox (the mock) and the conformance suite. The API key comes from KIE_API_KEY or
    --api-key-file and is never printed. Every command takes --json and --help.
    """
    capture_client_log(ctx)


for _command in (extend, status, validate, webhook, mock_command, wait_ready, conformance_command, spec):
    cli.add_command(_command)


def _interrupt_on_sigterm() -> None:
    """Turn SIGTERM into ``Terminated``, so that a killed download removes its partial file too."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        del signum, frame
        raise Terminated

    with contextlib.suppress(ValueError, OSError, AttributeError):  # not the main thread, or no SIGTERM here
        if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
            signal.signal(signal.SIGTERM, interrupt)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``suno-api`` with ``argv`` (default: the process's arguments); return the exit code."""
    _interrupt_on_sigterm()
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name=PROG, standalone_mode=True)
    except SystemExit as exc:
        if exc.code is None:
            return ExitCode.OK
        return exc.code if isinstance(exc.code, int) else ExitCode.INVALID
    except BrokenPipeError:
        # The reader went away (`suno-api ... | head`): stop quietly, and keep Python from complaining at exit.
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return 128 + getattr(signal, "SIGPIPE", 13)
