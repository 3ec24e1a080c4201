"""Option types and the options several commands share; every value is checked before anything is sent.

click's ``FloatRange`` lets ``nan`` through (every comparison with it is false) and ``inf`` through an open upper
end, so numbers here go through ``Seconds``/``Number``, which refuse both as usage errors.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, TypeVar

import click

from suno_api.cli._exit import ExitCode
from suno_api.cli._output import CommandError, output_of

F = TypeVar("F", bound=Callable[..., Any])


class Number(click.ParamType[int | float, Any]):
    """A finite number; an integer stays an integer (``30`` is sent as ``30``, not ``30.0``)."""

    name = "number"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int | float:
        """Return ``value`` as an int when it is one, else as a finite float."""
        if isinstance(value, bool):
            self.fail(f"{value!r} is not a number", param, ctx)
        if isinstance(value, int):
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


class Seconds(click.ParamType[float, Any]):
    """A finite number of seconds within bounds (``nan`` and ``inf`` are usage errors, never "no limit")."""

    name = "seconds"

    def __init__(self, minimum: float | None = None, maximum: float | None = None, *, min_open: bool = False) -> None:
        self.minimum = minimum
        self.maximum = maximum
        self.min_open = min_open

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        """Return ``value`` as a float, or fail naming the bound it breaks."""
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number", param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        if self.minimum is not None and (number <= self.minimum if self.min_open else number < self.minimum):
            relation = ">" if self.min_open else ">="
            self.fail(f"{value!r} is not {relation} {self.minimum:g}", param, ctx)
        if self.maximum is not None and number > self.maximum:
            self.fail(f"{value!r} is not <= {self.maximum:g}", param, ctx)
        return number


NUMBER: Final = Number()

# Input files are opened by the command, not by click: click leaves a file it opened unclosed when a later
# option turns out to be missing.
INPUT_FILE: Final = click.Path(exists=True, dir_okay=False, allow_dash=True)


def apply(function: F, *decorators: Callable[[F], F]) -> F:
    """Apply ``decorators`` so that their options appear in ``--help`` in the order given."""
    for decorator in reversed(decorators):
        function = decorator(function)
    return function


def _set_json(ctx: click.Context, _: click.Parameter, value: bool) -> None:
    if value:
        output_of(ctx).json = True


def set_debug(ctx: click.Context, _: click.Parameter, value: bool) -> None:
    """Turn on ``--debug`` for this invocation (an eager callback)."""
    if value:
        output_of(ctx).debug = True


def output_options(function: F) -> F:
    """Add ``--json`` and ``--debug`` (every command has both)."""
    return apply(
        function,
        click.option(
            "--json",
            is_flag=True,
            expose_value=False,
            is_eager=True,
            callback=_set_json,
            help='Machine-readable output: one JSON object per line; the last has "event": "result".',
        ),
        click.option(
            "--debug",
            is_flag=True,
            expose_value=False,
            is_eager=True,
            callback=set_debug,
            help="On error, also print the traceback; show the HTTP log (the key redacted).",
        ),
    )


def audio_options(function: F) -> F:
    """Add ``--audio-duration`` and ``--audio-file`` (the audio-aware checks of ``extend`` and ``validate``)."""
    return apply(
        function,
        click.option(
            "--audio-duration",
            type=Seconds(0, min_open=True),
            metavar="SECONDS",
            help="The source audio's length: also checks that the extension starts before its end, and the upload"
            " limit.",
        ),
        click.option(
            "--audio-file",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="A local copy of the source audio, to read its length (needs the 'audio' extra).",
        ),
    )


def read_input(path: str, what: str) -> bytes:
    """Return the bytes of ``path`` (``-``: standard input)."""
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CommandError(ExitCode.USAGE, f"cannot read {what} {path}: {exc.strerror or exc}") from exc


def load_json(path: str, what: str) -> Any:
    """Return the JSON document in ``path``; exit 1 when it is not UTF-8 JSON."""
    shown = "from standard input" if path == "-" else path
    data = read_input(path, what)
    try:
        return json.loads(data)
    except UnicodeDecodeError as exc:
        raise CommandError(ExitCode.INVALID, f"{what} {shown} is not UTF-8 text: {exc}") from exc
    except RecursionError as exc:
        raise CommandError(ExitCode.INVALID, f"{what} {shown} is nested too deeply to be a request body") from exc
    except ValueError as exc:
        raise CommandError(ExitCode.INVALID, f"{what} {shown} is not JSON: {exc}") from exc


def read_key_file(path: Path) -> str:
    """Return the API key held in ``path``; exit 2 when it cannot be read or is empty."""
    try:
        key = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(ExitCode.USAGE, f"cannot read the API key file {path}: {exc}") from exc
    if not key:
        raise CommandError(ExitCode.USAGE, f"the API key file {path} is empty")
    return key


def api_key_file_option(function: F) -> F:
    """Add ``--api-key-file`` (the key itself is never an option: a command line is visible to other users)."""
    return click.option(
        "--api-key-file",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="A file holding the API key [default: the KIE_API_KEY environment variable]. The key is never printed.",
    )(function)
