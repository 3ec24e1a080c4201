"""One setting of the mock or the suite: the single place its option name, variable, type and help are declared.

The command line turns each into a ``--option``, the settings classes read each from the environment, and the
README's tables list them; a test keeps the three in step.
"""

from __future__ import annotations

from typing import Literal

import attrs

SettingKind = Literal["str", "int", "float", "bool", "choice", "path", "list"]


@attrs.frozen
class Setting:
    """A setting of the mock or the suite.

    Attributes:
        name: The attribute name (``max_examples``); the command-line option is ``--max-examples``.
        env: The environment variable that sets it (``None``: command line and constructor only).
        kind: How its text is read: ``bool`` is a ``--x/--no-x`` switch, ``list`` is comma-separated.
        help: One sentence for ``--help`` and the README.
        default: The default as a user reads it in the README (text, not a Python value).
        choices: The allowed values when ``kind`` is ``choice``.
        secret: Whether the value is a secret (never printed, never a command-line option).
        readme_default: What the README says the default is, when it is read from the spec (a status upstream
            removes or renames must not leave the README wrong); empty: ``default``.
        readme_help: What the README says the setting means, when its choices are read from the spec; empty:
            ``help`` and the choices.
    """

    name: str
    env: str | None
    kind: SettingKind
    help: str
    default: str = ""
    choices: tuple[str, ...] = ()
    secret: bool = False
    readme_default: str = ""
    readme_help: str = ""

    @property
    def option(self) -> str:
        """The command-line option (``--max-examples``)."""
        return "--" + self.name.replace("_", "-")
