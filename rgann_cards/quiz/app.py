"""The quiz and stats commands as library calls: load the course, open the progress, run, report.

Start-up stays light: nothing here (or below) imports sympy, numpy,
matplotlib, genanki or jinja2, so the first question appears quickly.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..content.header import read_header
from .items import Selection
from .scheduler import build_queue, clock_from_env, fuzz_from_env
from .session import Options, Session, next_due
from .store import Store, StoreWriteError, default_path

EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT; the answers given are saved


def run_quiz(content: Path, db: Path | None, selection: Selection, *, new_limit: int | None,
             options: Options, exam: str | None = None, target: float | None = None, environ=os.environ) -> int:
    """Run one interactive session on the terminal; returns the exit code (0, or 130 after Ctrl-C).

    ``exam`` (YYYY-MM-DD, or "off") and ``target`` set the course's exam, remembered in the database.
    """
    from . import screens
    from .cache import load_items
    from .keys import KeyReader
    from .render import make_console
    from .scheduler import Scheduling

    clock = clock_from_env(environ)
    scheduling = Scheduling(fuzz=fuzz_from_env(environ))
    every = load_items(content)
    items = selection.apply(every)
    header = read_header(content)
    screens.use_language(header.language)
    db_path = Path(db) if db is not None else default_path(header.id)
    console = make_console()
    with Store.open(db_path) as store:
        now = clock()
        plan = exam_plan(store, every, exam, target, now)
        states = store.states()
        introduced = introduced_today(store, {i.card_id for i in items}, now)
        queue = build_queue(items, states, now, new_limit=new_limit, cram=options.cram, plan=plan,
                            introduced_today=introduced)
        selected = {i.card_id for i in items}
        due_of = plan.due if plan else None

        def summary(outcome=None):
            when = clock()
            return screens.summary(
                outcome.counts if outcome else {}, outcome.seconds if outcome else 0,
                interrupted=bool(outcome and outcome.interrupted), left=outcome.left if outcome else 0,
                next_due=next_due(states, selected, when, due_of), now=when,
                new_left=sum(1 for i in items if i.card_id not in states), db=db_path,
                failed=bool(outcome and outcome.failure is not None),
                exam=screens.exam_line(plan, items, states, when) if plan else None)

        if not queue:
            console.print(screens.T.quiz_nothing_due, style="heading")
            console.print(summary())
            return 0
        with KeyReader() as keys:  # restores the terminal mode however the session ends
            outcome = Session(console, keys, store, scheduling, queue, states, clock, options).run()
        console.print()
        console.print(summary(outcome))
    if outcome.failure is not None:
        raise StoreWriteError(outcome.failure)  # the CLI prints it and exits 1; the summary is above
    return EXIT_INTERRUPTED if outcome.interrupted else 0


def course_key(items) -> str:
    """The course an exam belongs to: its root deck name (the first part of every deck name)."""
    return items[0].deck.split("::")[0] if items else ""


def exam_plan(store: Store, every, exam: str | None, target: float | None, now):
    """Set or clear the course's exam if asked, then the plan for the remembered exam (None: no exam)."""
    from ..errors import UsageError
    from .exam import DEFAULT_TARGET, Exam, ExamPlan, parse_day
    from .exam_store import get_exam, set_exam

    course = course_key(every)
    known = get_exam(store, course)
    if exam is not None and exam.strip().lower() in ("off", "none"):
        set_exam(store, course, None, now)
        known = None
    elif exam is not None:
        day = parse_day(exam)
        if day <= now.date():
            raise UsageError(f"--exam {exam}: the exam must be after today ({now.date().isoformat()}, UTC)")
        known = Exam(day, target if target is not None else known.target if known else DEFAULT_TARGET)
        set_exam(store, course, known, now)
    elif target is not None:
        if known is None:
            raise UsageError("--target needs an exam: add --exam YYYY-MM-DD")
        known = Exam(known.day, target)
        set_exam(store, course, known, now)
    if known is None or known.days_left(now) <= 0:
        return None
    return ExamPlan(known)


def introduced_today(store: Store, ids: set[int], now) -> int:
    """New cards (of ``ids``) first answered today, UTC: they count against today's share."""
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return sum(1 for r in store.reviews(since=start) if r.state_before is None and r.card_id in ids)


def run_stats(content: Path, db: Path | None, selection: Selection, environ=os.environ) -> int:
    """Print the progress statistics for the selected items."""
    from .cache import load_items
    from .render import make_console
    from .stats import compute, render_stats

    every = load_items(content)
    items = selection.apply(every)
    db_path = Path(db) if db is not None else default_path(read_header(content).id)
    states, reviews, exam = {}, [], None
    exists = db_path.exists() or db_path.is_symlink()
    now = clock_from_env(environ)()
    if exists:  # no progress yet: report that, without creating a file
        from .exam_store import get_exam

        with Store.open(db_path) as store:
            states, reviews, exam = store.states(), store.reviews(), get_exam(store, course_key(every))
    stats = compute(items, states, reviews, now, course_ids={i.card_id for i in every})
    console = make_console()
    from ..i18n import messages

    t = messages(read_header(content).language)
    console.print(render_stats(stats, db_path, exists=exists, t=t))
    if exam is not None:
        from .exam import ExamPlan, readiness
        from .stats import render_readiness

        console.print()
        console.print(render_readiness(readiness(ExamPlan(exam), items, states, now), t))
    return 0
