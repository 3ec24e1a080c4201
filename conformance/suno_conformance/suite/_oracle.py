"""The oracle: what a conforming server owes a request, decided from the request alone.

Schemathesis labels its cases positive or negative, but a "negative" case is often valid by accident and it knows
nothing of the rules overlay. The suite therefore judges every request by what was actually sent: the effective
spec's request schema and rules (``suno_api.find_violations``, the table the client and the mock use),
the query of record-info, the credentials and the method.

An ``Expectation`` says:

- ``verdict``: ``accept`` (a valid request: a submit must create a task, record-info must answer), ``reject`` (the
  spec says the server must refuse it) or ``undetermined`` (the spec leaves the answer open, e.g. a valid JSON body
  sent as ``text/plain``, or ``taskId`` given twice);
- ``credentials``: ``valid``, ``missing`` or ``wrong`` (anything but ``Bearer <the run's token>``);
- ``free``: the request cannot create a paid task, whatever the server's reading of upstream's text (bad
  credentials, an undocumented method, record-info, a submit body with nothing to extend). Live safety sends only
  free requests unless ``SUNO_MAX_PAID_CALLS`` allows more.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

import attrs
import requests

from suno_api import find_violations
from suno_api.spec import effective_spec, names

JSON_MEDIA_TYPES = frozenset({"application/json"})
# Methods whose answer HTTP itself defines (CORS preflight, headers of a GET): not the spec's to judge.
_PROTOCOL_METHODS = frozenset({"HEAD", "OPTIONS"})
# The operation fields of an OpenAPI 3 path item: every method a spec can document on a path.
PATH_ITEM_METHODS = ("GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE")


class Verdict(StrEnum):
    """What a conforming server must do with a request (given valid credentials)."""

    ACCEPT = "accept"
    REJECT = "reject"
    UNDETERMINED = "undetermined"


class Credentials(StrEnum):
    """How the request authenticates, compared with the run's token."""

    VALID = "valid"
    MISSING = "missing"
    WRONG = "wrong"


@attrs.frozen
class Operation:
    """A documented operation of the effective spec."""

    operation_id: str
    method: str
    path: str

    @property
    def label(self) -> str:
        """``POST /api/v1/generate/upload-extend``: how schemathesis and the summary name it."""
        return f"{self.method} {self.path}"

    @property
    def is_submit(self) -> bool:
        """Whether this is the operation that creates a task (the spec's submit path)."""
        return self.path == names().submit_path

    @property
    def is_record_info(self) -> bool:
        """Whether this is the operation that reads a task (the spec's record-info path)."""
        return self.path == names().record_info_path


