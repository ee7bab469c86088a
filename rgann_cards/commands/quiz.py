"""`rgann-cards quiz`: a terminal self-quiz with FSRS scheduling; progress in SQLite, one commit per answer.

Exit codes: 0 done or quit, 130 after Ctrl-C (answers given are saved), 1 bad
content, an unusable progress file (foreign, damaged, newer, read-only, full,
locked; never touched) or an answer that could not be saved (every earlier one
is), 2 bad usage (unknown deck, tag or id).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import add_paths, whole_number

def add_selection(p: argparse.ArgumentParser) -> None:
    """--db, --deck, --tag, --ids: shared with `stats`."""
    p.add_argument("--db", type=Path, metavar="PATH",
                   help="progress database (default: progress.sqlite3 in your user data directory)")
    p.add_argument("--deck", action="append", default=[], metavar="PATTERN",
                   help="only decks matching PATTERN: a glob like '*Task 1*', or text contained in the deck "
                        "name or its file name, e.g. task01 (case-insensitive; repeatable)")
    p.add_argument("--tag", action="append", default=[], metavar="TAG", help="only items with this tag (repeatable)")
    p.add_argument("--ids", action="append", default=[], metavar="ID[,ID...]",
                   help="only these YAML ids; a cloze number as ID#c2 (comma-separated or repeatable)")


def register(sub) -> None:
    p = sub.add_parser("quiz", help="quiz yourself in the terminal (FSRS scheduling)",
                       description="Quiz yourself on exercises and recall cards. Due cards come first, then new "
                                   "ones in course order. Space shows the answer, 1-4 grade it (Again, Hard, "
                                   "Good, Easy), q quits. Every answer is saved at once.")
    add_paths(p)
    add_selection(p)
    p.add_argument("--new", type=whole_number(0), default=None, metavar="N",
                   help="new cards per session (default 20; with --cram, all)")
    p.add_argument("--cram", action="store_true",
                   help="ignore due dates: go through every selected item in course order")
    p.add_argument("--key-points", action="store_true",
                   help="grade exercises by ticking the key points you recalled; a rating is suggested")
    p.add_argument("--exam", metavar="YYYY-MM-DD",
                   help="prepare for an exam on this day (remembered for the course; 'off' forgets it): reviews "
                        "are planned so that predicted recall on the day reaches --target, and new cards are "
                        "spread over the days left")
    p.add_argument("--target", type=recall_target, metavar="R",
                   help="predicted recall to reach on the exam day, between 0.5 and 0.99 (default 0.9)")
    p.add_argument("--open-figures", action="store_true",
                   help="open an exercise's figure (DIST/figures/NAME.svg) in the system viewer")
    p.set_defaults(func=run)


def selection(args):
    from ..quiz.items import Selection

    ids = tuple(i.strip() for group in args.ids for i in group.split(",") if i.strip())
    return Selection(decks=tuple(args.deck), tags=tuple(args.tag), ids=ids)


def run(args) -> int:
    from ..quiz.app import run_quiz
    from ..quiz.session import Options

    options = Options(key_points=args.key_points, open_figures=args.open_figures, cram=args.cram,
                      figures_dir=args.dist / "figures")
    return run_quiz(args.content, args.db, selection(args), new_limit=args.new, options=options, exam=args.exam,
                    target=args.target)


def recall_target(text: str) -> float:
    """--target: a finite number in [0.5, 0.99]; below 0.5 is not preparing, 1 is not reachable."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number, e.g. 0.9") from None
    if not 0.5 <= value <= 0.99:  # also rejects nan and inf
        raise argparse.ArgumentTypeError(f"{text} is outside 0.5-0.99")
    return value
