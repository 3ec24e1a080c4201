"""Callbacks: verify a signed callback, and a tiny ASGI app that verifies, decodes and hands it over.

The scheme (spec/UPSTREAM.md section 3): ``X-Webhook-Timestamp`` is unix seconds, ``X-Webhook-Signature`` is
base64(HMAC-SHA256(secret, f"{task_id}.{timestamp}")) with the task id taken from the body's ``data.task_id``.

The signature covers the task id and the timestamp, not the rest of the body: it proves that the sender knows
the secret and names this task, within the replay window. Treat the tracks in a callback as a notification and
read the authoritative result with ``get_record`` when it matters.
"""

from __future__ import annotations

import hmac
import inspect
import json
import logging
import math
import time
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any, Final

from suno_api._callbacks import CallbackEvent, callback_task_id, decode_callback
from suno_api._errors import ConfigurationError, ResponseDecodeError, WebhookVerificationError
from suno_api._names import names
from suno_api._signature import compute_signature

logger = logging.getLogger("suno_api")

#: Accepted distance between a callback's timestamp and now, in seconds (either way: replay or clock skew).
DEFAULT_TOLERANCE: Final = 300.0
#: Bodies larger than this are refused by the ASGI app before reading further (callbacks are a few kB).
DEFAULT_MAX_BODY_BYTES: Final = 1_048_576


def _header(headers: Mapping[str, str], name: str) -> str | None:
    """Return a header's value, whatever the case of its name in ``headers``."""
    value = headers.get(name)
    if value is None:
        lowered = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == lowered), None)
    return value.strip() if isinstance(value, str) else None


