"""Defective mocks the spec-derived checks must catch (each passed the suite before those checks existed).

Test-only variants, kept out of ``suno_conformance.defects`` (the published catalogue): each breaks one behaviour
that issue 12 found unguarded. ``test_conformance_teeth.py`` runs the suite against each.
"""

from __future__ import annotations

import json
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from suno_api.spec import effective_spec, enum_values, names
from suno_conformance.mock import MockApp
from suno_conformance.suite._oracle import record_info_operation, submit_operation

# Every method, served by one handler: what a framework route without a method list does.
ANY_METHOD = ("GET", "PUT", "POST", "DELETE", "PATCH", "TRACE")


def _security_scheme() -> str:
    schemes = effective_spec()["components"]["securitySchemes"]
    return str(next(iter(schemes.values()))["scheme"])


class GetServedOnSubmitPath(MockApp):
    """A GET on the POST-only submit path is answered 200 with a task id."""

    def routes(self) -> list[Route]:
        async def served(request: Request) -> Response:
            del request
            return self.success_response({names().submit_task_id: "served-by-get"})

        return [Route(submit_operation().path, served, methods=["GET"]), *super().routes()]


class AnyMethodRecordInfo(MockApp):
    """Record-info answers every method (POST, PUT, DELETE...), not only its documented GET."""

    def routes(self) -> list[Route]:
        path = record_info_operation().path
        handler = self._endpoint("record-info", self.handle_record_info)
        return [Route(path, handler, methods=list(ANY_METHOD)), *super().routes()]


class AnySchemeAccepted(MockApp):
    """Any ``Authorization`` scheme carrying a valid key gets in (``Basic <key>``, ``Token <key>``, a bare key)."""

    def authenticate(self, request: Any) -> str | None:
        value = request.headers.get("authorization", "")
        token = value.split(" ")[-1]
        return token if token in self.settings.api_keys else None


class KeyInQueryAccepted(MockApp):
    """A valid key in the query string gets in, without an ``Authorization`` header."""

    def authenticate(self, request: Any) -> str | None:
        for value in request.query_params.values():
            if value in self.settings.api_keys:
                return str(value)
        return super().authenticate(request)


class SchemeCaseSensitive(MockApp):
    """Only ``Bearer`` spelled exactly so is accepted: ``bearer <key>`` is refused (RFC 7235: case-insensitive)."""

    def authenticate(self, request: Any) -> str | None:
        value = request.headers.get("authorization", "")
        if not value.startswith(_security_scheme().capitalize() + " "):
            return None
        return super().authenticate(request)


class LookupBeforeCredentials(MockApp):
    """Record-info looks the task up before checking credentials: an unknown task without a token is 404."""

    def authenticate(self, request: Any) -> str | None:
        task_id = request.query_params.get(names().task_id_param)
        if task_id is not None and request.method == "GET":
            self.find_task(task_id)  # raises the 404 envelope before any credential is read
        return super().authenticate(request)


class ErrorStatusClaimsSuccess(MockApp):
    """Errors have a real HTTP status but the envelope says ``code: 200``."""

    def error_response(self, code: int, msg: str | None = None, *, headers: Any = None) -> Response:
        response = super().error_response(code, msg, headers=headers)
        response.status_code = code
        return _with_code(response, 200)


class StatusAndCodeDisagree(MockApp):
    """Errors have a real HTTP status, but the envelope carries another error code (400 for every refusal)."""

    def error_response(self, code: int, msg: str | None = None, *, headers: Any = None) -> Response:
        response = super().error_response(code, msg, headers=headers)
        response.status_code = code
        return _with_code(response, 400)


def _with_code(response: Response, code: int) -> Response:
    envelope = json.loads(bytes(response.body))
    envelope["code"] = code
    rewritten = Response(json.dumps(envelope), response.status_code, media_type="application/json")
    for name, value in response.headers.items():
        if name.lower() not in ("content-length", "content-type"):
            rewritten.headers[name] = value
    return rewritten


ALL: tuple[type[MockApp], ...] = (
    GetServedOnSubmitPath,
    AnyMethodRecordInfo,
    AnySchemeAccepted,
    KeyInQueryAccepted,
    SchemeCaseSensitive,
    LookupBeforeCredentials,
    ErrorStatusClaimsSuccess,
    StatusAndCodeDisagree,
)


class TaskIdPerSecond(MockApp):
    """Task ids come from the clock's second: submits within one second share an id."""

    def new_task_id(self, number: int) -> str:
        del number
        return f"task-{int(time.time())}"


class ParamForgetsAField(MockApp):
    """Record-info's ``param`` leaves out the first field of the submitted body."""

    def record_info_payload(self, task: Any) -> dict[str, Any]:
        payload = super().record_info_payload(task)
        body = task.body
        body.pop(sorted(body)[0], None)
        payload["param"] = json.dumps(body)
        return payload


class StatusGoesBack(MockApp):
    """Every other record-info of a task reports the first documented status again, after later ones."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._asked: dict[str, int] = {}

    def record_info_response(self, task: Any) -> Response:
        # The answer changes within a step: bypass the mock's per-step cache.
        payload = self.record_info_payload(task)
        count = self._asked[task.task_id] = self._asked.get(task.task_id, 0) + 1
        if count % 2 == 0:
            payload["status"] = enum_values("TaskStatus")[0]
        return self.success_response(payload)


STATE: tuple[type[MockApp], ...] = (TaskIdPerSecond, ParamForgetsAField, StatusGoesBack)
