"""Callback delivery: queue a task's callbacks in order, POST them signed to loopback receivers, log each one.

One task's callbacks are chained (``first`` never overtakes a ``text`` that is being retried); every delivery,
refused ones included, lands in the delivery log (``MockApp.deliveries``, ``GET /_mock/deliveries``).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections import deque
from collections.abc import Callable

import httpx

from suno_api import compute_signature
from suno_api.spec import names
from suno_conformance.mock._callbacks import Delivery, loopback_refusal
from suno_conformance.mock._clock import Clock
from suno_conformance.mock._http import JSON_TYPE, encode
from suno_conformance.mock._outcomes import Step
from suno_conformance.mock._render import Rendering
from suno_conformance.mock._routing import LOG_SIZE
from suno_conformance.mock._settings import MockSettings
from suno_conformance.mock._tasks import Task

logger = logging.getLogger("suno_conformance.mock")

USER_AGENT = "kie-mock/1 (suno_conformance.mock)"
_UNKNOWN = "?"  # a URL whose loopback status is not known yet


class CallbackDelivery(Rendering):
    """The layer of ``MockApp`` that sends callbacks."""

    def __init__(
        self,
        settings: MockSettings | None = None,
        *,
        clock: Clock | None = None,
        timer: Callable[[], float] = time.monotonic,
        callback_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(settings, clock=clock, timer=timer)
        self._refusals: dict[str, str | None] = {}
        self._deliveries: deque[Delivery] = deque(maxlen=LOG_SIZE)
        self._pending: set[asyncio.Task[None]] = set()
        self._chains: dict[str, asyncio.Task[None]] = {}
        self._callback_transport = callback_transport
        self._http: httpx.AsyncClient | None = None

    @property
    def deliveries(self) -> list[Delivery]:
        """A snapshot of the callback deliveries, oldest first (the last 10,000)."""
        return list(self._deliveries)

    async def aclose(self) -> None:
        """Stop the ticker, cancel the deliveries still under way (recorded as ``cancelled``), close the client."""
        await super().aclose()
        pending = list(self._pending)
        for job in pending:
            job.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def reset(self) -> None:
        """Cancel the deliveries under way and forget the delivery log too."""
        await super().reset()
        pending = list(self._pending)
        for job in pending:
            job.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        self._deliveries.clear()
        self._refusals.clear()
        self._chains.clear()

    def _queue_callback(self, task: Task, step: Step, at: float) -> None:
        if not self.settings.send_callbacks:
            return
        previous = self._chains.get(task.task_id)
        if previous is None:
            # A URL already refused is refused again on the spot: no asyncio task for the common
            # `https://example.com/callback` of a load test.
            url = task.callback_url
            refusal = self._refusals.get(url, _UNKNOWN)
            if refusal is not _UNKNOWN and refusal is not None:
                self._log_delivery(Delivery(task.task_id, str(step.callback), url, "refused", error=refusal, at=at))
                return
        job = asyncio.get_running_loop().create_task(self._deliver_after(previous, task, step, at))
        self._pending.add(job)
        self._chains[task.task_id] = job
        job.add_done_callback(functools.partial(self._delivery_done, task.task_id))

    def _delivery_done(self, task_id: str, job: asyncio.Task[None]) -> None:
        self._pending.discard(job)
        if self._chains.get(task_id) is job:
            del self._chains[task_id]

    async def _deliver_after(self, previous: asyncio.Task[None] | None, task: Task, step: Step, at: float) -> None:
        # One task's callbacks go out in order: `first` never overtakes a `text` that is being retried.
        try:
            if previous is not None and not previous.done():
                await asyncio.wait({previous})
            delivery = await self.deliver_callback(task, step, at)
        except asyncio.CancelledError:
            self._log_delivery(Delivery(task.task_id, str(step.callback), task.callback_url, "cancelled", at=at))
            raise
        except Exception as exc:
            logger.exception("callback delivery for task %s crashed", task.task_id)
            delivery = Delivery(task.task_id, str(step.callback), task.callback_url, "failed", error=repr(exc), at=at)
        self._log_delivery(delivery)

    def _log_delivery(self, delivery: Delivery) -> None:
        self._deliveries.append(delivery)

    def _client(self) -> httpx.AsyncClient:
        if self._http is None:
            # trust_env=False: a proxy variable must not route callbacks off this machine; no redirects either.
            self._http = httpx.AsyncClient(
                transport=self._callback_transport,
                trust_env=False,
                follow_redirects=False,
                timeout=self.settings.callback_timeout,
            )
        return self._http

    async def deliver_callback(self, task: Task, step: Step, at: float) -> Delivery:
        """POST the callback of ``step`` to the task's ``callBackUrl`` (loopback only), with bounded retries."""
        url = task.callback_url
        kind = str(step.callback)
        refusal = await self.callback_refusal(url)
        if len(self._refusals) >= 1024:
            self._refusals.clear()
        self._refusals[url] = refusal
        if refusal is not None:
            return Delivery(task.task_id, kind, url, "refused", error=refusal, at=at)
        payload = self.callback_payload(task, step)
        content = encode(payload)
        status: int | None = None
        error: str | None = None
        headers: dict[str, str] = {}
        attempts = 0
        for attempt in range(self.settings.callback_retries + 1):
            if attempt:
                await asyncio.sleep(self.settings.callback_backoff * 2 ** (attempt - 1))
            headers = {"Content-Type": JSON_TYPE, "User-Agent": USER_AGENT}
            headers.update(self.sign_callback(task.task_id, self.callback_timestamp()))
            attempts += 1
            try:
                answer = await self._client().post(url, content=content, headers=headers)
            except httpx.HTTPError as exc:
                status, error = None, f"{type(exc).__name__}: {exc}"
                continue
            status = answer.status_code
            if 200 <= status < 300:
                return Delivery(task.task_id, kind, url, "delivered", attempts, status, None, payload, headers, at)
            error = f"the receiver answered HTTP {status}"
        return Delivery(task.task_id, kind, url, "failed", attempts, status, error, payload, headers, at)

    async def callback_refusal(self, url: str) -> str | None:
        """Return why ``url`` must not be called (not a loopback host), or ``None`` to send."""
        return await loopback_refusal(url)

    def callback_timestamp(self) -> int:
        """Return the ``X-Webhook-Timestamp``: real Unix seconds, since receivers check it against their clock."""
        return int(time.time())

    def sign_callback(self, task_id: str, timestamp: int) -> dict[str, str]:
        """Return the signature headers (none without a ``webhook_key``)."""
        key = self.settings.webhook_key
        if key is None:
            return {}
        spec_names = names()
        return {
            spec_names.timestamp_header: str(timestamp),
            spec_names.signature_header: compute_signature(key, task_id, timestamp),
        }
