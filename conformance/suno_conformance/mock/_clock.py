"""The virtual clock that moves tasks through their stages.

Tasks never read the wall clock: they read ``Clock.now()``. The default ``VirtualClock`` runs with real time;
a frozen one stands still until a test steps it with ``advance``. Rate limiting, fault delays and callback
timeouts are about the transport, so they use real time.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import Protocol, runtime_checkable

DEFAULT_EPOCH = 1_735_689_600.0  # 2025-01-01T00:00:00Z: where a frozen clock starts, for stable createTime values


@runtime_checkable
class Clock(Protocol):
    """Anything that tells the time in seconds."""

    def now(self) -> float:
        """Return the current time in seconds."""
        ...


class VirtualClock:
    """Seconds since the Unix epoch on a clock that runs with real time or stands still, and can be stepped.

    Safe to step from another thread than the one reading it (a test thread and the server's loop).

    Args:
        start: The time it shows at creation; the wall clock when omitted (``DEFAULT_EPOCH`` when frozen).
        frozen: Stand still until ``advance``/``resume``.
        timer: Monotonic source of elapsed real time.
    """

    def __init__(
        self, start: float | None = None, *, frozen: bool = False, timer: Callable[[], float] = time.monotonic
    ) -> None:
        if start is None:
            start = DEFAULT_EPOCH if frozen else time.time()
        self._timer = timer
        self._lock = threading.Lock()
        # (time shown at the anchor, timer value at the anchor or None when frozen), swapped as one object so
        # that a reader on another thread never sees half an update.
        self._state: tuple[float, float | None] = (start, None if frozen else timer())

    def now(self) -> float:
        """Return the current virtual time."""
        shown, anchor = self._state
        return shown if anchor is None else shown + (self._timer() - anchor)

    @property
    def frozen(self) -> bool:
        """Whether the clock stands still."""
        return self._state[1] is None

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds`` (>= 0)."""
        if not (seconds >= 0 and math.isfinite(seconds)):
            raise ValueError(f"a clock only moves forward, by a finite step: 'seconds' must be >= 0, got {seconds!r}")
        with self._lock:
            shown, anchor = self._state
            self._state = (shown + seconds, anchor)

    def freeze(self) -> None:
        """Stop the clock where it is."""
        with self._lock:
            self._state = (self.now(), None)

    def resume(self) -> None:
        """Let the clock run with real time again, from where it is."""
        with self._lock:
            self._state = (self.now(), self._timer())

    def __repr__(self) -> str:
        return f"VirtualClock(now={self.now():.3f}, frozen={self.frozen})"
