"""Record-info's answers are cut short: HTTP 200, a JSON content type, half of the JSON body."""

from starlette.responses import Response

from suno_conformance.mock import MockApp, Task


class Defect(MockApp):
    def record_info_response(self, task: Task) -> Response:
        body = bytes(super().record_info_response(task).body)
        return Response(body[: len(body) // 2], media_type="application/json")
