"""The mock's HTTP plumbing: paths, errors a seam raises, reading and parsing request bodies, encoding answers.

Request bodies are read with a size cap (413) and a deadline (408), and parsed as strict JSON: no ``NaN`` or
``Infinity``, no number beyond a double's range, no string that is not valid Unicode (a lone surrogate), no
nesting deeper than ``MAX_JSON_DEPTH``. What passes can be stored, encoded and answered back without an error.
"""

from __future__ import annotations

import asyncio
import functools
import json
import math
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from suno_api.spec import names

JSON_TYPE = "application/json"
_JSON_TYPE_BYTES = JSON_TYPE.encode()
HEADERS_KEY = "suno_conformance.mock.headers"  # scope key: the request headers as a dict, first occurrence wins
MAX_JSON_DEPTH = 32  # a request body nests a few levels; anything deeper is refused before it is walked


class MockError(Exception):
    """Raise from a seam to answer the error envelope ``{code, msg, data: null}``.

    Args:
        code: The envelope code (401, 402, 404, 422...).
        msg: The message; ``MockApp.MESSAGES[code]`` when omitted.
        headers: Extra response headers (``Retry-After``).
        status: The HTTP status regardless of the error style (a transport limit such as 413), if any.
    """

    def __init__(
        self,
        code: int,
        msg: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(code, msg)
        self.code = code
        self.msg = msg
        self.headers = headers
        self.status = status


class ConnectionDroppedError(ConnectionError):
    """Raised in-process (no socket to close) where a served mock drops the connection without answering."""


class RequestRecord(NamedTuple):
    """One API request as the mock saw it (``MockApp.requests``, ``GET /_mock/requests``).

    Attributes:
        route: ``submit`` or ``record-info``.
        method: HTTP method.
        path: URL path.
        code: Envelope code answered; ``None`` when the connection was dropped before processing.
        fault: The fault applied, as a spec (``""`` for none).
    """

    route: str
    method: str
    path: str
    code: int | None
    fault: str


def header(request: Request, name: bytes) -> str | None:
    """Return the request header ``name`` (lower-case bytes), or ``None``: the first occurrence, as
    ``request.headers.get`` gives, from a dict built once per request (a request looks up several headers)."""
    scope = request.scope
    found: dict[bytes, bytes] | None = scope.get(HEADERS_KEY)
    if found is None:
        # dict() keeps the last of repeated keys: built from the reversed list, it keeps the first.
        found = scope[HEADERS_KEY] = dict(reversed(scope["headers"]))
    value = found.get(name)
    return None if value is None else str(value.decode("latin-1"))


@functools.cache
def _task_id_query() -> tuple[str, bytes]:
    """Return the task id query parameter's name, and the prefix ``name=`` of a query that holds only it."""
    name = names().task_id_param
    return name, f"{name}=".encode()


def task_id_param(request: Request) -> str | None:
    """Return the task id query parameter: a plain ``<name>=<id>`` query is read without parsing it."""
    name, prefix = _task_id_query()
    raw: bytes = request.scope.get("query_string", b"")
    if raw.startswith(prefix) and not any(mark in raw for mark in (b"&", b"%", b"+", b";")):
        return raw[len(prefix) :].decode("latin-1")
    return request.query_params.get(name)


async def read_body(request: Request, *, limit: int, timeout: float) -> bytes:
    """Return the request body, refusing one over ``limit`` bytes (413) or slower than ``timeout`` seconds (408).

    h11 has no body timeout of its own: without this deadline a client that sends half a body holds the
    request open for good. ``request.body()`` is not used: this loop has no async generator, for the hot path.

    Raises:
        MockError: 413 or 408, answered with that HTTP status in either error style.
        ClientDisconnect: the client went away before the body was complete.
    """
    length = header(request, b"content-length")
    if length is not None and length.isdigit() and int(length) > limit:
        raise _too_large(limit)
    receive = request.receive
    message = await receive()  # the first chunk is usually there already: no timer for it
    if message["type"] != "http.request":
        raise ClientDisconnect
    body: bytes = message.get("body", b"")
    if not message.get("more_body", False):
        if len(body) > limit:
            raise _too_large(limit)
        return body
    chunks = [body]
    size = len(body)
    try:
        async with asyncio.timeout(timeout):
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    raise ClientDisconnect
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > limit:
                    raise _too_large(limit)
                chunks.append(chunk)
                if not message.get("more_body", False):
                    return b"".join(chunks)
    except TimeoutError:
        raise MockError(408, f"The request body did not arrive within {timeout:g} seconds.", status=408) from None


def _too_large(limit: int) -> MockError:
    return MockError(413, f"The request body is larger than {limit} bytes.", status=413)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:40]} is beyond a double's range")
    return value


