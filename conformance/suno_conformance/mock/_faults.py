"""Fault injection: the ``X-Mock-Fault`` header, armed faults and the ``fault`` setting share one syntax.

A fault spec is a comma-separated list of items::

    500                      answer the error envelope with this code (400-599) instead of processing
    delay=0.5                wait this many (real) seconds first; combines with the others
    malformed-json           process normally, answer HTTP 200 with a truncated, unparseable JSON body
    drop-connection          process the request (a submit creates its task), then close the socket
                             without answering: the client cannot know whether the request took effect
    drop-connection=before   close the socket without answering and without processing anything

Example: ``X-Mock-Fault: delay=0.2, drop-connection``.
"""

from __future__ import annotations

import functools
import math
from typing import Literal

import attrs

FAULT_HEADER = b"x-mock-fault"
DropWhen = Literal["before", "after"]


@attrs.frozen
class Fault:
    """A parsed fault spec (see the module docstring); ``str(fault)`` gives the spec back."""

    code: int | None = None
    delay: float = 0.0
    malformed: bool = False
    drop: DropWhen | None = None

    def __str__(self) -> str:
        items = []
        if self.delay:
            items.append(f"delay={self.delay:g}")
        if self.code is not None:
            items.append(str(self.code))
        if self.malformed:
            items.append("malformed-json")
        if self.drop == "after":
            items.append("drop-connection")
        elif self.drop == "before":
            items.append("drop-connection=before")
        return ", ".join(items)


def _delay(item: str, value: str) -> float:
    try:
        delay = float(value)
    except ValueError:
        delay = -1.0
    if not math.isfinite(delay) or not 0 <= delay <= 600:
        raise ValueError(f"'delay' needs a number of seconds from 0 to 600, got {item!r}")
    return delay


@functools.lru_cache(maxsize=256)
def parse_fault(spec: str) -> Fault | None:
    """Parse a fault spec; ``None`` for an empty one.

    Raises:
        ValueError: an item is unknown or out of range, naming the item.
    """
    fault = Fault()
    for item in filter(str.strip, spec.split(",")):
        key, _, value = (part.strip().lower() for part in item.partition("="))
        if key.isdigit():
            if value or not 400 <= int(key) <= 599:
                raise ValueError(f"an error code must be a number from 400 to 599, got {item.strip()!r}")
            fault = attrs.evolve(fault, code=int(key))
        elif key == "delay":
            fault = attrs.evolve(fault, delay=_delay(item.strip(), value))
        elif key == "malformed-json" and not value:
            fault = attrs.evolve(fault, malformed=True)
        elif key == "drop-connection" and value in ("", "after"):
            fault = attrs.evolve(fault, drop="after")
        elif key == "drop-connection" and value == "before":
            fault = attrs.evolve(fault, drop="before")
        else:
            raise ValueError(
                f"unknown fault item {item.strip()!r}; expected a code such as 500, delay=SECONDS, malformed-json,"
                " drop-connection or drop-connection=before"
            )
    return None if fault == Fault() else fault
