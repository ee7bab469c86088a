"""The ``rgann-cards`` command. Thin: parse arguments, call the library, map errors to exit codes.

Exit codes: 0 ok, 1 bad content (or a failed check), 2 bad usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import ContentError, UsageError

EXIT_CONTENT, EXIT_USAGE = 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse prints usage and exits 2; keep that, add our prefix
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"Error: {message}\n")


def _add_paths(parser: argparse.ArgumentParser, dist: bool = True) -> None:
    parser.add_argument("--content", type=Path, default=Path("content"), metavar="DIR",
                        help="course content directory (default: content)")
    if dist:
        parser.add_argument("--dist", type=Path, default=Path("dist"), metavar="DIR",
                            help="output directory (default: dist)")


def _cmd_build(args) -> int:
    from .build import build

    report = build(args.content, args.dist)
    c = report.course
    print(f"Built {len(c.decks)} decks, {len(c.exercises())} exercises, {report.notes} notes; "
          f"{len(report.verification.items)} checks passed.")
    for path in report.outputs:
        state = "written" if path in report.written else "unchanged"
        print(f"  {path} ({state})")
    timing = ", ".join(f"{k} {v:.2f}s" for k, v in report.seconds.items())
    print(f"  time: {timing}")
    return 0


def _cmd_lint(args) -> int:
    from .load import load_course

    course = load_course(args.content)
    cards = sum(len(ex.cards) for _, ex in course.exercises())
    print(f"ok: {len(course.decks)} decks, {len(course.exercises())} exercises, {cards} cards, "
          f"{len(course.references)} references")
    return 0


def _cmd_verify(args) -> int:
    from .load import load_course
    from .verify import verify

    course = load_course(args.content)
    only = set(args.only) if args.only else None
    if only:
        known = {ex.id for _, ex in course.exercises()}
        unknown = sorted(only - known)
        if unknown:
            raise UsageError(f"unknown exercise id(s): {', '.join(unknown)}")
    verification = verify(course, only=only, timeout=args.timeout)
    rows = [("exercise", "claim", "kind", "status", "measured", "time")]
    for ex, check, result in verification.items:
        claim = check.claim if len(check.claim) <= 60 else check.claim[:57] + "..."
        rows.append((ex.label, claim, check.kind, result.status.upper(), result.measured, f"{result.seconds:.2f}s"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[-1])
    failed = verification.failures
    print(f"\n{len(verification.items) - len(failed)} passed, {len(failed)} failed")
    if failed:
        raise ContentError(verification.problems())
    return 0


def _cmd_export(args) -> int:
    from .atomic import write_bytes
    from .build import JSON_NAME, load_and_verify, render_json

    course, verification = load_and_verify(args.content)
    out = args.output or args.dist / JSON_NAME
    write_bytes(out, render_json(course, verification))
    print(f"Wrote {out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="rgann-cards", description="Compile YAML question banks with code-verified answers "
                     "into an Anki deck, printable HTML and a terminal quiz.")
    from . import __version__

    parser.add_argument("--version", action="version", version=f"rgann-cards {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    p = sub.add_parser("build", help="validate, verify and build every output into dist/",
                       description="Validate the content, run every check, then write dist/rgann.apkg and "
                                   "dist/rgann.json atomically. On any problem nothing is written.")
    _add_paths(p)
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser("lint", help="only validate the content", description="Validate the content and report "
                       "every problem as path:line:col: message. Writes nothing.")
    _add_paths(p, dist=False)
    p.set_defaults(func=_cmd_lint)

    p = sub.add_parser("verify", help="run the checks behind the answers",
                       description="Run every check (or those of the given exercises) and print a table.")
    _add_paths(p, dist=False)
    p.add_argument("--only", action="append", metavar="ID", help="exercise id to verify (repeatable)")
    p.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS", help="time limit per check (default 30)")
    p.set_defaults(func=_cmd_verify)

    p = sub.add_parser("export", help="export the validated course for other tools",
                       description="Write the validated course with check results as JSON (dist/rgann.json).")
    _add_paths(p)
    p.add_argument("--format", choices=["json"], required=True, help="output format")
    p.add_argument("--output", "-o", type=Path, metavar="FILE", help="output file (default: DIST/rgann.json)")
    p.set_defaults(func=_cmd_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        count = len(exc.problems)
        print(f"{count} problem{'s' if count != 1 else ''} found; nothing was written.", file=sys.stderr)
        return EXIT_CONTENT
    except UsageError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
