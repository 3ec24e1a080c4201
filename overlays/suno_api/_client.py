"""The client facade: ``SunoClient`` and ``AsyncSunoClient`` over the generated ``Client``.

The generated package owns the ``httpx`` client; this module adds what it lacks: configuration from the
environment, validation before anything is sent, timeouts, retries that never duplicate a submit, tolerant
decoding into typed errors, secrets that stay out of messages, logs and reprs, and ``wait()``.

Sync and async share everything but the I/O: settings, request building, decoding, logging, ``with_options``,
``verify_webhook`` and the decisions are in ``_ClientBase``; each class only sends, sleeps and loops.

On the way to the wire a submit body is validated once (``checked_body`` returns the JSON-ready dict it
checked), the method and path come from the effective spec once per process, and ``Authorization`` is set once,
on each request (``with_options`` copies share the pool but may use another key).
"""

from __future__ import annotations

import enum
import functools
import logging
import math
import os
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from typing import Any, Final, Self, TypeVar

import anyio
import attrs
import httpx

from suno_api._callbacks import CallbackEvent
from suno_api._errors import (
    APIConnectionError,
    APITimeoutError,
    ConfigurationError,
    ResponseDecodeError,
    SubmitOutcomeUnknownError,
    SunoError,
    TaskFailedError,
    ValidationError,
    Violation,
    WaitTimeoutError,
)
from suno_api._records import TaskRecord, decode_record_response, decode_submit_response
from suno_api._redaction import hold_secrets, redact, redact_exception
from suno_api._retry import (
    DEFAULT_MAX_RETRIES,
    RetryPolicy,
    async_call_with_retries,
    call_with_retries,
    submit_outcome_unknown,
)
from suno_api._spec import REQUEST_SCHEMA, default_base_url, effective_spec
from suno_api._urls import is_loopback_host
from suno_api._validation import checked_body
from suno_api._webhooks import DEFAULT_TOLERANCE, verify_webhook
from suno_api_client.client import Client
from suno_api_client.models import UploadExtendRequest

__all__ = ["API_KEY_ENV", "BASE_URL_ENV", "AsyncSunoClient", "PollSchedule", "SunoClient", "is_loopback_host"]

logger = logging.getLogger("suno_api")

#: Per-request timeout unless told otherwise: 10 s to connect, 30 s for each read, write or pool wait.
DEFAULT_TIMEOUT: Final = httpx.Timeout(30.0, connect=10.0)
#: How long ``wait()`` polls before giving up, unless told otherwise (generation usually takes 1 to 3 min).
DEFAULT_WAIT_TIMEOUT: Final = 600.0
API_KEY_ENV: Final = "KIE_API_KEY"
BASE_URL_ENV: Final = "KIE_BASE_URL"

_REDACTED = "[redacted]"
_SENSITIVE_HEADERS: Final = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
_USER_AGENT: Final = "suno-upload-extend-python"

_T = TypeVar("_T")

Body = Mapping[str, Any] | UploadExtendRequest
"""A request body: a JSON-like mapping, or the generated request model."""
ProgressCallback = Callable[[TaskRecord], object]
"""Called by ``wait()`` with the record each time the task's status changes (an async client awaits it if it
returns an awaitable)."""


# --- options -----------------------------------------------------------------------------------------------


@attrs.frozen
class PollSchedule:
    """How ``wait()`` spaces its record-info polls: ``initial`` seconds, growing by ``factor`` up to ``maximum``.

    Attributes:
        initial: Seconds before the second poll (the first is immediate).
        factor: Growth of the interval after each poll (1 for a fixed interval).
        maximum: Longest interval.
    """

    initial: float = 2.0
    factor: float = 1.5
    maximum: float = 15.0

    def __attrs_post_init__(self) -> None:
        """Refuse a schedule that would spin or never poll again."""
        if not (0 < self.initial <= self.maximum and math.isfinite(self.maximum) and 1 <= self.factor <= 10):
            raise ConfigurationError(
                f"poll schedule needs 0 < initial <= maximum < inf and 1 <= factor <= 10; got {self}"
            )

    def intervals(self) -> Iterator[float]:
        """Yield the sleep before each next poll, forever."""
        interval = self.initial
        while True:
            yield interval
            interval = min(interval * self.factor, self.maximum)


class _NotGiven(enum.Enum):
    NOT_GIVEN = enum.auto()


