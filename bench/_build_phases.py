"""Where ``make generate``'s time goes, phase by phase, in a fresh interpreter (row 6's breakdown on a miss).

``python -m bench._build_phases --root <scratch checkout> --out <empty dir>`` prints one JSON object of
milliseconds: each import the pipeline needs (in the order ``python -m suno_api_build generate`` pays them), then
each step of ``generate_into`` called one by one, the generator subprocess included. A phase's figure excludes
what an earlier phase already imported. ``generate_into`` validates the effective spec while the generator runs,
so its steps overlap there; the vendored spec is validated only when the effective one is invalid.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any


def _timed(phases: dict[str, float], name: str, call: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    result = call()
    phases[name] = round((time.perf_counter() - started) * 1e3, 1)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """Run the phases against ``--root`` and print their durations."""
    parser = argparse.ArgumentParser(prog="python -m bench._build_phases", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    # Every phase is measured as a fresh runner pays it: no validation verdict from an earlier run.
    os.environ["SUNO_API_BUILD_VALIDATION_CACHE"] = "0"
    phases: dict[str, float] = {}
    # The build never imports the runtime package; oas-patch's overlay module is loaded alone (_overlay_applier).
    for module in ("suno_api_build._build", "yaml", "jsonpath_ng.ext.parser", "openapi_spec_validator"):
        _timed(phases, f"import {module}", functools.partial(importlib.import_module, module))
    from suno_api_build import _build  # noqa: PLC0415 - timed above

    _timed(phases, "import oas-patch's overlay module alone", _build._overlay_applier)

    root: Path = args.root.resolve()
    spec_path = root / "spec" / "suno-api.yaml"
    spec = _timed(phases, "load_document(spec)", lambda: _build.load_document(spec_path))
    overlays = _build.overlay_paths(root / "overlays")
    effective = _timed(phases, "apply_overlays", lambda: _build.apply_overlays(spec, overlays))
    _timed(phases, "validate_openapi(effective)", lambda: _build.validate_openapi(effective, "effective"))
    _timed(phases, "check_generator_input", lambda: _build.check_generator_input(effective))
    # The generator step alone: generate_into minus what was timed above would double-count, so time the
    # whole generate_into separately (it repeats the steps above, now warm) and report the remainder.
    whole = _timed(phases, "generate_into (all steps again, warm)", lambda: _build.generate_into(root, args.out))
    del whole
    warm_steps = _timed(
        phases, "build_effective_spec (warm)", lambda: _build.build_effective_spec(spec_path, root / "overlays")
    )
    del warm_steps
    phases["generator subprocess (generate_into minus warm build)"] = round(
        phases["generate_into (all steps again, warm)"] - phases["build_effective_spec (warm)"], 1
    )
    json.dump(phases, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
