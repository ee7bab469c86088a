"""`rgann-cards build`: validate, verify and write every output atomically."""

from __future__ import annotations

from .common import add_paths, add_strict, report_warnings

HELP = "validate, verify and build every output into dist/"


def register(sub) -> None:
    p = sub.add_parser("build", help=HELP,
                       description="Validate the content, run every check, then write every output into dist/ "
                                   "atomically. On any problem nothing is written.")
    add_paths(p)
    add_strict(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from ..build import build

    report = build(args.content, args.dist, strict=args.strict, write_lock=not args.bundled)
    report_warnings(report.warnings, strict=False)  # --strict already refused to write if there were any
    c = report.course
    computed = sum(check.arithmetic for _, check, _ in report.verification.items)
    print(f"Built {len(c.decks)} decks, {len(c.exercises())} exercises, {report.notes} notes; "
          f"{len(report.verification.items)} check{'s' if len(report.verification.items) != 1 else ''} passed"
          + (f" ({computed} of them arithmetic)." if computed else "."))
    for path in report.outputs:
        state = "written" if path in report.written else "unchanged"
        print(f"  {path} ({state})")
    timing = ", ".join(f"{k} {v:.2f}s" for k, v in report.seconds.items())
    print(f"  time: {timing}")
    return 0
