"""`rgann-cards stats`: cards by state, reviews per day, retention over 30 days, due forecast for 7 days."""

from __future__ import annotations

from .common import add_paths
from .quiz import add_selection, selection


def register(sub) -> None:
    p = sub.add_parser("stats", help="show quiz progress statistics",
                       description="Show quiz progress: cards by state, reviews per day, retention over the last "
                                   "30 days and the due forecast for the next 7 days (days in UTC).")
    add_paths(p, dist=False)
    add_selection(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from ..quiz.app import run_stats

    return run_stats(args.content, args.db, selection(args))
