"""The checks: envelope-aware judgements of one answer, replacing schemathesis's status-judging built-ins.

kie.ai answers errors with HTTP 200 and the code in the envelope (``{"code": 422, ...}``); a server may also use
real HTTP statuses (the mock's ``status`` style). Every check here reads both: a *rejection* is a 4xx-class code
in the envelope or a 4xx HTTP status, an *acceptance* is HTTP 2xx with envelope code 200.

Each check is a function ``check(reply, context) -> Result``, where ``reply`` bundles the answer with the
oracle's ``Expectation`` of the request (``_oracle.py``). A check that does not concern a request returns
``Result.not_applicable()``, which is not counted; ``skipped`` means it applied but could not judge (a service
state such as 429). ``SCHEMATHESIS_CHECKS`` exposes the response checks in schemathesis's own protocol
(``(ctx, response, case)``, raising ``AssertionError``), so they also work with ``case.validate_response``.

Response checks                Applies to
=============================  ====================================================================
``no_server_error``            every request: no HTTP 5xx, no envelope code >= 500
``json_envelope``              documented operations: JSON content type, a JSON object body
``response_schema``            documented operations: the body matches its documented schema
``envelope_consistent``        documented operations: an error answer never claims code 200; an HTTP error
                               status and the envelope code agree
``credentials_enforced``       anything but ``Authorization: Bearer <the run's key>``: answered 401
``invalid_rejected``           a body/query the spec rejects: a 4xx-class code, never 401 to our token
``valid_accepted``             a valid submit: code 200 with a non-empty ``data.taskId``
``task_found``                 record-info: answers for a task this run created; not-found otherwise
``undocumented_method``        a method the spec does not document: a 4xx-class answer
=============================  ====================================================================

State checks, judged by ``Run`` against earlier answers of the run: ``task_id_unique`` (no submit gets a taskId an
earlier one got, bursts included), ``param_reproduces_body`` (record-info's ``param`` is the submitted body) and
``status_forward`` (a task's status moves down the documented list, and a final one never changes).

Callback checks: ``callback_signature``, ``callback_schema``, ``callback_task``. Drift (values outside
documented lists) is reported by ``drift_of``, never as a failure.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

import attrs
import jsonschema_rs

from suno_api import WebhookVerificationError, verify_webhook
from suno_api.spec import effective_spec
from suno_conformance.suite._drift import DriftFinding, find_drift
from suno_conformance.suite._oracle import Credentials, Expectation, Verdict, expect, media_type, sent_from_prepared

if TYPE_CHECKING:
    import schemathesis

# Codes that report the service's state rather than judge the request: credits, rate limit, maintenance.
SERVICE_STATE_CODES = frozenset({402, 429, 455})
CALLBACK_SCHEMA = "CallbackPayload"
ERROR_SCHEMA = "ErrorResponse"
_DIGITS = re.compile(r"^-?\d+$")
_VALUES = re.compile(r"[0-9a-f]{16,}|\d+")


class Status(StrEnum):
    """How a check judged one answer."""

    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"
    NOT_APPLICABLE = "n/a"


@attrs.frozen
class Result:
    """A check's judgement: a status, a one-line message (the failure or the skip reason) and details."""

    status: Status
    message: str = ""
    detail: str = ""

    @classmethod
    def passed(cls) -> Result:
        """The answer is what the spec requires."""
        return cls(Status.PASSED)

    @classmethod
    def failed(cls, message: str, detail: str = "") -> Result:
        """The answer breaks the spec; ``message`` says how without case-specific values (it groups failures)."""
        return cls(Status.FAILED, message, detail)

    @classmethod
    def skipped(cls, reason: str) -> Result:
        """The check applies but cannot judge this answer."""
        return cls(Status.SKIPPED, reason)

    @classmethod
    def not_applicable(cls) -> Result:
        """The check does not concern this request."""
        return cls(Status.NOT_APPLICABLE)


class Context(Protocol):
    """What checks need to know about the run."""

    @property
    def token(self) -> str:
        """The bearer token the run authenticates with."""
        ...

    @property
    def base_path(self) -> str:
        """The path prefix of the target's base URL ("" for a host root)."""
        ...

    def created_task(self, task_id: str) -> bool:
        """Whether a submit of this run created ``task_id``."""
        ...


