"""The ``suno_mock`` fixture, as a user's test file sees it: run through ``pytester`` like any pytest plugin's tests."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from suno_conformance import pytest_plugin

# -p no:cacheprovider: nothing written next to the test file; every warning an error: a leaked socket fails the run.
ARGS = ("-p", "no:cacheprovider", "-W", "error::Warning", "-q")

# A user's file reads the spec's names as ours do, so that it follows an upstream rename too.
BODY = """
from suno_api.spec import names

SPEC = names()
BODY = {
    SPEC.upload_url: "https://storage.example.com/song.mp3",
    SPEC.default_param_flag: False,
    SPEC.instrumental: True,
    SPEC.continue_at: 30,
    SPEC.model: SPEC.model_v4_5,
    SPEC.callback_url: "http://127.0.0.1:9/callback",
}
"""


def _user_file(pytester: pytest.Pytester, source: str) -> None:
    pytester.makepyfile(test_user=BODY + textwrap.dedent(source))


def test_a_users_test_submits_and_waits(user_run: pytest.Pytester) -> None:
    """The README example: a ready client on a real server; tasks finish at once by default."""
    _user_file(
        user_run,
        """
        def test_extend(suno_mock):
            task_id = suno_mock.client.submit(BODY)
            record = suno_mock.client.wait(task_id, timeout=10)
            assert record.status_name == SPEC.status_success
            assert suno_mock.base_url.startswith("http://127.0.0.1:")
            assert list(suno_mock.tasks) == [task_id]
        """,
    )
    user_run.runpytest(*ARGS).assert_outcomes(passed=1)


def test_outcomes_faults_and_the_async_client(user_run: pytest.Pytester) -> None:
    """set_outcome and inject_fault steer the next submits; the async client works inside the test's loop."""
    _user_file(
        user_run,
        """
        import asyncio

        import pytest
        from suno_api import SubmitOutcomeUnknownError, TaskFailedError

        def test_a_failed_task(suno_mock):
            suno_mock.set_outcome(SPEC.status_generate_audio_failed, times=1)
            with pytest.raises(TaskFailedError):
                suno_mock.client.extend(BODY)
            assert suno_mock.client.extend(BODY).status_name == SPEC.status_success

        def test_an_injected_fault(suno_mock):
            suno_mock.inject_fault("500", route="submit")
            with pytest.raises(SubmitOutcomeUnknownError):  # a 500 on submit: a task may exist
                suno_mock.client.with_options(max_retries=0).submit(BODY)
            assert suno_mock.tasks == {}
            assert [request.code for request in suno_mock.requests()] == [500]

        def test_the_async_client(suno_mock):
            async def run():
                task_id = await suno_mock.async_client.submit(BODY)
                return await suno_mock.async_client.wait(task_id, timeout=10)

            assert asyncio.run(run()).status_name == SPEC.status_success
        """,
    )
    user_run.runpytest(*ARGS).assert_outcomes(passed=3)


def test_the_virtual_clock_and_the_marker(user_run: pytest.Pytester) -> None:
    """@pytest.mark.suno_mock sets the server's settings; advance() moves a frozen clock through the stages."""
    _user_file(
        user_run,
        """
        import pytest

        @pytest.mark.suno_mock(stage_seconds=60, error_style="status")
        def test_stages(suno_mock):
            assert suno_mock.server.settings.error_style == "status"
            task_id = suno_mock.client.submit(BODY)
            assert suno_mock.client.get_record(task_id).status_name == SPEC.status_pending
            suno_mock.advance(60)
            assert suno_mock.client.get_record(task_id).status_name == SPEC.status_text_success
            suno_mock.advance(120)
            assert suno_mock.client.get_record(task_id).status_name == SPEC.status_success
        """,
    )
    user_run.runpytest(*ARGS, "--strict-markers").assert_outcomes(passed=1)


