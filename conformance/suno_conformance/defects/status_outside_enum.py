"""A status outside the enum: record-info says COMPLETED where the documented TaskStatus is SUCCESS (drift)."""

from typing import Any

from suno_api.spec import names
from suno_conformance.mock import MockApp, Task

CAUGHT_AS = "drift"


class Defect(MockApp):
    def record_info_payload(self, task: Task) -> dict[str, Any]:
        payload = super().record_info_payload(task)
        spec_names = names()
        if payload[spec_names.record_status] == spec_names.status_success:
            payload[spec_names.record_status] = "COMPLETED"  # a status upstream never documented
        return payload
