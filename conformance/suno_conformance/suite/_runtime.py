"""A conformance run: the target, the ledger, live safety, the callback receiver, and how a case is sent.

``Run`` is what the pytest plugin starts before the tests and stops after them; the test module reaches it with
``current()`` (the stateful phase has no fixtures). ``Run.send`` is the one path every request takes:

1. the oracle judges the request as it will be sent;
2. live safety decides whether it may go out (``_safety.py``);
3. schemathesis sends it (``case.call``) over real sockets;
4. every check judges the answer, as the request was actually sent (``response.request``), and the ledger
   records the results, the drift and the tasks created.

Callbacks go to the suite's receiver: on loopback for a target on this machine, or through the public URL the
user configured (``SUNO_CONFORMANCE_CALLBACK_URL``) for a target elsewhere, live ones included. What a run cannot
judge (callbacks no receiver can get, signatures without the key) is listed by ``Run.not_checked()``, with what
to set, in the summary and the JSON report.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import time
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs
import hypothesis
import requests
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.core.transport import Response

from suno_api.spec import effective_spec_path, enum_values
from suno_conformance.mock import MockApp
from suno_conformance.suite._cases import CALLBACK_PLACEHOLDER, BoundaryCase, derive
from suno_conformance.suite._checks import (
    CALLBACK_CHECKS,
    RESPONSE_CHECKS,
    Callback,
    CallbackContext,
    Reply,
    Result,
    Status,
    callback_drift,
    drift_of,
)
from suno_conformance.suite._ledger import CALLBACK_LABEL, RUN_LABEL, Ledger, curl_command
from suno_conformance.suite._options import (
    CALLBACK_LISTEN_ENV,
    CALLBACK_URL_ENV,
    WEBHOOK_SECRET_ENV,
    SuiteOptions,
    parse_listen,
)
from suno_conformance.suite._oracle import (
    RECORD_INFO,
    SUBMIT,
    Credentials,
    Expectation,
    expect,
    operation_by_id,
    sent_from_prepared,
)
from suno_conformance.suite._receiver import CallbackReceiver
from suno_conformance.suite._safety import LiveSafety, keep_callbacks_home
from suno_conformance.suite._target import Target, open_target

if TYPE_CHECKING:
    from schemathesis.generation.stateful.state_machine import APIStateMachine
    from schemathesis.schemas import BaseSchema

Phase = Literal["examples", "coverage", "fuzzing", "stateful"]
GENERATED_PHASES: tuple[Phase, ...] = ("examples", "coverage", "fuzzing", "stateful")
FINAL_CALLBACKS = frozenset({"complete", "error"})
WRONG_TOKEN = "conformance-wrong-token"
SIGNATURE_TOLERANCE = 300.0
DEFAULT_TIMEOUT = 10.0
_ACTIVE: Run | None = None


def current() -> Run:
    """Return the active run (the pytest plugin activates it before collecting the suite's tests)."""
    if _ACTIVE is None:
        raise RuntimeError(
            "no conformance run is active: run the suite with `python -m suno_conformance.suite`"
            " or `pytest --pyargs suno_conformance.suite` (its conftest starts one)"
        )
    return _ACTIVE


def active_context() -> Run | None:
    """Return the active run, or ``None`` (the schemathesis check adapters skip without one)."""
    return _ACTIVE


def activate(run: Run | None) -> None:
    """Make ``run`` the active run (``None`` clears it)."""
    global _ACTIVE  # noqa: PLW0603 - one run per process at a time, reached from schemathesis's state machine
    _ACTIVE = run


def _merge(base: dict[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in changes.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value
    return base


@attrs.frozen
class NotChecked:
    """Something the run could not judge, why, and what to set so that it can: never a silent skip.

    Attributes:
        what: What was not checked (``callbacks``, ``callback signatures``).
        reason: Why not.
        remedy: What to set.
    """

    what: str
    reason: str
    remedy: str

    def render(self) -> str:
        """One line for the summary."""
        return f"{self.what} NOT CHECKED: {self.reason}; {self.remedy}"


def read_config(path: Path) -> dict[str, Any]:
    """Return the ``schemathesis.toml`` at ``path`` as data.

    Raises:
        ValueError: the file cannot be read or is not TOML, naming it.
    """
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"cannot read the schemathesis configuration {path}: {exc}") from exc


class Run:
    """One conformance run (see the module docstring).

    Args:
        options: The run's settings.
        mock_class: The mock (or defective variant) to serve when no ``SUNO_BASE_URL`` is given.
    """

    def __init__(self, options: SuiteOptions, mock_class: type[MockApp] = MockApp) -> None:
        self.options = options
        self.mock_class = mock_class
        self.ledger = Ledger()
        self.safety = LiveSafety(live=False)
        self.started_at = time.monotonic()
        self.elapsed = 0.0
        """Seconds from start to stop (0 until stopped)."""
        self._target: Target | None = None
        self._receiver: CallbackReceiver | None = None
        self._session: requests.Session | None = None
        self._stack = contextlib.ExitStack()
        self._created: dict[str, str | None] = {}
        self._task_for_path: dict[str, str] = {}
        self._callback_base: str | None = None
        self._config_data: dict[str, Any] = read_config(options.config)
        self.exit_code: int | None = None
        """The exit status of ``suno-api conformance`` for this run, once pytest has finished."""

    # ---------------------------------------------------------------------------------------- lifecycle

    def start(self) -> None:
        """Start the target (and the callback receiver when the target can reach it)."""
        self.started_at = time.monotonic()
        try:
            target = self._stack.enter_context(open_target(self.options, self.mock_class))
            self._target = target
            self.ledger.add_secret(target.token)
            if target.webhook_key:
                self.ledger.add_secret(target.webhook_key)
            self.safety = LiveSafety(live=target.live, max_paid_calls=self.options.max_paid_calls)
            self._session = self._stack.enter_context(requests.Session())
            # The receiver's loopback address is useless to a server elsewhere, and a paid service is given it
            # only through the public URL the user configured (live safety: callbacks go nowhere else).
            if self.options.callback_url is not None or (target.loopback and not target.live):
                host, port = parse_listen(self.options.callback_listen)
                receiver = CallbackReceiver(host, port, public_url=self.options.callback_url)
                self._receiver = self._stack.enter_context(receiver)
                self._callback_base = self._receiver.base_url
        except BaseException:
            self._stack.close()
            raise

    def stop(self) -> None:
        """Stop the target and the receiver."""
        self._stack.close()
        self.elapsed = time.monotonic() - self.started_at

    @property
    def target(self) -> Target:
        """The target (once started)."""
        if self._target is None:
            raise RuntimeError("the run is not started")
        return self._target

    @property
    def receiver(self) -> CallbackReceiver | None:
        """The callback receiver, when the target can reach one."""
        return self._receiver

    @property
    def started(self) -> bool:
        """Whether the target is up."""
        return self._target is not None

    # The checks' Context protocol.

    @property
    def token(self) -> str:
        """The run's bearer token."""
        return self.target.token

    @property
    def base_path(self) -> str:
        """The target's base path."""
        return self.target.base_path

    def created_task(self, task_id: str) -> bool:
        """Whether a submit of this run created ``task_id``."""
        return task_id in self._created

    # ------------------------------------------------------------------------------------ schemathesis

    def phase_enabled(self, phase: Phase) -> bool:
        """Whether ``schemathesis.toml`` enables ``phase``."""
        phases = self._config_data.get("phases", {})
        return bool(phases.get("enabled", True)) and bool(phases.get(phase, {}).get("enabled", True))

    def config_data(self, phase: Phase) -> dict[str, Any]:
        """Return the schemathesis configuration of ``phase``: the toml, the overrides, only that phase on."""
        data = copy.deepcopy(self._config_data)
        overrides: dict[str, Any] = {"phases": {name: {"enabled": name == phase} for name in GENERATED_PHASES}}
        if self.options.max_examples is not None:
            overrides["generation"] = {"max-examples": self.options.max_examples}
        if self.options.stateful_examples is not None:
            overrides["phases"]["stateful"]["generation"] = {"max-examples": self.options.stateful_examples}
        if self.options.seed is not None:
            overrides["seed"] = self.options.seed
        return _merge(data, overrides)

    @functools.cache  # noqa: B019 - one Run per process run, a handful of phases
    def schema(self, phase: Phase) -> BaseSchema:
        """Return the effective spec loaded with ``phase``'s configuration."""
        config = SchemathesisConfig.from_dict(self.config_data(phase))
        return schemathesis.openapi.from_path(effective_spec_path(), config=config)

    @property
    def request_timeout(self) -> float:
        """Seconds to wait for each answer: the option, else ``request-timeout`` of the toml, else 10."""
        if self.options.request_timeout is not None:
            return self.options.request_timeout
        return float(self._config_data.get("request-timeout", DEFAULT_TIMEOUT))

    @property
    def seed(self) -> int:
        """The seed of the generated cases (for the summary: rerun with ``SUNO_CONFORMANCE_SEED``)."""
        return int(self.schema("fuzzing").config.seed)

    def stateful_settings(self) -> hypothesis.settings:
        """Return the hypothesis settings of the stateful phase (reproducible when a seed is given)."""
        settings = self.schema("stateful").config.get_hypothesis_settings(phase="stateful")
        # Schemathesis seeds the per-operation tests only; a derandomized machine replays the same scenarios.
        if self.options.seed is not None:
            settings = hypothesis.settings(settings, derandomize=True)
        if self.safety.live:
            settings = hypothesis.settings(
                settings,
                max_examples=min(settings.max_examples, max(1, self.safety.max_paid_calls)),
                suppress_health_check=[*settings.suppress_health_check, hypothesis.HealthCheck.filter_too_much],
            )
        return settings

    def stateful_skip_reason(self) -> str | None:
        """Return why the stateful phase cannot run, or ``None``: it needs accepted submits."""
        if self.safety.live and self.safety.max_paid_calls == 0:
            return "live mode without SUNO_MAX_PAID_CALLS: scenarios start with a submit that would be accepted"
        return None

    # --------------------------------------------------------------------------------------- sending

    def _headers(self, credentials: Credentials) -> dict[str, str]:
        headers = {}
        if credentials is Credentials.VALID:
            headers["Authorization"] = f"Bearer {self.token}"
        elif credentials is Credentials.WRONG:
            headers["Authorization"] = f"Bearer {WRONG_TOKEN}"
        return headers

    def _expectation_before_sending(self, case: schemathesis.Case[Any], headers: Mapping[str, str]) -> Expectation:
        data = case.as_transport_kwargs(base_url=self.target.base_url, headers=dict(headers))
        prepared = requests.Request(
            method=data["method"],
            url=data["url"],
            headers=data.get("headers"),
            params=data.get("params"),
            cookies=data.get("cookies"),
            data=data.get("data"),
            json=data.get("json"),
            files=data.get("files"),
        ).prepare()
        return expect(sent_from_prepared(prepared, self.base_path), self.token)

    def send(
        self, case: schemathesis.Case[Any], phase: str, *, credentials: Credentials = Credentials.VALID
    ) -> Response | None:
        """Send ``case`` (unless live safety holds it back), judge the answer and return it."""
        headers = self._headers(credentials)
        if self.target.live:
            keep_callbacks_home(case.body, self.callback_url())
        before = self._expectation_before_sending(case, headers)
        if not self.safety.permit(before):
            self.ledger.count_case(phase, sent=False)
            return None
        mode = case.meta.generation.mode.value if case.meta is not None else None
        self.ledger.count_case(phase, mode=mode)
        # A paid call in live mode gets a fresh connection: `requests` re-sends a request once when a reused
        # keep-alive connection turns out closed, and a re-sent submit could create a second paid task.
        paid = self.safety.live and not before.free
        try:
            with contextlib.ExitStack() as stack:
                session = stack.enter_context(requests.Session()) if paid else self._session
                response = case.call(
                    base_url=self.target.base_url, session=session, headers=headers, timeout=self.request_timeout
                )
        except requests.RequestException as exc:
            result = Result.failed(f"no answer: {type(exc).__name__}", str(exc))
            self.ledger.record(self._label(before), "no_server_error", result, phase=phase)
            return None
        self.judge(response, phase)
        return response

    def _label(self, expectation: Expectation) -> str:
        if expectation.operation is not None:
            return expectation.operation.label
        return f"{expectation.path} (undocumented methods)"

    def judge(self, response: Response, phase: str) -> Reply:
        """Run every response check on ``response``; record results, drift and created tasks."""
        reply = Reply.from_response(response, self)
        label = self._label(reply.expectation)
        results = [(check.__name__, check(reply, self)) for check in RESPONSE_CHECKS]
        reproduction = answer = ""
        if any(result.status is Status.FAILED for _, result in results):
            reproduction = curl_command(
                sent_from_prepared(response.request), str(response.request.url), self.ledger.secrets
            )
            answer = f"{reply.describe()}, {reply.headers.get('content-type', '')}: " + reply.content.decode(
                "utf-8", "replace"
            )
        for name, result in results:
            self.ledger.record(label, name, result, phase=phase, reproduction=reproduction, answer=answer)
        self.ledger.record_drift(label, "response_schema", drift_of(reply))
        if reply.expectation.credentials is Credentials.VALID and reply.rejection_code not in (None, 401):
            self.ledger.token_accepted += 1
        if reply.accepted:
            self.ledger.count_success(label)
            self._remember_task(reply)
        return reply

    def _remember_task(self, reply: Reply) -> None:
        expectation = reply.expectation
        if not expectation.is_submit or not isinstance(reply.data, Mapping):
            return
        task_id = reply.data.get("taskId")
        if not isinstance(task_id, str) or not task_id:
            return
        path = None
        url = expectation.body.get("callBackUrl") if isinstance(expectation.body, Mapping) else None
        if self._callback_base is not None and isinstance(url, str) and url.startswith(self._callback_base + "/"):
            path = url.removeprefix(self._callback_base)
            self._task_for_path[path] = task_id
        self._created[task_id] = path

    # ------------------------------------------------------------------------------------ boundary cases

    def callback_url(self) -> str:
        """Return a fresh ``callBackUrl``: the suite's receiver when the target can reach it."""
        if self._receiver is None:
            return CALLBACK_PLACEHOLDER
        return self._receiver.new_url()[0]

    def submit_case(self, body: Any) -> schemathesis.Case[Any]:
        """Return a submit case carrying ``body``."""
        operation = operation_by_id(SUBMIT)
        api = self.schema("examples")[operation.path][operation.method]
        return api.Case(body=body, media_type="application/json")

    def record_info_case(self, task_id: str | None) -> schemathesis.Case[Any]:
        """Return a record-info case for ``task_id`` (no query at all for ``None``)."""
        operation = operation_by_id(RECORD_INFO)
        api = self.schema("examples")[operation.path][operation.method]
        return api.Case(query={} if task_id is None else {"taskId": task_id})

    def send_boundary(self, case: BoundaryCase) -> None:
        """Send a derived boundary case (its callbacks go to the receiver) and judge it."""
        self.send(self.submit_case(case.with_callback(self.callback_url())), "boundary")

    def send_credentials_probe(self, operation_id: str, credentials: Credentials) -> None:
        """Send an otherwise valid request with no token or a wrong one."""
        if operation_id == SUBMIT:
            case = self.submit_case(
                derive().by_id("no-custom-mode-field/at-limit/absent").with_callback(CALLBACK_PLACEHOLDER)
            )
        else:
            case = self.record_info_case(next(iter(self._created), "conformance-probe"))
        self.send(case, "credentials", credentials=credentials)

    # ---------------------------------------------------------------------------------------- callbacks

    def not_checked(self) -> list[NotChecked]:
        """Return what this run cannot judge against its target, each with what to set (summary, JSON report)."""
        found: list[NotChecked] = []
        reach = (
            f"set {CALLBACK_URL_ENV} to a public URL that reaches this machine (a tunnel, a CI service name) and"
            f" {CALLBACK_LISTEN_ENV} to the host:port it forwards to"
        )
        if not self.started:
            return found
        if self._receiver is None and self.target.live:
            found.append(
                NotChecked(
                    "callbacks",
                    "live mode, and no public URL for the suite's callback receiver: every callBackUrl sent is"
                    " callback.invalid",
                    f"{reach}, and SUNO_MAX_PAID_CALLS to at least 1 (callbacks need an accepted, paid task)",
                )
            )
        elif self._receiver is None:
            found.append(
                NotChecked(
                    "callbacks",
                    "the target is not on this machine, so it cannot reach the suite's loopback callback receiver",
                    reach,
                )
            )
        elif self.target.live and self.safety.max_paid_calls == 0:
            found.append(
                NotChecked(
                    "callbacks",
                    "live mode without SUNO_MAX_PAID_CALLS: no task is created, so no callback is sent",
                    "set SUNO_MAX_PAID_CALLS to at least 1 (each accepted submit costs credits)",
                )
            )
        if self.target.webhook_key is None:
            found.append(
                NotChecked(
                    "callback signatures",
                    "the key the server signs callbacks with is unknown, so no signature is verified",
                    f"set {WEBHOOK_SECRET_ENV} to the server's webhook key",
                )
            )
        return found

    def callbacks_skip_reason(self) -> str | None:
        """Return why callbacks cannot be judged against this target, or ``None``."""
        for entry in self.not_checked():
            if entry.what == "callbacks":
                return f"{entry.reason} ({entry.remedy})"
        return None

    def check_callbacks(self, extra_submits: int = 2) -> None:
        """Submit, poll each task, let callbacks arrive, then judge every callback and the final states."""
        if self.callbacks_skip_reason() is not None:
            return
        assert self._receiver is not None
        base = derive().by_id("no-custom-mode-field/at-limit/absent")
        for _ in range(extra_submits):
            self.send(self.submit_case(base.with_callback(self.callback_url())), "callbacks")
        for task_id in list(self._task_for_path.values()):
            self.send(self.record_info_case(task_id), "callbacks")
        expected = set(self._task_for_path)
        if self.target.mock_server is not None:
            self.target.settle()
        else:
            self._receiver.wait_for(expected, FINAL_CALLBACKS, time.monotonic() + self.options.callback_wait)
        self._judge_callbacks(expected)

    def _judge_callbacks(self, expected: set[str]) -> None:
        assert self._receiver is not None
        context = CallbackContext(
            webhook_key=self.target.webhook_key,
            tolerance=SIGNATURE_TOLERANCE,
            now=time.time(),
            task_for_path=dict(self._task_for_path),
        )
        finals: dict[str, Callback] = {}
        for callback in self._receiver.received:
            self.ledger.callbacks_received += 1
            results = [(check.__name__, check(callback, context)) for check in CALLBACK_CHECKS]
            answer = f"{callback.path}: " + callback.content.decode("utf-8", "replace")
            for name, result in results:
                self.ledger.record(CALLBACK_LABEL, name, result, phase="callbacks", answer=answer)
            self.ledger.record_drift(CALLBACK_LABEL, "callback_schema", callback_drift(callback))
            if callback.callback_type in FINAL_CALLBACKS:
                finals.setdefault(callback.path, callback)
        for path in sorted(expected):
            delivered = path in finals
            result = (
                Result.passed()
                if delivered
                else Result.failed(
                    "no final callback (complete or error) reached the callBackUrl of an accepted submit"
                )
            )
            self.ledger.record(CALLBACK_LABEL, "callbacks_delivered", result, phase="callbacks")
        for path, callback in finals.items():
            if callback.callback_type == "complete" and path in self._task_for_path:
                self._check_consistency(self._task_for_path[path], callback)

    def _check_consistency(self, task_id: str, callback: Callback) -> None:
        """After a ``complete`` callback, record-info reports SUCCESS and lists the delivered tracks."""
        response = self.send(self.record_info_case(task_id), "callbacks")
        if response is None:
            return
        reply = Reply.from_response(response, self)
        record: Mapping[str, Any] = reply.data if isinstance(reply.data, Mapping) else {}
        suno = record.get("response")
        tracks = (suno.get("sunoData") or []) if isinstance(suno, Mapping) else []
        listed = {track.get("id") for track in tracks if isinstance(track, Mapping)}
        data = (callback.payload or {}).get("data")
        delivered = (
            {track.get("id") for track in (data.get("data") or []) if isinstance(track, Mapping)}
            if isinstance(data, Mapping)
            else set()
        )
        status = record.get("status")
        if status != "SUCCESS" and status not in enum_values("TaskStatus"):
            result = Result.skipped("record-info reports an undocumented status (see the spec drift)")
        elif status != "SUCCESS":
            result = Result.failed(
                "after the complete callback, record-info does not report SUCCESS", f"status: {record.get('status')!r}"
            )
        elif not delivered <= listed:
            result = Result.failed("record-info does not list the tracks the complete callback delivered")
        else:
            result = Result.passed()
        self.ledger.record(CALLBACK_LABEL, "callback_consistency", result, phase="callbacks")

    # ------------------------------------------------------------------------------------------- gates

    def gate_reached_success(self) -> Result:
        """The run fails unless some answer had code 200 (a wrong token would otherwise pass every check)."""
        reached = sum(self.ledger.reached.values())
        if reached:
            return Result.passed()
        if self.safety.live and self.safety.max_paid_calls == 0:
            proven = self.ledger.token_accepted
            if proven:
                self.ledger.note(
                    "live mode without SUNO_MAX_PAID_CALLS: no answer had code 200, but the token was proven by"
                    f" {proven} rejection(s) other than 401"
                )
                return Result.passed()
        return Result.failed(
            "no answer in the whole run had code 200: the token may be wrong or the server refuses everything"
        )

    def record_gate(self, check: str, result: Result) -> None:
        """Record a run-level judgement."""
        self.ledger.record(RUN_LABEL, check, result, phase="run")

    # ---------------------------------------------------------------------------------------- stateful

    def state_machine(self) -> type[APIStateMachine]:
        """Return the stateful phase's machine: schemathesis follows the spec's links, the run sends and judges."""
        run = self
        base: type[APIStateMachine] = self.schema("stateful").as_state_machine()

        class ConformanceStateMachine(base):  # type: ignore[valid-type, misc]
            """Submit -> record-info through the spec's ``GetRecordInfo`` link."""

            def call(self, case: schemathesis.Case[Any], **kwargs: Any) -> Response:
                del kwargs
                response = run.send(case, "stateful")
                if response is None:
                    hypothesis.reject()  # held back by live safety, or no answer (recorded as a failure)
                return response

            def validate_response(self, response: Response, case: schemathesis.Case[Any], **kwargs: Any) -> None:
                del response, case, kwargs  # judged by `run.send`, recorded without stopping the scenario

        return ConformanceStateMachine


@contextlib.contextmanager
def active(run: Run) -> Iterator[Run]:
    """Activate ``run`` for the block."""
    previous = _ACTIVE
    activate(run)
    try:
        yield run
    finally:
        activate(previous)
