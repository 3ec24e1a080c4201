"""The package's public surface: ``__all__`` lists exactly what it exports, sorted."""

from __future__ import annotations

import suno_conformance.mock


def test_all_lists_every_public_name() -> None:
    """Every public name of the package is in __all__, and every name in __all__ exists."""
    # isidentifier(): pytest's assertion rewriting adds `@py_builtins` to the plugin's (editable) package.
    public = {name for name in vars(suno_conformance.mock) if not name.startswith("_") and name.isidentifier()}
    assert set(suno_conformance.mock.__all__) == public


def test_all_is_sorted() -> None:
    """__all__ is sorted the way ruff's RUF022 sorts it: constants, classes, then functions."""
    names = suno_conformance.mock.__all__

    def kind(name: str) -> tuple[int, str]:
        if name.isupper():
            return (0, name)
        return (1, name) if name[0].isupper() else (2, name)

    assert names == sorted(names, key=kind)
