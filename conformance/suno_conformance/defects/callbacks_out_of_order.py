"""The first two stages are called back swapped: `first` arrives before `text` (the spec's stage order)."""

from typing import Any

from suno_api.spec import names
from suno_conformance.mock import MockApp, Step, Task


class Defect(MockApp):
    def callback_payload(self, task: Task, step: Step) -> dict[str, Any]:
        payload = super().callback_payload(task, step)
        spec_names = names()
        text, first = spec_names.stage_text, spec_names.stage_first
        swapped = {text: first, first: text}
        data = payload[spec_names.callback_data]
        stage = data[spec_names.callback_type]
        data[spec_names.callback_type] = swapped.get(stage, stage)
        return payload
