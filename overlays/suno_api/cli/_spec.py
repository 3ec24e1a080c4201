"""``suno-api spec diff`` / ``spec coverage``: the build tooling's public reports, with their own exit codes.

They call ``suno_api_build.diff_report`` and ``coverage_report`` (the ``spec`` extra), imported when the command
runs; each returns a result with ``exit_code``, ``text()`` and ``to_json()``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, NoReturn, TypeVar

import click

from suno_api.cli._group import SunoGroup
from suno_api.cli._options import output_options
from suno_api.cli._output import DISTRIBUTION, PROG, CommandError, output_of

F = TypeVar("F", bound=Callable[..., Any])

EXTRA: Final = "spec"
NOT_COMPARED: Final = 3
"""``spec``'s exit code for "nothing was compared" (its 2 means "edit the overlays", never a usage error)."""


class SpecGroup(SunoGroup):
    """``spec``: its commands keep ``make spec-diff``'s exit codes, where 2 means "edit the overlays"."""

    usage_exit_code = NOT_COMPARED  # bad arguments: "nothing was compared", never "edit the overlays"


def run_build(name: str, command: str, *args: Any, **kwargs: Any) -> Any:
    """Call the public function ``name`` of ``suno_api_build``; exit 3 naming the extra when a library is missing.

    The build tooling imports its libraries when a report needs them, so the call is guarded, not just the import.
    """
    try:
        return getattr(importlib.import_module("suno_api_build"), name)(*args, **kwargs)
    except ModuleNotFoundError as exc:
        if (exc.name or "").startswith("suno_api_build."):
            raise  # the package is there but one of its own modules is not: a bug, not a missing extra
        raise CommandError(
            NOT_COMPARED,
            f"`{PROG} spec {command}` needs the '{EXTRA}' extra ({exc.name} is not installed):"
            f" pip install '{DISTRIBUTION}[{EXTRA}]'",
            kind="MissingExtra",
            extra=EXTRA,
        ) from exc


_EPILOG: Final = """\b
Examples:
  suno-api spec diff ~/Downloads/suno-api.yaml        # against the spec this client was built from
  suno-api spec coverage"""

_CODES: Final = """\b
Exit codes (those of `make spec-diff`):
  0    nothing changed; the overlays apply and the rules cover NEW
  1    the API surface changed; the overlays apply and the rules cover NEW
  2    edit the overlays first (a broken action, an unflattened wrapper, a coverage gap)
  3    nothing was compared (bad arguments, an unreadable or invalid spec, the 'spec' extra missing)"""

_DIFF_EPILOG: Final = f"""\b
Examples:
  suno-api spec diff ~/Downloads/suno-api.yaml                      # against the installed client's spec
  suno-api spec diff new-upstream.yaml spec/suno-api.yaml           # NEW first, then OLD
  suno-api spec diff new.yaml --json | tail -n 1 | jq .report.summary
  suno-api spec diff new.yaml --markdown --fail-on breaking > comment.md

Both sides are compared as effective specs (the overlays applied): the API surface, overlay health and rules
coverage. Without OLD, NEW is compared with the effective spec the installed client was built from. Each change
is labelled breaking, possibly-breaking or safe for code that uses the client (oasdiff's ERR, WARN, INFO), and
the report opens with the counts. A field, parameter or enum value that NEW spells otherwise (same place, same
schema, nearly the same spelling, and no other candidate) is one "renamed" change, not a removal and an
addition; a moved path or callback is one "moved" change. Needs the 'spec' extra.

{_CODES}

\b
--fail-on narrows exit 1: 'breaking' exits 1 only for a breaking change, 'possibly-breaking' for that or a
breaking one; a diff with none of them exits 0. Exit 2 and 3 win over any change whatever --fail-on says."""

_COVERAGE_EPILOG: Final = f"""\b
Examples:
  suno-api spec coverage                      # the spec the installed client was built from
  suno-api spec coverage ~/Downloads/suno-api.yaml

{_CODES}"""


@click.group(
    cls=SpecGroup,
    epilog=_EPILOG,
    short_help="Upstream published a new spec: what changes, do the overlays still fit.",
)
def spec() -> None:
    """Compare upstream specs and check that the overlays and rules still cover them (the 'spec' extra)."""


def _root_option(function: F) -> F:
    return click.option(
        "--root",
        type=click.Path(file_okay=False, exists=True, path_type=Path),
        help="The directory whose overlays/ and spec/ERRATA.md to use [default: the checkout, else the installed"
        " copies].",
    )(function)


def _report(ctx: click.Context, report: Any, *, markdown: bool = False) -> NoReturn:
    output = output_of(ctx)
    code = int(report.exit_code)
    data: dict[str, Any] = report.to_json()
    if code == NOT_COMPARED:
        message = str(data.get("error") or report.text().strip())
        raise CommandError(NOT_COMPARED, message, kind="SpecError")
    if output.json:
        output.result(code, report=data)
    else:
        output.out(report.markdown() if markdown else report.text(), nl=False)
    ctx.exit(code)


FAIL_ON: Final = ("breaking", "possibly-breaking", "any")
"""``--fail-on`` choices, the labels of ``suno_api_build`` (which the CLI may not import at load time)."""


@spec.command("diff", epilog=_DIFF_EPILOG, short_help="What a new upstream spec changes, and what to edit.")
@click.argument("new", type=click.Path(path_type=Path))
@click.argument("old", type=click.Path(path_type=Path), required=False)
@_root_option
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    default="any",
    show_default=True,
    help="The changes that make exit 1; a diff with none of them exits 0.",
)
@click.option("--markdown", is_flag=True, help="Print the report as Markdown, for a pull-request comment.")
@output_options
@click.pass_context
def spec_diff(
    ctx: click.Context, new: Path, old: Path | None, root: Path | None, *, fail_on: str, markdown: bool
) -> None:
    """Compare the candidate spec NEW with OLD (default: the spec the installed client was built from)."""
    _report(ctx, run_build("diff_report", "diff", old, new, root=root, fail_on=fail_on), markdown=markdown)


@spec.command("coverage", epilog=_COVERAGE_EPILOG, short_help="Do the overlays apply and the rules cover a spec.")
@click.argument("spec_path", metavar="[SPEC]", required=False, type=click.Path(path_type=Path))
@_root_option
@output_options
@click.pass_context
def spec_coverage(ctx: click.Context, spec_path: Path | None, root: Path | None) -> None:
    """Check overlay health and rules coverage of SPEC (default: the spec the installed client was built from)."""
    _report(ctx, run_build("coverage_report", "coverage", spec_path, root=root))