_NOT_GIVEN: Final = _NotGiven.NOT_GIVEN


def _check_base_url(value: str) -> httpx.URL:
    """Return the base URL, refusing anything that would send the bearer token in clear to another host."""
    try:
        url = httpx.URL(value)
    except (httpx.InvalidURL, TypeError) as exc:
        raise ConfigurationError(f"base_url {value!r} is not a valid URL: {exc}") from exc
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigurationError(f"base_url must be an absolute http(s) URL such as https://api.kie.ai; got {value!r}")
    if url.userinfo or url.query or url.fragment:
        raise ConfigurationError("base_url must not carry credentials, a query or a fragment")
    _refuse_plain_http(url)
    return url


def _refuse_plain_http(url: httpx.URL) -> None:
    if url.scheme != "https" and not is_loopback_host(url.host):
        raise ConfigurationError(
            f"refusing to send the API key over plain http to {url.host}: use https:// (plain http is allowed"
            " only to loopback hosts: 127.0.0.0/8, ::1, ::ffff:127.0.0.0/104, localhost)"
        )


def _check_api_key(value: str | None) -> str:
    key = (value if value is not None else os.environ.get(API_KEY_ENV, "")).strip()
    if not key:
        raise ConfigurationError(f"no API key: pass api_key=... or set the {API_KEY_ENV} environment variable")
    # Never echo the key in these messages: it may be a real one pasted with a stray character.
    if any(char.isspace() or not char.isprintable() for char in key):
        raise ConfigurationError("the API key contains whitespace or control characters; check how it was pasted")
    if not key.isascii():
        # It travels in an HTTP header, which httpx encodes as ASCII: `é` would fail at the first request.
        raise ConfigurationError(
            "the API key must be printable ASCII (it is sent in the Authorization header); it contains other"
            " characters: check how it was copied"
        )
    return key


def _check_timeout(value: float | httpx.Timeout) -> httpx.Timeout:
    timeout = value if isinstance(value, httpx.Timeout) else httpx.Timeout(value)
    parts = (timeout.connect, timeout.read, timeout.write, timeout.pool)
    if any(part is None or not 0 < part < math.inf for part in parts):
        raise ConfigurationError(f"every timeout must be a positive number of seconds (never infinite); got {timeout}")
    return timeout


def _check_wait_timeout(value: float) -> float:
    if not 0 < value < math.inf:
        raise ConfigurationError(f"wait timeout must be a positive, finite number of seconds; got {value!r}")
    return float(value)


