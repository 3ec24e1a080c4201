"""Where the build's inputs are: a checkout's ``overlays/`` and ``spec/``, or the copies an installed wheel ships.

A checkout (also an editable install) keeps them at the top of the repository. An installed wheel carries
``overlays/*.overlay.yaml`` and ``spec/ERRATA.md`` under ``suno_api_build/_data/`` in the same layout, so that
``suno-api spec diff`` and ``spec coverage`` work with no checkout. Either directory is a "root" for the rest of
the package: ``root / "overlays"``, ``root / "spec" / "ERRATA.md"``.

The effective spec the installed client was built from is found without importing ``suno_api`` (importing it
would run the runtime package, which the build must never depend on): ``importlib.util.find_spec`` locates the
package directory, where a wheel puts ``_effective_spec.json``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

RUNTIME_PACKAGE = "suno_api"
PACKAGED_EFFECTIVE_SPEC = "_effective_spec.json"
"""The effective spec's name inside an installed ``suno_api`` (pyproject's wheel force-include)."""
CHECKOUT_EFFECTIVE_SPEC = Path("generated") / "suno-api.effective.json"
DATA_DIR = "_data"
"""The wheel's copy of the checkout's build inputs, under this package."""


def checkout_root() -> Path | None:
    """Return the checkout this package runs from (``overlays/suno_api_build`` -> the repository), else None."""
    package = Path(__file__).resolve().parent
    root = package.parents[1]
    # Installed, the package sits in site-packages: never guess a checkout from the directories around it.
    return root if package.parent == root / "overlays" and (root / "spec").is_dir() else None


def data_root() -> Path:
    """Return the directory holding ``overlays/`` and ``spec/ERRATA.md``: the checkout's, else the wheel's copy."""
    root = checkout_root()
    if root is not None:
        return root
    return Path(__file__).resolve().parent / DATA_DIR


def installed_effective_spec() -> Path | None:
    """Return the effective spec the installed client was built from, or None when there is none to be found.

    The installed runtime package's ``_effective_spec.json`` comes first (a wheel); then the checkout's
    ``generated/suno-api.effective.json`` (an editable install, or running from a checkout).
    """
    try:
        spec = importlib.util.find_spec(RUNTIME_PACKAGE)
    except (ImportError, ValueError):
        spec = None
    for location in (spec.submodule_search_locations or []) if spec is not None else []:
        packaged = Path(location) / PACKAGED_EFFECTIVE_SPEC
        if packaged.is_file():
            return packaged
    root = checkout_root()
    if root is not None and (root / CHECKOUT_EFFECTIVE_SPEC).is_file():
        return root / CHECKOUT_EFFECTIVE_SPEC
    return None
