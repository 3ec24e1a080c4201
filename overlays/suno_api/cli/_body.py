"""The request body on the command line: one option per field, reading it from files, reporting violations.

Shared by ``extend`` (which builds and sends a body) and ``validate`` (which only checks one). The options come
from the request schema: one per property (its name, type and required-ness), described by the field's
``x-field-help`` entry in the rules overlay, whose bounds, steps, enum values and durations are placeholders
filled from the schema and the audio rules; so no help text can state a limit the spec no longer has.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final, TypeVar

import attrs
import click

from suno_api import Violation, find_violations, read_audio_duration

# The text filling is the library's (the messages of find_violations use it too); suno_api.spec does not
# re-export it yet.
from suno_api._messages import field_values, fill, resolved
from suno_api.cli._exit import ExitCode
from suno_api.cli._group import violation_json
from suno_api.cli._options import NUMBER
from suno_api.cli._output import CommandError
from suno_api.spec import REQUEST_SCHEMA, effective_spec, schema

F = TypeVar("F", bound=Callable[..., Any])

FIELDS_KEY: Final = "suno_api.fields"
_HELP_KEY: Final = "x-field-help"
_KINDS: Final[Mapping[str, Any]] = {"number": NUMBER, "integer": click.INT, "boolean": bool}


@attrs.frozen
class Field:
    """A request field and the ``extend`` option that sets it."""

    option: str
    field: str
    metavar: str | None
    kind: Any
    help: str
    required: bool = False


def _kebab(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name).lower()


def _first_sentence(text: Any) -> str:
    """Return the first sentence of an upstream description, braces escaped: it is no template of ours."""
    sentence = str(text or "").split(". ")[0].strip().rstrip(".")
    return (sentence + ".").replace("{", "{{").replace("}", "}}") if sentence else ""


def _metavar(node: Mapping[str, Any], values: Mapping[str, str]) -> str | None:
    kind = node.get("type")
    if kind == "boolean":
        return None
    if node.get("format") == "uri":
        return "URL"
    if kind in ("number", "integer"):
        if "minimum" in values and "maximum" in values:
            return f"{values['minimum']}..{values['maximum']}"
        return "NUMBER" if kind == "number" else "INTEGER"
    return "TEXT"


def _field(name: str, node: Mapping[str, Any], required: bool, described: Mapping[str, Any]) -> Field:
    """Build one field's option from its schema and its x-field-help entry (``described``)."""
    subject = f"{_HELP_KEY}.{name}"
    values = field_values(schema(REQUEST_SCHEMA), name, effective_spec())
    kind = _KINDS.get(str(node.get("type")), str)
    option = described.get("option") or (
        f"--{_kebab(name)}/--no-{_kebab(name)}" if kind is bool else f"--{_kebab(name)}"
    )
    template = described.get("help") or _first_sentence(node.get("description"))
    text = fill(str(template), values, subject=f"{subject}.help")
    metavar = described.get("metavar")
    return Field(
        option=str(option),
        field=name,
        metavar=fill(str(metavar), values, subject=f"{subject}.metavar") if metavar else _metavar(node, values),
        kind=kind,
        help=f"{text} Required." if required else text,
        required=required,
    )


@functools.cache
def fields() -> tuple[Field, ...]:
    """Return one option per property of the request schema: the required fields first, in schema order.

    Names, types and required-ness come from the schema; each help text from the field's ``x-field-help``
    entry, its bounds, steps, lists and durations filled from the schema and the audio rules.
    """
    try:
        request = schema(REQUEST_SCHEMA)
        document = effective_spec()
    except (OSError, KeyError):  # a broken install still gets its --help; validating says what is missing
        return ()
    properties: Mapping[str, Any] = request.get("properties", {})
    required = set(request.get("required", ()))
    helps: Mapping[str, Any] = request.get(_HELP_KEY, {})
    order = sorted(properties, key=lambda name: name not in required)  # stable: schema order within each group
    return tuple(
        _field(name, resolved(properties[name], document), name in required, helps.get(name, {})) for name in order
    )


def option_for(field: str) -> str | None:
    """Return the ``extend`` option that sets the request field ``field`` (``None`` if it has none)."""
    return next((candidate.option for candidate in fields() if candidate.field == field), None)


def _store_field(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    if value is not None and param.name is not None:
        ctx.meta.setdefault(FIELDS_KEY, {})[param.name] = value


def field_options(function: F) -> F:
    """Add one option per request field; their values land in ``ctx.meta``, in the body's field names."""
    for field in reversed(fields()):
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
    option = option_for(violation.field) if with_options else None
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