def _check_max_retries(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigurationError(f"max_retries must be an integer >= 0; got {value!r}")
    return value


@attrs.frozen
class _Settings:
    """Everything a client was configured with; copied by ``with_options``."""

    api_key: str = attrs.field(repr=False)
    # The HTTPS-or-loopback guard runs here, whenever settings are made (a client, `with_options`, `evolve`),
    # so requests built from `url_prefix` need not parse and check the URL again.
    base_url: httpx.URL = attrs.field(validator=lambda _self, _attribute, url: _refuse_plain_http(url))
    timeout: httpx.Timeout
    retry: RetryPolicy
    webhook_secret: str | None = attrs.field(repr=False)
    poll: PollSchedule
    #: What each operation's path is appended to (the base URL without its trailing slash).
    url_prefix: str = attrs.field(init=False, repr=False)
    #: The per-request Authorization header (`with_options` copies share the pool but may use another key).
    authorization: str = attrs.field(init=False, repr=False)
    #: What is redacted from messages and log lines: the key and the webhook secret.
    secrets: tuple[str, ...] = attrs.field(init=False, repr=False)

    @url_prefix.default
    def _url_prefix(self) -> str:
        return str(self.base_url).rstrip("/")

    @authorization.default
    def _authorization(self) -> str:
        return f"Bearer {self.api_key}"

    @secrets.default
    def _secrets(self) -> tuple[str, ...]:
        return tuple(secret for secret in (self.api_key, self.webhook_secret) if secret)

    def __attrs_post_init__(self) -> None:
        hold_secrets(self)


def _settings(
    *,
    api_key: str | None,
    base_url: str | None,
    timeout: float | httpx.Timeout,
    max_retries: int,
    retry_submit: bool,
    webhook_secret: str | None,
    poll: PollSchedule | None,
) -> _Settings:
    # Configuration is read here, when a client is built, never at import time.
    url = base_url if base_url is not None else (os.environ.get(BASE_URL_ENV) or default_base_url())
    return _Settings(
        api_key=_check_api_key(api_key),
        base_url=_check_base_url(url),
        timeout=_check_timeout(timeout),
        retry=RetryPolicy(max_retries=_check_max_retries(max_retries), retry_submit=bool(retry_submit)),
        webhook_secret=webhook_secret,
        poll=poll if poll is not None else PollSchedule(),
    )


def _proxy_error(exc: ImportError) -> ConfigurationError:
    return ConfigurationError(
        "a proxy from the environment (ALL_PROXY, HTTPS_PROXY) needs a package that is not installed"
        f" ({exc}): install it with pip install 'httpx[socks]', or unset the variable"
    )


class _Connection:
    """The generated client and its connection pool, shared by a client and its ``with_options`` copies.

    Proxies: plain http (allowed only to loopback) never goes through a proxy from the environment, which would
    carry the key across the network in clear; https honours ``HTTPS_PROXY``/``ALL_PROXY``/``NO_PROXY`` (the
    proxy sees an encrypted tunnel only). To send through a proxy of your choice, pass
    ``transport=httpx.HTTPTransport(proxy=...)``. A SOCKS proxy in the environment without ``socksio``
    installed is a ``ConfigurationError`` at the first request, before anything is sent.
    """

    def __init__(self, settings: _Settings, transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None) -> None:
        httpx_args: dict[str, Any]
        if transport is not None:
            httpx_args = {"transport": transport}  # httpx then ignores the environment's proxies
        elif settings.base_url.scheme == "http":
            httpx_args = {"trust_env": False}  # plain http goes to loopback only, and never through a proxy
        else:
            # `None` for http:// means "the client's own transport", which outranks the environment's proxy
            # mounts: a `with_options` copy pointed at plain-http loopback shares this pool.
            httpx_args = {"mounts": {"http://": None}}
        self.api = Client(
            base_url=str(settings.base_url),
            timeout=settings.timeout,
            headers={"User-Agent": _USER_AGENT},
            # Redirects are not followed: a redirect could carry the token to another host or to plain http.
            follow_redirects=False,
            httpx_args=httpx_args,
        )
        self.base_url = str(settings.base_url)
        self.opened = False
        self.closed = False

    def __repr__(self) -> str:
        return f"<connection to {self.base_url!r}>"

    def _check_open(self) -> None:
        if self.closed:
            raise ConfigurationError("this client is closed; create a new one")

    def sync(self) -> httpx.Client:
        self._check_open()
        try:
            http = self.api.get_httpx_client()
        except ImportError as exc:  # ALL_PROXY=socks5://... without socksio
            raise _proxy_error(exc) from exc
        self.opened = True
        return http

    def asynchronous(self) -> httpx.AsyncClient:
        self._check_open()
        try:
            http = self.api.get_async_httpx_client()
        except ImportError as exc:
            raise _proxy_error(exc) from exc
        self.opened = True
        return http


# --- helpers shared by both clients ---------------------------------------------------------------------------


def _redacted_headers(headers: httpx.Headers) -> dict[str, str]:
    return {key: _REDACTED if key.lower() in _SENSITIVE_HEADERS else value for key, value in headers.items()}


@functools.cache
def _submit_route() -> tuple[str, str]:
    """Return the method and path of the operation whose body is the request schema (from the effective spec)."""
    wanted = f"#/components/schemas/{REQUEST_SCHEMA}"
    for path, operations in effective_spec()["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {}) if isinstance(operation, Mapping) else {}
            if any(media.get("schema", {}).get("$ref") == wanted for media in content.values()):
                return method.upper(), path
    raise ConfigurationError(f"the effective spec has no operation whose body is {REQUEST_SCHEMA}")


@functools.cache
def _record_route() -> tuple[str, str, str]:
    """Return the method, path and task-id query parameter of the operation the submit's link polls.

    The submit's success answer links to the polling operation (``links``: its ``operationId`` and the parameter
    fed from the answer's task id), so both the route and the parameter's name come from the effective spec.
    """
    submit_method, submit_path = _submit_route()
    submit = effective_spec()["paths"][submit_path][submit_method.lower()]
    for answer in submit.get("responses", {}).values():
        for link in answer.get("links", {}).values():
            for path, operations in effective_spec()["paths"].items():
                for method, operation in operations.items():
                    if isinstance(operation, Mapping) and operation.get("operationId") == link.get("operationId"):
                        query = {p["name"] for p in operation.get("parameters", ()) if p.get("in") == "query"}
                        for name in link.get("parameters", {}):
                            if name in query:
                                return method.upper(), path, name
    raise ConfigurationError("the effective spec links the submit to no operation that polls its task by id")


class _Call:
    """One operation to send: what the retry loop repeats (a plain class: one is made per request)."""

    __slots__ = ("json", "method", "params", "path", "what")

    def __init__(self, method: str, path: str, *, json: Any = None, params: Mapping[str, Any] | None = None) -> None:
        self.method = method
        self.path = path
        self.json = json
        self.params = params
        self.what = f"{method} {path}"


def _transport_error(exc: httpx.HTTPError, what: str, secrets: tuple[str, ...]) -> SunoError:
    """Map an httpx exception to ours, recording whether the request may have reached the server."""
    detail = redact(f"{what}: {type(exc).__name__}: {exc}".rstrip(": "), secrets)
    if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
        return APITimeoutError(f"{detail} (the request was not sent)", maybe_sent=False)
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(detail, maybe_sent=True)
    if isinstance(exc, httpx.ConnectError | httpx.UnsupportedProtocol):
        return APIConnectionError(f"{detail} (the request was not sent)", maybe_sent=False)
    if isinstance(exc, httpx.DecodingError):
        return ResponseDecodeError(f"{detail} (the answer's content encoding is broken)")
    # Read/write errors, a connection closed mid-answer, protocol and proxy errors, too many redirects.
    return APIConnectionError(detail, maybe_sent=True)


class _StatusWatch:
    """The decisions of ``wait()``, apart from its I/O: progress, failure, success, deadline."""

    def __init__(self, task_id: str, timeout: float, clock: Callable[[], float], secrets: tuple[str, ...] = ()) -> None:
        self.task_id = task_id
        self.secrets = secrets
        self.timeout = _check_wait_timeout(timeout)
        self.clock = clock
        self.deadline = clock() + self.timeout
        self.seen_any = False
        self.last_status: str | None = None

    def observe(self, record: TaskRecord) -> bool:
        """Return whether the status changed (always true for the first record); raise on a failure."""
        changed = not self.seen_any or record.status_name != self.last_status
        self.seen_any = True
        self.last_status = record.status_name
        if record.failed:
            failure = TaskFailedError(
                self.task_id,
                record.status_name,
                record.error_code_value,
                record.error_message_value,
                record=record,
            )
            # The record stays as received; only the message (which quotes errorMessage) is redacted.
            raise redact_exception(failure, self.secrets)
        return changed

    def next_sleep(self, interval: float, record: TaskRecord) -> float:
        """Return how long to sleep before the next poll; raise ``WaitTimeoutError`` past the deadline."""
        remaining = self.deadline - self.clock()
        if remaining <= 0:
            raise WaitTimeoutError(self.task_id, self.timeout, record.status_name, record=record)
        return min(interval, remaining)


def _note_created(exc: SunoError, task_id: str) -> None:
    # The task exists and spent credits even though waiting failed: never let its id get lost.
    exc.add_note(f"the task was created: {task_id}; wait for it again with wait({task_id!r}), do not resubmit")


def _task_id_violation(task_id: object) -> None:
    if not isinstance(task_id, str) or not task_id.strip():
        parameter = _record_route()[2]  # the polling operation's own name for it, from the effective spec
        raise ValidationError(
            [Violation(parameter, "schema.minLength", f"`{parameter}` must be a non-empty string.", task_id)],
            subject="the task id",
        )


class _ClientBase:
    """Settings, request building, decoding, logging and decisions shared by the sync and async clients."""

    _settings: _Settings
    _connection: _Connection
    _owns_connection: bool
    _sleep: Callable[[float], Any]
    _clock: Callable[[], float]

    def _setup(self, settings: _Settings, connection: _Connection, *, owns: bool) -> None:
        self._settings = settings
        self._connection = connection
        self._owns_connection = owns

    def __repr__(self) -> str:
        settings = self._settings
        return (
            f"{type(self).__name__}(base_url={str(settings.base_url)!r}, api_key={_REDACTED!r},"
            f" timeout={settings.timeout!r}, max_retries={settings.retry.max_retries},"
            f" retry_submit={settings.retry.retry_submit})"
        )

    @property
    def base_url(self) -> str:
        """The base URL requests go to."""
        return str(self._settings.base_url)

    @property
    def timeout(self) -> httpx.Timeout:
        """The per-request timeout."""
        return self._settings.timeout

    @property
    def max_retries(self) -> int:
        """Retries after the first attempt of a request."""
        return self._settings.retry.max_retries

    @property
    def retry_submit(self) -> bool:
        """Whether a submit whose outcome is unknown may be resent (risking a duplicate task)."""
        return self._settings.retry.retry_submit

    @property
    def poll(self) -> PollSchedule:
        """The poll schedule of ``wait()``."""
        return self._settings.poll

    def _evolve(
        self,
        *,
        api_key: str | _NotGiven,
        base_url: str | _NotGiven,
        timeout: float | httpx.Timeout | _NotGiven,
        max_retries: int | _NotGiven,
        retry_submit: bool | _NotGiven,
        webhook_secret: str | _NotGiven | None,
        poll: PollSchedule | _NotGiven,
    ) -> _Settings:
        settings = self._settings
        retry = settings.retry
        if not isinstance(max_retries, _NotGiven):
            retry = attrs.evolve(retry, max_retries=_check_max_retries(max_retries))
        if not isinstance(retry_submit, _NotGiven):
            retry = attrs.evolve(retry, retry_submit=bool(retry_submit))
        return _Settings(
            api_key=settings.api_key if isinstance(api_key, _NotGiven) else _check_api_key(api_key),
            base_url=settings.base_url if isinstance(base_url, _NotGiven) else _check_base_url(base_url),
            timeout=settings.timeout if isinstance(timeout, _NotGiven) else _check_timeout(timeout),
            retry=retry,
            webhook_secret=settings.webhook_secret if isinstance(webhook_secret, _NotGiven) else webhook_secret,
            poll=settings.poll if isinstance(poll, _NotGiven) else poll,
        )

    def with_options(
        self,
        *,
        api_key: str | _NotGiven = _NOT_GIVEN,
        base_url: str | _NotGiven = _NOT_GIVEN,
        timeout: float | httpx.Timeout | _NotGiven = _NOT_GIVEN,
        max_retries: int | _NotGiven = _NOT_GIVEN,
        retry_submit: bool | _NotGiven = _NOT_GIVEN,
        webhook_secret: str | _NotGiven | None = _NOT_GIVEN,
        poll: PollSchedule | _NotGiven = _NOT_GIVEN,
    ) -> Self:
        """Return a copy with some options changed, sharing this client's connection pool.

        ``client.with_options(timeout=120).wait(task_id)`` changes one call. The copy does not own the pool:
        closing it does nothing, closing the original closes both.
        """
        settings = self._evolve(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            retry_submit=retry_submit,
            webhook_secret=webhook_secret,
            poll=poll,
        )
        copy = object.__new__(type(self))
        copy._setup(settings, self._connection, owns=False)
        copy._sleep = self._sleep
        copy._clock = self._clock
        return copy

    def verify_webhook(
        self,
        body: bytes | str,
        headers: Mapping[str, str],
        *,
        tolerance: float = DEFAULT_TOLERANCE,
        now: float | None = None,
    ) -> CallbackEvent:
        """Verify and decode a callback with this client's ``webhook_secret``; see ``suno_api.verify_webhook``.

        Raises:
            ConfigurationError: the client has no webhook secret.
            WebhookVerificationError: the callback fails verification.
        """
        secret = self._settings.webhook_secret
        if not secret:
            raise ConfigurationError("no webhook secret: pass webhook_secret=... to the client")
        return verify_webhook(body, headers, secret=secret, tolerance=tolerance, now=now)

    def _build_request(self, http: httpx.Client | httpx.AsyncClient, call: _Call) -> httpx.Request:
        """Build the request for ``call`` against this client's settings."""
        settings = self._settings
        if not call.path.startswith("/"):
            # The prefix was checked (HTTPS or loopback, no userinfo, query or fragment) when the settings were
            # made; a path starting with "/" can only extend it, never change its scheme or host.
            raise ConfigurationError(f"refusing a request path that does not start with '/': {call.path!r}")
        request = http.build_request(
            call.method,
            settings.url_prefix + call.path,
            json=call.json,
            params=call.params,
            headers={"Authorization": settings.authorization},
            timeout=settings.timeout,
        )
        if logger.isEnabledFor(logging.DEBUG):  # the redacted copy of the headers is only worth making if logged
            logger.debug(
                "HTTP request: %s %s headers=%s", request.method, request.url, _redacted_headers(request.headers)
            )
        return request

    def _decoded(self, decode: Callable[[httpx.Response], _T], response: httpx.Response) -> _T:
        try:
            return decode(response)
        except SunoError as exc:
            # Messages are built redacted; this also covers notes and anything a subclass adds.
            redact_exception(exc, self._settings.secrets)
            raise

    def _decode_submit(self, response: httpx.Response) -> str:
        secrets = self._settings.secrets
        return decode_submit_response(response.status_code, response.headers, response.content, secrets=secrets)

    def _record_decoder(self, task_id: str) -> Callable[[httpx.Response], TaskRecord]:
        secrets = self._settings.secrets

        def decode(response: httpx.Response) -> TaskRecord:
            content = response.content
            return decode_record_response(
                response.status_code, response.headers, content, task_id=task_id, secrets=secrets
            )

        return decode

    def _transport_error(self, exc: httpx.HTTPError, what: str) -> SunoError:
        return _transport_error(exc, what, self._settings.secrets)

    def _chainable(self, exc: BaseException) -> BaseException | None:
        """Return ``exc`` to chain as the cause, or ``None`` when its message holds a secret (it never should)."""
        text = str(exc)
        return None if redact(text, self._settings.secrets) != text else exc

    def _log_response(self, request: httpx.Request, response: httpx.Response, started: float) -> None:
        logger.debug(
            "HTTP response: %s %s -> %d (%.0f ms)",
            request.method,
            request.url,
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )

    @staticmethod
    def _submit_call(body: Body, audio_duration: float | None, audio_file: str | os.PathLike[str] | None) -> _Call:
        """Validate (raising before any I/O) and return the submit to send."""
        method, path = _submit_route()
        return _Call(method, path, json=checked_body(body, audio_duration=audio_duration, audio_file=audio_file))

    @staticmethod
    def _record_call(task_id: str) -> _Call:
        _task_id_violation(task_id)
        method, path, parameter = _record_route()
        return _Call(method, path, params={parameter: task_id})

    def _watch(self, task_id: str, timeout: float) -> _StatusWatch:
        _task_id_violation(task_id)
        return _StatusWatch(task_id, timeout, self._clock, self._settings.secrets)


# --- the sync client -------------------------------------------------------------------------------------------


class SunoClient(_ClientBase):
    """A client for the Upload and Extend Audio API: validates, submits, polls, retries safely.

    Use it as a context manager, or call ``close()``: it holds a connection pool.

    While a client lives, its key and webhook secret are redacted (``suno_api.redact``) from the records of the
    ``suno_api``, ``httpx`` and ``httpcore`` loggers: httpcore logs every response header at DEBUG, and a server
    may echo the key in one. The levels you set are left alone.

    Args:
        api_key: The kie.ai API key; else the ``KIE_API_KEY`` environment variable.
        base_url: Where to send requests; else ``KIE_BASE_URL``; else the spec's server (https://api.kie.ai).
            Plain ``http://`` is refused except to loopback hosts.
        timeout: Per-request timeout in seconds, or an ``httpx.Timeout``; never infinite.
        max_retries: Retries after the first attempt (429, 455, 5xx, connection errors); 0 disables them.
        retry_submit: Also resend a submit whose outcome is unknown (a read timeout, a 5xx). Off by default:
            it can create a second task and spend credits twice.
        webhook_secret: The key that signs callbacks, for ``verify_webhook``.
        poll: How ``wait()`` spaces its polls.
        transport: An ``httpx`` transport to send through (a proxy, ``httpx.MockTransport`` in tests). Without
            one, proxies from the environment are used for https only: plain http (loopback) never goes
            through a proxy, which would see the key in clear.
        sleep: The function used to sleep between retries and polls (tests pass one that does not sleep).
        clock: A monotonic clock for ``wait()``'s deadline (tests pass a fake one).

    Raises:
        ConfigurationError: no API key, an insecure or invalid base URL, an infinite timeout...
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_submit: bool = False,
        webhook_secret: str | None = None,
        poll: PollSchedule | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        settings = _settings(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            retry_submit=retry_submit,
            webhook_secret=webhook_secret,
            poll=poll,
        )
        self._setup(settings, _Connection(settings, transport), owns=True)
        self._sleep: Callable[[float], None] = sleep or time.sleep
        self._clock: Callable[[], float] = clock or time.monotonic

    def __enter__(self) -> Self:
        """Return the client; ``close()`` it on exit."""
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Close the client."""
        self.close()

    def close(self) -> None:
        """Close the connection pool (a no-op on a ``with_options`` copy)."""
        connection = self._connection
        if self._owns_connection and not connection.closed:
            if connection.opened:
                connection.api.get_httpx_client().close()
            connection.closed = True

    def _send(self, http: httpx.Client, request: httpx.Request, what: str) -> httpx.Response:
        started = time.perf_counter()
        try:
            response = http.send(request)
        except httpx.HTTPError as exc:
            raise self._transport_error(exc, what) from self._chainable(exc)
        self._log_response(request, response, started)
        return response

    def _call(self, call: _Call, *, submit: bool, decode: Callable[[httpx.Response], _T]) -> _T:
        http = self._connection.sync()  # a configuration problem (a proxy package missing) surfaces before I/O
        attempts = 0

        def attempt() -> _T:
            nonlocal attempts
            request = self._build_request(http, call)
            attempts += 1
            return self._decoded(decode, self._send(http, request, call.what))

        try:
            return call_with_retries(attempt, self._settings.retry, submit=submit, what=call.what, sleep=self._sleep)
        except SunoError as exc:
            if submit and submit_outcome_unknown(exc):
                raise SubmitOutcomeUnknownError(exc, attempts=attempts) from exc
            raise

    def submit(
        self,
        body: Body,
        *,
        audio_duration: float | None = None,
        audio_file: str | os.PathLike[str] | None = None,
    ) -> str:
        """Validate an upload-extend body, send it, and return the new task's id.

        Nothing is sent when the body is invalid. A submit is resent only when the previous attempt provably
        created nothing (connection refused, 429, 455), unless the client has ``retry_submit=True``.

        Args:
            body: The request body (a mapping or ``UploadExtendRequest``).
            audio_duration: The source audio's duration in seconds, if known: enables the audio-aware rules.
            audio_file: A local copy of the source audio, to read its duration (needs the ``audio`` extra).

        Raises:
            ValidationError: the body breaks a rule; every violation is listed; nothing was sent.
            APIError: the service refused the request (its subclass names the reason).
            SubmitOutcomeUnknownError: the submit may have created a task; do not resubmit blindly.
            TransportError: the service could not be reached (the request was not sent).
        """
        call = self._submit_call(body, audio_duration, audio_file)
        task_id = self._call(call, submit=True, decode=self._decode_submit)
        logger.info("submitted upload-extend task %s", task_id)
        return task_id

    def get_record(self, task_id: str) -> TaskRecord:
        """Return the task's current record (status, tracks, error), decoded tolerantly.

        Raises:
            ValidationError: ``task_id`` is empty.
            APIError: the service answered with an error (``NotFoundError`` for an unknown task...).
            TransportError: the service could not be reached, after retries.
            ResponseDecodeError: the answer is not a record-info envelope.
        """
        return self._call(self._record_call(task_id), submit=False, decode=self._record_decoder(task_id))

    def wait(
        self,
        task_id: str,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        on_progress: ProgressCallback | None = None,
    ) -> TaskRecord:
        """Poll the task until it succeeds, fails, or ``timeout`` seconds pass; return the final record.

        Args:
            task_id: The task to wait for.
            timeout: Deadline in seconds.
            on_progress: Called with the record whenever the status changes (and with the first record).

        Raises:
            TaskFailedError: a failure status, or an error reported while still ``PENDING``.
            WaitTimeoutError: the deadline passed; the task may still finish.
            APIError, TransportError, ResponseDecodeError: as ``get_record``.
        """
        watch = self._watch(task_id, timeout)
        intervals = self._settings.poll.intervals()
        while True:
            record = self.get_record(task_id)
            if watch.observe(record) and on_progress is not None:
                on_progress(record)
            if record.succeeded:
                return record
            self._sleep(watch.next_sleep(next(intervals), record))

    def extend(
        self,
        body: Body,
        *,
        audio_duration: float | None = None,
        audio_file: str | os.PathLike[str] | None = None,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        on_progress: ProgressCallback | None = None,
    ) -> TaskRecord:
        """Submit a body and wait for the task: ``submit`` then ``wait``; see both for arguments and errors."""
        task_id = self.submit(body, audio_duration=audio_duration, audio_file=audio_file)
        try:
            return self.wait(task_id, timeout=timeout, on_progress=on_progress)
        except SunoError as exc:
            _note_created(exc, task_id)
            raise


# --- the async client ----------------------------------------------------------------------------------------------


class AsyncSunoClient(_ClientBase):
    """The async twin of ``SunoClient``: same arguments, same methods, awaitable.

    ``sleep`` is an async function (default ``anyio.sleep``, so asyncio and trio both work); ``on_progress``
    may be sync or async. Use ``async with``, or ``await client.close()``.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_submit: bool = False,
        webhook_secret: str | None = None,
        poll: PollSchedule | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        settings = _settings(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            retry_submit=retry_submit,
            webhook_secret=webhook_secret,
            poll=poll,
        )
        self._setup(settings, _Connection(settings, transport), owns=True)
        self._sleep: Callable[[float], Awaitable[None]] = sleep or anyio.sleep
        self._clock: Callable[[], float] = clock or time.monotonic

    async def __aenter__(self) -> Self:
        """Return the client; ``close()`` it on exit."""
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Close the client."""
        await self.close()

    async def close(self) -> None:
        """Close the connection pool (a no-op on a ``with_options`` copy)."""
        connection = self._connection
        if self._owns_connection and not connection.closed:
            if connection.opened:
                await connection.api.get_async_httpx_client().aclose()
            connection.closed = True

    async def _send(self, http: httpx.AsyncClient, request: httpx.Request, what: str) -> httpx.Response:
        started = time.perf_counter()
        try:
            response = await http.send(request)
        except httpx.HTTPError as exc:
            raise self._transport_error(exc, what) from self._chainable(exc)
        self._log_response(request, response, started)
        return response

    async def _call(self, call: _Call, *, submit: bool, decode: Callable[[httpx.Response], _T]) -> _T:
        http = self._connection.asynchronous()
        attempts = 0

        async def attempt() -> _T:
            nonlocal attempts
            request = self._build_request(http, call)
            attempts += 1
            return self._decoded(decode, await self._send(http, request, call.what))

        try:
            retry = self._settings.retry
            return await async_call_with_retries(attempt, retry, submit=submit, what=call.what, sleep=self._sleep)
        except SunoError as exc:
            if submit and submit_outcome_unknown(exc):
                raise SubmitOutcomeUnknownError(exc, attempts=attempts) from exc
            raise

    async def submit(
        self,
        body: Body,
        *,
        audio_duration: float | None = None,
        audio_file: str | os.PathLike[str] | None = None,
    ) -> str:
        """Validate an upload-extend body, send it, and return the new task's id; see ``SunoClient.submit``."""
        call = self._submit_call(body, audio_duration, audio_file)
        task_id = await self._call(call, submit=True, decode=self._decode_submit)
        logger.info("submitted upload-extend task %s", task_id)
        return task_id

    async def get_record(self, task_id: str) -> TaskRecord:
        """Return the task's current record; see ``SunoClient.get_record``."""
        return await self._call(self._record_call(task_id), submit=False, decode=self._record_decoder(task_id))

    async def wait(
        self,
        task_id: str,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        on_progress: ProgressCallback | None = None,
    ) -> TaskRecord:
        """Poll the task until it succeeds, fails, or ``timeout`` passes; see ``SunoClient.wait``."""
        watch = self._watch(task_id, timeout)
        intervals = self._settings.poll.intervals()
        while True:
            record = await self.get_record(task_id)
            if watch.observe(record) and on_progress is not None:
                result = on_progress(record)
                if isinstance(result, Awaitable):
                    await result
            if record.succeeded:
                return record
            await self._sleep(watch.next_sleep(next(intervals), record))

    async def extend(
        self,
        body: Body,
        *,
        audio_duration: float | None = None,
        audio_file: str | os.PathLike[str] | None = None,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        on_progress: ProgressCallback | None = None,
    ) -> TaskRecord:
        """Submit a body and wait for the task; see ``SunoClient.extend``."""
        task_id = await self.submit(body, audio_duration=audio_duration, audio_file=audio_file)
        try:
            return await self.wait(task_id, timeout=timeout, on_progress=on_progress)
        except SunoError as exc:
            _note_created(exc, task_id)
            raise
