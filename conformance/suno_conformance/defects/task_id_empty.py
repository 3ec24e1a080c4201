"""taskId is empty: the submit answers code 200 with data.taskId "", where the spec says a non-empty string."""

from typing import Any

from suno_api.spec import names
from suno_conformance.mock import MockApp, Task


class Defect(MockApp):
    def submit_payload(self, task: Task) -> dict[str, Any]:
        return {names().submit_task_id: ""}
