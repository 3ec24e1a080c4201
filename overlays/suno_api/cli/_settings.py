"""Options generated from a settings table (``suno_conformance.Setting``): the mock's and the suite's.

The table is the one place a setting's option, variable, type and help are declared; the command line only
converts each row into a ``click.Option`` and hands the values given back as overrides of ``from_env``. Every
option defaults to "not given", so the settings class still reads the environment and its own defaults.
Secrets (``secret=True``) are never options: a command line is visible to other users.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import click

from suno_api.cli._examples import ExamplesCommand
from suno_api.cli._options import Seconds


class SettingLike(Protocol):
    """What the converter reads of a setting (``suno_conformance.Setting`` has it)."""

    @property
    def name(self) -> str: ...
    @property
    def env(self) -> str | None: ...
    @property
    def kind(self) -> str: ...
    @property
    def help(self) -> str: ...
    @property
    def default(self) -> str: ...
    @property
    def choices(self) -> tuple[str, ...]: ...
    @property
    def secret(self) -> bool: ...
    @property
    def option(self) -> str: ...


_METAVARS = {"int": "N", "float": "NUMBER", "str": "TEXT", "path": "PATH", "list": "A,B"}


def _type(setting: SettingLike) -> click.ParamType[Any, Any]:
    if setting.kind == "int":
        return click.INT
    if setting.kind == "float":
        return Seconds()
    if setting.kind == "choice":
        return click.Choice(setting.choices)
    if setting.kind == "path":
        return click.Path(path_type=Path)
    if setting.kind in ("str", "list"):
        return click.STRING
    raise ValueError(f"setting {setting.name!r} has a kind the command line does not know: {setting.kind!r}")


def _help(setting: SettingLike) -> str:
    where = [f"env {setting.env}"] if setting.env else []
    if setting.default:
        where.append(f"default: {setting.default}")
    if setting.kind == "list":
        where.append("repeatable or comma-separated")
    return f"{setting.help} [{'; '.join(where)}]" if where else setting.help


def setting_option(setting: SettingLike) -> click.Option:
    """Return the ``click.Option`` of ``setting`` (``bool``: a ``--x/--no-x`` switch; ``list``: repeatable)."""
    if setting.secret:
        raise ValueError(f"setting {setting.name!r} is a secret: it is read from {setting.env}, never an option")
    if setting.kind == "bool":
        negative = "--no-" + setting.option.removeprefix("--")
        return click.Option(
            [f"{setting.option}/{negative}", setting.name], default=None, help=_help(setting), show_default=False
        )
    metavar = _METAVARS.get(setting.kind)
    return click.Option(
        [setting.option, setting.name],
        type=_type(setting),
        default=None,
        multiple=setting.kind == "list",
        metavar=metavar,
        help=_help(setting),
    )


def setting_options(settings: Sequence[SettingLike]) -> list[click.Option]:
    """Return the options of every setting that is not a secret, in the table's order."""
    return [setting_option(setting) for setting in settings if not setting.secret]


def overrides(settings: Sequence[SettingLike], values: Mapping[str, Any]) -> dict[str, Any]:
    """Return the settings given on the command line, as ``from_env(**overrides)`` takes them."""
    chosen: dict[str, Any] = {}
    for setting in settings:
        if setting.secret or setting.name not in values:
            continue
        value = values[setting.name]
        if setting.kind == "list":
            parts = tuple(part.strip() for item in value or () for part in str(item).split(",") if part.strip())
            if parts:
                chosen[setting.name] = parts
        elif value is not None:
            chosen[setting.name] = value
    return chosen


def secrets_help(settings: Sequence[SettingLike]) -> str:
    """Return the help lines naming the secrets, which come from the environment only."""
    lines = [f"  {setting.env:<28} {setting.help}" for setting in settings if setting.secret and setting.env]
    return "\n".join(["\b", "From the environment only (secrets are never options):", *lines]) if lines else ""


class SettingsCommand(ExamplesCommand):
    """A command whose options come from a settings table, loaded the first time the command is used.

    The table belongs to an optional extra: loading it lazily keeps ``suno-api --help`` and every other command
    working without the extra, and lets this command say which extra to install.
    """

    def __init__(self, *args: Any, load_settings: Callable[[], Sequence[SettingLike]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._load_settings = load_settings
        self._settings: Sequence[SettingLike] | None = None

    @property
    def settings(self) -> Sequence[SettingLike]:
        """The table, loaded on first use (raises what the loader raises, e.g. "install the extra")."""
        if self._settings is None:
            settings = self._load_settings()
            self.params[:0] = setting_options(settings)
            self._settings = settings
        return self._settings

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        """Return the table's options, then the command's own."""
        self.settings  # noqa: B018 - loads the table into self.params, once
        return super().get_params(ctx)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Write the epilog, then the secrets the table reads from the environment only."""
        super().format_epilog(ctx, formatter)
        if text := secrets_help(self.settings):
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(text)
