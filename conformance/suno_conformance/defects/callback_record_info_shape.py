"""Callback in the wrong shape: record-info's body (data.taskId, data.status) instead of the documented callback."""

from typing import Any

from suno_conformance.mock import MockApp, Step, Task


class Defect(MockApp):
    def callback_payload(self, task: Task, step: Step) -> dict[str, Any]:
        return {"code": 200, "msg": "success", "data": self.record_info_payload(task)}
