"""Record-info answers in Latin-1 (`msg` "succès" as the byte 0xe8), where JSON must be UTF-8 (RFC 8259 8.1)."""

import json

from starlette.responses import Response

from suno_conformance.mock import MockApp, Task

_PLACEHOLDER = "conformance-latin-1-msg"


class Defect(MockApp):
    def record_info_response(self, task: Task) -> Response:
        # Everything else stays ASCII (escaped), so the only thing wrong is the encoding of `msg`.
        body = json.dumps(self.envelope(200, _PLACEHOLDER, self.record_info_payload(task)))
        return Response(body.replace(_PLACEHOLDER, "succès").encode("latin-1"), media_type="application/json")
