"""A callbackType outside the enum: the lyrics stage is called "lyrics", not the documented "text" (drift)."""

from typing import Any

from suno_api.spec import names
from suno_conformance.mock import MockApp, Step, Task

CAUGHT_AS = "drift"


class Defect(MockApp):
    def callback_payload(self, task: Task, step: Step) -> dict[str, Any]:
        payload = super().callback_payload(task, step)
        spec_names = names()
        data = payload[spec_names.callback_data]
        if data[spec_names.callback_type] == spec_names.stage_text:
            data[spec_names.callback_type] = "lyrics"  # a stage name upstream never documented
        return payload
