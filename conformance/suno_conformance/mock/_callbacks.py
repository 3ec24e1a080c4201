"""Callback deliveries: the loopback-only guard and the record of every delivery.

The mock POSTs callbacks only to loopback hosts: a literal loopback address (127.0.0.0/8, ::1), or ``localhost``
(and ``*.localhost``) when every address it resolves to is loopback. Anything else is refused and recorded,
never contacted. The HTTP client ignores proxy variables and never follows redirects, so a loopback receiver
cannot send the mock elsewhere either.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Mapping
from typing import Any, Literal

import attrs
import httpx

from suno_api import is_loopback_host
from suno_api.spec import names

DeliveryOutcome = Literal["delivered", "failed", "refused", "cancelled"]


@attrs.frozen
class Delivery:
    """What became of one callback.

    Attributes:
        task_id: The task it reports on.
        callback_type: ``text``, ``first``, ``complete`` or ``error``.
        url: The ``callBackUrl``.
        outcome: ``delivered`` (a 2xx answer), ``failed`` (every attempt failed), ``refused`` (not a loopback
            host: nothing was sent) or ``cancelled`` (the mock stopped first).
        attempts: How many POSTs were made.
        status_code: HTTP status of the last answer, if any.
        error: Why it failed or was refused.
        payload: The JSON body (``None`` when refused).
        headers: The headers of the last attempt (signature headers included).
        at: Virtual time at which the step was reached.
    """

    task_id: str
    callback_type: str
    url: str
    outcome: DeliveryOutcome
    attempts: int = 0
    status_code: int | None = None
    error: str | None = None
    payload: Mapping[str, Any] | None = attrs.field(default=None, repr=False)
    headers: Mapping[str, str] = attrs.field(factory=dict, repr=False)
    at: float = 0.0

    def to_json(self) -> dict[str, Any]:
        """Return the record as JSON-ready data (for ``GET /_mock/deliveries``)."""
        return attrs.asdict(self)


async def _resolved_refusal(host: str, port: int | None) -> str | None:
    """Resolve a ``localhost`` name: refuse unless every address it has is loopback."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port or 80, type=socket.SOCK_STREAM)
    except OSError as exc:
        return f"{host} does not resolve: {exc}"
    if infos and all(is_loopback_host(str(info[4][0])) for info in infos):
        return None
    return f"{host} resolves to a non-loopback address: the mock only calls back to this machine"


async def loopback_refusal(url: str) -> str | None:
    """Return why the mock must not POST to ``url``, or ``None`` when its host is loopback."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError):
        return f"{names().callback_url} {url!r} is not a valid URL"
    if parsed.scheme not in ("http", "https"):
        return f"{names().callback_url} {url!r} is not an http(s) URL"
    host = parsed.host
    name = host.rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        # A name is only as loopback as what it resolves to (an /etc/hosts entry may say otherwise).
        return await _resolved_refusal(name, parsed.port)
    if is_loopback_host(host):
        return None
    return f"{host} is not a loopback host: the mock only calls back to this machine"
