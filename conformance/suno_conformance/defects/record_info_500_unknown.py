"""record-info 500 for an unknown id: an unknown taskId crashes the service instead of answering not-found."""

from suno_conformance.mock import MockApp, MockError, Task


class Defect(MockApp):
    def find_task(self, task_id: str) -> Task:
        try:
            return super().find_task(task_id)
        except MockError:
            raise MockError(500, "Task lookup failed.") from None
