"""The first-track stage is never called back: `complete` follows `text` (one per stage, UPSTREAM section 2)."""

from suno_api.spec import names
from suno_conformance.mock import Delivery, MockApp, Step, Task


class Defect(MockApp):
    async def deliver_callback(self, task: Task, step: Step, at: float) -> Delivery:
        if step.callback == names().stage_first:
            return Delivery(task.task_id, str(step.callback), task.callback_url, "refused", error="defect", at=at)
        return await super().deliver_callback(task, step, at)
