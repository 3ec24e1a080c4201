"""Worked examples that name spec values (a model, a status, a field's option), filled in when they are shown.

Help texts are built at import, when the spec must not be read yet (a name upstream removed would break
``import suno_api.cli``). They hold tokens instead, ``{model}`` or ``{quick_example}``, which ``fill`` replaces from
the effective spec when ``--help`` or the mock's banner is printed: an upstream rename or removal changes the
examples with it, and they never offer a value the client would refuse.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import click

from suno_api.cli._output import PROG
from suno_api.spec import enum_values, names


def example_model() -> str:
    """Return the model the examples use: V4_5 while the spec lists it, else the first documented model."""
    try:
        return names().model_v4_5
    except LookupError:
        return str(enum_values("SunoModel")[0])


def example_failure() -> str:
    """Return a failure outcome the mock serves, for its examples: the audio failure, else any failed status."""
    try:
        return names().status_generate_audio_failed
    except LookupError:
        return next((str(value) for value in enum_values("TaskStatus") if "FAIL" in str(value)), "")


def _option(field: str, value: Any) -> str:
    """Return the ``extend`` option setting ``field`` to ``value`` (a flag pair picks its half)."""
    from suno_api.cli._body import option_for  # noqa: PLC0415 - _body imports this module's users

    option = option_for(field) or f"--{field}"
    if isinstance(value, bool):
        on, _, off = option.partition("/")
        return on if value else (off or f"--no-{on.removeprefix('--')}")
    return f"{option} {value}"


def quick_body() -> str:
    """Return the quickstart's body as ``extend`` options: default mode, instrumental, 30 s in, a documented model."""
    spec_names = names()
    body = {
        spec_names.upload_url: "https://example.com/song.mp3",
        spec_names.default_param_flag: False,
        spec_names.instrumental: True,
        spec_names.continue_at: 30,
        spec_names.model: example_model(),
        spec_names.callback_url: "https://example.com/callback",
    }
    return " ".join(_option(field, value) for field, value in body.items())


def quick_example(key: str) -> str:
    """Return the quickstart against the sandbox, wrapped for ``--help`` (80 columns)."""
    words = [f"KIE_API_KEY={key}", PROG, "extend", "--base-url", "http://127.0.0.1:8765"]
    words += [*quick_body().split(" "), "--wait", "--download", "./out"]
    lines, line = [], "  "
    for word in words:
        glue = "" if line.endswith("  ") and not line.strip() else " "
        # options stay with their value: break before a word that starts an option
        if len(line) + len(glue) + len(word) > 76 and word.startswith("--"):
            lines.append(line + " \\")
            line = "      "
            glue = ""
        line += glue + word
    return "\n".join([*lines, line])


_TOKENS: Mapping[str, Callable[[], str]] = {
    "{model}": example_model,
    "{failed_status}": example_failure,
    "{quick_example}": lambda: quick_example("mock-api-key"),
    "{continue_at}": lambda: names().continue_at,
}


def fill(text: str) -> str:
    """Replace the example tokens in ``text`` with today's spec values; text without tokens is returned as is."""
    for token, value in _TOKENS.items():
        if token in text:
            text = text.replace(token, value())
    return text


class ExamplesEpilog(click.Command):
    """Fills the example tokens of the epilog when the help is shown (a base of our commands and groups)."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Write the epilog with its examples filled in."""
        epilog = self.epilog
        self.epilog = fill(epilog) if epilog else epilog
        try:
            super().format_epilog(ctx, formatter)
        finally:
            self.epilog = epilog


class ExamplesCommand(ExamplesEpilog):
    """A command whose epilog holds example tokens (``{model}``, ``{quick_example}``), filled when shown."""
