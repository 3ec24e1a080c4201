"""Callbacks never sent: an accepted submit never POSTs to its callBackUrl."""

from suno_conformance.mock import Delivery, MockApp, Step, Task


class Defect(MockApp):
    async def deliver_callback(self, task: Task, step: Step, at: float) -> Delivery:
        return Delivery(task.task_id, str(step.callback), task.callback_url, "refused", error="defect", at=at)