@attrs.frozen
class Reply:
    """An answer, with the oracle's expectation of the request that got it.

    Attributes:
        expectation: What a conforming server owes the request.
        status: HTTP status.
        headers: Header names in lower case.
        content: The body.
    """

    expectation: Expectation
    status: int
    headers: Mapping[str, str]
    content: bytes = attrs.field(repr=False)
    envelope: Mapping[str, Any] | None = attrs.field(default=None, repr=False)
    parsed: bool = False
    """Whether the body parsed as JSON (``envelope`` holds it when it is an object)."""

    @classmethod
    def build(cls, expectation: Expectation, status: int, headers: Mapping[str, Any], content: bytes) -> Reply:
        """Build a reply, parsing the body once."""
        flat = {
            name.lower(): (value[0] if isinstance(value, list) and value else str(value))
            for name, value in headers.items()
        }
        envelope: Mapping[str, Any] | None = None
        parsed = False
        try:
            decoded = json.loads(content)
            parsed = True
            if isinstance(decoded, dict):
                envelope = decoded
        except (UnicodeDecodeError, ValueError):
            pass
        return cls(expectation, status, flat, content, envelope, parsed)

    @classmethod
    def from_response(cls, response: schemathesis.Response, context: Context) -> Reply:
        """Build a reply from a schemathesis response, judging the request that was actually sent."""
        sent = sent_from_prepared(response.request, context.base_path)
        return cls.build(expect(sent, context.token), response.status_code, response.headers, response.content)

    @property
    def code(self) -> int | None:
        """The envelope's ``code`` as an integer (a digit string counts), or ``None``."""
        if self.envelope is None:
            return None
        value = self.envelope.get("code")
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return value
        if isinstance(value, str) and _DIGITS.match(value):
            return int(value)
        return None

    @property
    def data(self) -> Any:
        """The envelope's ``data`` (``None`` when absent)."""
        return None if self.envelope is None else self.envelope.get("data")

    @property
    def accepted(self) -> bool:
        """HTTP 2xx with envelope code 200."""
        return 200 <= self.status < 300 and self.code == 200

    @property
    def rejection_code(self) -> int | None:
        """The 4xx-class code of a rejection (HTTP status or envelope code), or ``None``."""
        if 400 <= self.status < 500:
            return self.status
        if 200 <= self.status < 300 and self.code is not None and 400 <= self.code < 500:
            return self.code
        return None

    @property
    def server_error(self) -> bool:
        """HTTP 5xx or an envelope code >= 500."""
        return self.status >= 500 or (self.code is not None and self.code >= 500)

    def describe(self) -> str:
        """``HTTP 200, code 422``: how the answer reads, for messages."""
        code = "no envelope code" if self.code is None else f"code {self.code}"
        return f"HTTP {self.status}, {code}"


# ----------------------------------------------------------------------------------------------- schemas


@functools.cache
def _validator(schema_name: str) -> jsonschema_rs.Validator:
    document = {"$ref": f"#/components/schemas/{schema_name}", "components": effective_spec()["components"]}
    return jsonschema_rs.validator_for(document)


def schema_errors(instance: Any, schema_name: str, limit: int = 3) -> list[str]:
    """Return up to ``limit`` readable errors of ``instance`` against the component ``schema_name``."""
    found = []
    for error in _validator(schema_name).iter_errors(instance):
        where = ".".join(str(part) for part in error.instance_path) or "<body>"
        found.append(f"`{where}`: {error.message}")
        if len(found) >= limit:
            break
    return found


def _schema_name(response_schema: Mapping[str, Any]) -> str:
    return str(response_schema["$ref"]).rsplit("/", 1)[-1]


@functools.cache
def documented_schemas(method: str, path: str) -> Mapping[int, str]:
    """Return ``{HTTP status: component name}`` of an operation's documented JSON answers."""
    operation = effective_spec()["paths"][path][method.lower()]
    found = {}
    for status, response in operation.get("responses", {}).items():
        content = response.get("content", {}).get("application/json", {})
        if "schema" in content and str(status).isdigit():
            found[int(status)] = _schema_name(content["schema"])
    return found


def envelope_schema(expectation: Expectation) -> str | None:
    """Return the component that documents the operation's envelope (its 200 answer)."""
    if expectation.operation is None:
        return None
    return documented_schemas(expectation.operation.method, expectation.operation.path).get(200)


# ------------------------------------------------------------------------------------------- the checks


def no_server_error(reply: Reply, _: Context) -> Result:
    """No request, however malformed, may get a server error."""
    if reply.server_error:
        return Result.failed(f"answered a server error ({reply.describe()})")
    return Result.passed()


