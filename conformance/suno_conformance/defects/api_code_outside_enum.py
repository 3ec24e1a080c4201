"""A code outside the enum: validation errors answer code 400, which ApiCode does not list (422 does) (drift)."""

from collections.abc import Mapping

from starlette.responses import Response

from suno_conformance.mock import MockApp

CAUGHT_AS = "drift"


class Defect(MockApp):
    def error_response(
        self, code: int, msg: str | None = None, *, headers: Mapping[str, str] | None = None
    ) -> Response:
        return super().error_response(400 if code == 422 else code, msg, headers=headers)
