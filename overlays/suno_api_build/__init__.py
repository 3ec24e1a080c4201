"""Build tooling: generate the client from spec/ and overlays/, gate drift, diff specs, check rules coverage.

It never imports the runtime package ``suno_api`` (nor does the runtime import it), so no spec change can break
``make generate`` or the diff. The public API is what ``suno-api spec diff`` and ``spec coverage`` call:
``diff_report`` and ``coverage_report``, each returning a result with ``exit_code`` (0 no change, 1 the surface
changed and the overlays fit, 2 edit the overlays or rules, 3 nothing was compared), ``text()`` and
``to_json()``. They need the ``spec`` extra (oas-patch, openapi-spec-validator, PyYAML).

Names are loaded on first use: ``python -m suno_api_build generate`` must not pay for the diff's imports.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from suno_api_build._specdiff import CoverageReport, DiffReport, NotCompared, coverage_report, diff_report

__all__ = ["CoverageReport", "DiffReport", "NotCompared", "coverage_report", "diff_report"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module("suno_api_build._specdiff"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
