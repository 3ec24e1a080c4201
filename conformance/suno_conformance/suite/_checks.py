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

Callback checks: ``callback_signature``, ``callback_schema``, ``callback_task``; per task, judged by ``Run`` once
the callbacks are in (``_state.py``): ``callbacks_delivered``, ``callback_stages`` (a callback for each stage,
in the spec's order), ``callback_consistency`` and ``callback_tracks_agree`` (the final callback and record-info
report the same tracks, with the same content). Drift (values outside documented lists) is reported by
``drift_of``, never as a failure.

A body is read once (``decode_json``), leniently where its meaning is plain, and what keeps it from being UTF-8
JSON is said in terms of the answer (``NaN`` as ``NaN``, a Latin-1 body as not UTF-8, a cut-short body with where
it ends). That is ``json_envelope``'s failure alone: checks that would only restate it (the schema, envelope
consistency, acceptance of an unreadable answer) are skipped with a reason that points at it.
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

import attrs
import jsonschema_rs

from suno_api import WebhookVerificationError, redact, verify_webhook
from suno_api.spec import effective_spec, names
from suno_conformance.suite._drift import DriftFinding, find_drift
from suno_conformance.suite._oracle import Credentials, Expectation, Verdict, expect, media_type, sent_from_prepared

if TYPE_CHECKING:
    import schemathesis

# Codes that report the service's state rather than judge the request: credits, rate limit, maintenance.
SERVICE_STATE_CODES = frozenset({402, 429, 455})
CALLBACK_SCHEMA = "CallbackPayload"
ERROR_SCHEMA = "ErrorResponse"


def callback_type_path() -> tuple[str, str]:
    """Where a callback (``CALLBACK_SCHEMA``) names its stage."""
    spec_names = names()
    return (spec_names.callback_data, spec_names.callback_type)


def callback_task_path() -> tuple[str, str]:
    """Where a callback names its task."""
    spec_names = names()
    return (spec_names.callback_data, spec_names.callback_task_id)


def callback_tracks_path() -> tuple[str, str]:
    """Where a callback carries its tracks."""
    spec_names = names()
    return (spec_names.callback_data, spec_names.callback_tracks)


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


# ------------------------------------------------------------------------------------------ decoding

# RFC 8259 section 8.1: JSON exchanged between systems is UTF-8, without a byte order mark.
_UTF8_NAMES = frozenset({"utf-8", "utf8"})
_RFC_8259 = "(RFC 8259 section 8.1)"
_BOMS = (
    (codecs.BOM_UTF32_LE, f"the body is UTF-32, not UTF-8 as JSON must be {_RFC_8259}"),
    (codecs.BOM_UTF32_BE, f"the body is UTF-32, not UTF-8 as JSON must be {_RFC_8259}"),
    (codecs.BOM_UTF8, f"the body starts with a byte order mark, which JSON must not have {_RFC_8259}"),
    (codecs.BOM_UTF16_LE, f"the body is UTF-16, not UTF-8 as JSON must be {_RFC_8259}"),
    (codecs.BOM_UTF16_BE, f"the body is UTF-16, not UTF-8 as JSON must be {_RFC_8259}"),
)
_CONTEXT = 60
NOT_JUDGED = "not judged: {problem} (reported by json_envelope)"


@attrs.frozen
class Decoded:
    """A body read as JSON: the value, and what keeps it from being the UTF-8 JSON the spec documents.

    Attributes:
        value: The value, read leniently where the meaning is plain (``NaN`` as a float, a Latin-1 body as
            Latin-1), so that the other checks judge what the server meant; ``None`` when nothing could be read.
        parsed: Whether a value was read.
        problem: ``""`` for UTF-8 JSON; otherwise what is wrong, in terms of the answer (a grouping message).
        detail: Where: the byte, the position, the offending values, an excerpt (secrets redacted before any cut).
    """

    value: Any = None
    parsed: bool = False
    problem: str = ""
    detail: str = ""


def charset_of(content_type: str | None) -> str | None:
    """Return the lower-case ``charset`` parameter of a Content-Type value, or ``None``."""
    for parameter in (content_type or "").split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower() or None
    return None


