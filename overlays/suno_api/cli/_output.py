"""Output of one invocation: result lines on standard output, progress and errors on standard error, secrets never.

With ``--json`` every line of standard output is one JSON object with snake_case keys of our own (``task_id``,
``exit_code``); payloads of the spec (a track) keep the spec's names. Secrets are replaced in every string value
*before* it is serialised, so a key holding a quote or a backslash cannot reach the output in its escaped form, and the
names of the object (ours or the spec's, never secrets) stay intact.
"""

from __future__ import annotations

import importlib
import json
import logging
import math
import sys
from collections.abc import Iterable
from types import ModuleType
from typing import Any, Final

import attrs
import click

import suno_api
from suno_api.cli._exit import ExitCode

_NON_FINITE: Final = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}
PROG: Final = "suno-api"
DISTRIBUTION: Final = "suno-upload-extend"

# The "type" of an error in --json output, for the errors the command line reports itself.
_KIND_BY_CODE: Final[dict[int, str]] = {
    ExitCode.INVALID: "InvalidInput",
    ExitCode.USAGE: "UsageError",
    ExitCode.UNKNOWN: "NotFinished",
    ExitCode.DOWNLOAD: "DownloadError",
}


def redact(text: str, secrets: Iterable[str]) -> str:
    """Return ``text`` with every secret, raw or escaped, replaced by ``[REDACTED]`` (``suno_api.redact``)."""
    chosen = [secret for secret in secrets if secret]
    return suno_api.redact(text, chosen) if chosen else text


def _scrub(value: Any, secrets: list[str]) -> Any:
    """Return ``value`` with every string value in it redacted, ready for a strict ``json.dumps``."""
    if isinstance(value, str):
        return redact(value, secrets)
    if isinstance(value, dict):
        return {str(key): _scrub(item, secrets) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(item, secrets) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        # --json is strict JSON: a NaN a user sent (and a violation reports) is shown in JavaScript's spelling.
        return _NON_FINITE[str(value)]
    if isinstance(value, int | float | bool) or value is None:
        return value
    return redact(str(value), secrets)


class CommandError(Exception):
    """An outcome the command line reports itself: an exit code, a one-line message, details for ``--json``."""

    def __init__(self, exit_code: int, message: str, *, kind: str | None = None, **details: Any) -> None:
        self.exit_code = exit_code
        self.message = message
        self.kind = kind or _KIND_BY_CODE.get(exit_code, "Error")
        self.details = details
        super().__init__(message)


def usage_error(message: str) -> CommandError:
    """Return the error of a usage problem found by a command itself (exit 2, nothing sent)."""
    return CommandError(ExitCode.USAGE, message)


def import_extra(module: str, extra: str, command: str) -> ModuleType:
    """Import ``module`` of an optional extra; exit 2 with the ``pip install`` line when it is missing."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        root = module.partition(".")[0]
        if (exc.name or "").startswith(f"{root}.") and sys.modules.get(root) is not None:
            raise  # the package is there but one of its own modules is not: a bug, not a missing extra
        raise CommandError(
            ExitCode.USAGE,
            f"`{PROG} {command}` needs the '{extra}' extra ({exc.name or module} is not installed):"
            f" pip install '{DISTRIBUTION}[{extra}]'",
            kind="MissingExtra",
            extra=extra,
        ) from exc


@attrs.define
class Output:
    """What one invocation prints through, and what it remembers for its error messages."""

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
    download: str | None = None

    def keep_secret(self, secret: str | None) -> None:
        """Redact ``secret`` from everything printed from now on."""
        if secret and secret not in self.secrets:
            self.secrets.append(secret)

    def redact(self, text: str) -> str:
        """Return ``text`` without any secret."""
        return redact(text, self.secrets)

    def out(self, text: str, *, nl: bool = True) -> None:
        """Print a result line (standard output; flushed, so a reader sees it at once)."""
        click.echo(self.redact(text), nl=nl)

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
        """Print one JSON line (``--json`` only); secrets are replaced before serialisation."""
        if self.json:
            # Redacted value by value above: a second pass over the text could only damage the object's names.
            click.echo(json.dumps(_scrub({"event": event, **data}, self.secrets), allow_nan=False))

    def result(self, exit_code: int, **data: Any) -> None:
        """Print the final JSON line (``--json`` only), once."""
        if self.json and not self.result_written:
            self.result_written = True
            self.emit("result", ok=exit_code == ExitCode.OK, exit_code=int(exit_code), **data)


def output_of(ctx: click.Context) -> Output:
    """Return the ``Output`` of this invocation (created on first use)."""
    return ctx.ensure_object(Output)


class _LogHandler(logging.Handler):
    """Prints the client's log on standard error: warnings (retries) always, the HTTP log with ``--debug``."""

    def __init__(self, output: Output) -> None:
        super().__init__(logging.DEBUG)
        self.output = output

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno < logging.WARNING and not self.output.debug:
            return
        try:
            self.output.err(f"{record.levelname.lower()}: {record.getMessage()}")
        except Exception:  # logging must never break the command
            self.handleError(record)


def capture_client_log(ctx: click.Context) -> None:
    """Route the ``suno_api`` logger through this invocation's output; restore it when the command ends."""
    logger = logging.getLogger("suno_api")
    handler = _LogHandler(output_of(ctx))
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)

    def restore() -> None:
        logger.removeHandler(handler)
        logger.setLevel(level)

    ctx.call_on_close(restore)
