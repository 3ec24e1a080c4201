"""403 instead of 401: a missing or wrong token gets code 403, where the spec documents 401."""

from collections.abc import Mapping

from starlette.responses import Response

from suno_conformance.mock import MockApp


class Defect(MockApp):
    def error_response(
        self, code: int, msg: str | None = None, *, headers: Mapping[str, str] | None = None
    ) -> Response:
        return super().error_response(403 if code == 401 else code, msg, headers=headers)