def json_envelope(reply: Reply, _: Context) -> Result:
    """A documented operation answers a JSON object with a JSON content type."""
    if reply.expectation.operation is None:
        return Result.not_applicable()
    declared = media_type(reply.headers)
    if declared != "application/json" and not (declared or "").endswith("+json"):
        return Result.failed(f"answered Content-Type {declared or '(none)'}, not application/json")
    if not reply.parsed:
        return Result.failed("the body is not JSON", _raw(reply.content))
    if reply.envelope is None:
        return Result.failed("the body is JSON but not an envelope object")
    return Result.passed()


def _schemas_for(reply: Reply, documented: Mapping[int, str]) -> list[str]:
    """Return the components an answer must match, in order."""
    # A real HTTP error status (status style) carries the error envelope, whether the spec lists it or not.
    names = [documented[200] if 200 <= reply.status < 300 else documented.get(reply.status, ERROR_SCHEMA)]
    if reply.code != 200 and ERROR_SCHEMA not in names:
        names.append(ERROR_SCHEMA)
    return names


def response_schema(reply: Reply, _: Context) -> Result:
    """The body matches the documented schema; an error envelope (code != 200) also matches ``ErrorResponse``."""
    operation = reply.expectation.operation
    if operation is None or reply.envelope is None:
        return Result.not_applicable()
    for name in _schemas_for(reply, documented_schemas(operation.method, operation.path)):
        errors = schema_errors(reply.envelope, name)
        if errors:
            return Result.failed(f"the body does not match {name}", "\n".join(errors))
    return Result.passed()


def envelope_consistent(reply: Reply, _: Context) -> Result:
    """An answer with an HTTP error status carries that status as its envelope code, never code 200.

    Errors come either way (ERRATA E-13): HTTP 200 with the error code in the envelope, or a real HTTP status. A
    real status and the envelope code must then tell the same story; an error status whose envelope says 200
    claims success for a refused request.
    """
    if reply.expectation.operation is None or reply.status < 400 or reply.code is None:
        return Result.not_applicable()
    if reply.code == 200:
        return Result.failed(f"an error answer claims success: envelope code 200 with HTTP {reply.status}")
    if reply.code != reply.status:
        return Result.failed(f"the envelope code and the HTTP status disagree ({reply.describe()})")
    return Result.passed()


def credentials_enforced(reply: Reply, _: Context) -> Result:
    """A request without ``Authorization: Bearer <the run's key>`` gets 401, before anything is looked up."""
    expectation = reply.expectation
    if expectation.operation is None or expectation.credentials is Credentials.VALID:
        return Result.not_applicable()
    what = expectation.presented or ("no token" if expectation.credentials is Credentials.MISSING else "a wrong token")
    if reply.status == 401 or reply.code == 401:
        return Result.passed()
    if reply.code in SERVICE_STATE_CODES:
        return Result.skipped(f"service state: code {reply.code}")
    return Result.failed(f"a request with {what} was not refused with 401 ({reply.describe()})")


def _token_refused() -> Result:
    return Result.failed("the run's own token was refused with 401: is the token right, or is auth broken?")


def _state_or_auth(reply: Reply) -> Result | None:
    """Judge the answers that say nothing about the request: a service state (skip), our token refused (fail)."""
    if reply.code in SERVICE_STATE_CODES:
        return Result.skipped(f"service state: code {reply.code}")
    if reply.rejection_code == 401:
        return _token_refused()
    return None


def invalid_rejected(reply: Reply, _: Context) -> Result:
    """A request the spec rejects gets a 4xx-class code (and not 401: our token is good)."""
    expectation = reply.expectation
    valid_credentials = expectation.credentials is Credentials.VALID
    if expectation.operation is None or not valid_credentials or expectation.verdict is not Verdict.REJECT:
        return Result.not_applicable()
    rejection = reply.rejection_code
    if rejection == 401:
        return _token_refused()
    if rejection is not None:
        return Result.passed()
    broken = ", ".join(expectation.rule_ids) or "the spec"
    verb = "accepted" if reply.accepted else "did not reject"
    return Result.failed(f"{verb} a request that breaks {broken} ({reply.describe()})", "\n".join(expectation.reasons))


