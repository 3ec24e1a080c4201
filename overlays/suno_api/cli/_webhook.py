"""``suno-api webhook verify``: check a callback's signature and timestamp."""

from __future__ import annotations

from typing import Final

import click

from suno_api import ResponseDecodeError, spec, verify_webhook
from suno_api.cli._exit import ExitCode, exit_codes_help
from suno_api.cli._group import SunoGroup
from suno_api.cli._lib import default_tolerance
from suno_api.cli._options import INPUT_FILE, Seconds, output_options, read_input
from suno_api.cli._output import CommandError, output_of

WEBHOOK_SECRET_ENV: Final = "SUNO_WEBHOOK_SECRET"  # noqa: S105 - a variable name, not a secret

_GROUP_EPILOG: Final = f"""\b
Examples:
  {WEBHOOK_SECRET_ENV}=... suno-api webhook verify --timestamp T --signature S callback.json"""

_VERIFY_EPILOG: Final = f"""\b
Examples:
  export {WEBHOOK_SECRET_ENV}=...        # the webhook key of the kie.ai account
  suno-api webhook verify --timestamp 1763169558 --signature 'q1N0...=' callback.json
  suno-api webhook verify --timestamp "$TS" --signature "$SIG" - < callback.json
  # a callback captured earlier: check its timestamp against the time it arrived
  suno-api webhook verify --timestamp 1763169558 --signature 'q1N0...=' --now 1763169560 callback.json

The signature covers the body's data.task_id and the timestamp, not the rest of the body: confirm a result
with `suno-api status TASK_ID` before acting on its tracks. Exit 0: valid; 1: it fails verification.

{exit_codes_help()}"""


@click.group(cls=SunoGroup, epilog=_GROUP_EPILOG, short_help="Callbacks: verify a signed callback.")
def webhook() -> None:
    """Work with the callbacks the service POSTs to your callBackUrl."""


@webhook.command("verify", epilog=_VERIFY_EPILOG, short_help="Check a callback's signature and timestamp.")
@click.argument("body_file", metavar="BODY.json", type=INPUT_FILE)
@click.option(
    "--secret",
    envvar=WEBHOOK_SECRET_ENV,
    show_envvar=True,
    required=True,
    help="The webhook key. Prefer the environment variable: a command line is visible to other users.",
)
@click.option("--timestamp", required=True, help="The callback's timestamp header (unix seconds).")
@click.option("--signature", required=True, help="The callback's signature header.")
@click.option(
    "--tolerance",
    type=Seconds(0),
    default=default_tolerance(),
    show_default=True,
    metavar="SECONDS",
    help="Largest accepted distance between the timestamp and now.",
)
@click.option(
    "--now", type=Seconds(), metavar="UNIX_TIME", help="Check the timestamp against this time, not the clock."
)
@output_options
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
    output = output_of(ctx)
    output.keep_secret(secret)
    body = read_input(body_file, "the callback body")
    spec_names = spec.names()
    headers = {spec_names.timestamp_header: timestamp, spec_names.signature_header: signature}
    try:
        event = verify_webhook(body, headers, secret=secret, tolerance=tolerance, now=now)
    except ResponseDecodeError as exc:
        raise CommandError(ExitCode.INVALID, f"the signature matches but the body is not a callback: {exc}") from exc
    stage = event.callback_type if event.callback_type is not None else event.status
    output.say(
        f"valid: callback for task {event.task_id} ({stage or 'no stage'}, code {event.code},"
        f" {len(event.tracks)} track{'s' if len(event.tracks) != 1 else ''})"
    )
    output.result(
        ExitCode.OK,
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
