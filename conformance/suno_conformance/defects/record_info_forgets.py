"""record-info forgets tasks: a task the submit just created is not found (404)."""

from suno_api.spec import names
from suno_conformance.mock import MockApp, MockError, Task


class Defect(MockApp):
    def find_task(self, task_id: str) -> Task:
        raise MockError(404, f"No task with {names().task_id_param} {task_id!r}.")
