"""The exit codes of ``suno-api``: one enum, from which the module docstring, ``--help`` and the README table come."""

from __future__ import annotations

import enum
from typing import Final


class ExitCode(enum.IntEnum):
    """What the exit status of ``suno-api`` means; ``spec diff``/``spec coverage`` keep their own (see their help)."""

    OK = 0
    INVALID = 1
    USAGE = 2
    API = 3
    TASK_FAILED = 4
    UNKNOWN = 5
    DOWNLOAD = 6
    INTERNAL = 70
    INTERRUPTED = 130
    TERMINATED = 143

    @property
    def meaning(self) -> str:
        """What this code tells the caller, in one sentence."""
        return _MEANINGS[self]


_MEANINGS: Final[dict[ExitCode, str]] = {
    ExitCode.OK: "success (`conformance`: the target conforms; `wait-ready`: it answers)",
    ExitCode.INVALID: "invalid input (a body that breaks a rule, a callback that fails verification) or"
    " non-conformance",
    ExitCode.USAGE: "usage: a bad option or file, no API key, an insecure base URL, an unwritable `--download` DIR,"
    " a missing extra; nothing was sent",
    ExitCode.API: "API error: the service refused the request or could not be reached (`wait-ready`: not in time)",
    ExitCode.TASK_FAILED: "the task failed",
    ExitCode.UNKNOWN: "outcome unknown: the submit may have created a task, or the task did not finish in time",
    ExitCode.DOWNLOAD: "the task succeeded but a track could not be saved (run `suno-api status TASK_ID --download"
    " DIR` again)",
    ExitCode.INTERNAL: "internal error (a bug: rerun with `--debug` and report the traceback)",
    ExitCode.INTERRUPTED: "interrupted (Ctrl+C); the task id, once there is one, was printed first",
    ExitCode.TERMINATED: "terminated (SIGTERM), cleaned up as for Ctrl+C",
}


def exit_code_table() -> str:
    """Return the README's Markdown table of exit codes (one row per ``ExitCode``)."""
    rows = ["| code | name | meaning |", "|---:|---|---|"]
    rows.extend(f"| {code.value} | `{code.name}` | {code.meaning} |" for code in ExitCode)
    return "\n".join(rows) + "\n"


def exit_code_lines(indent: str = "  ") -> list[str]:
    """Return one plain-text line per exit code (``--help`` and the module docstring)."""
    return [f"{indent}{code.value:<5}{code.meaning.replace('`', '')}" for code in ExitCode]


def exit_codes_help() -> str:
    """Return the "Exit codes" section of ``--help``, marked so that click keeps its lines as they are."""
    return "\n".join(["\b", "Exit codes:", *exit_code_lines()])
