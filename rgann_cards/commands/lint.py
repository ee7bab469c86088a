"""`rgann-cards lint`: only validate; loading *is* validation."""

from __future__ import annotations

from .common import add_paths, add_strict, report_warnings


def register(sub) -> None:
    p = sub.add_parser("lint", help="only validate the content",
                       description="Validate the content and report every problem as path:line:col: message. "
                                   "Writes nothing.")
    add_paths(p, dist=False)
    add_strict(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from ..content.load import load_course
    from ..lifecycle.guards import guard_course
    from ..lifecycle.lock import LOCK_NAME, now, read_lock

    course = load_course(args.content)
    guard, _ = guard_course(course, args.content, read_lock(args.content / LOCK_NAME, now()))
    report_warnings([*course.warnings, *guard.warnings], args.strict)
    cards = sum(len(ex.cards) for _, ex in course.exercises())
    print(f"ok: {len(course.decks)} decks, {len(course.exercises())} exercises, {cards} cards, "
          f"{len(course.references)} references")
    return 0
