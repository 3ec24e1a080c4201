"""``suno-api mock``: serve the sandbox on loopback until Ctrl+C; its options come from ``MOCK_SETTINGS``.

Needs the ``conformance`` extra; ``suno_conformance`` is imported only when the command runs.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any, Final

import click

from suno_api.cli._examples import quick_body
from suno_api.cli._exit import ExitCode
from suno_api.cli._options import output_options
from suno_api.cli._output import PROG, CommandError, Output, import_extra, output_of
from suno_api.cli._settings import SettingLike, SettingsCommand, overrides

EXTRA: Final = "conformance"


def _mock_package() -> ModuleType:
    return import_extra("suno_conformance.mock", EXTRA, "mock")


def mock_settings() -> Sequence[SettingLike]:
    """Return the mock's settings table, ``MOCK_SETTINGS`` (exit 2 naming the extra when it is not installed)."""
    return tuple(_mock_package().MOCK_SETTINGS)


def _uvicorn_logging() -> dict[str, Any]:
    """Return uvicorn's logging configuration with every handler on standard error (standard output is for results)."""
    config = importlib.import_module("uvicorn.config")
    logging_config: dict[str, Any] = json.loads(json.dumps(config.LOGGING_CONFIG))
    for handler in logging_config.get("handlers", {}).values():
        if handler.get("stream") == "ext://sys.stdout":
            handler["stream"] = "ext://sys.stderr"
    return logging_config


EPILOG: Final = """\b
Examples:
  suno-api mock --port 8765 &
  suno-api wait-ready http://127.0.0.1:8765 --timeout 10   # returns once it listens
{quick_example}
  suno-api mock --port 8765 --stage-seconds 0 --error-style status
  suno-api mock --port 0 --json       # first line: {"event": "listening", "url": ...}

Per request: `X-Mock-Outcome: {failed_status}` (or `[mock:{failed_status}]` in the prompt) picks a
task's outcome; `X-Mock-Fault: 500` injects a fault. See `GET /_mock` for the debug endpoints. Options default to
their SUNO_MOCK_* variables. Needs the 'conformance' extra.

\b
Exit codes: 0 stopped with Ctrl+C or SIGTERM; 2 a bad setting, the port is taken, or the extra is missing."""


def _announce(output: Output, banner: Callable[[Any, str], str], mock: Any, settings: Any, url: str) -> None:
    """Say where the mock listens: the mock's banner plus a suno-api line, or one JSON line."""
    if output.json:
        output.emit(
            "listening",
            url=url,
            api_keys=list(settings.api_keys),
            error_style=settings.error_style,
            stage_seconds=list(settings.stage_seconds),
            seed=mock.seed,
            callbacks_signed=bool(settings.webhook_key),
        )
        return
    lines = banner(mock, url).splitlines()
    key = settings.api_keys[0] if settings.api_keys[0] != "*" else "any-token"
    lines.insert(-1, f"{PROG}: KIE_API_KEY={key} {PROG} extend --base-url {url} {quick_body()} --wait")
    output.out("\n".join(lines))


@click.command(
    "mock",
    cls=SettingsCommand,
    load_settings=mock_settings,
    epilog=EPILOG,
    short_help="Serve the offline sandbox on loopback (the 'conformance' extra).",
)
@output_options
@click.pass_context
def mock_command(ctx: click.Context, /, **values: Any) -> None:
    """Serve the kie.ai sandbox (the embedded mock) on loopback until Ctrl+C.

    The two API operations, tasks moving PENDING -> TEXT_SUCCESS -> FIRST_SUCCESS -> SUCCESS, signed callbacks
    to loopback receivers, track audio under /_mock/files/, and every failure the client must survive.
    """
    output = output_of(ctx)
    command = ctx.command
    assert isinstance(command, SettingsCommand)  # noqa: S101 - the decorator above makes it one
    mock = _mock_package()
    try:
        settings = mock.MockSettings.from_env(**overrides(command.settings, values))
    except (TypeError, ValueError) as exc:
        raise CommandError(ExitCode.USAGE, str(exc)) from exc
    try:
        url = mock.serve(
            settings,
            lambda served, url: _announce(output, mock.banner, served, settings, url),
            log_config=_uvicorn_logging(),
        )
    except OSError as exc:
        raise CommandError(
            ExitCode.USAGE, f"cannot listen on {settings.host}:{settings.port}: {exc.strerror or exc}"
        ) from exc
    output.result(ExitCode.OK, url=url)
