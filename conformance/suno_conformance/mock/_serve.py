"""Serve a mock in the foreground, as ``suno-api mock`` does: bind, announce, serve until SIGINT or SIGTERM."""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable
from typing import Any

import uvicorn
from uvicorn.config import LOGGING_CONFIG

from suno_api.spec import SpecNames, names
from suno_conformance.mock._app import MockApp
from suno_conformance.mock._server import bind_socket, url_for, uvicorn_config
from suno_conformance.mock._settings import MockSettings


def _example_body(spec_names: SpecNames) -> str:
    """Return a valid default-mode submit body, its field names read from the spec."""
    return json.dumps(
        {
            spec_names.upload_url: "https://example.com/song.mp3",
            spec_names.default_param_flag: False,
            spec_names.instrumental: True,
            spec_names.continue_at: 30,
            spec_names.model: spec_names.model_v4_5,
            spec_names.callback_url: "http://127.0.0.1:9/callback",
        }
    )


def banner(mock: MockApp, url: str) -> str:
    """Return what ``suno-api mock`` prints once it listens: the URL, the settings that matter, and curl lines."""
    settings = mock.settings
    key = settings.api_keys[0] if settings.api_keys[0] != "*" else "any-token"
    auth = shlex.quote(f"Authorization: Bearer {key}")
    signing = "on" if settings.webhook_key else "off (set SUNO_MOCK_WEBHOOK_KEY)"
    spec_names = names()
    task_id = spec_names.task_id_param
    return "\n".join(
        [
            f"kie.ai mock listening on {url}",
            f"  spec:      {url}/openapi.yaml      state: {url}/_mock/state",
            f"  api keys:  {', '.join(settings.api_keys)}      error style: {settings.error_style}",
            f"  stages:    {', '.join(f'{s:g}s' for s in settings.stage_seconds)}      seed: {mock.seed}"
            f"      callbacks signed: {signing}",
            "Try it:",
            f"  curl -s -H {auth} -H 'Content-Type: application/json' \\",
            f"       -d {shlex.quote(_example_body(spec_names))} {url}{spec_names.submit_path}",
            f"  curl -s -H {auth} '{url}{spec_names.record_info_path}?{task_id}=<{task_id} from the answer>'",
            f"Client: KIE_BASE_URL={url} KIE_API_KEY={key}",
            "Ctrl+C stops it.",
        ]
    )


def serve(
    settings: MockSettings,
    announce: Callable[[MockApp, str], None],
    *,
    log_config: dict[str, Any] | None = None,
) -> str:
    """Bind, call ``announce(mock, url)`` once listening, and serve until SIGINT or SIGTERM; return the URL.

    The socket listens before ``announce`` runs, so a client started on the announcement never races the server.

    Raises:
        OSError: the address cannot be bound (the port is taken, say).
    """
    mock = MockApp(settings)
    sock = bind_socket(settings.host, settings.port)
    url = url_for(settings.host, int(sock.getsockname()[1]))
    try:
        announce(mock, url)
        uvicorn.Server(uvicorn_config(mock, log_config=log_config or LOGGING_CONFIG)).run(sockets=[sock])
    except KeyboardInterrupt:
        # uvicorn shuts down gracefully on Ctrl+C or SIGTERM, then re-raises the signal (and one may arrive before
        # uvicorn handles them at all): that is the expected way out.
        pass
    finally:
        sock.close()
    return url