def test_callbacks_reach_the_users_receiver(user_run: pytest.Pytester) -> None:
    """The mock POSTs signed callbacks to a loopback receiver; callbacks() returns what was delivered."""
    _user_file(
        user_run,
        """
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        def test_callbacks(suno_mock):
            received = []

            class Handler(BaseHTTPRequestHandler):
                def do_POST(self):
                    body = self.rfile.read(int(self.headers["Content-Length"]))
                    received.append((dict(self.headers.items()), body))
                    self.send_response(200)
                    self.send_header("Content-Length", "0")
                    self.end_headers()

                def log_message(self, *args):
                    pass

            server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
            thread = threading.Thread(target=server.serve_forever, daemon=True)
            thread.start()
            try:
                url = f"http://127.0.0.1:{server.server_address[1]}/hook"
                task_id = suno_mock.client.submit({**BODY, SPEC.callback_url: url})
                payloads = suno_mock.callbacks(task_id)
            finally:
                server.shutdown()
                server.server_close()
            stages = [p[SPEC.callback_data][SPEC.callback_type] for p in payloads]
            assert stages == [SPEC.stage_text, SPEC.stage_first, SPEC.stage_complete]
            assert [d.outcome for d in suno_mock.deliveries(task_id)] == ["delivered"] * 3
            headers, body = received[-1]
            event = suno_mock.client.verify_webhook(body, headers)  # the client knows suno_mock.webhook_key
            assert event.task_id == task_id
        """,
    )
    user_run.runpytest(*ARGS).assert_outcomes(passed=1)


def test_the_shared_server_is_reset_between_tests(user_run: pytest.Pytester) -> None:
    """suno_mock_shared serves every test from one server, each starting from a fresh state."""
    _user_file(
        user_run,
        """
        import pytest

        SEEN = []

        @pytest.fixture
        def suno_mock(suno_mock_shared):
            return suno_mock_shared

        @pytest.mark.parametrize("run", [1, 2])
        def test_fresh(suno_mock, run):
            assert suno_mock.tasks == {}
            assert suno_mock.requests() == []
            suno_mock.inject_fault("500", times=5)  # left armed: the reset must forget it
            suno_mock.clear_faults()
            suno_mock.set_outcome(SPEC.status_sensitive_word_error)
            SEEN.append((suno_mock.base_url, suno_mock.client.submit(BODY)))

        def test_same_server_same_ids(suno_mock):
            assert suno_mock.mock.default_outcome == SPEC.status_success
            (first_url, first_id), (second_url, second_id) = SEEN
            assert first_url == second_url == suno_mock.base_url
            assert first_id == second_id  # task ids start over after a reset
        """,
    )
    user_run.runpytest(*ARGS).assert_outcomes(passed=3)


def test_the_plugin_imports_nothing_heavy() -> None:
    """Importing the plugin (pytest does at start-up) loads neither starlette, uvicorn nor schemathesis."""
    code = (
        "import sys, suno_conformance.pytest_plugin\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('starlette', 'uvicorn', 'schemathesis'))\n"
        "print(heavy)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, encoding="utf-8", timeout=60, check=True)  # noqa: S603 - our interpreter
    assert result.stdout.strip() == "[]"


def test_without_the_extra_pytest_still_works(user_run: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without starlette and uvicorn, other tests pass; a test using the fixture fails, naming the extra."""
    blocked = user_run.mkdir("blocked")
    for name in ("starlette", "uvicorn"):
        (blocked / f"{name}.py").write_text(f"raise ImportError('{name} is not installed (simulated)')\n")
    monkeypatch.setenv("PYTHONPATH", str(blocked))
    _user_file(
        user_run,
        """
        def test_plain():
            assert True

        def test_uses_the_mock(suno_mock):
            pass
        """,
    )
    result = user_run.runpytest_subprocess(*ARGS, "-p", "no:schemathesis")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*'conformance' extra*"])


def test_the_fixture_docstring_documents_the_helpers() -> None:
    """The fixture's docstring is its documentation: it names every helper of the handle."""
    doc = pytest_plugin.suno_mock.__doc__ or ""
    helpers = [name for name in vars(pytest_plugin.SunoMock) if not name.startswith("_") and name != "close"]
    missing = [name for name in helpers if name not in doc and name not in ("server", "reset")]
    assert missing == []
