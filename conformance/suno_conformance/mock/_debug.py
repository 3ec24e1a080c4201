"""The debug API under ``/_mock``: look at the mock's state and steer it over HTTP (no auth, loopback only).

Bodies are parsed as strictly as API bodies (no ``NaN``, ``Infinity`` or ``1e400``) and every value is checked
before it touches state: a bad request answers 400 and changes nothing.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from typing import Any, TypeGuard

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from suno_api.spec import names
from suno_conformance.mock._files import file_for
from suno_conformance.mock._http import MockError, parse_json, read_body
from suno_conformance.mock._lifecycle import TaskLifecycle
from suno_conformance.mock._outcomes import OUTCOMES

MAX_ADVANCE = 10 * 365 * 86_400.0  # seconds one advance may step: ten years is past every stage and retention


class _BadRequestError(Exception):
    def __init__(self, error: str, status: int = 400) -> None:
        super().__init__(error)
        self.error = error
        self.status = status


class DebugAPI(TaskLifecycle):
    """The layer of ``MockApp`` that serves ``/_mock``."""

    def routes(self) -> list[Route]:
        """Return the routes: the two API operations, the spec, and the ``/_mock`` debug endpoints."""
        return [
            *super().routes(),
            Route("/_mock", self._debug_index, methods=["GET"]),
            Route("/_mock/state", self._debug_state, methods=["GET"]),
            Route("/_mock/tasks/{task_id}", self._debug_task, methods=["GET"]),
            Route("/_mock/requests", self._debug_requests, methods=["GET"]),
            Route("/_mock/deliveries", self._debug_deliveries, methods=["GET"]),
            Route("/_mock/advance", self._debug_advance, methods=["POST"]),
            Route("/_mock/faults", self._debug_faults, methods=["POST", "DELETE"]),
            Route("/_mock/maintenance", self._debug_maintenance, methods=["POST"]),
            Route("/_mock/credits", self._debug_credits, methods=["POST"]),
            Route("/_mock/files/{name}", self._debug_file, methods=["GET"]),
        ]

    def state(self) -> dict[str, Any]:
        """Return the mock's state as JSON-ready data (``GET /_mock/state``)."""
        statuses: dict[str, int] = {}
        for task in list(self._tasks.values()):
            statuses[task.status] = statuses.get(task.status, 0) + 1
        return {
            "seed": self.seed,
            "clock": self.clock.now(),
            "credits": self.credits,
            "maintenance": self.maintenance,
            "error_style": self.settings.error_style,
            "tasks": len(self._tasks),
            "statuses": statuses,
            "pending_deliveries": len(self._pending),
        }

    async def _debug_index(self, _: Request) -> Response:
        spec_names = names()
        submit = f"POST {spec_names.submit_path}"
        record_info = f"GET {spec_names.record_info_path}?{spec_names.task_id_param}="
        return JSONResponse(
            {
                "mock": "kie.ai Suno upload-extend sandbox",
                "operations": {"submit": submit, "record-info": record_info},
                "spec": "/openapi.yaml",
                "headers": {
                    "X-Mock-Outcome": list(OUTCOMES),
                    "X-Mock-Fault": "500 | delay=0.5 | malformed-json | drop-connection[=before]",
                },
                "debug": [
                    "GET /_mock/state",
                    "GET /_mock/tasks/{task_id}",
                    "GET /_mock/requests",
                    "GET /_mock/deliveries",
                    "POST /_mock/advance",
                    "POST|DELETE /_mock/faults",
                    "POST /_mock/maintenance",
                    "POST /_mock/credits",
                ],
            }
        )

    async def _debug_state(self, _: Request) -> Response:
        return JSONResponse(self.state())

    async def _debug_task(self, request: Request) -> Response:
        task = self._tasks.get(request.path_params["task_id"])
        if task is None:
            return JSONResponse({"error": "no such task"}, status_code=404)
        self.advance_task(task, self.clock.now())
        spec_names = names()
        return JSONResponse(
            {
                spec_names.record_task_id: task.task_id,
                "outcome": task.outcome,
                spec_names.record_status: task.status,
                "step": task.step,
                "createdAt": task.created_at,
                "nextStepAt": None if task.finished else self.due_time(task, task.step + 1),
            }
        )

    async def _debug_requests(self, _: Request) -> Response:
        return JSONResponse([record._asdict() for record in self.requests])

    async def _debug_deliveries(self, request: Request) -> Response:
        task_id = request.query_params.get(names().task_id_param)
        found = [item.to_json() for item in self.deliveries if task_id is None or item.task_id == task_id]
        return JSONResponse(found)

    async def _json_object(self, request: Request) -> dict[str, Any]:
        """Return the body as a JSON object, or raise ``_BadRequestError`` (400; 413/408 past the limits)."""
        settings = self.settings
        try:
            raw = await read_body(request, limit=settings.max_body_bytes, timeout=settings.body_timeout)
        except MockError as exc:
            raise _BadRequestError(exc.msg or self.message(exc.code), exc.status or 400) from None
        if not raw.strip():
            return {}
        try:
            data = parse_json(raw)
        except ValueError as exc:
            raise _BadRequestError(f"the body is not valid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise _BadRequestError("the body must be a JSON object")
        return data

    async def _steer(self, request: Request, change: Callable[[dict[str, Any]], Awaitable[Response]]) -> Response:
        """Run the debug handler ``change(body)``; a ``_BadRequestError`` answers its status and changes nothing."""
        try:
            answer = await change(await self._json_object(request))
        except _BadRequestError as bad:
            return JSONResponse({"error": bad.error}, status_code=bad.status)
        except ClientDisconnect:
            return Response(status_code=400)  # nobody to answer: returning keeps it out of the crash log
        return answer

    async def _debug_advance(self, request: Request) -> Response:
        async def change(data: dict[str, Any]) -> Response:
            seconds = data.get("seconds")
            if not _is_number(seconds) or not 0 <= seconds <= MAX_ADVANCE:
                raise _BadRequestError(
                    f"the body must be a JSON object with 'seconds', a number from 0 to {MAX_ADVANCE:g}"
                )
            try:
                await self.advance(seconds)
            except TypeError as exc:
                raise _BadRequestError(str(exc), 409) from None
            return JSONResponse(self.state())

        return await self._steer(request, change)

    async def _debug_faults(self, request: Request) -> Response:
        if request.method == "DELETE":
            self.clear_faults()
            return JSONResponse({"armed": 0})

        async def change(data: dict[str, Any]) -> Response:
            fault, route, times = data.get("fault", ""), data.get("route"), data.get("times", 1)
            if not isinstance(fault, str) or not (route is None or isinstance(route, str)):
                raise _BadRequestError("'fault' must be a fault spec and 'route' a route name or null")
            if not isinstance(times, int) or isinstance(times, bool) or not 1 <= times <= 1_000_000:
                raise _BadRequestError(f"'times' must be a whole number from 1 to 1000000, got {times!r}")
            try:
                self.arm_fault(fault, route=route, times=times)
            except ValueError as exc:
                raise _BadRequestError(str(exc)) from None
            return JSONResponse({"armed": len(self._armed)})

        return await self._steer(request, change)

    async def _debug_maintenance(self, request: Request) -> Response:
        async def change(data: dict[str, Any]) -> Response:
            enabled = data.get("enabled")
            if not isinstance(enabled, bool):
                raise _BadRequestError("the body must be a JSON object with 'enabled', true or false")
            self.maintenance = enabled
            return JSONResponse(self.state())

        return await self._steer(request, change)

    async def _debug_credits(self, request: Request) -> Response:
        async def change(data: dict[str, Any]) -> Response:
            credits = data.get("credits", "missing")
            if credits is not None and (not _is_number(credits) or credits < 0):
                raise _BadRequestError(
                    "the body must be a JSON object with 'credits', a number >= 0 or null (unlimited)"
                )
            self.credits = credits
            return JSONResponse(self.state())

        return await self._steer(request, change)

    async def _debug_file(self, request: Request) -> Response:
        content, media = file_for(request.path_params["name"])
        return Response(content, media_type=media)


def _is_number(value: Any) -> TypeGuard[float]:
    """Whether ``value`` is a finite JSON number (``bool`` is not one)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