def documented_operations() -> tuple[Operation, ...]:
    """Return the operations of the effective spec, in spec order."""
    found = []
    for path, item in effective_spec()["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, Mapping) and "operationId" in operation:
                found.append(Operation(operation["operationId"], method.upper(), path))
    return tuple(found)


def submit_operation() -> Operation:
    """Return the operation that creates a task."""
    return _operation_at(names().submit_path)


def record_info_operation() -> Operation:
    """Return the operation that reads a task."""
    return _operation_at(names().record_info_path)


def _operation_at(path: str) -> Operation:
    found = [operation for operation in documented_operations() if operation.path == path]
    if len(found) != 1:
        raise KeyError(f"the effective spec documents {len(found)} operations on {path}, not one")
    return found[0]


def operation_by_id(operation_id: str) -> Operation:
    """Return the documented operation ``operation_id``."""
    for operation in documented_operations():
        if operation.operation_id == operation_id:
            return operation
    raise KeyError(f"the effective spec has no operation {operation_id!r}")


@attrs.frozen
class SentRequest:
    """The parts of an HTTP request the oracle reads.

    Attributes:
        method: Upper-case HTTP method.
        path: URL path, without the base URL's own path prefix.
        query: Every value of every query parameter.
        headers: Header names in lower case.
        body: The raw body; ``None`` when there is none.
    """

    method: str
    path: str
    query: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    headers: Mapping[str, str] = attrs.field(factory=dict)
    body: bytes | None = None

    @classmethod
    def build(
        cls,
        method: str,
        url: str,
        headers: Mapping[str, str] | None = None,
        body: bytes | str | None = None,
        *,
        base_path: str = "",
    ) -> SentRequest:
        """Build the view of a request from its method, full URL, headers and body."""
        parts = urllib.parse.urlsplit(url)
        path = parts.path
        if base_path and path.startswith(base_path):
            path = path[len(base_path) :] or "/"
        query: dict[str, list[str]] = {}
        for name, value in urllib.parse.parse_qsl(parts.query, keep_blank_values=True):
            query.setdefault(name, []).append(value)
        raw = body.encode() if isinstance(body, str) else body
        return cls(
            method=method.upper(),
            path=path,
            query={name: tuple(values) for name, values in query.items()},
            headers={name.lower(): str(value) for name, value in (headers or {}).items()},
            body=raw or None,
        )


def sent_from_prepared(prepared: requests.PreparedRequest, base_path: str = "") -> SentRequest:
    """Build the view of a request that ``requests`` prepared (a streamed body counts as none)."""
    headers = {
        str(name): value.decode("latin-1") if isinstance(value, bytes) else str(value)
        for name, value in prepared.headers.items()
    }
    body = prepared.body if isinstance(prepared.body, bytes | str) else None
    return SentRequest.build(str(prepared.method), str(prepared.url), headers, body, base_path=base_path)


@attrs.frozen
class Expectation:
    """What a conforming server owes one request (see the module docstring).

    Attributes:
        method: The request's method.
        path: The request's path.
        operation: The documented operation at this method and path; ``None`` for an undocumented method.
        path_operation: The documented operation at this path, whatever the method.
        credentials: How the request authenticates.
        verdict: What its content deserves, given valid credentials.
        reasons: Why it must be rejected, or why the answer is open (one line each).
        rule_ids: The rule ids (``schema.<keyword>`` or a rules-overlay id) the body breaks.
        free: Whether sending it cannot create a paid task.
        task_id: The ``taskId`` asked for, for record-info.
        body: The parsed JSON body of a submit, when it parses.
        presented: How the request presented credentials, without the token (``describe_credentials``).
    """

    method: str
    path: str
    operation: Operation | None
    path_operation: Operation | None
    credentials: Credentials
    verdict: Verdict
    reasons: tuple[str, ...] = ()
    rule_ids: tuple[str, ...] = ()
    free: bool = False
    task_id: str | None = None
    body: Any = None
    presented: str = ""

    @property
    def label(self) -> str:
        """The operation's label, or ``<METHOD> <path>`` for an undocumented method."""
        return self.operation.label if self.operation is not None else f"{self.method} {self.path}"

    @property
    def is_submit(self) -> bool:
        """Whether the request is a submit (``POST /upload-extend``)."""
        return self.operation is not None and self.operation.is_submit

    @property
    def is_record_info(self) -> bool:
        """Whether the request is a record-info query."""
        return self.operation is not None and self.operation.is_record_info


def undocumented_methods(path: str) -> tuple[str, ...]:
    """Return the methods a server must refuse on the documented ``path``: every other path-item method.

    HEAD and OPTIONS are left out: HTTP itself defines their answers (a HEAD of a GET, a CORS preflight).
    """
    documented = {operation.method for operation in documented_operations() if operation.path == path}
    return tuple(m for m in PATH_ITEM_METHODS if m not in documented and m not in _PROTOCOL_METHODS)


def documented_paths() -> tuple[str, ...]:
    """Return the documented paths, in spec order."""
    return tuple(dict.fromkeys(operation.path for operation in documented_operations()))


def _security_of(operation: Operation) -> list[Any]:
    document = effective_spec()
    item = document["paths"][operation.path][operation.method.lower()]
    found: list[Any] = item.get("security", document.get("security", []))
    return found


def bearer_scheme() -> str:
    """Return the auth scheme name of the spec's HTTP bearer security scheme (``bearer``), lower case.

    Raises:
        KeyError: the spec documents no HTTP bearer scheme.
    """
    for scheme in effective_spec().get("components", {}).get("securitySchemes", {}).values():
        if scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() == "bearer":
            return str(scheme["scheme"]).lower()
    raise KeyError("the effective spec documents no HTTP bearer security scheme")


def secured_operations() -> tuple[Operation, ...]:
    """Return the operations whose effective security (their own, else the document's) requires credentials."""
    return tuple(operation for operation in documented_operations() if _security_of(operation))


def credentials_of(headers: Mapping[str, str], token: str) -> Credentials:
    """Return how ``headers`` (lower-case names) authenticate against ``token``.

    Only ``Authorization: <scheme> <token>`` with the spec's bearer scheme counts as valid; the scheme name is
    compared case-insensitively (RFC 7235 section 2.1), the token exactly.
    """
    header = headers.get("authorization")
    if header is None:
        return Credentials.MISSING
    scheme, _, credential = header.partition(" ")
    valid = scheme.lower() == bearer_scheme() and credential == token
    return Credentials.VALID if valid else Credentials.WRONG


def describe_credentials(headers: Mapping[str, str], token: str) -> str:
    """Say how ``headers`` present credentials, without the token (failure messages group by it)."""
    header = headers.get("authorization")
    if header is None:
        return "no Authorization header"
    scheme, space, credential = header.partition(" ")
    if not space:
        return "the run's key as a bare Authorization value" if header == token else "an Authorization without scheme"
    if not credential.strip():
        return f"an empty token (Authorization: {scheme})"
    who = "the run's key" if credential == token else "another token"
    return f"{who} under the scheme {scheme!r}"


def media_type(headers: Mapping[str, str]) -> str | None:
    """Return the lower-case media type of the ``content-type`` header, without parameters."""
    value = headers.get("content-type")
    if value is None:
        return None
    return value.split(";", 1)[0].strip().lower()


def _is_json_media_type(value: str | None) -> bool:
    return value is not None and (value in JSON_MEDIA_TYPES or value.endswith("+json"))


def _judge_submit(request: SentRequest) -> tuple[Verdict, tuple[str, ...], tuple[str, ...], bool, Any]:
    """Return (verdict, reasons, rule ids, free, parsed body) for a submit."""
    if request.body is None:
        return Verdict.REJECT, ("the request has no body",), ("body.missing",), True, None
    try:
        body = json.loads(request.body)
    except (UnicodeDecodeError, ValueError):
        return Verdict.REJECT, ("the body is not valid JSON",), ("body.json",), True, None
    if not isinstance(body, dict):
        return (
            Verdict.REJECT,
            (f"the body is a JSON {type(body).__name__}, not an object",),
            ("schema.type",),
            True,
            body,
        )
    # Nothing to extend: no reading of upstream's text lets this body create a task.
    nothing_to_extend = not isinstance(body.get(names().upload_url), str)
    violations = find_violations(body)
    declared = media_type(request.headers)
    if violations:
        reasons = tuple(f"{v.field or '<body>'} [{v.rule_id}]: {v.message}" for v in violations)
        rule_ids = tuple(dict.fromkeys(v.rule_id for v in violations))
        return Verdict.REJECT, reasons, rule_ids, nothing_to_extend, body
    if not _is_json_media_type(declared):
        # The spec documents application/json only; it does not say whether a server must refuse a valid JSON
        # body labelled otherwise, or parse it anyway (the mock and many frameworks do).
        reason = f"a valid JSON body sent with Content-Type {declared or '(none)'}"
        return Verdict.UNDETERMINED, (reason,), (), False, body
    return Verdict.ACCEPT, (), (), False, body


def _judge_record_info(request: SentRequest) -> tuple[Verdict, tuple[str, ...], tuple[str, ...], str | None]:
    """Return (verdict, reasons, rule ids, task id) for a record-info query."""
    param = names().task_id_param
    values = request.query.get(param, ())
    if not values:
        return Verdict.REJECT, (f"the query has no {param}",), ("schema.required",), None
    if len(values) > 1:
        return Verdict.UNDETERMINED, (f"{param} is given {len(values)} times",), (), None
    if not values[0]:
        return Verdict.REJECT, (f"{param} is empty",), ("schema.minLength",), ""
    return Verdict.ACCEPT, (), (), values[0]


def expect(request: SentRequest, token: str, operations: Sequence[Operation] | None = None) -> Expectation:
    """Return what a conforming server owes ``request`` when the run's token is ``token``."""
    known = documented_operations() if operations is None else operations
    credentials = credentials_of(request.headers, token)
    presented = describe_credentials(request.headers, token)
    if any(token in values for values in request.query.values()):
        presented += ", the run's key in the query"
    at_path = [operation for operation in known if operation.path == request.path]
    matching = [operation for operation in at_path if operation.method == request.method]
    path_operation = at_path[0] if at_path else None
    bad_credentials = credentials is not Credentials.VALID
    if not matching:
        verdict = Verdict.UNDETERMINED if request.method in _PROTOCOL_METHODS or not at_path else Verdict.REJECT
        reason = f"{request.method} is not a documented method of {request.path}"
        # A server that routes every method to the submit handler would create a paid task from a valid body.
        submit_path = path_operation is not None and path_operation.is_submit
        paid = submit_path and _judge_submit(request)[0] is not Verdict.REJECT
        return Expectation(
            request.method,
            request.path,
            None,
            path_operation,
            credentials,
            verdict,
            (reason,),
            ("method",),
            free=not paid,
            presented=presented,
        )
    operation = matching[0]
    if operation.is_record_info:
        verdict, reasons, rule_ids, task_id = _judge_record_info(request)
        return Expectation(
            request.method,
            request.path,
            operation,
            operation,
            credentials,
            verdict,
            reasons,
            rule_ids,
            free=True,
            task_id=task_id,
            presented=presented,
        )
    verdict, reasons, rule_ids, free, body = _judge_submit(request)
    return Expectation(
        request.method,
        request.path,
        operation,
        operation,
        credentials,
        verdict,
        reasons,
        rule_ids,
        free=free or bad_credentials,
        body=body,
        presented=presented,
    )
