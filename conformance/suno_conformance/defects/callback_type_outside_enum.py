"""A callbackType outside the enum: the lyrics stage is called "lyrics", not the documented "text" (drift)."""

from typing import Any

from suno_conformance.mock import MockApp, Step, Task

CAUGHT_AS = "drift"


class Defect(MockApp):
    def callback_payload(self, task: Task, step: Step) -> dict[str, Any]:
        payload = super().callback_payload(task, step)
        if payload["data"]["callbackType"] == "text":
            payload["data"]["callbackType"] = "lyrics"
        return payload
