"""The ``suno-api`` command line: extend a track end to end, check bodies and callbacks, run the sandbox.

A thin layer over the library (``SunoClient``, ``find_violations``, ``verify_webhook``), the mock and the suite
(``suno_conformance``, the ``conformance`` extra) and the build tooling (``suno_api_build``, the ``spec`` extra):
it parses options, prints, and maps every outcome to an exit code. Nothing here decides what the API allows.
One module per command (``_extend``, ``_status``, ``_validate``, ``_webhook``, ``_mock``, ``_wait_ready``,
``_conformance``, ``_spec``), registered by ``_main``; shared: ``_task`` (the API preamble), ``_output``,
``_options``, ``_settings`` (options from settings tables), ``_group`` (errors -> exit codes), ``_exit``.

Output: results go to standard output, progress and errors to standard error. With ``--json`` every line of
standard output is one JSON object (snake_case keys; spec payloads keep the spec's names); the last one has
``"event": "result"``, ``"ok"`` and ``"exit_code"``. Errors are one line (no traceback unless ``--debug``). The
API key and the webhook secret are never printed.

Exit codes (``ExitCode``)::

"""

from suno_api.cli._exit import ExitCode, exit_code_lines, exit_code_table
from suno_api.cli._main import cli, main

__doc__ = "\n".join([__doc__ or "", *exit_code_lines("    ")]) + "\n"

__all__ = ["ExitCode", "cli", "exit_code_table", "main"]
