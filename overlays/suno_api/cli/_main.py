"""The ``suno-api`` command line: extend a track end to end, check bodies and callbacks, run the sandbox.

A thin layer over the overlay package (``SunoClient``, ``find_violations``, ``verify_webhook``), the mock
(``suno_conformance.mock``) and the suite (``suno_conformance.suite``): it parses options, prints, and maps every outcome
to an exit code. Nothing here decides what the API allows; the client and the rules do.

Output: results go to standard output, progress and errors to standard error. With ``--json`` every line of
standard output is one JSON object; the last one has ``"event": "result"``, ``"ok"`` and ``"exit_code"``.
Errors are one line (no traceback unless ``--debug``). The API key and the webhook secret are never printed:
every line is scrubbed of them before it is written.

Exit codes (``EXIT_*``)::

    0    success
    1    invalid input (a body that breaks a rule, a callback that fails verification) or non-conformance
    2    usage: a bad option, an unreadable file, no API key, an insecure base URL, an unwritable --download
    3    API error: the service refused the request or could not be reached
    4    the task failed
    5    outcome unknown: the submit may have created a task, or the task did not finish in time
    6    the task succeeded but a track could not be saved
    70   internal error (a bug)
    130  interrupted (Ctrl+C); 143 terminated (SIGTERM)

``spec diff`` and ``spec coverage`` keep the exit codes of ``python -m suno_api_build._specdiff`` (``make spec-diff``).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import logging
import math
import os
import shlex
import signal
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType, ModuleType
from typing import IO, Any, Final, NoReturn

import attrs
import click
import httpx

from suno_api._client import API_KEY_ENV, DEFAULT_WAIT_TIMEOUT, PollSchedule, SunoClient, _check_base_url
from suno_api._decoding import TaskRecord
from suno_api._download import DownloadError, SavedTrack, download_tracks, downloadable, prepare_directory
from suno_api._errors import (
    APIError,
    ConfigurationError,
    ResponseDecodeError,
    SubmitOutcomeUnknownError,
    TaskFailedError,
    TransportError,
    ValidationError,
    Violation,
    WaitTimeoutError,
    WebhookVerificationError,
)
from suno_api._spec import enum_values
from suno_api._validation import find_violations, read_audio_duration
from suno_api._webhooks import DEFAULT_TOLERANCE, verify_webhook

EXIT_OK: Final = 0
EXIT_INVALID: Final = 1
EXIT_USAGE: Final = 2
EXIT_API: Final = 3
EXIT_TASK_FAILED: Final = 4
EXIT_UNKNOWN: Final = 5
EXIT_DOWNLOAD: Final = 6
EXIT_INTERNAL: Final = 70
EXIT_INTERRUPTED: Final = 130
EXIT_TERMINATED: Final = 143

WEBHOOK_SECRET_ENV: Final = "SUNO_WEBHOOK_SECRET"  # noqa: S105 - a variable name, not a secret
PROG: Final = "suno-api"

_REDACTED: Final = "[redacted]"
_DISTRIBUTION: Final = "suno-upload-extend"
_RAW_ARGS: Final = "suno_api.raw_args"
_FIELDS_KEY: Final = "suno_api.fields"
_SPINNER: Final = "-\\|/"

EXIT_CODES_HELP: Final = """\b
Exit codes:
  0    success
  1    invalid input (a body that breaks a rule, a callback that fails verification) or non-conformance
  2    usage: a bad option, an unreadable file, no API key, an insecure base URL, an unwritable --download DIR
  3    API error: the service refused the request or could not be reached
  4    the task failed
  5    outcome unknown: the submit may have created a task, or the task did not finish in time
  6    the task succeeded but a track could not be saved (run `suno-api status TASK_ID --download DIR` again)
  70   internal error (a bug: rerun with --debug and report the traceback)
  130  interrupted (Ctrl+C; 143 for SIGTERM); the task id, once there is one, was printed first
  `spec diff` and `spec coverage` keep their own codes (see their --help)."""

_MOCK_KEY = "mock-api-key"
_QUICK_BODY = (
    "--upload-url https://example.com/song.mp3 --default --instrumental --continue-at 30 --model V4_5"
    " --callback-url https://example.com/callback"
)
# The same, wrapped for --help (80 columns).
_QUICK_EXAMPLE = f"""\
  KIE_API_KEY={_MOCK_KEY} suno-api extend --base-url http://127.0.0.1:8765 \\
      --upload-url https://example.com/song.mp3 --default --instrumental \\
      --continue-at 30 --model V4_5 --callback-url https://example.com/callback \\
      --wait --download ./out"""


def _known(enum: str, fallback: str) -> str:
    """Return the documented values of an enum of the effective spec, for help texts."""
    try:
        return ", ".join(str(value) for value in enum_values(enum))
    except (OSError, KeyError, ValueError):  # a broken install still gets its --help
        return fallback


# --- state and output ----------------------------------------------------------------------------------------


@attrs.define
class _State:
    """What one invocation prints through and remembers for its error messages."""

    json: bool = False
    debug: bool = False
    secrets: list[str] = attrs.Factory(list)
    task_id: str | None = None
    resume: str | None = None
    """The command that picks the task up again (``status --wait``, with the same base URL and download)."""
    submitting: bool = False
    submitted: bool = False
    result_written: bool = False
    base_url: str | None = None
    download: Path | None = None

    def keep_secret(self, secret: str | None) -> None:
        """Scrub ``secret`` from everything printed from now on."""
        if secret and secret not in self.secrets:
            self.secrets.append(secret)

    def redact(self, text: str) -> str:
        """Return ``text`` without any secret."""
        for secret in self.secrets:
            text = text.replace(secret, _REDACTED)
        return text

    def out(self, text: str) -> None:
        """Print a result line (standard output; flushed, so a reader sees it at once)."""
        click.echo(self.redact(text))

    def err(self, text: str, *, nl: bool = True) -> None:
        """Print a progress or error line (standard error)."""
        click.echo(self.redact(text), err=True, nl=nl)

    def say(self, text: str) -> None:
        """Print a result line, in human mode only."""
        if not self.json:
            self.out(text)

    def note(self, text: str) -> None:
        """Print a hint on standard error, in human mode only."""
        if not self.json:
            self.err(text)

    def emit(self, event: str, **data: Any) -> None:
        """Print one JSON line (``--json`` only)."""
        if self.json:
            self.out(json.dumps({"event": event, **data}, default=str))

    def result(self, exit_code: int, **data: Any) -> None:
        """Print the final JSON line (``--json`` only), once."""
        if self.json and not self.result_written:
            self.result_written = True
            self.emit("result", ok=exit_code == EXIT_OK, exit_code=exit_code, **data)


# The "type" of an error in --json output, for the errors this module reports itself.
_KIND_BY_CODE: Final = {
    EXIT_INVALID: "InvalidInput",
    EXIT_USAGE: "UsageError",
    EXIT_UNKNOWN: "NotFinished",
    EXIT_DOWNLOAD: "DownloadError",
}


class _CommandError(Exception):
    """An outcome this module reports itself: an exit code, a one-line message, details for ``--json``."""

    def __init__(self, exit_code: int, message: str, *, kind: str | None = None, **details: Any) -> None:
        self.exit_code = exit_code
        self.message = message
        self.kind = kind or _KIND_BY_CODE.get(exit_code, "Error")
        self.details = details
        super().__init__(message)


def _set_json(ctx: click.Context, _: click.Parameter, value: bool) -> None:
    if value:
        ctx.ensure_object(_State).json = True


def _set_debug(ctx: click.Context, _: click.Parameter, value: bool) -> None:
    if value:
        ctx.ensure_object(_State).debug = True


class _LogHandler(logging.Handler):
    """Prints the client's log on standard error: warnings (retries) always, the HTTP log with ``--debug``."""

    def __init__(self, state: _State) -> None:
        super().__init__(logging.DEBUG)
        self.state = state

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno < logging.WARNING and not self.state.debug:
            return
        try:
            self.state.err(f"{record.levelname.lower()}: {record.getMessage()}")
        except Exception:  # logging must never break the command
            self.handleError(record)


