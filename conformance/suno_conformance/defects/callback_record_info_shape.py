"""Callback in the wrong shape: record-info's body (data.taskId, data.status) instead of the documented callback."""

from typing import Any

from suno_api.spec import names
from suno_conformance.mock import MockApp, Step, Task


class Defect(MockApp):
    def callback_payload(self, task: Task, step: Step) -> dict[str, Any]:
        spec_names = names()
        return {
            spec_names.envelope_code: 200,
            spec_names.envelope_msg: "success",
            spec_names.envelope_data: self.record_info_payload(task),
        }
