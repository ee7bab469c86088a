"""`rgann-cards verify`: run the checks behind the answers and print a table."""

from __future__ import annotations

from ..errors import ContentError, UsageError
from .common import add_paths


def register(sub) -> None:
    p = sub.add_parser("verify", help="run the checks behind the answers",
                       description="Run every check (or those of the given exercises) and print a table.")
    add_paths(p, dist=False)
    p.add_argument("--only", action="append", metavar="ID", help="exercise id to verify (repeatable)")
    p.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS", help="time limit per check (default 30)")
    p.add_argument("--list", action="store_true",
                   help="list every installed named check with its parameters and description, and exit")
    p.set_defaults(func=run)


def list_checks() -> int:
    """Every named check content may call, built-in or from an installed plugin; read without importing them."""
    from ..checks.registry import ENTRY_POINT_GROUP, catalogue

    infos = catalogue()
    for info in infos.values():
        params = ", ".join(f"{k}={v!r}" for k, v in info.params.items())
        print(f"{info.name}({params})    [{info.module}]")
        for line in (info.doc or "(no description)").splitlines():
            print(f"    {line}" if line.strip() else "")
        print()
    print(f"{len(infos)} named checks. A course adds its own by installing a package that registers a module "
          f"in the entry-point group '{ENTRY_POINT_GROUP}' (docs/checks.md).")
    return 0


def run(args) -> int:
    if args.list:
        return list_checks()
    from ..content.load import load_course
    from ..checks.verify import verify

    course = load_course(args.content)
    only = set(args.only) if args.only else None
    if only:
        known = {ex.id for _, ex in course.exercises()}
        unknown = sorted(only - known)
        if unknown:
            raise UsageError(f"unknown exercise id(s): {', '.join(unknown)}")
    verification = verify(course, only=only, timeout=args.timeout, cache=False)  # the command that always runs them
    rows = [("exercise", "claim", "kind", "status", "measured", "time")]
    for ex, check, result in verification.items:
        claim = check.claim if len(check.claim) <= 60 else check.claim[:57] + "..."
        kind = f"{check.form} (arithmetic)" if check.arithmetic else check.form
        rows.append((ex.label, claim, kind, result.status.upper(), result.measured, f"{result.seconds:.2f}s"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[-1])
    failed = verification.failures
    print(f"\n{len(verification.items) - len(failed)} passed, {len(failed)} failed")
    if failed:
        raise ContentError(verification.problems())
    return 0
