"""``python -m suno_api_build``: the build's own command line (``make generate``, ``check-generated``, ``spec-diff``).

Commands and exit codes:

- ``generate [--spec PATH]``: rebuild ``generated/`` from ``spec/`` and ``overlays/``; 0, or 1 with the reason.
- ``check``: regenerate into a scratch directory and diff against ``generated/``; 0 up to date, 1 stale.
- ``diff [OLD] NEW [--json | --markdown] [--fail-on breaking|possibly-breaking|any]``: API surface (each change
  labelled breaking, possibly-breaking or safe, counts first), overlay health and rules coverage; OLD defaults to
  the effective spec the installed client was built from. 0 no change, 1 changed (overlays fine), 2 edit the
  overlays. With ``--fail-on breaking`` only a breaking change exits 1 (``possibly-breaking``: that or worse); a
  diff with none exits 0. 2 and 3 win over any change whatever ``--fail-on`` says.
- ``coverage [SPEC] [--json]``: overlay health and rules coverage; SPEC defaults to ``spec/suno-api.yaml`` in
  a checkout, else the installed client's effective spec. 0 covered, 2 edit the overlays.
- ``drill CASE... [--list] [--tests PATH...] [--max-examples N] [--keep DIR] [--json]``: walk the upgrade
  procedure for a case of ``tests/fixtures/upgrades/`` on a scratch copy of the checkout (candidate, diff, overlay
  edits, coverage, generate, drift gate, tests, conformance), each step timed. 0 every step passed, 1 one failed.

Bad arguments, an unreadable or invalid spec: 3. Nothing heavy is imported until a command needs it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from suno_api_build import _sources

EXIT_USAGE = 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # argparse exits 2 on bad usage, which for the diff means "edit the overlays"
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    summary, _, rest = (__doc__ or "").partition("\n\n")
    parser = _Parser(
        prog="python -m suno_api_build",
        description=summary,
        epilog=rest,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    checkout = _sources.checkout_root()
    for name, help_text in (
        ("generate", "rebuild generated/ from spec/ and overlays/"),
        ("check", "fail with a diff when generated/ is stale or was edited by hand"),
    ):
        command = commands.add_parser(name, help=help_text, description=help_text)
        command.add_argument("--root", type=Path, default=checkout, help="the checkout (default: this one)")
        if name == "generate":
            command.add_argument("--spec", type=Path, help="a candidate spec instead of spec/suno-api.yaml")
    diff = commands.add_parser("diff", help="what a candidate spec changes, and what to edit")
    diff.add_argument("paths", nargs="+", type=Path, metavar="[OLD] NEW")
    diff.add_argument(
        "--fail-on",
        choices=("breaking", "possibly-breaking", "any"),
        default="any",
        help="the changes that make exit 1 (default: any); a diff with none of them exits 0",
    )
    diff.add_argument("--markdown", action="store_true", help="print the report as Markdown (a pull-request comment)")
    drill = commands.add_parser("drill", help="walk the upgrade procedure for an upstream change, on a copy")
    drill.add_argument(
        "cases", nargs="*", metavar="CASE", help="a case name under tests/fixtures/upgrades, or its directory"
    )
    drill.add_argument("--list", action="store_true", help="list the cases and exit")
    drill.add_argument("--tests", nargs="+", metavar="PATH", help="the test paths to run (default: the case's)")
    drill.add_argument("--max-examples", type=int, default=2, help="conformance examples per operation (default: 2)")
    drill.add_argument("--stateful-examples", type=int, default=1, help="conformance stateful scenarios (default: 1)")
    drill.add_argument("--keep", type=Path, metavar="DIR", help="work in DIR/<case> and keep it (default: a temp dir)")
    drill.add_argument(
        "--workers", metavar="N", help="run the tests on N processes (pytest-xdist; 'auto': one per core)"
    )
    drill.add_argument(
        "--step-timeout",
        type=float,
        default=1800.0,
        metavar="SECONDS",
        help="fail a step whose command runs longer (default: 1800)",
    )
    drill.add_argument("--json", action="store_true", help="print the machine-readable report")
    coverage = commands.add_parser("coverage", help="do the overlays apply and the rules cover a spec")
    coverage.add_argument("spec", nargs="?", type=Path, metavar="SPEC")
    for command in (diff, coverage):
        command.add_argument("--json", action="store_true", help="print the machine-readable report")
        command.add_argument(
            "--root", type=Path, help="where overlays/ and spec/ERRATA.md are (default: this checkout or the wheel)"
        )
    return parser


def _build_command(args: argparse.Namespace) -> int:
    from suno_api_build import _build  # noqa: PLC0415 - the diff needs none of it

    if args.root is None:
        print("error: not running from a checkout; give --root", file=sys.stderr)
        return EXIT_USAGE
    return _build.main(
        ["--root", str(args.root), args.command, *(["--spec", str(args.spec)] if getattr(args, "spec", None) else [])]
    )


def _report_command(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from suno_api_build import _specdiff  # noqa: PLC0415 - generate needs none of it

    report: _specdiff.DiffReport | _specdiff.CoverageReport | _specdiff.NotCompared
    if args.command == "diff":
        if len(args.paths) > 2:
            parser.error("diff takes [OLD] NEW")
        old, new = args.paths if len(args.paths) == 2 else (None, args.paths[0])
        report = _specdiff.diff_report(old, new, root=args.root, fail_on=args.fail_on)
    else:
        spec = args.spec
        vendored = (args.root or _sources.data_root()) / "spec" / "suno-api.yaml"
        if spec is None and vendored.is_file():
            spec = vendored
        report = _specdiff.coverage_report(spec, root=args.root)
    if args.json:
        sys.stdout.write(json.dumps(report.to_json(), indent=2) + "\n")
    elif report.exit_code == EXIT_USAGE:
        sys.stderr.write(report.text())
    elif getattr(args, "markdown", False) and not isinstance(report, _specdiff.CoverageReport):
        sys.stdout.write(report.markdown())
    else:
        sys.stdout.write(report.text())
    return report.exit_code


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``python -m suno_api_build`` with ``argv``; return the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    checkout = _sources.checkout_root()
    if args.command in ("generate", "check"):
        return _build_command(args)
    if args.command == "drill":
        from suno_api_build import _drill  # noqa: PLC0415 - only a drill needs it

        if checkout is None:
            print("error: a drill copies a checkout; run it from one", file=sys.stderr)
            return EXIT_USAGE
        return _drill.main(args, checkout)
    return _report_command(args, parser)
