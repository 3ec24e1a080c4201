"""Error envelopes carry data: errors answer data {} where the error envelope's data is null (ERRATA E-14)."""

import json
from collections.abc import Mapping

from starlette.responses import Response

from suno_conformance.mock import MockApp


class Defect(MockApp):
    def error_response(
        self, code: int, msg: str | None = None, *, headers: Mapping[str, str] | None = None
    ) -> Response:
        body = json.dumps(self.envelope(code, msg or self.message(code), {})).encode()
        return Response(body, status_code=self.http_status(code), headers=headers, media_type="application/json")
