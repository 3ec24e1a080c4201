"""The request body on the command line: one option per field, reading it from files, reporting violations.

Shared by ``extend`` (which builds and sends a body) and ``validate`` (which only checks one).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, TypeVar

import attrs
import click

from suno_api import Violation, find_violations, read_audio_duration
from suno_api.cli._exit import ExitCode
from suno_api.cli._group import violation_json
from suno_api.cli._options import NUMBER
from suno_api.cli._output import PROG, CommandError
from suno_api.spec import enum_values

F = TypeVar("F", bound=Callable[..., Any])

MOCK_KEY: Final = "mock-api-key"
QUICK_BODY: Final = (
    "--upload-url https://example.com/song.mp3 --default --instrumental --continue-at 30 --model V4_5"
    " --callback-url https://example.com/callback"
)
# The same, wrapped for --help (80 columns).
QUICK_EXAMPLE: Final = f"""\
  KIE_API_KEY={MOCK_KEY} {PROG} extend --base-url http://127.0.0.1:8765 \\
      --upload-url https://example.com/song.mp3 --default --instrumental \\
      --continue-at 30 --model V4_5 --callback-url https://example.com/callback \\
      --wait --download ./out"""

FIELDS_KEY: Final = "suno_api.fields"


def _known(enum: str, fallback: str) -> str:
    """Return the documented values of an enum of the effective spec, for help texts."""
    try:
        return ", ".join(str(value) for value in enum_values(enum))
    except (OSError, KeyError, ValueError):  # a broken install still gets its --help
        return fallback


@attrs.frozen
class Field:
    """A request field and the ``extend`` option that sets it."""

    option: str
    field: str
    metavar: str | None
    kind: Any
    help: str


FIELDS: Final = (
    Field("--upload-url", "uploadUrl", "URL", str, "Source audio: a public URL, at most 2 minutes long."),
    Field("--continue-at", "continueAt", "SECONDS", NUMBER, "Where the extension starts, 0 < SECONDS < length."),
    Field(
        "--model",
        "model",
        "MODEL",
        str,
        f"Must match the source music's model: {_known('SunoModel', 'see the spec')}.",
    ),
    Field(
        "--custom/--default",
        "defaultParamFlag",
        None,
        bool,
        "Custom mode (you give --style, --title and, with vocals, the lyrics in --prompt) or default mode"
        " (the service writes them). Sets defaultParamFlag.",
    ),
    Field("--instrumental/--vocals", "instrumental", None, bool, "No vocals, or vocals (required in both modes)."),
    Field("--prompt", "prompt", "TEXT", str, "Custom mode with vocals: the exact lyrics; else how to extend."),
    Field("--style", "style", "TEXT", str, "Music style, e.g. Jazz (custom mode)."),
    Field("--title", "title", "TEXT", str, "Track title (custom mode)."),
    Field("--negative-tags", "negativeTags", "TEXT", str, "Styles to keep out."),
    Field(
        "--vocal-gender", "vocalGender", "GENDER", str, f"Preferred voice: {_known('VocalGender', 'm, f')} (a hint)."
    ),
    Field("--style-weight", "styleWeight", "0..1", NUMBER, "Adherence to the style, in steps of 0.01."),
    Field("--weirdness-constraint", "weirdnessConstraint", "0..1", NUMBER, "Creative deviation, steps of 0.01."),
    Field("--audio-weight", "audioWeight", "0..1", NUMBER, "Weight of the source audio, in steps of 0.01."),
    Field("--persona-id", "personaId", "ID", str, "Persona to apply (custom mode)."),
    Field(
        "--callback-url",
        "callBackUrl",
        "URL",
        str,
        "Where the service POSTs progress; required even with --wait (the receiver may ignore it).",
    ),
)
OPTION_FOR_FIELD: Final = {field.field: field.option for field in FIELDS}


def _store_field(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    if value is not None and param.name is not None:
        ctx.meta.setdefault(FIELDS_KEY, {})[param.name] = value


def field_options(function: F) -> F:
    """Add one option per request field; their values land in ``ctx.meta``, in the body's field names."""
    for field in reversed(FIELDS):
        function = click.option(
            field.option,
            field.field,
            type=None if field.kind is bool else field.kind,
            metavar=field.metavar,
            default=None,
            expose_value=False,
            callback=_store_field,
            help=field.help,
        )(function)
    return function


def violation_line(violation: Violation, *, with_options: bool) -> str:
    """Return one violation as a line of the error message."""
    option = OPTION_FOR_FIELD.get(violation.field) if with_options else None
    where = f"{violation.field or '<body>'}" + (f" ({option})" if option else "")
    shown = "" if violation.value is None else f" (got {json.dumps(violation.value, default=str)[:80]})"
    return f"  - {where} [{violation.rule_id}]: {violation.message}{shown}"


def source_duration(duration: float | None, audio_file: Path | None) -> float | None:
    """Return the source audio's length: ``--audio-duration``, else read from ``--audio-file`` (once)."""
    if duration is not None or audio_file is None:
        return duration
    try:
        return read_audio_duration(audio_file)  # ValidationError (exit 1) when it is not audio
    except ImportError as exc:  # mutagen, the 'audio' extra, is not installed
        raise CommandError(ExitCode.USAGE, str(exc)) from exc


def check_body(body: Any, duration: float | None) -> None:
    """Exit 1, listing every violation, unless ``body`` passes every rule; nothing is sent either way."""
    violations = find_violations(body, audio_duration=duration, cautions=True)
    if violations:
        count = len(violations)
        raise CommandError(
            ExitCode.INVALID,
            f"the body has {count} problem{'s' if count != 1 else ''}; nothing was sent:\n"
            + "\n".join(violation_line(violation, with_options=True) for violation in violations),
            kind="ValidationError",
            violations=[violation_json(violation) for violation in violations],
        )
