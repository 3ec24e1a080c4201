"""Callbacks name another task than the submit's (signed for that task): each callback must name its own task."""

from typing import Any

from suno_api.spec import names
from suno_conformance.mock import MockApp, Step, Task


def _other(task_id: str) -> str:
    return f"{task_id}-other"


class Defect(MockApp):
    def callback_payload(self, task: Task, step: Step) -> dict[str, Any]:
        payload = super().callback_payload(task, step)
        spec_names = names()
        payload[spec_names.callback_data][spec_names.callback_task_id] = _other(task.task_id)
        return payload

    def sign_callback(self, task_id: str, timestamp: int) -> dict[str, str]:
        return super().sign_callback(_other(task_id), timestamp)