def _window(text: str, position: int, secrets: Iterable[str]) -> str:
    """Return the text around ``position``, redacted before it is cut (a cut never leaves part of a secret)."""
    marker = "\x00conformance-cut\x00"
    redacted = redact(text[:position] + marker + text[position:], secrets)
    at = redacted.find(marker)
    if at < 0:  # the marker fell inside a secret: show the beginning instead
        return _raw(redact(text, secrets))[: 2 * _CONTEXT]
    before, after = redacted[max(0, at - _CONTEXT) : at], redacted[at + len(marker) : at + len(marker) + _CONTEXT]
    lead = "…" if at > _CONTEXT else ""
    tail = "…" if len(redacted) - at - len(marker) > _CONTEXT else ""
    return f"{lead}{before}⟨here⟩{after}{tail}"


def _non_finite(value: Any, where: str = "") -> Iterable[str]:
    """Yield ``path: NaN`` for every non-finite number in a decoded value."""
    if isinstance(value, float) and not math.isfinite(value):
        yield f"`{where or '<body>'}`: {json.dumps(value)}"
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _non_finite(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _non_finite(item, f"{where}.{index}" if where else str(index))


def _text_of(content: bytes, declared: str | None, secrets: Iterable[str]) -> tuple[str, str, str]:
    """Return (the body as text, the encoding problem or "", its detail)."""
    for bom, problem in _BOMS:
        if content.startswith(bom):
            encoding = json.detect_encoding(content)
            return (
                content.decode(encoding, "replace"),
                problem,
                f"it starts with the bytes {content[: len(bom)].hex(' ')}",
            )
    detected = json.detect_encoding(content) if content else "utf-8"
    if detected != "utf-8":
        return (
            content.decode(detected, "replace"),
            f"the body is {detected.upper()}, not UTF-8 as JSON must be {_RFC_8259}",
            f"its first bytes: {content[:8].hex(' ')}",
        )
    other = declared if declared is not None and declared not in _UTF8_NAMES else None
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = f"byte 0x{content[exc.start : exc.start + 1].hex()} at offset {exc.start} is not UTF-8"
        if other is not None:
            with contextlib.suppress(LookupError, UnicodeDecodeError):
                text = content.decode(other)
                return (
                    text,
                    f"the body is {other}, as its Content-Type declares, not UTF-8 as JSON must be {_RFC_8259}",
                    f"{bad}; read as {other}: {_window(text, exc.start, secrets)}",
                )
        # Latin-1 reads every byte, so the other checks still judge what the server meant.
        text = content.decode("latin-1")
        said = "the charset its Content-Type declares" if declared and other is None else f"as JSON must be {_RFC_8259}"
        return text, f"the body is not UTF-8, {said}", f"{bad}; read as Latin-1: {_window(text, exc.start, secrets)}"
    if other is not None and not text.isascii():
        # RFC 8259 defines no charset for JSON; one that is not UTF-8 misleads every client that believes it.
        return (
            text,
            f"the Content-Type declares charset={other}, but the body is UTF-8 as JSON must be {_RFC_8259}",
            "a client that believes the header reads the non-ASCII text wrong",
        )
    return text, "", ""


def decode_json(content: bytes, content_type: str | None = None, secrets: Iterable[str] = ()) -> Decoded:
    """Read a body as JSON and say, in terms of the answer, what keeps it from being UTF-8 JSON.

    ``NaN``, ``Infinity`` and ``-Infinity`` are not JSON (RFC 8259 section 6) but Python's decoder reads them;
    they are reported as themselves, with where they are. A body in another encoding than UTF-8 says which, and
    what its Content-Type declares. A body that is not JSON says why and where, with an excerpt.
    """
    secrets = tuple(secrets)
    text, problem, detail = _text_of(content, charset_of(content_type), secrets)
    constants: list[str] = []

    def constant(name: str) -> float:
        constants.append(name)
        return float(name)

    try:
        value = json.loads(text, parse_constant=constant)
    except ValueError as exc:
        position = getattr(exc, "pos", 0)
        if not text.strip():
            why = "the body is empty, not JSON"
            where = f"{len(content)} byte(s)"
        else:
            why = "the body is not JSON"
            reason = getattr(exc, "msg", str(exc))
            where = f"{reason} (line {getattr(exc, 'lineno', 1)}, column {getattr(exc, 'colno', 1)})"
            # A body cut short (a proxy's limit, a dropped connection) fails at its end or inside its last string.
            if position >= len(text.rstrip()) or reason.startswith("Unterminated string"):
                where = f"it ends before its JSON value does (cut short?): {where}"
                position = len(text)
            where += f": {_window(text, position, secrets)}"
        return Decoded(None, False, problem or why, "\n".join(filter(None, (detail, where))))
    if constants and not problem:
        found = sorted(set(constants))
        problem = (
            f"the body is not JSON: it contains {', '.join(found)}, which JSON does not allow (RFC 8259 section 6)"
        )
        detail = "\n".join(_non_finite(value))
    return Decoded(value, True, problem, detail)


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
    """Whether a JSON value was read from the body (``envelope`` holds it when it is an object)."""
    problem: str = ""
    """What keeps the body from being UTF-8 JSON, in terms of the answer (``""``: nothing); see ``decode_json``."""
    problem_detail: str = ""
    """Where the problem is (position, values, an excerpt with secrets redacted)."""

    @classmethod
    def build(
        cls,
        expectation: Expectation,
        status: int,
        headers: Mapping[str, Any],
        content: bytes,
        secrets: Iterable[str] = (),
    ) -> Reply:
        """Build a reply, reading the body once (``secrets`` are redacted from the problem's excerpt)."""
        flat = {
            name.lower(): (value[0] if isinstance(value, list) and value else str(value))
            for name, value in headers.items()
        }
        decoded = decode_json(content, flat.get("content-type"), secrets)
        envelope = decoded.value if isinstance(decoded.value, dict) else None
        return cls(expectation, status, flat, content, envelope, decoded.parsed, decoded.problem, decoded.detail)

    @classmethod
    def from_response(cls, response: schemathesis.Response, context: Context) -> Reply:
        """Build a reply from a schemathesis response, judging the request that was actually sent."""
        sent = sent_from_prepared(response.request, context.base_path)
        return cls.build(
            expect(sent, context.token), response.status_code, response.headers, response.content, (context.token,)
        )

    @property
    def code(self) -> int | None:
        """The envelope's ``code`` as an integer (a digit string counts), or ``None``."""
        if self.envelope is None:
            return None
        value = self.envelope.get(names().envelope_code)
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
        return None if self.envelope is None else self.envelope.get(names().envelope_data)

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
        """``HTTP 200, code 422``: how the answer reads, for messages (``body not JSON`` when it cannot be read)."""
        if self.envelope is None and self.problem:
            return f"HTTP {self.status}, body not JSON"
        if self.envelope is None and self.parsed:
            return f"HTTP {self.status}, body not an envelope"
        code = "no envelope code" if self.code is None else f"code {self.code}"
        return f"HTTP {self.status}, {code}"

    @property
    def unread(self) -> str:
        """Why no envelope could be read from the body (``""`` when one was)."""
        if self.envelope is not None:
            return ""
        return self.problem or "the body is JSON but not an envelope object"

    def unreadable(self) -> Result | None:
        """A skip pointing at ``json_envelope`` when nothing but the body could tell the verdict, else ``None``.

        An answer whose envelope cannot be read says nothing about the request unless its HTTP status does: judging
        it would report a second, misleading failure for the one root cause ``json_envelope`` reports.
        """
        if self.envelope is not None or self.expectation.operation is None or 400 <= self.status < 600:
            return None
        return Result.skipped(NOT_JUDGED.format(problem=self.unread))


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
        body = "\n".join(filter(None, (reply.problem, reply.problem_detail)))
        return Result.failed(f"answered Content-Type {declared or '(none)'}, not application/json", body)
    if reply.problem:
        return Result.failed(reply.problem, reply.problem_detail)
    if reply.envelope is None:
        return Result.failed("the body is JSON but not an envelope object", _raw(reply.content))
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
    if operation is None:
        return Result.not_applicable()
    if reply.problem:
        # Judged against the schema, a NaN reads as `null is not of types ...`: json_envelope says what it is.
        return Result.skipped(NOT_JUDGED.format(problem=reply.problem))
    if reply.envelope is None:
        return Result.skipped(NOT_JUDGED.format(problem=reply.unread))
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
    if reply.expectation.operation is None or reply.status < 400:
        return Result.not_applicable()
    if reply.envelope is None:
        return Result.skipped(NOT_JUDGED.format(problem=reply.unread))
    if reply.code is None:
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
    return reply.unreadable() or Result.failed(f"a request with {what} was not refused with 401 ({reply.describe()})")


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
    unreadable = reply.unreadable()
    if unreadable is not None:
        return unreadable
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
        return reply.unreadable() or Result.failed(
            f"a valid body was not accepted ({reply.describe()})", _message_of(reply)
        )
    task_id = reply.data.get(names().submit_task_id) if isinstance(reply.data, Mapping) else None
    if not isinstance(task_id, str) or not task_id:
        spelled = f"{names().envelope_data}.{names().submit_task_id}"
        return Result.failed(f"code 200 without a non-empty string {spelled}", f"data: {reply.data!r}")
    return Result.passed()


def task_found(reply: Reply, context: Context) -> Result:
    """Record-info answers for a task this run created, and says not-found (never 5xx) for any other id."""
    expectation = reply.expectation
    valid_credentials = expectation.credentials is Credentials.VALID
    if not expectation.is_record_info or not valid_credentials or expectation.verdict is not Verdict.ACCEPT:
        return Result.not_applicable()
    if expectation.task_id is None:
        return Result.not_applicable()
    early = _state_or_auth(reply) or reply.unreadable()
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
    if reply.accepted and record is not None and record.get(names().record_task_id) == task_id:
        return Result.passed()
    return Result.failed(
        f"record-info does not answer for a task this run created ({reply.describe()})",
        _raw(f"{names().task_id_param} {task_id!r}; data: {reply.data!r}"),
    )


def _unknown_task(reply: Reply) -> Result:
    if reply.server_error:
        return Result.failed(f"record-info answered a server error for an unknown task id ({reply.describe()})")
    if reply.rejection_code is not None or (reply.accepted and reply.data is None):
        return Result.passed()
    if reply.accepted:
        return Result.failed(
            "record-info answered a record for a task id no one created", _raw(f"data: {reply.data!r}")
        )
    return Result.failed(f"record-info neither found nor refused an unknown task id ({reply.describe()})")


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
    msg = reply.envelope.get(names().envelope_msg) if reply.envelope is not None else None
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
    if name is None or reply.envelope is None or reply.problem:
        return []  # a body that is not UTF-8 JSON is json_envelope's failure, not upstream's drift
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


def value_at(document: Any, path: tuple[str, ...]) -> Any:
    """Return the value at ``path`` in a decoded JSON document (``None`` where a step is missing)."""
    for part in path:
        if not isinstance(document, Mapping):
            return None
        document = document.get(part)
    return document


@attrs.frozen
class Callback:
    """A callback the suite's receiver got."""

    path: str
    headers: Mapping[str, str]
    content: bytes = attrs.field(repr=False)

    def decoded(self, secrets: Iterable[str] = ()) -> Decoded:
        """The body read as JSON, with what keeps it from being UTF-8 JSON (``decode_json``)."""
        return decode_json(self.content, self.headers.get("content-type"), secrets)

    @property
    def payload(self) -> Mapping[str, Any] | None:
        """The JSON object body (read leniently, as ``Decoded.value``), or ``None``."""
        value = self.decoded().value
        return value if isinstance(value, dict) else None

    @property
    def task_id(self) -> str | None:
        """``data.task_id`` of the body, if it is a string."""
        value = value_at(self.payload, callback_task_path())
        return value if isinstance(value, str) else None

    @property
    def callback_type(self) -> str | None:
        """``data.callbackType``, if it is a string."""
        value = value_at(self.payload, callback_type_path())
        return value if isinstance(value, str) else None


def callback_schema(callback: Callback, context: CallbackContext) -> Result:
    """A callback is a UTF-8 JSON ``CallbackPayload``."""
    decoded = callback.decoded(filter(None, (context.webhook_key,)))
    declared = media_type(callback.headers)
    if declared != "application/json":
        body = "\n".join(filter(None, (decoded.problem, decoded.detail)))
        return Result.failed(f"callback sent with Content-Type {declared or '(none)'}, not application/json", body)
    if decoded.problem:
        return Result.failed(f"callback: {decoded.problem}", decoded.detail)
    payload = decoded.value if isinstance(decoded.value, dict) else None
    if payload is None:
        return Result.failed("the callback body is JSON but not an object", _raw(callback.content))
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
        return Result.failed(f"a callback arrived at a {names().callback_url} no accepted submit used")
    if task_id != expected:
        return Result.failed(f"the callback reports another task than the one its {names().callback_url} belongs to")
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
