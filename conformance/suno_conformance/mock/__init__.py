"""The embedded mock: a faithful, stateful kie.ai sandbox on loopback.

It answers ``POST /api/v1/generate/upload-extend`` and ``GET /api/v1/generate/record-info`` like kie.ai does,
serves the effective spec at ``/openapi.yaml``, moves tasks PENDING -> TEXT_SUCCESS -> FIRST_SUCCESS -> SUCCESS
on a virtual clock, POSTs signed callbacks to loopback receivers only, and can be told to fail in every way the
client must survive. Start it with ``suno-api mock`` (or ``python -m suno_conformance.mock``, the same command),
``serve(settings, announce)`` in the foreground, or in-process::

    from suno_conformance.mock import MockServer, MockSettings

    with MockServer(MockSettings(stage_seconds=0, webhook_key="secret")) as server:
        ...  # point the client at server.url with api_key="mock-api-key"

Settings come from ``MockSettings(...)`` or ``MockSettings.from_env()`` (``SUNO_MOCK_*``); ``MOCK_SETTINGS`` lists
them all (the command line's options and the README's table come from it); two mocks never share state.
``create_app(settings)`` returns the Starlette app for in-process tests (``app.state.mock`` is its
``MockApp``).

Per request
    ``Authorization: Bearer <key>``   one of ``api_keys`` (``*`` accepts any), else 401.
    ``X-Mock-Outcome: <OUTCOME>``     on a submit (or ``[mock:OUTCOME]`` in the prompt): SUCCESS,
                                      GENERATE_AUDIO_FAILED, SENSITIVE_WORD_ERROR, CREATE_TASK_FAILED,
                                      CALLBACK_EXCEPTION or PENDING_WITH_ERROR (see ``OUTCOMES``).
    ``X-Mock-Fault: <spec>``          ``500`` (any code 400-599), ``delay=0.5``, ``malformed-json``,
                                      ``drop-connection`` (after processing) or ``drop-connection=before``;
                                      comma-separated. ``MockApp.arm_fault`` / ``POST /_mock/faults`` arm one
                                      for the next requests; the ``fault`` setting applies to all.

Debug endpoints (no auth): ``GET /_mock`` (index), ``GET /_mock/state``, ``GET /_mock/tasks/{task_id}``,
``GET /_mock/requests``, ``GET /_mock/deliveries[?taskId=]``, ``POST /_mock/advance {"seconds": 5}``,
``POST|DELETE /_mock/faults {"fault": "500", "route": "submit", "times": 1}``,
``POST /_mock/maintenance {"enabled": true}``, ``POST /_mock/credits {"credits": 3}``; track files under
``/_mock/files/``.

Seams for variants
------------------
A defective variant is a subclass of ``MockApp`` that overrides one method, or a settings tweak
(``settings.evolve(...)``). Serve it with ``MockServer(mock=Variant(settings))`` or
``create_app(settings, mock_class=Variant)``. Seams raise ``MockError(code, msg)`` to answer an error envelope.

=============================  ===================================================================
Request pipeline               ``fault_for`` (which fault applies), ``in_maintenance`` (455),
                               ``authenticate`` (key or None: 401), ``rate_limit`` (seconds to wait:
                               429), ``retry_after`` (the 429's headers)
Submit                         ``handle_submit``, ``validate_body`` (violations: 422),
                               ``violations_message`` (the 422 msg), ``choose_outcome``, ``charge``
                               (402), ``new_task_id``, ``outcome_steps``, ``create_task``,
                               ``submit_payload``
Record-info                    ``handle_record_info``, ``find_task`` (404), ``record_info_response``
                               (per-step cache), ``record_info_payload``, ``tracks``, ``record_track``
State machine                  ``due_time`` (when a step is reached), ``advance_task``
Callbacks                      ``deliver_callback`` (POST + bounded retries), ``callback_refusal``
                               (loopback guard), ``callback_payload``, ``callback_track``,
                               ``callback_timestamp``, ``sign_callback``
Responses                      ``envelope``, ``message``/``MESSAGES``, ``http_status`` (error style),
                               ``success_response``, ``error_response``, ``malformed``,
                               ``drop_connection``
App                            ``routes`` (each layer adds its own), ``build_app``
Steering, for tests            ``set_outcome``, ``arm_fault``/``clear_faults``, ``advance``, ``drain``,
                               ``reset`` (each layer forgets its own state)
=============================  ===================================================================

The class is stacked from one module per job (``_routing``, ``_render``, ``_delivery``, ``_lifecycle``,
``_debug``; see ``_app``); a seam keeps its name whichever layer defines it.

Example, a mock that answers 429 without telling how long to wait::

    class NoRetryAfter(MockApp):  # 429 without Retry-After: the client cannot know when to retry
        def retry_after(self, seconds: float) -> dict[str, str]:
            return {}

    with MockServer(mock=NoRetryAfter(MockSettings(rate_limit=1))) as server: ...

Hostile input answers 4xx, never 500: bodies over ``max_body_bytes`` get HTTP 413, bodies slower than
``body_timeout`` HTTP 408, JSON that cannot be stored (``NaN``, ``1e400``, a lone surrogate, nesting over 32
levels) 422; connections whose headers take over ``header_timeout`` are closed.

Tasks, journal and deliveries live in memory for the mock's lifetime (tasks are never evicted; the request
journal and the delivery log keep their last 10,000 entries; record-info answers are cached for the 1,024
tasks polled last). Unknown ``SUNO_MOCK_*`` variables are ignored.
"""

from suno_conformance.mock._app import MockApp, create_app
from suno_conformance.mock._callbacks import Delivery
from suno_conformance.mock._clock import Clock, VirtualClock
from suno_conformance.mock._faults import Fault, parse_fault
from suno_conformance.mock._http import ConnectionDroppedError, MockError, RequestRecord
from suno_conformance.mock._outcomes import OUTCOMES, Step
from suno_conformance.mock._serve import banner, serve
from suno_conformance.mock._server import MockServer
from suno_conformance.mock._settings import MOCK_SETTINGS, MockSettings, settings_table_markdown
from suno_conformance.mock._tasks import Task, Track

__all__ = [
    "MOCK_SETTINGS",
    "OUTCOMES",
    "Clock",
    "ConnectionDroppedError",
    "Delivery",
    "Fault",
    "MockApp",
    "MockError",
    "MockServer",
    "MockSettings",
    "RequestRecord",
    "Step",
    "Task",
    "Track",
    "VirtualClock",
    "banner",
    "create_app",
    "parse_fault",
    "serve",
    "settings_table_markdown",
]