def _double_int(text: str) -> int:
    value = int(text)
    if len(text) > 300:  # a double holds integers of up to 308 digits
        try:
            float(value)
        except OverflowError:
            raise ValueError(f"the number {text[:40]}... is beyond a double's range") from None
    return value


# The hooks run once per number literal (a body has a handful), cheaper than any scan of the raw text for them.
_DECODER = json.JSONDecoder(parse_constant=_refuse_constant, parse_float=_finite_float, parse_int=_double_int)


def parse_json(raw: bytes, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse ``raw`` as strict JSON (see the module docstring).

    Raises:
        ValueError: not UTF-8, not JSON, a constant or number outside JSON's reach, a lone surrogate, or
            nesting deeper than ``max_depth``; the message says which.
    """
    text = raw.decode("utf-8")  # UnicodeDecodeError is a ValueError
    try:
        value = _DECODER.decode(text)
    except RecursionError:
        raise ValueError(f"the JSON nests deeper than {max_depth} levels") from None
    # Depth can only exceed max_depth with that many brackets, and a lone surrogate only comes from a \u escape:
    # the common body is not walked at all.
    if raw.count(b"[") + raw.count(b"{") > max_depth or b"\\u" in raw:
        _check_tree(value, max_depth)
    return value


def _check_tree(value: Any, max_depth: int) -> None:
    """Walk ``value`` without recursion: refuse lone surrogates and nesting deeper than ``max_depth``."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            _check_text(item)
        elif isinstance(item, dict | list):
            if depth >= max_depth:
                raise ValueError(f"the JSON nests deeper than {max_depth} levels")
            if isinstance(item, dict):
                for key, child in item.items():
                    _check_text(key)
                    stack.append((child, depth + 1))
            else:
                stack.extend((child, depth + 1) for child in item)


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = text[exc.start : exc.end].encode("utf-8", "backslashreplace").decode()
        raise ValueError(f"a string holds {bad}, a lone surrogate that is not valid Unicode") from None


class JSONBytes(Response):
    """A JSON answer from bytes already encoded: a ``Response`` that skips header bookkeeping when it can."""

    media_type = JSON_TYPE

    def __init__(self, body: bytes, status_code: int = 200, headers: Mapping[str, str] | None = None) -> None:
        if headers:
            super().__init__(body, status_code, headers, JSON_TYPE)
            return
        # Speed trick, kept for make bench row 4 (submit measured at 0.73x bare Starlette, under its 0.8x target):
        # skipping Response.__init__ saves 3 us of the app's 97 us per submit and 2 us of its 22 us per
        # record-info (CPU time, in-process A/B). These are the attributes Response.__call__ reads.
        self.status_code = status_code
        self.background = None
        self.body = body
        self.raw_headers = [(b"content-length", str(len(body)).encode()), (b"content-type", _JSON_TYPE_BYTES)]


def _make_encoder() -> Callable[[Any], bytes]:
    """Return a compact UTF-8 JSON encoder, built once: ``json.dumps`` rebuilds its encoder on every call."""
    options = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
    make = getattr(json.encoder, "c_make_encoder", None)  # CPython's accelerator; not in the typeshed stubs
    if make is None:
        return lambda payload: options.encode(payload).encode()
    # Speed trick, kept for make bench row 4a (submit at 0.73x bare Starlette, under its 0.8x target): CPython's
    # private c_make_encoder, built once, saves 4.5 us of the app's 97 us per submit over the public
    # JSONEncoder.encode (CPU time, in-process A/B); record-info answers come from a cache either way.
    # markers=None skips the circular-reference check: the mock's payloads are trees it builds itself.
    iterencode = make(None, options.default, json.encoder.encode_basestring, None, ":", ",", False, False, True)
    return lambda payload: "".join(iterencode(payload, 0)).encode()


encode = _make_encoder()
"""Return a payload as compact UTF-8 JSON."""
