"""Options generated from a settings table: each kind becomes the right click option; secrets never do."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from suno_api.cli import ExitCode
from suno_api.cli._group import SunoGroup
from suno_api.cli._output import CommandError
from suno_api.cli._settings import SettingsCommand, overrides, setting_option, setting_options
from suno_conformance import Setting

TABLE = (
    Setting("host", "X_HOST", "str", "Where to listen.", "127.0.0.1"),
    Setting("port", "X_PORT", "int", "Port.", "0"),
    Setting("rate", "X_RATE", "float", "Requests per second.", "unlimited"),
    Setting("live", "X_LIVE", "bool", "Treat the target as live.", "by host"),
    Setting("tone", "X_TONE", "choice", "Error tone.", "upstream", ("upstream", "status")),
    Setting("report", None, "path", "Where the report goes."),
    Setting("api_keys", "X_KEYS", "list", "Accepted tokens."),
    Setting("token", "X_TOKEN", "str", "The bearer token.", secret=True),
)


def _command(table: Sequence[Setting] = TABLE, seen: list[dict[str, Any]] | None = None) -> click.Group:
    def load() -> Sequence[Setting]:
        return table

    @click.group(cls=SunoGroup)
    def root() -> None:
        """Root."""

    @root.command("run", cls=SettingsCommand, load_settings=load)
    @click.pass_context
    def run(ctx: click.Context, /, **values: Any) -> None:
        command = ctx.command
        assert isinstance(command, SettingsCommand)
        if seen is not None:
            seen.append(overrides(command.settings, values))

    return root


def _given(*args: str) -> dict[str, Any]:
    seen: list[dict[str, Any]] = []
    result = CliRunner().invoke(_command(seen=seen), ["run", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return seen[0]


def test_nothing_given_overrides_nothing() -> None:
    """Defaults stay the settings class's (environment, then its own defaults)."""
    assert _given() == {}


def test_each_kind_is_parsed_into_its_type() -> None:
    given = _given(
        "--host", "::1", "--port", "8", "--rate", "2.5", "--no-live", "--tone", "status", "--report", "r.json"
    )
    assert given == {"host": "::1", "port": 8, "rate": 2.5, "live": False, "tone": "status", "report": Path("r.json")}
    assert _given("--live") == {"live": True}


def test_a_list_is_repeatable_and_comma_separated() -> None:
    assert _given("--api-keys", "a,b", "--api-keys", " c ") == {"api_keys": ("a", "b", "c")}


@pytest.mark.parametrize(
    "args",
    [("--port", "x"), ("--rate", "nan"), ("--rate", "inf"), ("--tone", "other"), ("--token", "t"), ("--live", "1")],
)
def test_bad_values_and_secrets_as_options_are_usage_errors(args: tuple[str, ...]) -> None:
    result = CliRunner().invoke(_command(), ["run", *args])
    assert result.exit_code == ExitCode.USAGE


def test_help_names_the_variable_and_the_default_and_lists_secrets_apart() -> None:
    text = CliRunner().invoke(_command(), ["run", "--help"]).output
    assert "[env X_PORT; default: 0]" in text
    assert "--live / --no-live" in text
    assert "--token" not in text
    assert "From the environment only (secrets are never options):" in text
    assert "X_TOKEN" in text


def test_a_secret_is_never_an_option() -> None:
    assert [option.name for option in setting_options(TABLE)] == [s.name for s in TABLE if not s.secret]
    with pytest.raises(ValueError, match="is a secret"):
        setting_option(TABLE[-1])


def test_an_unknown_kind_is_refused() -> None:
    odd: Any = Setting("odd", None, "str", "Odd.")
    object.__setattr__(odd, "kind", "matrix")
    with pytest.raises(ValueError, match="kind the command line does not know"):
        setting_option(odd)


def test_the_table_is_loaded_only_when_the_command_is_used() -> None:
    """A table of an extra that is not installed costs the other commands nothing; its command says so."""
    calls: list[str] = []

    def missing() -> Sequence[Setting]:
        calls.append("load")
        raise CommandError(ExitCode.USAGE, "install the extra")

    @click.group(cls=SunoGroup)
    def root() -> None:
        """Root."""

    @root.command("run", cls=SettingsCommand, load_settings=missing)
    def run(**values: Any) -> None:
        """Run."""

    @root.command("other")
    def other() -> None:
        """Other."""

    assert CliRunner().invoke(root, ["--help"]).exit_code == 0
    assert CliRunner().invoke(root, ["other"]).exit_code == 0
    assert calls == []
    result = CliRunner().invoke(root, ["run", "--help"])
    assert result.exit_code == ExitCode.USAGE
    assert "install the extra" in result.output
    assert calls == ["load"]
