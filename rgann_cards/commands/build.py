"""`rgann-cards build`: validate, verify and write every output atomically."""

from __future__ import annotations

import gc

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

    # A build allocates the whole course as long-lived objects; Python's default thresholds scan
    # them again and again (about 0.5 s of CPU at 10,000 notes, for 1 MiB more at the peak).
    gc.set_threshold(10_000, 50, 1_000)
    report = build(args.content, args.dist, strict=args.strict, write_lock=not args.bundled)
    report_warnings(report.warnings, strict=False)  # --strict already refused to write if there were any
    s = report.summary
    checks = f"{s['checks']} check{'s' if s['checks'] != 1 else ''} passed"
    counts = (f"{s['decks']} decks, {s['exercises']} exercises, {s['notes']} notes; {checks}"
              + (f" ({s['arithmetic']} of them arithmetic)" if s.get("arithmetic") else ""))
    if report.up_to_date:
        print(f"Up to date: nothing changed since the last build ({counts}).")
    else:
        print(f"Built {counts}.")
    for path in report.outputs:
        state = "written" if path in report.written else "unchanged"
        print(f"  {path} ({state})")
    if report.seconds:
        timing = ", ".join(f"{k} {v:.2f}s" for k, v in report.seconds.items())
        print(f"  time: {timing}")
    return 0