def _capture_client_log(ctx: click.Context) -> None:
    """Route the ``suno_api`` logger through ``_LogHandler`` for this invocation; restore it afterwards."""
    logger = logging.getLogger("suno_api")
    handler = _LogHandler(ctx.ensure_object(_State))
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)

    def restore() -> None:
        logger.removeHandler(handler)
        logger.setLevel(level)

    ctx.call_on_close(restore)


def _audio_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--audio-duration`` and ``--audio-file`` (the audio-aware checks of ``extend`` and ``validate``)."""
    function = click.option(
        "--audio-file",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="A local copy of the source audio, to read its length (needs the 'audio' extra).",
    )(function)
    return click.option(
        "--audio-duration",
        type=click.FloatRange(0, min_open=True),
        metavar="SECONDS",
        help="The source audio's length: also checks continueAt < length and the upload limit.",
    )(function)


def _output_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--json`` and ``--debug`` (every command has both)."""
    function = click.option(
        "--debug",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=_set_debug,
        help="On error, also print the traceback; show the HTTP log (the key redacted).",
    )(function)
    return click.option(
        "--json",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=_set_json,
        help='Machine-readable output: one JSON object per line; the last has "event": "result".',
    )(function)


# --- errors -> exit codes ------------------------------------------------------------------------------------


def _violation_json(violation: Violation) -> dict[str, Any]:
    return {
        "field": violation.field,
        "rule_id": violation.rule_id,
        "message": violation.message,
        "value": violation.value,
    }


def _record_json(record: TaskRecord) -> dict[str, Any]:
    return {
        "task_id": record.task_id,
        "status": record.status_name,
        "succeeded": record.succeeded,
        "failed": record.failed,
        "error_code": record.error_code_value,
        "error_message": record.error_message_value,
        "tracks": [track.to_dict() for track in record.tracks],
    }


def _after_submit(state: _State) -> str:
    if state.submitted and state.resume:
        return f"; the task exists and keeps running: resume with `{state.resume}`"
    return ""


def _classify(exc: BaseException, state: _State) -> tuple[int, str, dict[str, Any]]:  # noqa: PLR0911, PLR0912 - one branch per error class, as in the exit-code table
    """Return (exit code, one-line message, details for ``--json``) for an exception that ended a command."""
    details: dict[str, Any] = {"type": type(exc).__name__}
    if isinstance(exc, _CommandError):
        return exc.exit_code, exc.message, {"type": exc.kind, **exc.details}
    if isinstance(exc, ValidationError):
        details["violations"] = [_violation_json(violation) for violation in exc.violations]
        return EXIT_INVALID, str(exc), details
    if isinstance(exc, ConfigurationError):
        return EXIT_USAGE, str(exc), details
    if isinstance(exc, SubmitOutcomeUnknownError):
        details["attempts"] = exc.attempts
        message = (
            f"the submit was sent and may have created a task ({exc.cause}); do not resubmit blindly: check your"
            " callBackUrl or the kie.ai task list first (--retry-submit lets suno-api resend in such cases,"
            " at the risk of a second task)"
        )
        return EXIT_UNKNOWN, message, details
    if isinstance(exc, WaitTimeoutError):
        details.update(task_id=exc.task_id, timeout=exc.timeout, last_status=exc.last_status)
        resume = state.resume or f"{PROG} status {exc.task_id} --wait"
        message = (
            f"task {exc.task_id} did not finish within {exc.timeout:g} s (last status: {exc.last_status or 'unknown'});"
            f" it keeps running: check again with `{resume}`"
        )
        return EXIT_UNKNOWN, message, details
    if isinstance(exc, TaskFailedError):
        details.update(
            task_id=exc.task_id, status=exc.status, error_code=exc.error_code, error_message=exc.error_message
        )
        if isinstance(exc.record, TaskRecord):
            details["task"] = _record_json(exc.record)
        return EXIT_TASK_FAILED, str(exc), details
    if isinstance(exc, WebhookVerificationError):
        return EXIT_INVALID, f"the callback fails verification: {exc}", details
    if isinstance(exc, DownloadError):
        details["url"] = exc.url
        hint = ""
        if state.task_id:
            again = f"{PROG} status {shlex.quote(state.task_id)}{_base_url_option(state.base_url)} --download"
            hint = f"; the task succeeded: download again with `{again} {shlex.quote(str(state.download or 'DIR'))}`"
        return EXIT_DOWNLOAD, f"{exc}{hint}", details
    if isinstance(exc, APIError):
        details.update(code=exc.code, http_status=exc.http_status, task_id=exc.task_id, message=exc.message)
        return EXIT_API, f"the service answered an error: {exc}{_after_submit(state)}", details
    if isinstance(exc, TransportError | ResponseDecodeError):
        return EXIT_API, f"{exc}{_after_submit(state)}", details
    if isinstance(exc, KeyboardInterrupt):
        code = EXIT_TERMINATED if isinstance(exc, _Terminated) else EXIT_INTERRUPTED
        what = "terminated" if isinstance(exc, _Terminated) else "interrupted"
        details["type"] = what.capitalize()
        if state.submitting:
            message = (
                f"{what} while submitting: a task may have been created; check your callBackUrl or the kie.ai"
                " task list before resubmitting"
            )
        elif state.resume:
            message = f"{what}; task {state.task_id} keeps running: resume with `{state.resume}`"
        else:
            message = what
        return code, message, details
    if isinstance(exc, ModuleNotFoundError):
        message = (
            f"this command needs {exc.name or 'a module'} (a development dependency): run it from a checkout"
            " set up with `make venv` (pip install -e '.[dev]')"
        )
        return EXIT_USAGE, message, details
    message = f"internal error: {type(exc).__name__}: {exc} (rerun with --debug for the traceback, and report it)"
    return EXIT_INTERNAL, message, details


class _Group(click.Group):
    """A group that turns every exception of its commands into one line and an exit code."""

    #: The exit code of a usage error (a bad option, a missing argument) in this group's commands.
    usage_exit_code: int = EXIT_USAGE

    def invoke(self, ctx: click.Context) -> Any:
        state = ctx.ensure_object(_State)
        options = ctx.args[: ctx.args.index("--")] if "--" in ctx.args else ctx.args
        if "--json" in options:
            state.json = True  # before parsing: a usage error in the command gets its JSON result line too
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.Abort, BrokenPipeError):
            raise
        except click.ClickException as exc:
            # click prints these itself; the innermost group sets the code, and --json gets its result line.
            if not getattr(exc, "_suno_seen", False):
                setattr(exc, "_suno_seen", True)  # noqa: B010 - an ad-hoc mark on click's exception
                if isinstance(exc, click.UsageError):
                    # click types exit_code as a class variable; this instance attribute shadows it for this error.
                    setattr(exc, "exit_code", self.usage_exit_code)  # noqa: B010
                state.result(exc.exit_code, error={"type": type(exc).__name__, "message": exc.format_message()})
            raise
        except (Exception, KeyboardInterrupt) as exc:
            raise self._fail(state, exc) from None

    @staticmethod
    def _fail(state: _State, exc: BaseException) -> click.exceptions.Exit:
        code, message, details = _classify(exc, state)
        if state.debug:
            state.err("".join(traceback.format_exception(exc)).rstrip())
        state.err(f"error: {message}")
        state.result(code, error={**details, "message": message})
        return click.exceptions.Exit(code)


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl+C so that the same clean-up runs (a partial download is removed)."""


class _PassThrough(click.Command):
    """A command whose arguments are parsed by an ``argparse`` parser of the checkout (the mock's, the suite's).

    click would eat ``--`` and ``--help``; this keeps the raw arguments for the parser.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta[_RAW_ARGS] = list(args)
        return super().parse_args(ctx, [])


