"""The quiz and stats commands as library calls: load the course, open the progress, run, report.

Start-up stays light: nothing here (or below) imports sympy, numpy,
matplotlib, genanki or jinja2, so the first question appears quickly.
"""

from __future__ import annotations

import os
from pathlib import Path

from .items import Selection
from .scheduler import build_queue, clock_from_env, fuzz_from_env
from .session import Options, Session, next_due
from .store import Store, StoreWriteError, default_path

EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT; the answers given are saved


def run_quiz(content: Path, db: Path | None, selection: Selection, *, new_limit: int | None,
             options: Options, environ=os.environ) -> int:
    """Run one interactive session on the terminal; returns the exit code (0, or 130 after Ctrl-C)."""
    from . import screens
    from .cache import load_items
    from .keys import KeyReader
    from .render import make_console
    from .scheduler import Scheduling

    clock = clock_from_env(environ)
    scheduling = Scheduling(fuzz=fuzz_from_env(environ))
    items = selection.apply(load_items(content))
    db_path = Path(db) if db is not None else default_path()
    console = make_console()
    with Store.open(db_path) as store:
        states = store.states()
        now = clock()
        queue = build_queue(items, states, now, new_limit=new_limit, cram=options.cram)
        selected = {i.card_id for i in items}
        new_left = sum(1 for i in items if i.card_id not in states)
        if not queue:
            console.print("Nothing to review right now.", style="heading")
            console.print(screens.summary({}, 0, interrupted=False, left=0, next_due=next_due(states, selected, now),
                                          now=now, new_left=new_left, db=db_path))
            return 0
        with KeyReader() as keys:  # restores the terminal mode however the session ends
            outcome = Session(console, keys, store, scheduling, queue, states, clock, options).run()
        now = clock()
        new_left = sum(1 for i in items if i.card_id not in states)
        console.print()
        console.print(screens.summary(outcome.counts, outcome.seconds, interrupted=outcome.interrupted,
                                      left=outcome.left, next_due=next_due(states, selected, now), now=now,
                                      new_left=new_left, db=db_path, failed=outcome.failure is not None))
    if outcome.failure is not None:
        raise StoreWriteError(outcome.failure)  # the CLI prints it and exits 1; the summary is above
    return EXIT_INTERRUPTED if outcome.interrupted else 0


def run_stats(content: Path, db: Path | None, selection: Selection, environ=os.environ) -> int:
    """Print the progress statistics for the selected items."""
    from .cache import load_items
    from .render import make_console
    from .stats import compute, render_stats

    every = load_items(content)
    items = selection.apply(every)
    db_path = Path(db) if db is not None else default_path()
    states, reviews = {}, []
    exists = db_path.exists() or db_path.is_symlink()
    if exists:  # no progress yet: report that, without creating a file
        with Store.open(db_path) as store:
            states, reviews = store.states(), store.reviews()
    stats = compute(items, states, reviews, clock_from_env(environ)(), course_ids={i.card_id for i in every})
    make_console().print(render_stats(stats, db_path, exists=exists))
    return 0
