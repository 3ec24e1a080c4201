"""Record-info writes a track's unknown numbers as `NaN`, which is not JSON (RFC 8259 section 6)."""

import json
import math
from typing import Any

from starlette.responses import Response

from suno_conformance.mock import MockApp, Task, Track


class Defect(MockApp):
    def record_track(self, track: Track) -> dict[str, Any]:
        rendered = super().record_track(track)
        return {name: math.nan if isinstance(value, float) else value for name, value in rendered.items()}

    def record_info_response(self, task: Task) -> Response:
        # Python's encoder writes NaN unless told not to: the mock's own encoder refuses it.
        body = json.dumps(self.envelope(200, "success", self.record_info_payload(task)))
        return Response(body.encode(), media_type="application/json")
