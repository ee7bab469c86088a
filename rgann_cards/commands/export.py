"""`rgann-cards export --format json`: the validated course with check results, for other tools."""

from __future__ import annotations

from pathlib import Path

from .common import add_paths


def register(sub) -> None:
    p = sub.add_parser("export", help="export the validated course for other tools",
                       description="Write the validated course with check results as JSON (dist/<course id>.json).")
    add_paths(p)
    p.add_argument("--format", choices=["json"], required=True, help="output format")
    p.add_argument("--output", "-o", type=Path, metavar="FILE", help="output file (default: DIST/<course id>.json)")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..atomic import write_bytes
    from ..build import load_and_verify, render_json

    course, verification = load_and_verify(args.content)
    out = args.output or args.dist / course.identity.json_name
    write_bytes(out, render_json(course, verification))
    print(f"Wrote {out}")
    return 0
