"""record-info stuck: it reports PENDING after the complete callback said all tracks are done (SUCCESS)."""

from typing import Any

from suno_conformance.mock import MockApp, Task


class Defect(MockApp):
    def record_info_payload(self, task: Task) -> dict[str, Any]:
        return {**super().record_info_payload(task), "status": "PENDING", "response": None}
