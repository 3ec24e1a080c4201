"""``python -m suno_conformance.mock ARGS``: the same as ``suno-api mock ARGS`` (serve the mock on loopback)."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``suno-api mock`` with ``argv`` (the command line's arguments when omitted); return its exit code."""
    from suno_api.cli import main as cli_main  # noqa: PLC0415 - the command line is only needed when run

    return cli_main(["mock", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
