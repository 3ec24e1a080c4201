"""Deliberately defective variants of the mock: the proof that the conformance suite has teeth.

Each module of this package breaks exactly one documented behaviour with a small ``MockApp`` subclass named
``Defect``; its docstring says what is broken (first line) and which documented behaviour that breaks. A module
may set ``CAUGHT_AS = "drift"`` when the defect is a value outside a documented list (reported as spec drift,
not a failure); the default is ``"failure"``. ``tests/conformance/test_defects.py`` runs the suite against every
module and requires each to be caught.

Adding a defect is one file::

    # conformance/defects/msg_missing.py
    '''The envelope has no `msg`: every envelope requires code and msg (ERRATA E-14).'''
    from suno_conformance.mock import MockApp

    class Defect(MockApp):
        def envelope(self, code, msg, data):
            return {"code": code, "data": data}
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import Literal, cast

import attrs

from suno_conformance.mock import MockApp

CaughtAs = Literal["failure", "drift"]


@attrs.frozen
class DefectInfo:
    """A defective variant of the mock.

    Attributes:
        name: The module name (``auth_ignored``).
        description: The first line of the module's docstring.
        mock_class: The ``MockApp`` subclass to serve.
        caught_as: ``failure`` or ``drift``: how the suite must report it.
    """

    name: str
    description: str
    mock_class: type[MockApp]
    caught_as: CaughtAs


def catalogue() -> tuple[DefectInfo, ...]:
    """Return every defect of this package, sorted by name.

    Raises:
        TypeError: a module has no ``Defect`` subclass of ``MockApp``, or no docstring.
    """
    found = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda item: item.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        mock_class = getattr(module, "Defect", None)
        if not (inspect.isclass(mock_class) and issubclass(mock_class, MockApp)):
            raise TypeError(f"{module.__name__} must define `class Defect(MockApp)`")
        if not module.__doc__:
            raise TypeError(f"{module.__name__} needs a docstring saying which documented behaviour it breaks")
        caught_as = getattr(module, "CAUGHT_AS", "failure")
        if caught_as not in ("failure", "drift"):
            raise TypeError(f"{module.__name__}.CAUGHT_AS must be 'failure' or 'drift', got {caught_as!r}")
        description = module.__doc__.strip().splitlines()[0]
        found.append(DefectInfo(info.name, description, mock_class, cast("CaughtAs", caught_as)))
    return tuple(found)
