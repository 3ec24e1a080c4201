"""Exceptions raised by the overlay package, and the one function that maps a response to its error.

Every exception derives from ``SunoError``; catch it to catch them all. Where a builtin says the same thing,
the exception also subclasses it, so code that knows nothing of this package still catches it::

    SunoError
    ├── ValidationError (ValueError)           the body breaks the spec or a rule; nothing was sent
    ├── ConfigurationError (ValueError)        no API key, an insecure base URL, a bad option; nothing was sent
    ├── APIError                               the service answered with an error code (envelope or HTTP status)
    │   ├── AuthenticationError                401  the API key is missing or wrong
    │   ├── InsufficientCreditsError           402  the account has no credits left
    │   ├── NotFoundError                      404  unknown task or endpoint
    │   ├── ConflictError                      409  the record already exists
    │   ├── RequestRejectedError               422  the service rejected the parameters
    │   ├── RateLimitError                     429, 430  too many requests (``retry_after``)
    │   ├── SourceAudioFetchError              451  the service could not fetch ``uploadUrl``
    │   ├── MaintenanceError                   455  the service is under maintenance
    │   ├── GenerationRefusedError             501, 505, 531-537  refused or abandoned; no task to wait for
    │   ├── ServerError                        500 and any other 5xx
    │   └── UnknownAPIError                    any other code, kept in ``code``
    ├── TransportError                         no usable answer: the exchange itself failed
    │   ├── APITimeoutError (TimeoutError)     connect, write, read or pool timeout
    │   └── APIConnectionError (ConnectionError)  connection refused, reset, protocol error...
    ├── SubmitOutcomeUnknownError              a submit may have created a task; it was not resent
    ├── TaskFailedError                        wait(): the task reached a failure status
    ├── WaitTimeoutError (TimeoutError)        wait(): the deadline passed before the task finished
    ├── ResponseDecodeError (ValueError)       a body from the service is not JSON or not the expected shape
    ├── WebhookVerificationError (ValueError)  a callback's signature headers are missing, stale or wrong
    └── DownloadError                          a track could not be downloaded or saved (``suno_api._download``)

No message contains a secret: text a server sends (``msg``, a body excerpt) goes through ``suno_api.redact``
with the client's secrets before it becomes part of a message, and excerpts are cut after redaction.
"""

from __future__ import annotations

import functools
import math
import reprlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

import attrs

from suno_api._names import names
from suno_api._redaction import excerpt, redact

_short = reprlib.Repr()
_short.maxstring = 60
_short.maxother = 60


class SunoError(Exception):
    """Root of every exception this package raises."""


@attrs.frozen
class Violation:
    """One way in which a request body breaks the spec or a rule.

    Attributes:
        field: Path of the offending field in the body (``"style"``; ``""`` for the body itself).
        rule_id: The rule's stable id (``custom-mode-requires-style``), or ``schema.<keyword>`` for a plain
            schema constraint (``schema.required``, ``schema.enum``...).
        message: What to change, in the user's terms.
        value: The offending value (``None`` when the field is missing).
    """

    field: str
    rule_id: str
    message: str
    value: Any = None

    def __str__(self) -> str:
        shown = "" if self.value is None else f" (got {_short.repr(self.value)})"
        return f"{self.field or '<body>'}: {self.message}{shown} [{self.rule_id}]"


class ValidationError(SunoError, ValueError):
    """A request body breaks the spec or a rule; raised before anything is sent.

    Attributes:
        violations: Every violation found, not just the first.
    """

    def __init__(self, violations: Sequence[Violation], *, subject: str = "the upload-extend body") -> None:
        self.violations: tuple[Violation, ...] = tuple(violations)
        count = len(self.violations)
        lines = "\n".join(f"  - {violation}" for violation in self.violations)
        super().__init__(f"{subject} has {count} problem{'s' if count != 1 else ''}:\n{lines}")

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """The rule ids of the violations, in order."""
        return tuple(violation.rule_id for violation in self.violations)


class ConfigurationError(SunoError, ValueError):
    """The client cannot be configured as asked (no API key, plain http to a remote host...); nothing was sent."""


# --- API errors --------------------------------------------------------------------------------------------


