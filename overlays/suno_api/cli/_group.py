"""The click group of ``suno-api``: every outcome of a command becomes one line and one ``ExitCode``.

``classify`` is the one function that maps an exception to its exit code, message and ``--json`` details.
"""

from __future__ import annotations

import shlex
import traceback
from typing import Any

import click

from suno_api import (
    APIError,
    ConfigurationError,
    ResponseDecodeError,
    SubmitOutcomeUnknownError,
    TaskFailedError,
    TaskRecord,
    TransportError,
    ValidationError,
    Violation,
    WaitTimeoutError,
    WebhookVerificationError,
)
from suno_api.cli._examples import ExamplesEpilog
from suno_api.cli._exit import ExitCode
from suno_api.cli._lib import DownloadError
from suno_api.cli._output import PROG, CommandError, Output, output_of
from suno_api.spec import names


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl+C so that the same clean-up runs (a partial download is removed)."""


def violation_json(violation: Violation) -> dict[str, Any]:
    """Return a violation as ``--json`` shows it."""
    return {
        "field": violation.field,
        "rule_id": violation.rule_id,
        "message": violation.message,
        "value": violation.value,
    }


def record_json(record: TaskRecord) -> dict[str, Any]:
    """Return a task record as ``--json`` shows it (the tracks keep the spec's field names)."""
    return {
        "task_id": record.task_id,
        "status": record.status_name,
        "succeeded": record.succeeded,
        "failed": record.failed,
        "error_code": record.error_code_value,
        "error_message": record.error_message_value,
        "tracks": [track.to_dict() for track in record.tracks],
    }


def base_url_option(base_url: str | None) -> str:
    """Return `` --base-url URL`` for a command to suggest, or nothing for the default."""
    return f" --base-url {shlex.quote(base_url)}" if base_url else ""


def _after_submit(output: Output) -> str:
    if output.submitted and output.resume:
        return f"; the task exists and keeps running: resume with `{output.resume}`"
    return ""


def _interrupted(exc: KeyboardInterrupt, output: Output, details: dict[str, Any]) -> tuple[ExitCode, str]:
    terminated = isinstance(exc, Terminated)
    what = "terminated" if terminated else "interrupted"
    details["type"] = what.capitalize()
    if output.submitting:
        message = (
            f"{what} while submitting: a task may have been created; check your {names().callback_url} or the kie.ai"
            " task list before resubmitting"
        )
    elif output.resume:
        message = f"{what}; task {output.task_id} keeps running: resume with `{output.resume}`"
    else:
        message = what
    return (ExitCode.TERMINATED if terminated else ExitCode.INTERRUPTED), message


def classify(exc: BaseException, output: Output) -> tuple[int, str, dict[str, Any]]:  # noqa: PLR0911, PLR0912 - one branch per row of the exit-code table
    """Return (exit code, one-line message, details for ``--json``) for an exception that ended a command."""
    details: dict[str, Any] = {"type": type(exc).__name__}
    if isinstance(exc, CommandError):
        return exc.exit_code, exc.message, {"type": exc.kind, **exc.details}
    if isinstance(exc, ValidationError):
        details["violations"] = [violation_json(violation) for violation in exc.violations]
        return ExitCode.INVALID, str(exc), details
    if isinstance(exc, ConfigurationError):
        return ExitCode.USAGE, str(exc), details
    if isinstance(exc, SubmitOutcomeUnknownError):
        details["attempts"] = exc.attempts
        message = (
            f"the submit was sent and may have created a task ({exc.cause}); do not resubmit blindly: check your"
            f" {names().callback_url} or the kie.ai task list first (--retry-submit lets {PROG} resend in such cases,"
            " at the risk of a second task)"
        )
        return ExitCode.UNKNOWN, message, details
    if isinstance(exc, WaitTimeoutError):
        details.update(task_id=exc.task_id, timeout=exc.timeout, last_status=exc.last_status)
        resume = output.resume or f"{PROG} status {exc.task_id} --wait"
        message = (
            f"task {exc.task_id} did not finish within {exc.timeout:g} s (last status: {exc.last_status or 'unknown'});"
            f" it keeps running: check again with `{resume}`"
        )
        return ExitCode.UNKNOWN, message, details
    if isinstance(exc, TaskFailedError):
        details.update(
            task_id=exc.task_id, status=exc.status, error_code=exc.error_code, error_message=exc.error_message
        )
        if isinstance(exc.record, TaskRecord):
            details["task"] = record_json(exc.record)
        return ExitCode.TASK_FAILED, str(exc), details
    if isinstance(exc, WebhookVerificationError):
        return ExitCode.INVALID, f"the callback fails verification: {exc}", details
    if isinstance(exc, DownloadError):
        details["url"] = exc.url
        hint = ""
        if output.task_id:
            again = f"{PROG} status {shlex.quote(output.task_id)}{base_url_option(output.base_url)} --download"
            hint = f"; the task succeeded: download again with `{again} {shlex.quote(output.download or 'DIR')}`"
        return ExitCode.DOWNLOAD, f"{exc}{hint}", details
    if isinstance(exc, APIError):
        details.update(code=exc.code, http_status=exc.http_status, task_id=exc.task_id, message=exc.message)
        return ExitCode.API, f"the service answered an error: {exc}{_after_submit(output)}", details
    if isinstance(exc, TransportError | ResponseDecodeError):
        return ExitCode.API, f"{exc}{_after_submit(output)}", details
    if isinstance(exc, KeyboardInterrupt):
        code, message = _interrupted(exc, output, details)
        return code, message, details
    message = f"internal error: {type(exc).__name__}: {exc} (rerun with --debug for the traceback, and report it)"
    return ExitCode.INTERNAL, message, details


class SunoGroup(ExamplesEpilog, click.Group):
    """A group that turns every exception of its commands into one line and an exit code."""

    #: The exit code of a usage error (a bad option, a missing argument) in this group's commands.
    usage_exit_code: int = ExitCode.USAGE

    def invoke(self, ctx: click.Context) -> Any:
        """Run the chosen command; report what ended it."""
        output = output_of(ctx)
        options = ctx.args[: ctx.args.index("--")] if "--" in ctx.args else ctx.args
        if "--json" in options:
            output.json = True  # before parsing: a usage error in the command gets its JSON result line too
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
                output.result(exc.exit_code, error={"type": type(exc).__name__, "message": exc.format_message()})
            raise
        except (Exception, KeyboardInterrupt) as exc:
            raise self._fail(output, exc) from None

    @staticmethod
    def _fail(output: Output, exc: BaseException) -> click.exceptions.Exit:
        code, message, details = classify(exc, output)
        if output.debug:
            output.err("".join(traceback.format_exception(exc)).rstrip())
        output.err(f"error: {message}")
        output.result(code, error={**details, "message": message})
        return click.exceptions.Exit(code)
