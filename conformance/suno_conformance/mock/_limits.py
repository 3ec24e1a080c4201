"""The rate limiter: one token bucket per API key, on real (monotonic) time."""

from __future__ import annotations

import math
from collections.abc import Callable


class RateLimiter:
    """Allow ``rate`` requests per second per key, with bursts of up to ``burst``.

    Args:
        rate: Tokens added per second.
        burst: Bucket size; ``ceil(rate)`` when omitted.
        timer: Monotonic seconds.
    """

    def __init__(self, rate: float, burst: int | None, timer: Callable[[], float]) -> None:
        self.rate = rate
        self.burst = float(burst if burst is not None else max(1, math.ceil(rate)))
        self._timer = timer
        self._buckets: dict[str, tuple[float, float]] = {}

    def acquire(self, key: str) -> float:
        """Take a token for ``key``; return 0.0 when allowed, else the seconds until a token is available."""
        now = self._timer()
        tokens, last = self._buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens >= 1.0:
            self._buckets[key] = (tokens - 1.0, now)
            return 0.0
        self._buckets[key] = (tokens, now)
        return (1.0 - tokens) / self.rate
