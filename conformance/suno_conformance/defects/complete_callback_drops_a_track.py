"""The final callback leaves out the last track that record-info lists at SUCCESS (it must carry every track)."""

from typing import Any

from suno_api.spec import names
from suno_conformance.mock import MockApp, Step, Task


class Defect(MockApp):
    def callback_payload(self, task: Task, step: Step) -> dict[str, Any]:
        payload = super().callback_payload(task, step)
        spec_names = names()
        data = payload[spec_names.callback_data]
        tracks = data[spec_names.callback_tracks]
        if step == task.steps[-1] and tracks:
            data[spec_names.callback_tracks] = tracks[:-1]
        return payload