def valid_accepted(reply: Reply, _: Context) -> Result:
    """A valid submit with our token gets code 200 and a non-empty string ``data.taskId``."""
    expectation = reply.expectation
    valid_credentials = expectation.credentials is Credentials.VALID
    if not expectation.is_submit or not valid_credentials or expectation.verdict is not Verdict.ACCEPT:
        return Result.not_applicable()
    early = _state_or_auth(reply)
    if early is not None:
        return early
    if not reply.accepted:
        return Result.failed(f"a valid body was not accepted ({reply.describe()})", _message_of(reply))
    task_id = reply.data.get("taskId") if isinstance(reply.data, Mapping) else None
    if not isinstance(task_id, str) or not task_id:
        return Result.failed("code 200 without a non-empty string data.taskId", f"data: {reply.data!r}")
    return Result.passed()


def task_found(reply: Reply, context: Context) -> Result:
    """Record-info answers for a task this run created, and says not-found (never 5xx) for any other id."""
    expectation = reply.expectation
    valid_credentials = expectation.credentials is Credentials.VALID
    if not expectation.is_record_info or not valid_credentials or expectation.verdict is not Verdict.ACCEPT:
        return Result.not_applicable()
    if expectation.task_id is None:
        return Result.not_applicable()
    early = _state_or_auth(reply)
    if early is not None:
        return early
    if context.created_task(expectation.task_id):
        return _known_task(reply, expectation.task_id)
    return _unknown_task(reply)


# Details are cut to their shown length by the ledger, after redaction (a cut made before could leave part of a
# secret that the redaction no longer recognises). This bound only keeps a huge answer from being scanned whole;
# it is far beyond what the ledger shows, so no fragment it leaves is ever shown.
_RAW_LIMIT = 8000


def _raw(value: bytes | str) -> str:
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
    return text[:_RAW_LIMIT]


def _known_task(reply: Reply, task_id: str) -> Result:
    record = reply.data if isinstance(reply.data, Mapping) else None
    if reply.accepted and record is not None and record.get("taskId") == task_id:
        return Result.passed()
    return Result.failed(
        f"record-info does not answer for a task this run created ({reply.describe()})",
        _raw(f"taskId {task_id!r}; data: {reply.data!r}"),
    )


def _unknown_task(reply: Reply) -> Result:
    if reply.server_error:
        return Result.failed(f"record-info answered a server error for an unknown taskId ({reply.describe()})")
    if reply.rejection_code is not None or (reply.accepted and reply.data is None):
        return Result.passed()
    if reply.accepted:
        return Result.failed("record-info answered a record for a taskId no one created", _raw(f"data: {reply.data!r}"))
    return Result.failed(f"record-info neither found nor refused an unknown taskId ({reply.describe()})")


def undocumented_method(reply: Reply, _: Context) -> Result:
    """A method the spec does not document on a documented path gets a 4xx-class answer."""
    expectation = reply.expectation
    if expectation.operation is not None or expectation.verdict is not Verdict.REJECT:
        return Result.not_applicable()
    if reply.rejection_code is not None:
        return Result.passed()
    return Result.failed(
        f"{expectation.method}, a method the spec does not document on {expectation.path}, was not refused"
        f" ({reply.describe()})"
    )


def _message_of(reply: Reply) -> str:
    msg = reply.envelope.get("msg") if reply.envelope is not None else None
    return f"msg: {msg}" if isinstance(msg, str) else _raw(reply.content)


ResponseCheck = Callable[[Reply, Context], Result]

RESPONSE_CHECKS: tuple[ResponseCheck, ...] = (
    no_server_error,
    json_envelope,
    response_schema,
    envelope_consistent,
    credentials_enforced,
    invalid_rejected,
    valid_accepted,
    task_found,
    undocumented_method,
)
"""Every response check, in report order."""


def drift_of(reply: Reply) -> list[DriftFinding]:
    """Return the values of a documented operation's answer that its documented lists do not name."""
    name = envelope_schema(reply.expectation)
    if name is None or reply.envelope is None:
        return []
    return find_drift(reply.envelope, name)


# ------------------------------------------------------------------------------------------ callbacks


@attrs.frozen
class CallbackContext:
    """What callback checks need: the signing key, the replay window, the tasks and their receiver paths.

    Attributes:
        webhook_key: The key callbacks are signed with; ``None`` when unknown (signatures are not judged).
        tolerance: Seconds a signature timestamp may differ from ``now``.
        now: The current Unix time.
        task_for_path: The task created by the submit whose ``callBackUrl`` had this path.
    """

    webhook_key: str | None
    tolerance: float
    now: float
    task_for_path: Mapping[str, str]