def _checkout_module(name: str, command: str) -> ModuleType:
    """Import ``name`` from the checkout's ``conformance`` package (it is not part of the installed package).

    It is importable from the checkout's root; an editable install also finds it next to this package.
    """
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("conformance"):
            raise  # a dependency of the mock or the suite is missing: the generic message says which
    root = Path(__file__).resolve().parents[2]
    if (root / "conformance" / "__init__.py").is_file():
        if str(root) not in sys.path:
            sys.path.insert(0, str(root))
        shadow = sys.modules.get("conformance")
        if shadow is not None and getattr(shadow, "__file__", None) is None:
            # A directory named conformance/ without __init__.py (tests/conformance) was imported as a namespace
            # package first; the checkout's real package replaces it.
            del sys.modules["conformance"]
            importlib.invalidate_caches()
        return importlib.import_module(name)
    raise _CommandError(
        EXIT_USAGE,
        f"`{command}` needs a checkout of the repository (the conformance/ package is not installed with"
        " suno-api): run it in a clone, after `make venv`",
    )


def _parse_with(state: _State, parser: argparse.ArgumentParser, args: Sequence[str]) -> argparse.Namespace:
    """Parse with ``argparse``; its ``--help`` exits 0 and its usage errors exit 2, as click's do."""
    try:
        return parser.parse_args(list(args))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else EXIT_USAGE
        if code != EXIT_OK:
            state.result(code, error={"type": "UsageError", "message": "bad arguments (see the usage message)"})
        raise click.exceptions.Exit(code) from None


def _adapt(parser: argparse.ArgumentParser, command: str, description: str, epilog: str) -> None:
    """Make a checkout parser speak as ``suno-api <command>`` and add ``--json`` / ``--debug``."""
    parser.prog = f"{PROG} {command}"
    parser.description = description
    parser.epilog = epilog
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--json", action="store_true", help='one JSON object per line; the last has "event": "result"')
    parser.add_argument("--debug", action="store_true", help="on error, also print the traceback")


# --- option types and helpers ---------------------------------------------------------------------------------


