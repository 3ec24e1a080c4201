"""``suno-api validate BODY.json``: check a request body against every rule; nothing is sent."""

from __future__ import annotations

from pathlib import Path
from typing import Final

import click

from suno_api import find_violations
from suno_api.cli._body import source_duration, violation_line
from suno_api.cli._examples import ExamplesCommand
from suno_api.cli._exit import ExitCode, exit_codes_help
from suno_api.cli._group import violation_json
from suno_api.cli._options import INPUT_FILE, audio_options, load_json, output_options
from suno_api.cli._output import output_of

EPILOG: Final = f"""\b
Examples:
  suno-api validate body.json
  cat body.json | suno-api validate -
  suno-api validate body.json --audio-duration 95     # also checks {{continue_at}} against the length
  suno-api validate body.json --json | jq -r '.violations[].rule_id'

Every violation is listed with its field, its rule id (stable: see overlays/rules.overlay.yaml) and what to
change. Nothing is sent anywhere.

{exit_codes_help()}"""


@click.command(cls=ExamplesCommand, epilog=EPILOG, short_help="Check a request body against every rule; send nothing.")
@click.argument("body_file", metavar="BODY.json", type=INPUT_FILE)
@audio_options
@output_options
@click.pass_context
def validate(ctx: click.Context, body_file: str, audio_duration: float | None, audio_file: Path | None) -> None:
    """Check the upload-extend body in BODY.json ('-': standard input); exit 0 when valid, else 1."""
    output = output_of(ctx)
    body = load_json(body_file, "the body")
    violations = find_violations(body, audio_duration=source_duration(audio_duration, audio_file), cautions=True)
    if not violations:
        output.say("valid: the body passes every rule")
        output.result(ExitCode.OK, valid=True, violations=[])
        return
    count = len(violations)
    output.say(f"invalid: the body has {count} problem{'s' if count != 1 else ''}:")
    for violation in violations:
        output.say(violation_line(violation, with_options=False))
    output.result(ExitCode.INVALID, valid=False, violations=[violation_json(violation) for violation in violations])
    ctx.exit(ExitCode.INVALID)
