"""The lyrics stage is never called back: a task's callbacks start at `first` (one per stage, UPSTREAM section 2)."""

from suno_api.spec import names
from suno_conformance.mock import Delivery, MockApp, Step, Task


class Defect(MockApp):
    async def deliver_callback(self, task: Task, step: Step, at: float) -> Delivery:
        if step.callback == names().stage_text:
            return Delivery(task.task_id, str(step.callback), task.callback_url, "refused", error="defect", at=at)
        return await super().deliver_callback(task, step, at)
