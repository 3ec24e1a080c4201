"""record-info forgets tasks: a task the submit just created is not found (404)."""

from suno_conformance.mock import MockApp, MockError, Task


class Defect(MockApp):
    def find_task(self, task_id: str) -> Task:
        raise MockError(404, f"No task with taskId {task_id!r}.")