def verify_webhook(
    body: bytes | str,
    headers: Mapping[str, str],
    *,
    secret: str | bytes,
    tolerance: float = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> CallbackEvent:
    """Verify a callback's signature and timestamp, then decode it.

    Checks, in order: both headers are present; the timestamp is a number within ``tolerance`` seconds of
    ``now``; the body names a task; the signature matches that task id and timestamp (constant-time compare).

    Args:
        body: The raw request body, exactly as received.
        headers: The request headers (any mapping; names are matched case-insensitively).
        secret: The webhook key configured on the kie.ai account.
        tolerance: Largest accepted distance, in seconds, between the timestamp and ``now``.
        now: The current unix time (default: ``time.time()``); for tests.

    Returns:
        The decoded callback (``event.shape`` tells the documented shape from the record-info one).

    Raises:
        WebhookVerificationError: a check failed; the message says which.
        ConfigurationError: ``secret`` is empty or ``tolerance`` is not a finite number >= 0.
    """
    if not secret:
        raise ConfigurationError("the webhook secret is empty")
    if not 0 <= tolerance < math.inf:
        raise ConfigurationError(f"tolerance must be a finite number of seconds >= 0; got {tolerance!r}")
    spec_names = names()
    timestamp_header, signature_header = spec_names.timestamp_header, spec_names.signature_header
    timestamp = _header(headers, timestamp_header)
    signature = _header(headers, signature_header)
    missing = [name for name, value in ((timestamp_header, timestamp), (signature_header, signature)) if not value]
    if missing or timestamp is None or signature is None:
        raise WebhookVerificationError(
            f"missing header {' and '.join(missing)}: the callback is not signed (is signing enabled on the account?)"
        )
    try:
        sent_at = float(timestamp)
    except ValueError:
        raise WebhookVerificationError(f"{timestamp_header} is not a unix time: {timestamp[:40]!r}") from None
    current = time.time() if now is None else now
    age = current - sent_at
    if not abs(age) <= tolerance:  # `not <=` also rejects NaN
        hint = " (it looks like milliseconds; the scheme uses seconds)" if sent_at > current * 100 else ""
        direction = "old" if age > 0 else "in the future"
        raise WebhookVerificationError(
            f"{timestamp_header} is {abs(age):.0f} s {direction}, outside the ±{tolerance:g} s window: a replay,"
            f" or a clock out of sync{hint}"
        )
    try:
        decoded = json.loads(body)
    except (ValueError, RecursionError):
        raise WebhookVerificationError(
            "the body is not JSON, so it names no task to check the signature against"
        ) from None
    task_id = callback_task_id(decoded) if isinstance(decoded, Mapping) else None
    if task_id is None:
        raise WebhookVerificationError(
            f"the body has no {spec_names.callback_data}.{spec_names.callback_task_id} to check the signature against"
        )
    expected = compute_signature(secret, task_id, timestamp)
    if not hmac.compare_digest(expected.encode("ascii"), signature.encode("utf-8", "replace")):
        raise WebhookVerificationError(
            f"{signature_header} does not match: wrong secret, or the body's task id ({task_id}) or the timestamp"
            " differ from what was signed"
        )
    return decode_callback(decoded)


# --- ASGI ----------------------------------------------------------------------------------------------------

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
"""An ASGI 3 application."""
CallbackHandler = Callable[[CallbackEvent], Awaitable[None] | None]
"""Receives each verified callback; may be sync or async."""


async def _respond(send: Send, status: int, payload: Mapping[str, Any], extra: Mapping[str, str] | None = None) -> None:
    body = json.dumps(payload).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += [(key.encode("latin-1"), value.encode("latin-1")) for key, value in (extra or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """Return the request body, or ``None`` once it exceeds ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _serve(
    scope: Scope, receive: Receive, *, handler: CallbackHandler, secret: str | bytes, tolerance: float, limit: int
) -> tuple[int, dict[str, Any], dict[str, str]]:
    """Handle one HTTP request; return the status, JSON payload and extra headers of the answer."""
    if scope.get("method") != "POST":
        return 405, {"error": "callbacks are POSTed"}, {"allow": "POST"}
    body = await _read_body(receive, limit)
    if body is None:
        return 413, {"error": f"body larger than {limit} bytes"}, {}
    headers = {key.decode("latin-1"): value.decode("latin-1") for key, value in scope.get("headers", [])}
    try:
        event = verify_webhook(body, headers, secret=secret, tolerance=tolerance)
    except WebhookVerificationError as exc:
        logger.warning("webhook rejected: %s", exc)
        return 401, {"error": str(exc)}, {}
    except ResponseDecodeError as exc:
        return 400, {"error": str(exc)}, {}
    try:
        result = handler(event)
        if inspect.isawaitable(result):
            await result
    except Exception:
        # The sender retries on a 5xx; the traceback goes to the log, not to the sender.
        logger.exception("webhook handler failed for task %s", event.task_id)
        return 500, {"error": "handler failed"}, {}
    return 200, {"ok": True, "task_id": event.task_id}, {}


def webhook_asgi_app(
    handler: CallbackHandler,
    *,
    secret: str | bytes,
    tolerance: float = DEFAULT_TOLERANCE,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> ASGIApp:
    """Return an ASGI app that verifies each POSTed callback and passes the decoded event to ``handler``.

    Mount it in any ASGI framework or serve it alone (``uvicorn module:app``). Answers: 200 once the handler
    returned; 401 when verification fails; 400 for a verified body that cannot be decoded; 405 for other
    methods; 413 for bodies over ``max_body_bytes``; 500 when the handler raises (logged, so upstream may retry).
    Keep the handler quick: upstream waits 15 s for the answer.

    Args:
        handler: Called with each verified ``CallbackEvent``; sync or async.
        secret: The webhook key configured on the kie.ai account.
        tolerance: See ``verify_webhook``.
        max_body_bytes: Largest body accepted.

    Raises:
        ConfigurationError: ``secret`` is empty.
    """
    if not secret:
        raise ConfigurationError("the webhook secret is empty")

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
        elif scope["type"] == "http":
            status, payload, extra = await _serve(
                scope, receive, handler=handler, secret=secret, tolerance=tolerance, limit=max_body_bytes
            )
            await _respond(send, status, payload, extra)

    return app
