"""record-info stuck: it reports PENDING after the complete callback said all tracks are done (SUCCESS)."""

from typing import Any

from suno_api.spec import names
from suno_conformance.mock import MockApp, Task


class Defect(MockApp):
    def record_info_payload(self, task: Task) -> dict[str, Any]:
        spec_names = names()
        stuck = {spec_names.record_status: spec_names.status_pending, spec_names.record_response: None}
        return {**super().record_info_payload(task), **stuck}