class APIError(SunoError):
    """The service answered with an error code, in the envelope (HTTP 200) or as a real HTTP status.

    Attributes:
        code: The envelope's ``code`` when it carries an error code, else the HTTP status.
        message: The envelope's ``msg`` (or a description of the HTTP answer when there is no envelope).
        http_status: The HTTP status of the answer (200 when the error came inside a 200 envelope).
        task_id: The task concerned, when known (``get_record`` / ``wait``), else ``None``.
        retry_after: Seconds the service asked us to wait (``Retry-After``), else ``None``.
    """

    # What the user can do about it; appended to the message. Subclasses override. ``{role}`` spells a spec name,
    # filled from names() when the error is made (an upstream rename changes the hint with it).
    hint: ClassVar[str] = ""

    def __init__(
        self,
        message: str,
        *,
        code: int,
        http_status: int,
        task_id: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.code = code
        self.message = message
        self.http_status = http_status
        self.task_id = task_id
        self.retry_after = retry_after
        where = "" if http_status == 200 else f" (HTTP {http_status})"
        about = f" for task {task_id}" if task_id else ""
        hint = f" {self.hint.format_map(_SpecNameFields())}" if self.hint else ""
        super().__init__(f"[{code}]{where}{about}: {message.rstrip('. ')}.{hint}")


class _SpecNameFields(dict[str, str]):
    """``str.format_map`` fields that are names() roles: ``{upload_url}`` is the spec's spelling of that field."""

    def __missing__(self, role: str) -> str:
        return names().resolve(role)


class AuthenticationError(APIError):
    """401: the API key is missing or invalid."""

    hint = "Check the API key (argument api_key or KIE_API_KEY)."


class InsufficientCreditsError(APIError):
    """402: the account does not have enough credits for the operation."""

    hint = "Top up the account's credits."


class NotFoundError(APIError):
    """404: the task or endpoint does not exist."""


class ConflictError(APIError):
    """409: the record already exists."""


class RequestRejectedError(APIError):
    """422: the service rejected the request parameters (a rule this client does not know about, or drift)."""


class RateLimitError(APIError):
    """429 or 430 (call frequency): too many requests; ``retry_after`` holds the seconds asked for, if said."""


class SourceAudioFetchError(APIError):
    """451: the service could not fetch the source audio at ``uploadUrl``."""

    hint = "Make sure {upload_url} is publicly reachable (no auth, no IP allow-list)."


class MaintenanceError(APIError):
    """455: the service is under maintenance; try again later."""


class GenerationRefusedError(APIError):
    """501, 505, 531-537: the service refused or abandoned the generation; there is no task to wait for.

    Upstream documents these codes outside the spec's enum (``spec/ERRATA.md`` E-17); they are refusals, so a
    submit that gets one created nothing and is not reported as "a task may exist".
    """


class ServerError(APIError):
    """500 or any other 5xx: the service failed while handling the request."""


class UnknownAPIError(APIError):
    """An error code this client has no class for; ``code`` keeps it."""


# Each documented code by its names() role, so that upstream renumbering one is an overlay edit; a role the spec
# no longer has drops its code (it becomes an UnknownAPIError, or a ServerError for a 5xx).
_BY_ROLE: Mapping[str, type[APIError]] = {
    "code_unauthorized": AuthenticationError,
    "code_insufficient_credits": InsufficientCreditsError,
    "code_not_found": NotFoundError,
    "code_conflict": ConflictError,
    "code_validation_error": RequestRejectedError,
    "code_rate_limited": RateLimitError,
    "code_fetch_failed": SourceAudioFetchError,
    "code_maintenance": MaintenanceError,
    "code_server_error": ServerError,
}
# Upstream's codes outside the spec's enum (spec/ERRATA.md E-17): 430 is "call frequency too high"; 501, 505 and
# 531-537 refuse or abandon a generation. No spec names them, so there is nothing to derive them from.
_UNDOCUMENTED: Mapping[int, type[APIError]] = {
    430: RateLimitError,
    501: GenerationRefusedError,
    505: GenerationRefusedError,
    **dict.fromkeys(range(531, 538), GenerationRefusedError),
}


@functools.cache
def _by_code() -> Mapping[int, type[APIError]]:
    table = dict(_UNDOCUMENTED)
    spec_names = names()
    for role, error_class in _BY_ROLE.items():
        try:
            table[spec_names.code(role)] = error_class
        except LookupError:
            continue
    return table


def error_class_for_code(code: int) -> type[APIError]:
    """Return the ``APIError`` subclass for an error code (envelope code or HTTP status).

    Documented codes have their own class; any other 5xx is a ``ServerError``; anything else is an
    ``UnknownAPIError`` that keeps the code.
    """
    table = _by_code()
    if code in table:
        return table[code]
    if 500 <= code <= 599:
        return ServerError
    return UnknownAPIError


_MAX_CODE = 10**9


def coerce_code(value: object) -> int | None:
    """Return ``value`` as an integer code (``200``, ``"200"``, ``200.0``), or ``None`` when it is not one."""
    # bool is an int subclass, and `true` is not a code.
    if isinstance(value, bool):
        return None
    # Codes are small; bounding them keeps absurd values (1e300, 400-digit integers) out of messages.
    if isinstance(value, int):
        return value if abs(value) < _MAX_CODE else None
    if isinstance(value, float) and math.isfinite(value) and value.is_integer() and abs(value) < _MAX_CODE:
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if text.isascii() and text.isdigit() and len(text) <= 9:
            return int(text)
    return None


_MESSAGE_KEYS = ("message", "error", "detail")  # where non-envelope JSON error bodies put their text
_SERVER_TEXT_LIMIT = 200


def _server_text(envelope: object, text: str, secrets: Iterable[str]) -> str:
    """Return the server's own words in an answer without an envelope ``msg``: a JSON message, else its text."""
    if isinstance(envelope, Mapping):
        found = next((v for v in map(envelope.get, _MESSAGE_KEYS) if isinstance(v, str) and v.strip()), "")
    else:
        found = envelope if isinstance(envelope, str) else text
    # Whitespace is collapsed after the cut: a page of blank lines must not cost a pass over all of it.
    return " ".join(excerpt(found, secrets, _SERVER_TEXT_LIMIT).split())


@functools.cache
def _envelope_keys() -> tuple[str, str]:
    """Return the envelope's code and message keys, read from the spec once (every answer goes through here)."""
    spec_names = names()
    return spec_names.envelope_code, spec_names.envelope_msg


def error_from_response(
    http_status: int,
    envelope: object,
    *,
    task_id: str | None = None,
    retry_after: float | None = None,
    text: str = "",
    secrets: Iterable[str] = (),
) -> APIError | None:
    """Return the error a response stands for, or ``None`` when it is a success.

    Both styles upstream uses map to the same classes: HTTP 200 with the error code in the envelope, and a real
    HTTP status with or without an envelope. An error code in the envelope wins over the HTTP status (it is the
    more specific of the two); an HTTP error status wins over an envelope that claims success.

    Args:
        http_status: The HTTP status of the answer.
        envelope: The decoded JSON body (any JSON value), or ``None`` when the body is not JSON.
        task_id: The task concerned, when the caller knows it.
        retry_after: Seconds from a ``Retry-After`` header, when there was one.
        text: The body as text, shown (redacted, cut) when the answer has no envelope message.
        secrets: Secrets to redact from the server's text before it becomes part of the message.
    """
    body: Mapping[str, Any] = envelope if isinstance(envelope, Mapping) else {}
    code_key, msg_key = _envelope_keys()
    code = coerce_code(body.get(code_key))
    raw_msg = body.get(msg_key)
    msg = redact(raw_msg.strip(), secrets) if isinstance(raw_msg, str) else ""
    if code is not None and code != 200:
        effective = code
    elif not 200 <= http_status <= 299:
        effective = http_status
        if not msg:
            msg = _server_text(envelope, text, secrets) or f"HTTP {http_status} with no message"
    else:
        return None
    if not msg:
        msg = "no message"
    return error_class_for_code(effective)(
        msg,
        code=effective,
        http_status=http_status,
        task_id=task_id,
        retry_after=retry_after,
    )


# --- transport errors ---------------------------------------------------------------------------------------


class TransportError(SunoError):
    """No usable answer: the HTTP exchange itself failed.

    Attributes:
        maybe_sent: ``False`` only when the request provably never left this process (connection refused,
            connect or pool timeout); ``True`` when the server may have received it.
    """

    def __init__(self, message: str, *, maybe_sent: bool) -> None:
        self.maybe_sent = maybe_sent
        super().__init__(message)


class APITimeoutError(TransportError, TimeoutError):
    """A connect, write, read or pool timeout."""


class APIConnectionError(TransportError, ConnectionError):
    """The connection failed: refused, reset, closed early, or a protocol error."""


# --- outcomes of a submit or a wait --------------------------------------------------------------------------


class SubmitOutcomeUnknownError(SunoError):
    """A submit may have reached the service and created a task, so it was not sent again.

    Sending it again could create a second task and spend credits twice. Check the task list (or the
    callback URL) before resubmitting, or opt in to resending with ``retry_submit=True``.

    Attributes:
        cause: The error that left the outcome unknown (a timeout, a dropped connection, a 5xx, an unreadable
            answer); also ``__cause__``.
        attempts: How many times the submit was sent.
    """

    def __init__(self, cause: SunoError, *, attempts: int) -> None:
        self.cause = cause
        self.attempts = attempts
        times = "once" if attempts == 1 else f"{attempts} times"
        super().__init__(
            f"the submit was sent {times} and may have reached the service ({cause}); a task may exist and"
            f" spend credits: do not resubmit blindly. Check your {names().callback_url} or the kie.ai task list first;"
            " pass retry_submit=True to let the client resend in such cases."
        )


class TaskFailedError(SunoError):
    """``wait()``: the task reached a failure status, or reported an error code while still pending.

    Attributes:
        task_id: The task.
        status: Its status (a ``TaskStatus``, or the unknown status string as received; ``None`` if absent).
        error_code: The record's ``errorCode`` (``None`` when absent).
        error_message: The record's ``errorMessage`` (``None`` when absent).
        record: The record that showed the failure.
    """

    def __init__(
        self,
        task_id: str,
        status: str | None,
        error_code: int | None,
        error_message: str | None,
        *,
        record: Any = None,
    ) -> None:
        self.task_id = task_id
        self.status = status
        self.error_code = error_code
        self.error_message = error_message
        self.record = record
        details = ", ".join(
            part
            for part in (
                f"status {status}" if status else "",
                f"{names().record_error_code} {error_code}" if error_code is not None else "",
                f"{names().record_error_message} {error_message!r}" if error_message else "",
            )
            if part
        )
        super().__init__(f"task {task_id} failed: {details or 'no details given'}")


class WaitTimeoutError(SunoError, TimeoutError):
    """``wait()``: the deadline passed before the task succeeded or failed; the task may still finish.

    Attributes:
        task_id: The task.
        timeout: The deadline, in seconds.
        last_status: The last status seen (``None`` when no record was read).
        record: The last record read, if any.
    """

    def __init__(self, task_id: str, timeout: float, last_status: str | None, *, record: Any = None) -> None:
        self.task_id = task_id
        self.timeout = timeout
        self.last_status = last_status
        self.record = record
        super().__init__(
            f"task {task_id} did not finish within {timeout:g} s (last status: {last_status or 'unknown'});"
            " it may still finish: wait again or check later with get_record()"
        )


class ResponseDecodeError(SunoError, ValueError):
    """A body from the service (an answer or a callback) is not JSON or not the expected shape.

    Attributes:
        http_status: The HTTP status of the answer (``None`` for a callback body).
        body_excerpt: The beginning of the body, for diagnosis.
    """

    def __init__(
        self,
        message: str,
        *,
        http_status: int | None = None,
        body: bytes | str = b"",
        secrets: Iterable[str] = (),
    ) -> None:
        self.http_status = http_status
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        # Cut after redaction, so that a secret straddling the cut leaves no fragment.
        self.body_excerpt = excerpt(text, secrets, 200)
        super().__init__(redact(message, secrets))


class WebhookVerificationError(SunoError, ValueError):
    """A callback failed verification; the message says which check failed.

    A signature header is missing, the timestamp is not a number or is outside the window, the body has no
    task id to check the signature against, or the signature does not match the task id and timestamp.
    """
