"""Wrong content type: the submit's success answers are text/plain, where the spec documents application/json."""

from typing import Any

from starlette.responses import Response

from suno_conformance.mock import MockApp


class Defect(MockApp):
    def success_response(self, data: Any) -> Response:
        response = super().success_response(data)
        return Response(bytes(response.body), media_type="text/plain")