@attrs.frozen
class Callback:
    """A callback the suite's receiver got."""

    path: str
    headers: Mapping[str, str]
    content: bytes = attrs.field(repr=False)

    @property
    def payload(self) -> Mapping[str, Any] | None:
        """The JSON object body, or ``None``."""
        try:
            decoded = json.loads(self.content)
        except (UnicodeDecodeError, ValueError):
            return None
        return decoded if isinstance(decoded, dict) else None

    @property
    def task_id(self) -> str | None:
        """``data.task_id`` of the body, if it is a string."""
        data = (self.payload or {}).get("data")
        value = data.get("task_id") if isinstance(data, Mapping) else None
        return value if isinstance(value, str) else None

    @property
    def callback_type(self) -> str | None:
        """``data.callbackType``, if it is a string."""
        data = (self.payload or {}).get("data")
        value = data.get("callbackType") if isinstance(data, Mapping) else None
        return value if isinstance(value, str) else None


def callback_schema(callback: Callback, _: CallbackContext) -> Result:
    """A callback is a JSON ``CallbackPayload``."""
    declared = media_type(callback.headers)
    if declared != "application/json":
        return Result.failed(f"callback sent with Content-Type {declared or '(none)'}, not application/json")
    payload = callback.payload
    if payload is None:
        return Result.failed("the callback body is not a JSON object")
    errors = schema_errors(payload, CALLBACK_SCHEMA)
    if errors:
        return Result.failed(f"the callback does not match {CALLBACK_SCHEMA}", "\n".join(errors))
    return Result.passed()


def callback_signature(callback: Callback, context: CallbackContext) -> Result:
    """A callback carries a fresh ``X-Webhook-Timestamp`` and the right ``X-Webhook-Signature``.

    Judged by ``suno_api.verify_webhook``, the client's own verifier: the suite and the client cannot disagree
    about the scheme.
    """
    if context.webhook_key is None:
        return Result.skipped("no webhook key is known for this target")
    if callback.task_id is None:
        return Result.not_applicable()  # no data.task_id to sign: callback_schema reports it
    try:
        verify_webhook(
            callback.content, callback.headers, secret=context.webhook_key, tolerance=context.tolerance, now=context.now
        )
    except WebhookVerificationError as exc:
        reason = str(exc)
        # The headline groups failures: keep the verifier's first clause, without its numbers and ids.
        headline = _VALUES.sub("N", reason.split(":", 1)[0])
        return Result.failed(f"callback signature rejected by suno_api.verify_webhook: {headline}", reason)
    return Result.passed()


def callback_task(callback: Callback, context: CallbackContext) -> Result:
    """A callback reports the task created by the submit whose ``callBackUrl`` it was sent to."""
    task_id = callback.task_id
    if task_id is None:
        return Result.not_applicable()
    expected = context.task_for_path.get(callback.path)
    if expected is None:
        return Result.failed("a callback arrived at a callBackUrl no accepted submit used")
    if task_id != expected:
        return Result.failed("the callback reports another task than the one its callBackUrl belongs to")
    return Result.passed()


CallbackCheck = Callable[[Callback, CallbackContext], Result]

CALLBACK_CHECKS: tuple[CallbackCheck, ...] = (callback_schema, callback_signature, callback_task)
"""Every callback check, in report order."""


def callback_drift(callback: Callback) -> list[DriftFinding]:
    """Return the values of a callback that the documented lists do not name."""
    payload = callback.payload
    return [] if payload is None else find_drift(payload, CALLBACK_SCHEMA)


# -------------------------------------------------------------------------- the schemathesis protocol


def as_schemathesis_check(
    check: ResponseCheck, context: Callable[[], Context | None]
) -> Callable[[Any, schemathesis.Response, schemathesis.Case[Any]], bool | None]:
    """Return ``check`` in schemathesis's protocol: raise ``AssertionError`` to fail, return ``True`` to skip.

    ``context`` returns the active run's context; without one (no suite running) the check skips.
    """

    def adapted(ctx: Any, response: schemathesis.Response, case: schemathesis.Case[Any]) -> bool | None:
        del ctx, case  # the oracle judges what was actually sent: response.request
        active = context()
        if active is None:
            return True
        result = check(Reply.from_response(response, active), active)
        if result.status is Status.FAILED:
            raise AssertionError("\n".join(filter(None, (result.message, result.detail))))
        return True if result.status in (Status.SKIPPED, Status.NOT_APPLICABLE) else None

    adapted.__name__ = check.__name__
    adapted.__qualname__ = check.__qualname__
    adapted.__doc__ = check.__doc__
    return adapted