class _Number(click.ParamType[int | float, Any]):
    """A finite number; an integer stays an integer (``30`` is sent as ``30``, not ``30.0``)."""

    name = "number"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int | float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
        text = str(value).strip()
        try:
            return int(text)
        except ValueError:
            pass
        try:
            number = float(text)
        except ValueError:
            self.fail(f"{value!r} is not a number", param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


_NUMBER: Final = _Number()


@attrs.frozen
class _Field:
    """A request field and the ``extend`` option that sets it."""

    option: str
    field: str
    metavar: str | None
    kind: Any
    help: str


_FIELDS: Final = (
    _Field("--upload-url", "uploadUrl", "URL", str, "Source audio: a public URL, at most 2 minutes long."),
    _Field("--continue-at", "continueAt", "SECONDS", _NUMBER, "Where the extension starts, 0 < SECONDS < length."),
    _Field(
        "--model",
        "model",
        "MODEL",
        str,
        f"Must match the source music's model: {_known('SunoModel', 'see the spec')}.",
    ),
    _Field(
        "--custom/--default",
        "defaultParamFlag",
        None,
        bool,
        "Custom mode (you give --style, --title and, with vocals, the lyrics in --prompt) or default mode"
        " (the service writes them). Sets defaultParamFlag.",
    ),
    _Field("--instrumental/--vocals", "instrumental", None, bool, "No vocals, or vocals (required in both modes)."),
    _Field("--prompt", "prompt", "TEXT", str, "Custom mode with vocals: the exact lyrics; else how to extend."),
    _Field("--style", "style", "TEXT", str, "Music style, e.g. Jazz (custom mode)."),
    _Field("--title", "title", "TEXT", str, "Track title (custom mode)."),
    _Field("--negative-tags", "negativeTags", "TEXT", str, "Styles to keep out."),
    _Field(
        "--vocal-gender", "vocalGender", "GENDER", str, f"Preferred voice: {_known('VocalGender', 'm, f')} (a hint)."
    ),
    _Field("--style-weight", "styleWeight", "0..1", _NUMBER, "Adherence to the style, in steps of 0.01."),
    _Field("--weirdness-constraint", "weirdnessConstraint", "0..1", _NUMBER, "Creative deviation, steps of 0.01."),
    _Field("--audio-weight", "audioWeight", "0..1", _NUMBER, "Weight of the source audio, in steps of 0.01."),
    _Field("--persona-id", "personaId", "ID", str, "Persona to apply (custom mode)."),
    _Field(
        "--callback-url",
        "callBackUrl",
        "URL",
        str,
        "Where the service POSTs progress; required even with --wait (the receiver may ignore it).",
    ),
)
_OPTION_FOR_FIELD: Final = {field.field: field.option for field in _FIELDS}


def _store_field(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    if value is not None and param.name is not None:
        ctx.meta.setdefault(_FIELDS_KEY, {})[param.name] = value


def _field_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """Add one option per request field; their values land in ``ctx.meta``, in the body's field names."""
    for field in reversed(_FIELDS):
        flag = field.kind is bool
        function = click.option(
            field.option,
            field.field,
            type=None if flag else field.kind,
            metavar=field.metavar,
            default=None,
            expose_value=False,
            callback=_store_field,
            help=field.help,
        )(function)
    return function


def _api_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """Add the options every command that calls the API has."""
    options = [
        click.option(
            "--base-url",
            metavar="URL",
            help="Where to send requests [env KIE_BASE_URL; default https://api.kie.ai]. Plain http only to"
            " loopback (the mock).",
        ),
        click.option(
            "--api-key-file",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help=f"A file holding the API key [default: the {API_KEY_ENV} environment variable]. The key is"
            " never printed.",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(0.1, 3600),
            metavar="SECONDS",
            default=30.0,
            show_default=True,
            help="Seconds to wait for each answer (10 at most to connect).",
        ),
        click.option(
            "--max-retries",
            type=click.IntRange(0, 10),
            metavar="N",
            default=2,
            show_default=True,
            help="Retries of a request after 429, 455, 5xx or a connection error.",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _wait_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--wait``, its limits, ``--download DIR`` and ``--overwrite``."""
    options = [
        click.option("--wait", is_flag=True, help="Follow the task until it succeeds or fails."),
        click.option(
            "--wait-timeout",
            type=click.FloatRange(0, min_open=True),
            default=DEFAULT_WAIT_TIMEOUT,
            show_default=True,
            metavar="SECONDS",
            help="Give up waiting after this long (the task keeps running).",
        ),
        click.option(
            "--poll-interval",
            type=click.FloatRange(0.5, 300),
            default=2.0,
            show_default=True,
            metavar="SECONDS",
            help="First interval between status checks; it grows to 15 s.",
        ),
        click.option(
            "--download",
            type=click.Path(file_okay=False, path_type=Path),
            metavar="DIR",
            help="Save each track's audio in DIR as <track id>.mp3 (implies --wait). Files appear complete or"
            " not at all.",
        ),
        click.option("--overwrite", is_flag=True, help="With --download: replace files that exist already."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _read_key_file(path: Path) -> str:
    try:
        key = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise _CommandError(EXIT_USAGE, f"cannot read the API key file {path}: {exc}") from exc
    if not key:
        raise _CommandError(EXIT_USAGE, f"the API key file {path} is empty")
    return key


def _api_key(state: _State, api_key_file: Path | None) -> str:
    key = _read_key_file(api_key_file) if api_key_file is not None else os.environ.get(API_KEY_ENV, "").strip()
    if not key:
        raise _CommandError(
            EXIT_USAGE, f"no API key: set {API_KEY_ENV}, or pass --api-key-file FILE (a file holding it)"
        )
    state.keep_secret(key)
    return key


def _client(
    state: _State,
    *,
    base_url: str | None,
    api_key_file: Path | None,
    timeout: float,
    max_retries: int,
    poll_interval: float = 2.0,
    retry_submit: bool = False,
    sleep: Callable[[float], None] | None = None,
) -> SunoClient:
    state.base_url = base_url
    return SunoClient(
        api_key=_api_key(state, api_key_file),
        base_url=base_url,
        timeout=httpx.Timeout(timeout, connect=min(10.0, timeout)),
        max_retries=max_retries,
        retry_submit=retry_submit,
        poll=PollSchedule(initial=poll_interval, factor=1.5, maximum=max(15.0, poll_interval)),
        sleep=sleep,
    )


# Input files are opened by the command, not by click: click leaves a file it opened unclosed when a later
# option turns out to be missing.
_INPUT_FILE: Final = click.Path(exists=True, dir_okay=False, allow_dash=True)


def _read_input(path: str, what: str) -> bytes:
    """Return the bytes of ``path`` (``-``: standard input)."""
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise _CommandError(EXIT_USAGE, f"cannot read {what} {path}: {exc.strerror or exc}") from exc


def _load_json(path: str, what: str) -> Any:
    shown = "from standard input" if path == "-" else path
    data = _read_input(path, what)
    try:
        return json.loads(data)
    except UnicodeDecodeError as exc:
        raise _CommandError(EXIT_INVALID, f"{what} {shown} is not UTF-8 text: {exc}") from exc
    except ValueError as exc:
        raise _CommandError(EXIT_INVALID, f"{what} {shown} is not JSON: {exc}") from exc


def _violation_line(violation: Violation, *, with_options: bool) -> str:
    option = _OPTION_FOR_FIELD.get(violation.field) if with_options else None
    where = f"{violation.field or '<body>'}" + (f" ({option})" if option else "")
    shown = "" if violation.value is None else f" (got {json.dumps(violation.value, default=str)[:80]})"
    return f"  - {where} [{violation.rule_id}]: {violation.message}{shown}"


def _size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{size / 1000:.1f} kB"


# --- progress ---------------------------------------------------------------------------------------------


class _Progress:
    """Shows a task's way through its statuses: a spinner line on a terminal, plain lines otherwise.

    Its ``sleep`` is the client's sleep, so the spinner turns while the client waits between polls.
    """

    def __init__(self, state: _State, stream: IO[str] | None = None) -> None:
        self.state = state
        self.stream = stream if stream is not None else sys.stderr
        is_tty = getattr(self.stream, "isatty", None)
        self.live = not state.json and callable(is_tty) and bool(is_tty()) and os.environ.get("TERM", "") != "dumb"
        self.task_id = ""
        self.status: str | None = None
        self.started = time.monotonic()
        self.drawn = False
        self.frame = 0

    def start(self, task_id: str) -> None:
        """Start timing ``task_id``."""
        self.task_id = task_id
        self.started = time.monotonic()

    def elapsed(self) -> float:
        """Seconds since ``start``."""
        return time.monotonic() - self.started

    def on_status(self, record: TaskRecord) -> None:
        """Report a new status (the client calls this on every change)."""
        self.clear()
        self.status = record.status_name
        elapsed = round(self.elapsed(), 1)
        if self.state.json:
            self.state.emit("status", task_id=self.task_id, status=self.status, elapsed_seconds=elapsed)
        else:
            self._write(f"status {self.status or 'unknown'} ({elapsed:.0f} s)\n")

    def sleep(self, seconds: float) -> None:
        """Sleep, turning the spinner on a terminal."""
        if not self.live:
            time.sleep(seconds)
            return
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            self._draw()
            time.sleep(min(0.1, left))

    def _draw(self) -> None:
        self.frame = (self.frame + 1) % len(_SPINNER)
        line = f"{_SPINNER[self.frame]} {self.status or 'waiting'} - {self.elapsed():.0f} s - task {self.task_id}"
        self._write(f"\r{line}\x1b[K")
        self.drawn = True

    def clear(self) -> None:
        """Erase the spinner line, if one is drawn."""
        if self.drawn:
            self._write("\r\x1b[K")
            self.drawn = False

    def _write(self, text: str) -> None:
        self.stream.write(self.state.redact(text))
        self.stream.flush()


# --- the group -------------------------------------------------------------------------------------------------

_ROOT_EPILOG = f"""\b
Examples:
  suno-api mock --port 8765 &
{_QUICK_EXAMPLE}
  suno-api validate body.json
  suno-api status TASK_ID --wait --download ./out
  suno-api webhook verify --timestamp T --signature S callback.json   # secret in {WEBHOOK_SECRET_ENV}
  suno-api conformance
  suno-api spec diff spec/suno-api.yaml new-upstream.yaml

{EXIT_CODES_HELP}"""


@click.group(
    name=PROG,
    cls=_Group,
    epilog=_ROOT_EPILOG,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110},
)
@click.version_option(package_name=_DISTRIBUTION, prog_name=PROG)
@click.option(
    "--debug",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_set_debug,
    help="On error, also print the traceback (every command takes it too).",
)
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Try the kie.ai Suno "Upload and Extend Audio" API from the terminal.

    Validate a request body, extend a track and follow it, download the result, check a callback's signature,
    run the offline sandbox (the mock) and the conformance suite. The API key comes from KIE_API_KEY or
    --api-key-file and is never printed. Every command takes --json and --help.
    """
    _capture_client_log(ctx)


# --- extend ----------------------------------------------------------------------------------------------------

_EXTEND_EPILOG = f"""\b
Examples:
  # against the sandbox (suno-api mock --port 8765 &): default mode, instrumental
{_QUICK_EXAMPLE}
  # custom mode with lyrics from a file, against kie.ai (KIE_API_KEY set)
  suno-api extend --upload-url https://files.example.com/song.mp3 --custom --vocals \\
      --style Jazz --title "Late Night" --prompt-file lyrics.txt --continue-at 60 --model V4_5 \\
      --callback-url https://hooks.example.com/suno --audio-duration 95 --wait
  # a body from a file, one field changed; check it without sending
  suno-api extend --body body.json --title "Take 2" --dry-run

The body is validated first and every violation is listed; nothing is sent unless it is valid. The task id is
printed (and flushed) as soon as the service returns it: if you stop waiting, resume with
`suno-api status TASK_ID --wait`. Options override the fields of --body.

{EXIT_CODES_HELP}"""


@cli.command(epilog=_EXTEND_EPILOG, short_help="Validate and submit a body; --wait follows it, --download saves it.")
@_field_options
@click.option(
    "--prompt-file",
    type=_INPUT_FILE,
    metavar="FILE",
    help="Read --prompt from FILE ('-': standard input).",
)
@click.option(
    "--body",
    "body_file",
    type=_INPUT_FILE,
    metavar="FILE",
    help="Start from the JSON body in FILE ('-': standard input); options override its fields.",
)
@_audio_options
@click.option("--dry-run", is_flag=True, help="Validate and print the body; send nothing.")
@click.option(
    "--retry-submit",
    is_flag=True,
    help="Also resend a submit whose outcome is unknown (a timeout, a 5xx): it may create a second task.",
)
@_api_options
@_wait_options
@_output_options
@click.pass_context
def extend(
    ctx: click.Context,
    *,
    prompt_file: str | None,
    body_file: str | None,
    audio_duration: float | None,
    audio_file: Path | None,
    dry_run: bool,
    retry_submit: bool,
    base_url: str | None,
    api_key_file: Path | None,
    timeout: float,
    max_retries: int,
    wait: bool,
    wait_timeout: float,
    poll_interval: float,
    download: Path | None,
    overwrite: bool,
) -> None:
    """Validate an upload-extend body, submit it and print the task id; --wait follows the task.

    Give every field as an option, or start from a JSON file with --body. With --wait the task's statuses are
    shown as they change; with --download DIR each track's audio is saved in DIR.
    """
    state = ctx.ensure_object(_State)
    fields: dict[str, Any] = dict(ctx.meta.get(_FIELDS_KEY, {}))
    if overwrite and download is None:
        raise click.UsageError("--overwrite only applies with --download DIR")
    if prompt_file is not None:
        if "prompt" in fields:
            raise click.UsageError("give --prompt or --prompt-file, not both")
        if body_file == "-" and prompt_file == "-":
            raise click.UsageError("--body and --prompt-file cannot both read standard input")
        try:
            fields["prompt"] = _read_input(prompt_file, "the prompt file").decode("utf-8").rstrip()
        except UnicodeDecodeError as exc:
            raise _CommandError(EXIT_INVALID, f"the prompt file {prompt_file} is not UTF-8 text: {exc}") from exc
    body: Any = _load_json(body_file, "the body") if body_file is not None else {}
    if isinstance(body, dict):
        body.update(fields)
    audio_duration = _audio_duration(audio_duration, audio_file)
    violations = find_violations(body, audio_duration=audio_duration)
    if violations:
        count = len(violations)
        raise _CommandError(
            EXIT_INVALID,
            f"the body has {count} problem{'s' if count != 1 else ''}; nothing was sent:\n"
            + "\n".join(_violation_line(violation, with_options=True) for violation in violations),
            kind="ValidationError",
            violations=[_violation_json(violation) for violation in violations],
        )
    if dry_run:
        state.say(json.dumps(body, indent=2))
        state.result(EXIT_OK, body=body)
        return
    if download is not None:
        wait = True
        try:
            prepare_directory(download)  # before submitting: a typo must not cost credits
        except DownloadError as exc:
            raise _CommandError(EXIT_USAGE, str(exc)) from exc
    progress = _Progress(state)
    with _client(
        state,
        base_url=base_url,
        api_key_file=api_key_file,
        timeout=timeout,
        max_retries=max_retries,
        poll_interval=poll_interval,
        retry_submit=retry_submit,
        sleep=progress.sleep,
    ) as client:
        state.submitting = True
        task_id = client.submit(body, audio_duration=audio_duration)
        state.submitting, state.submitted = False, True
        state.task_id = task_id
        state.resume = _resume_command(task_id, base_url, download, overwrite)
        state.emit("submitted", task_id=task_id)
        state.say(f"submitted task {task_id}")
        if not wait:
            state.note(f"follow it with: {PROG} status {task_id} --wait" + _base_url_option(base_url))
            state.result(EXIT_OK, task_id=task_id)
            return
        progress.start(task_id)
        _follow(
            state,
            client,
            progress,
            task_id,
            wait=True,
            wait_timeout=wait_timeout,
            download=download,
            overwrite=overwrite,
        )


def _audio_duration(audio_duration: float | None, audio_file: Path | None) -> float | None:
    """Return the source audio's length: ``--audio-duration``, else read from ``--audio-file`` (once)."""
    if audio_duration is not None or audio_file is None:
        return audio_duration
    try:
        return read_audio_duration(audio_file)  # ValidationError (exit 1) when it is not audio
    except ImportError as exc:  # mutagen, the 'audio' extra, is not installed
        raise _CommandError(EXIT_USAGE, str(exc)) from exc


def _base_url_option(base_url: str | None) -> str:
    return f" --base-url {shlex.quote(base_url)}" if base_url else ""


def _resume_command(task_id: str, base_url: str | None, download: Path | None, overwrite: bool) -> str:
    command = f"{PROG} status {shlex.quote(task_id)} --wait{_base_url_option(base_url)}"
    if download is not None:
        command += f" --download {shlex.quote(str(download))}" + (" --overwrite" if overwrite else "")
    return command


def _follow(
    state: _State,
    client: SunoClient,
    progress: _Progress,
    task_id: str,
    *,
    wait: bool,
    wait_timeout: float,
    download: Path | None,
    overwrite: bool,
) -> None:
    """Read (or wait for) the task, print it, download its tracks; exit 4 when it failed."""
    try:
        if wait:
            record = client.wait(task_id, timeout=wait_timeout, on_progress=progress.on_status)
        else:
            record = client.get_record(task_id)
    finally:
        progress.clear()
    _show_record(state, record)
    if record.failed:
        raise TaskFailedError(
            task_id, record.status_name, record.error_code_value, record.error_message_value, record=record
        )
    saved: list[SavedTrack] = []
    if download is not None:  # --download implies --wait: the task succeeded
        state.download = download
        saved = _download(state, record, download, overwrite)
    state.result(EXIT_OK, task=_record_json(record), downloads=[_saved_json(item) for item in saved])


def _show_record(state: _State, record: TaskRecord) -> None:
    if state.json:
        return
    line = f"task {record.task_id}: {record.status_name or 'no status'}"
    if record.failed and (record.error_code_value is not None or record.error_message_value):
        line += f" (errorCode {record.error_code_value}: {record.error_message_value or 'no message'})"
    state.out(line)
    for track in record.tracks:
        data = track.to_dict()
        duration = data.get("duration")
        parts = [
            f"track {data.get('id') or '?'}",
            f"{duration:g} s" if isinstance(duration, int | float) else "",
            json.dumps(data["title"]) if data.get("title") else "",
            str(data.get("audioUrl") or "(not ready)"),
        ]
        state.out("  " + "  ".join(part for part in parts if part))


def _saved_json(item: SavedTrack) -> dict[str, Any]:
    return {
        "track_id": item.track_id,
        "url": item.url,
        "path": str(item.path),
        "bytes": item.size,
        "kept_existing": item.kept_existing,
    }


def _download(state: _State, record: TaskRecord, directory: Path, overwrite: bool) -> list[SavedTrack]:
    if not downloadable(record.tracks):
        raise DownloadError(f"task {record.task_id} succeeded but none of its tracks has an audio URL")

    def report(item: SavedTrack) -> None:
        state.emit("saved", **_saved_json(item))
        if item.kept_existing:
            state.say(f"kept {item.path} (it exists; --overwrite replaces it)")
        else:
            state.say(f"saved {item.path} ({_size(item.size)})")

    return download_tracks(record.tracks, directory, overwrite=overwrite, on_saved=report)


# --- status -----------------------------------------------------------------------------------------------------

_STATUS_EPILOG = f"""\b
Examples:
  suno-api status 8199d86306252313d951438f8022c7d8
  suno-api status 8199d86306252313d951438f8022c7d8 --wait --download ./out
  suno-api status 8199d86306252313d951438f8022c7d8 --json | jq -r .task.status

Without --wait (or --download, which implies it), exit 0 means the record was read: the task may still be
running. A failed task exits 4.

{EXIT_CODES_HELP}"""


@cli.command(epilog=_STATUS_EPILOG, short_help="Show a task; --wait follows it, --download saves its tracks.")
@click.argument("task_id")
@_api_options
@_wait_options
@_output_options
@click.pass_context
def status(
    ctx: click.Context,
    *,
    task_id: str,
    base_url: str | None,
    api_key_file: Path | None,
    timeout: float,
    max_retries: int,
    wait: bool,
    wait_timeout: float,
    poll_interval: float,
    download: Path | None,
    overwrite: bool,
) -> None:
    """Show the status and tracks of task TASK_ID; --wait follows it until it succeeds or fails."""
    state = ctx.ensure_object(_State)
    if overwrite and download is None:
        raise click.UsageError("--overwrite only applies with --download DIR")
    if not task_id.strip():
        raise click.BadParameter("the task id is empty", param_hint="TASK_ID")
    state.task_id = task_id
    state.resume = _resume_command(task_id, base_url, download, overwrite)
    if download is not None:
        wait = True
        try:
            prepare_directory(download)
        except DownloadError as exc:
            raise _CommandError(EXIT_USAGE, str(exc)) from exc
    progress = _Progress(state)
    progress.start(task_id)
    with _client(
        state,
        base_url=base_url,
        api_key_file=api_key_file,
        timeout=timeout,
        max_retries=max_retries,
        poll_interval=poll_interval,
        sleep=progress.sleep,
    ) as client:
        _follow(
            state,
            client,
            progress,
            task_id,
            wait=wait,
            wait_timeout=wait_timeout,
            download=download,
            overwrite=overwrite,
        )


# --- validate ---------------------------------------------------------------------------------------------------

_VALIDATE_EPILOG = f"""\b
Examples:
  suno-api validate body.json
  cat body.json | suno-api validate -
  suno-api validate body.json --audio-duration 95     # also checks continueAt against the length
  suno-api validate body.json --json | jq -r '.violations[].rule_id'

Every violation is listed with its field, its rule id (stable: see overlays/rules.overlay.yaml) and what to
change. Nothing is sent anywhere.

{EXIT_CODES_HELP}"""


@cli.command(epilog=_VALIDATE_EPILOG, short_help="Check a request body against every rule; send nothing.")
@click.argument("body_file", metavar="BODY.json", type=_INPUT_FILE)
@_audio_options
@_output_options
@click.pass_context
def validate(ctx: click.Context, body_file: str, audio_duration: float | None, audio_file: Path | None) -> None:
    """Check the upload-extend body in BODY.json ('-': standard input); exit 0 when valid, else 1."""
    state = ctx.ensure_object(_State)
    body = _load_json(body_file, "the body")
    violations = find_violations(body, audio_duration=_audio_duration(audio_duration, audio_file))
    if not violations:
        state.say("valid: the body passes every rule")
        state.result(EXIT_OK, valid=True, violations=[])
        return
    count = len(violations)
    state.say(f"invalid: the body has {count} problem{'s' if count != 1 else ''}:")
    for violation in violations:
        state.say(_violation_line(violation, with_options=False))
    state.result(EXIT_INVALID, valid=False, violations=[_violation_json(violation) for violation in violations])
    ctx.exit(EXIT_INVALID)


# --- webhook ----------------------------------------------------------------------------------------------------


_WEBHOOK_EPILOG = f"""\b
Examples:
  {WEBHOOK_SECRET_ENV}=... suno-api webhook verify --timestamp T --signature S callback.json"""


@cli.group(cls=_Group, epilog=_WEBHOOK_EPILOG, short_help="Callbacks: verify a signed callback.")
def webhook() -> None:
    """Work with the callbacks the service POSTs to your callBackUrl."""


_VERIFY_EPILOG = f"""\b
Examples:
  export {WEBHOOK_SECRET_ENV}=...        # the webhook key of the kie.ai account
  suno-api webhook verify --timestamp 1763169558 --signature 'q1N0...=' callback.json
  suno-api webhook verify --timestamp "$TS" --signature "$SIG" - < callback.json
  # a callback captured earlier: check its timestamp against the time it arrived
  suno-api webhook verify --timestamp 1763169558 --signature 'q1N0...=' --now 1763169560 callback.json

The signature covers the body's data.task_id and the timestamp, not the rest of the body: confirm a result
with `suno-api status TASK_ID` before acting on its tracks. Exit 0: valid; 1: it fails verification.

{EXIT_CODES_HELP}"""


@webhook.command("verify", epilog=_VERIFY_EPILOG, short_help="Check a callback's signature and timestamp.")
@click.argument("body_file", metavar="BODY.json", type=_INPUT_FILE)
@click.option(
    "--secret",
    envvar=WEBHOOK_SECRET_ENV,
    show_envvar=True,
    required=True,
    help="The webhook key. Prefer the environment variable: a command line is visible to other users.",
)
@click.option("--timestamp", required=True, help="The X-Webhook-Timestamp header (unix seconds).")
@click.option("--signature", required=True, help="The X-Webhook-Signature header.")
@click.option(
    "--tolerance",
    type=click.FloatRange(0),
    default=DEFAULT_TOLERANCE,
    show_default=True,
    metavar="SECONDS",
    help="Largest accepted distance between the timestamp and now.",
)
@click.option("--now", type=float, metavar="UNIX_TIME", help="Check the timestamp against this time, not the clock.")
@_output_options
@click.pass_context
def verify(
    ctx: click.Context,
    *,
    body_file: str,
    secret: str,
    timestamp: str,
    signature: str,
    tolerance: float,
    now: float | None,
) -> None:
    """Verify the callback body in BODY.json ('-': standard input) against its signature headers."""
    state = ctx.ensure_object(_State)
    state.keep_secret(secret)
    body = _read_input(body_file, "the callback body")
    headers = {"X-Webhook-Timestamp": timestamp, "X-Webhook-Signature": signature}
    try:
        event = verify_webhook(body, headers, secret=secret, tolerance=tolerance, now=now)
    except ResponseDecodeError as exc:
        raise _CommandError(EXIT_INVALID, f"the signature matches but the body is not a callback: {exc}") from exc
    stage = event.callback_type if event.callback_type is not None else event.status
    state.say(
        f"valid: callback for task {event.task_id} ({stage or 'no stage'}, code {event.code},"
        f" {len(event.tracks)} track{'s' if len(event.tracks) != 1 else ''})"
    )
    state.result(
        EXIT_OK,
        valid=True,
        task_id=event.task_id,
        shape=str(event.shape.value),
        callback_type=None if event.callback_type is None else str(event.callback_type),
        status=None if event.status is None else str(event.status),
        code=event.code,
        message=event.message,
        tracks=len(event.tracks),
        succeeded=event.succeeded,
        failed=event.failed,
    )


# --- mock -------------------------------------------------------------------------------------------------------

_MOCK_DESCRIPTION = """\
Serve the kie.ai sandbox (the embedded mock) on loopback until Ctrl+C: the two API operations, tasks moving
PENDING -> TEXT_SUCCESS -> FIRST_SUCCESS -> SUCCESS, signed callbacks to loopback receivers, track audio under
/_mock/files/, and every failure the client must survive. Options default to their SUNO_MOCK_* variables."""

_MOCK_EPILOG = f"""\
examples:
  suno-api mock --port 8765 &
{_QUICK_EXAMPLE}
  suno-api mock --port 8765 --stage-seconds 0 --error-style status
  suno-api mock --port 0 --json       # first line: {{"event": "listening", "url": ...}}

Per request: `X-Mock-Outcome: GENERATE_AUDIO_FAILED` (or `[mock:GENERATE_AUDIO_FAILED]` in the prompt) picks a
task's outcome; `X-Mock-Fault: 500` injects a fault. See `GET /_mock` for the debug endpoints.

exit codes: 0 stopped with Ctrl+C; 2 a bad setting or the port is taken."""


@cli.command("mock", cls=_PassThrough, add_help_option=False, short_help="Serve the offline sandbox on loopback.")
@click.pass_context
def mock_command(ctx: click.Context) -> None:
    """Serve the kie.ai sandbox (the embedded mock) on loopback; `suno-api mock --help` lists its settings."""
    state = ctx.ensure_object(_State)
    entry = _checkout_module("suno_conformance.mock.__main__", "suno-api mock")
    parser: argparse.ArgumentParser = entry._parser()  # the mock's own options, reused as they are
    _adapt(parser, "mock", _MOCK_DESCRIPTION, _MOCK_EPILOG)
    arguments = _parse_with(state, parser, ctx.meta.get(_RAW_ARGS, []))
    state.json, state.debug = arguments.json, arguments.debug
    overrides = {
        name: value for name, value in vars(arguments).items() if value is not None and name not in ("json", "debug")
    }
    mock_package = _checkout_module("suno_conformance.mock", "suno-api mock")
    try:
        settings = mock_package.MockSettings.from_env(**overrides)
    except (TypeError, ValueError) as exc:
        raise _CommandError(EXIT_USAGE, str(exc)) from exc
    try:
        url = entry.serve(
            settings, lambda mock, url: _announce(state, entry, mock, settings, url), log_config=_uvicorn_logging()
        )
    except OSError as exc:
        raise _CommandError(
            EXIT_USAGE, f"cannot listen on {settings.host}:{settings.port}: {exc.strerror or exc}"
        ) from exc
    state.result(EXIT_OK, url=url)


def _announce(state: _State, entry: ModuleType, mock: Any, settings: Any, url: str) -> None:
    """Say where the mock listens: the mock's banner plus a suno-api line, or one JSON line."""
    if state.json:
        state.emit(
            "listening",
            url=url,
            api_keys=list(settings.api_keys),
            error_style=settings.error_style,
            stage_seconds=list(settings.stage_seconds),
            seed=mock.seed,
            callbacks_signed=bool(settings.webhook_key),
        )
        return
    lines = entry.banner(mock, url).splitlines()
    key = settings.api_keys[0] if settings.api_keys[0] != "*" else "any-token"
    lines.insert(-1, f"suno-api: KIE_API_KEY={key} suno-api extend --base-url {url} {_QUICK_BODY} --wait")
    state.out("\n".join(lines))


def _uvicorn_logging() -> dict[str, Any]:
    """Return uvicorn's logging configuration with every handler on standard error (standard output is for results)."""
    config = importlib.import_module("uvicorn.config")
    logging_config: dict[str, Any] = json.loads(json.dumps(config.LOGGING_CONFIG))
    for handler in logging_config.get("handlers", {}).values():
        if handler.get("stream") == "ext://sys.stdout":
            handler["stream"] = "ext://sys.stderr"
    return logging_config


# --- conformance -----------------------------------------------------------------------------------------------

_CONFORMANCE_DESCRIPTION = """\
Property-test an upload-extend endpoint against the effective spec and the rules: the embedded mock by default,
or the server at --base-url (SUNO_BASE_URL) with KIE_API_KEY or --api-key-file. Same safety rules as
`make conformance`: a server that is not on loopback is LIVE, and then only requests that cannot create a paid
task are sent, plus at most --max-paid-calls (SUNO_MAX_PAID_CALLS, default 0) that might."""

_CONFORMANCE_EPILOG = """\
examples:
  suno-api conformance                                   # the embedded mock; exit 0 when it conforms
  suno-api conformance --max-examples 20 --seed 1 -- -q  # after --: pytest options
  KIE_API_KEY=... suno-api conformance --base-url https://api.kie.ai --max-paid-calls 1
  suno-api conformance --defect auth_ignored             # a broken mock: exit 1
  suno-api conformance --json | tail -n 1 | jq .verdict

exit codes: 0 conforms; 1 does not conform (or the run was interrupted); 2 a bad option or setting;
70 the suite itself crashed. The JUnit report goes to --junit (default reports/conformance.xml), the JSON
report next to it."""

# pytest's exit status -> ours: 1 tests failed, 2 interrupted, 3 internal error, 4 usage error, 5 no tests.
_PYTEST_EXIT: Final = {0: EXIT_OK, 1: EXIT_INVALID, 2: EXIT_INVALID, 3: EXIT_INTERNAL, 4: EXIT_USAGE, 5: EXIT_USAGE}


@cli.command("conformance", cls=_PassThrough, add_help_option=False, short_help="Run the conformance suite.")
@click.pass_context
def conformance_command(ctx: click.Context) -> None:
    """Run the conformance suite against the mock or --base-url; `suno-api conformance --help` for options."""
    state = ctx.ensure_object(_State)
    entry = _checkout_module("suno_conformance.suite._entry", "suno-api conformance")
    parser: argparse.ArgumentParser = entry._parser()  # the suite's own options, reused as they are
    _adapt(parser, "conformance", _CONFORMANCE_DESCRIPTION, _CONFORMANCE_EPILOG)
    parser.add_argument("--base-url", metavar="URL", help="test this server instead of the mock (SUNO_BASE_URL)")
    parser.add_argument("--api-key-file", type=Path, metavar="FILE", help=f"a file holding the key ({API_KEY_ENV})")
    parser.add_argument(
        "--max-paid-calls", type=int, metavar="N", help="live mode: requests that might create a paid task"
    )
    parser.add_argument(
        "--live",
        action=argparse.BooleanOptionalAction,
        help="treat the target as a paid service, or not (default: live unless it is on loopback)",
    )
    parser.add_argument("--fail-on-drift", action="store_true", default=None, help="fail on spec drift too")
    arguments = _parse_with(state, parser, ctx.meta.get(_RAW_ARGS, []))
    state.json, state.debug = arguments.json, arguments.debug
    if arguments.list_defects:
        _list_defects(state)
        return
    options = _suite_options(state, arguments)
    mock_class = _checkout_module("suno_conformance.mock", "suno-api conformance").MockApp
    if arguments.defect:
        defects = _checkout_module("suno_conformance.defects", "suno-api conformance").catalogue()
        found = {defect.name: defect for defect in defects}
        if arguments.defect not in found:
            raise _CommandError(
                EXIT_USAGE, f"no defect {arguments.defect!r}; see `suno-api conformance --list-defects`"
            )
        mock_class = found[arguments.defect].mock_class
    # With --json, pytest's report goes to standard error: standard output holds the JSON lines only.
    redirect = contextlib.redirect_stdout(sys.stderr) if state.json else contextlib.nullcontext()
    with redirect:
        outcome = entry.run_suite(options, mock_class=mock_class, pytest_args=arguments.pytest_args)
    code = _PYTEST_EXIT.get(int(outcome.exit_code), EXIT_INVALID)
    run = outcome.run
    if state.json:
        report = {
            "verdict": outcome.verdict,
            "target": run.target.describe() if run.started else None,
            "seed": run.seed,
            "elapsed_seconds": round(run.elapsed, 3),
            "safety": run.safety.describe(),
            **run.ledger.snapshot(),
        }
        state.result(code, **json.loads(run.ledger.redact(json.dumps(report, default=str))))
    elif code == EXIT_USAGE:
        state.err("error: the suite could not run as configured (see pytest's message above)")
    ctx.exit(code)


def _suite_options(state: _State, arguments: argparse.Namespace) -> Any:
    options_module = _checkout_module("suno_conformance.suite._options", "suno-api conformance")
    overrides: dict[str, Any] = {}
    if arguments.junit is not None:
        overrides["junit_path"] = arguments.junit
    if arguments.max_examples is not None:
        overrides["max_examples"] = arguments.max_examples
    if arguments.seed is not None:
        overrides["seed"] = arguments.seed
    if arguments.base_url:
        overrides["base_url"] = arguments.base_url.strip().rstrip("/")
    if arguments.api_key_file is not None:
        overrides["api_key"] = _read_key_file(arguments.api_key_file)
    if arguments.max_paid_calls is not None:
        overrides["max_paid_calls"] = arguments.max_paid_calls
    if arguments.live is not None:
        overrides["live"] = arguments.live
    if arguments.fail_on_drift:
        overrides["fail_on_drift"] = True
    try:
        options = options_module.SuiteOptions.from_env(**overrides)
    except (TypeError, ValueError) as exc:
        raise _CommandError(EXIT_USAGE, str(exc)) from exc
    state.keep_secret(options.api_key)
    state.keep_secret(options.webhook_key)
    if options.base_url is not None:
        # The suite sends the key to this server: the client's rule applies (https, or plain http to loopback).
        _check_base_url(options.base_url)
        if not options.api_key:
            raise _CommandError(
                EXIT_USAGE,
                f"testing {options.base_url} needs its API key: set {API_KEY_ENV}, or pass --api-key-file FILE",
            )
    return options


def _list_defects(state: _State) -> None:
    defects = _checkout_module("suno_conformance.defects", "suno-api conformance").catalogue()
    for defect in defects:
        state.say(f"{defect.name:<34} [{defect.caught_as}] {defect.description}")
    state.result(
        EXIT_OK,
        defects=[
            {"name": defect.name, "caught_as": defect.caught_as, "description": defect.description}
            for defect in defects
        ],
    )


# --- spec -------------------------------------------------------------------------------------------------------


_SPEC_EXIT_ERROR: Final = 3


class _SpecGroup(_Group):
    """``spec``: its commands keep ``make spec-diff``'s exit codes, where 2 means "edit the overlays"."""

    usage_exit_code = _SPEC_EXIT_ERROR  # bad arguments: "nothing was compared", never "edit the overlays"


_SPEC_EPILOG = """\b
Examples:
  suno-api spec diff spec/suno-api.yaml ~/Downloads/suno-api.yaml
  suno-api spec coverage"""


@cli.group(
    cls=_SpecGroup,
    epilog=_SPEC_EPILOG,
    short_help="Upstream published a new spec: what changes, do the overlays still fit.",
)
def spec() -> None:
    """Compare upstream specs and check that the overlays and rules still cover them (needs a checkout)."""


_SPEC_CODES = """\b
Exit codes (those of `make spec-diff`):
  0    nothing changed; the overlays apply and the rules cover NEW
  1    the API surface changed; the overlays apply and the rules cover NEW
  2    edit the overlays first (a broken action, an unflattened wrapper, a coverage gap)
  3    nothing was compared (bad arguments, an unreadable or invalid spec)"""

_DIFF_EPILOG = f"""\b
Examples:
  suno-api spec diff spec/suno-api.yaml ~/Downloads/suno-api.yaml
  suno-api spec diff generated/suno-api.effective.json spec/suno-api.yaml   # include your rule edits
  suno-api spec diff spec/suno-api.yaml new.yaml --json | tail -n 1 | jq .report.coverage

Both sides are compared as effective specs (the overlays applied): the API surface, overlay health and rules
coverage. The README's "Upstream published a new spec" walks through the whole job.

{_SPEC_CODES}"""


def _root_option(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--root",
        type=click.Path(file_okay=False, exists=True, path_type=Path),
        help="The checkout whose overlays/ and spec/ to use [default: this one].",
    )(function)


@spec.command("diff", epilog=_DIFF_EPILOG, short_help="What a new upstream spec changes, and what to edit.")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@_root_option
@_output_options
@click.pass_context
def spec_diff(ctx: click.Context, old: Path, new: Path, root: Path | None) -> None:
    """Compare the vendored spec OLD with a candidate NEW (python -m suno_api_build._specdiff OLD NEW)."""
    _spec_report(ctx, lambda specdiff: specdiff.compare(old, new, root=root))


_COVERAGE_EPILOG = f"""\b
Examples:
  suno-api spec coverage                      # spec/suno-api.yaml
  suno-api spec coverage ~/Downloads/suno-api.yaml

{_SPEC_CODES}"""


@spec.command("coverage", epilog=_COVERAGE_EPILOG, short_help="Do the overlays apply and the rules cover a spec.")
@click.argument("spec_path", metavar="[SPEC]", required=False, type=click.Path(path_type=Path))
@_root_option
@_output_options
@click.pass_context
def spec_coverage(ctx: click.Context, spec_path: Path | None, root: Path | None) -> None:
    """Check overlay health and rules coverage of SPEC (default spec/suno-api.yaml)."""

    def check(specdiff: ModuleType) -> Any:
        checkout = root or Path(__file__).resolve().parents[2]
        return specdiff.check_spec_coverage(spec_path or checkout / "spec" / "suno-api.yaml", root=root)

    _spec_report(ctx, check)


def _spec_report(ctx: click.Context, make: Callable[[ModuleType], Any]) -> NoReturn:
    state = ctx.ensure_object(_State)
    specdiff = importlib.import_module("suno_api_build._specdiff")
    build = importlib.import_module("suno_api_build._build")
    try:
        report = make(specdiff)
    except build.BuildError as exc:
        raise _CommandError(_SPEC_EXIT_ERROR, str(exc), kind="SpecError") from exc
    code = int(report.exit_code)
    if state.json:
        state.result(code, report=report.to_dict())
    else:
        click.echo(state.redact(report.to_text()), nl=False)
    ctx.exit(code)


# --- entry point ------------------------------------------------------------------------------------------------


def _interrupt_on_sigterm() -> None:
    """Turn SIGTERM into ``_Terminated``, so that a killed download removes its partial file too."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        del signum, frame
        raise _Terminated

    with contextlib.suppress(ValueError, OSError, AttributeError):  # not the main thread, or no SIGTERM here
        if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
            signal.signal(signal.SIGTERM, interrupt)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``suno-api`` with ``argv`` (default: the process's arguments); return the exit code."""
    _interrupt_on_sigterm()
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name=PROG, standalone_mode=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (EXIT_OK if exc.code is None else EXIT_INVALID)
    except BrokenPipeError:
        # The reader went away (`suno-api ... | head`): stop quietly, and keep Python from complaining at exit.
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return 128 + getattr(signal, "SIGPIPE", 13)
