"""Exam mode with an injected clock: predictions are fsrs's own, cards are brought forward, new cards spread."""

from __future__ import annotations

import math
import sqlite3
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from fsrs import Card, Rating, Scheduler, State
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, run_cli
from rgann_cards.content.load import load_course
from rgann_cards.quiz.exam import REVIEW_ONLY_DAYS, Exam, ExamPlan, readiness
from rgann_cards.quiz.exam_store import get_exam, set_exam
from rgann_cards.quiz.items import items_of
from rgann_cards.quiz.scheduler import Scheduling, build_queue, clock_from_env
from rgann_cards.quiz.store import CardState, Store

NOW = datetime(2027, 1, 16, 9, 0, tzinfo=timezone.utc)
EXAM = Exam(date(2027, 2, 15), 0.9)


@pytest.fixture(scope="module")
def items():
    return items_of(load_course(FIXTURES / "valid"))


def review_state(stability: float, last: datetime, due: datetime, card_id: int = 1) -> CardState:
    return CardState(card_id, "k", int(State.Review), None, stability, 5.0, due, last, 3, 0)


def test_prediction_is_fsrs_retrievability_exactly(items):
    scheduling, plan = Scheduling(fuzz=False), ExamPlan(EXAM)
    fsrs = Scheduler(enable_fuzzing=False)
    state, when = None, NOW - timedelta(days=20)
    for rating, step in [(3, timedelta(minutes=10)), (3, timedelta(days=2)), (4, timedelta(days=5)),
                         (1, timedelta(days=9)), (3, timedelta(minutes=10))]:
        state = scheduling.answer(items[0], state, rating, when)
        when += step
        card = Card(card_id=items[0].card_id, state=State(state.state), step=state.step, stability=state.stability,
                    difficulty=state.difficulty, due=state.due, last_review=state.last_review)
        assert plan.recall(items[0].card_id, state) == fsrs.get_card_retrievability(card, EXAM.moment)
    assert plan.recall(items[0].card_id, None) == 0.0  # never reviewed: nothing to recall yet


def test_a_card_due_after_the_exam_below_target_is_brought_forward():
    plan = ExamPlan(EXAM)
    last = NOW - timedelta(days=1)
    state = review_state(10.0, last, due=last + timedelta(days=60))  # FSRS would wait past the exam
    assert plan.recall(1, state) < EXAM.target
    due = plan.due(1, state)
    assert NOW <= due < EXAM.moment
    card = Card(card_id=1, state=State.Review, stability=10.0, difficulty=5.0, due=state.due, last_review=last)
    fsrs = plan.fsrs
    assert fsrs.get_card_retrievability(card, due) >= EXAM.target  # still at target on the day it is planned
    assert fsrs.get_card_retrievability(card, due + timedelta(days=1)) < EXAM.target  # ... and the latest such day
    assert due == last + timedelta(days=(due - last).days)  # whole days after the last review, as fsrs counts


def test_cards_that_need_no_bringing_forward_keep_their_fsrs_due_date():
    plan = ExamPlan(EXAM)
    before_exam = review_state(3.0, NOW, due=NOW + timedelta(days=3))
    assert plan.due(1, before_exam) == before_exam.due
    strong = review_state(5000.0, NOW, due=NOW + timedelta(days=400))
    assert plan.recall(1, strong) >= EXAM.target and plan.due(1, strong) == strong.due


@settings(max_examples=300, deadline=None)
@given(stability=st.floats(0.01, 3000), last_days=st.integers(0, 400), due_days=st.integers(0, 800),
       exam_days=st.integers(1, 120), target=st.floats(0.5, 0.99))
def test_never_a_review_after_the_exam_when_the_prediction_is_below_target(stability, last_days, due_days,
                                                                            exam_days, target):
    exam = Exam((NOW + timedelta(days=exam_days)).date(), target)
    plan = ExamPlan(exam)
    last = NOW - timedelta(days=last_days)
    state = review_state(stability, last, due=last + timedelta(days=due_days))
    if plan.recall(1, state) < target:
        assert plan.due(1, state) < exam.moment
    assert plan.due(1, state) <= state.due  # exam mode only ever brings reviews forward


def test_new_cards_are_spread_over_the_days_left():
    plan = ExamPlan(EXAM)
    days = EXAM.days_left(NOW)
    assert days == 30
    assert plan.new_today(125, 0, NOW) == math.ceil(125 / (30 - REVIEW_ONLY_DAYS)) == 5
    assert plan.new_today(120, 5, NOW) == 0  # today's share is taken
    assert plan.new_today(10, 0, EXAM.moment - timedelta(days=2)) == 10  # the last learning day takes the rest
    assert plan.new_today(10, 0, EXAM.moment) == 0  # exam day: nothing new
    # 125 new cards, one session a day: all introduced, the last ones REVIEW_ONLY_DAYS before the exam
    introduced, day = [], 0
    unseen = 125
    while unseen:
        share = plan.new_today(unseen, 0, NOW + timedelta(days=day))
        introduced.append(share)
        unseen -= share
        day += 1
    assert sum(introduced) == 125 and day <= days - REVIEW_ONLY_DAYS


def test_queue_in_exam_mode(items):
    plan = ExamPlan(EXAM)
    scheduling = Scheduling(fuzz=False)
    late = scheduling.answer(items[0], None, 4, NOW - timedelta(days=3))  # Easy: review, due in days
    late = CardState(late.card_id, late.key, late.state, late.step, 2.0, late.difficulty,
                     NOW + timedelta(days=90), NOW - timedelta(days=3), 1, 0)  # due long after the exam
    states = {items[0].card_id: late}
    assert plan.due(items[0].card_id, late) <= NOW
    queue = build_queue(items, states, NOW, new_limit=None, plan=plan)
    assert queue[0] == items[0]  # brought forward: due today
    unseen = len(items) - 1
    assert len(queue) == 1 + plan.new_today(unseen, 0, NOW)
    assert build_queue(items, states, NOW, new_limit=None) == items[1:]  # without the plan: not due, 20 new
    assert len(build_queue(items, states, NOW, new_limit=1, plan=plan)) == 2  # --new wins


def test_readiness_numbers(items):
    plan = ExamPlan(EXAM)
    scheduling = Scheduling(fuzz=False)
    states = {i.card_id: scheduling.answer(i, None, 4, NOW) for i in items[:3]}
    r = readiness(plan, items, states, NOW)
    expected = [plan.recall(i.card_id, states.get(i.card_id)) for i in items]
    assert r.overall == pytest.approx(sum(expected) / len(items)) and r.days_left == 30
    assert sum(n for _, _, n in r.per_deck) == len(items)
    assert r.reviews_needed == sum(plan.reviews_needed(i.card_id, states.get(i.card_id), NOW) for i in items)
    assert r.per_day == math.ceil(r.reviews_needed / 30) and r.reviews_needed > len(items)


def test_exam_is_remembered_per_course_and_migrates_the_schema(tmp_path: Path):
    db = tmp_path / "p.sqlite3"
    with Store.open(db) as store:
        assert get_exam(store, "RGANN") is None
    version = lambda: sqlite3.connect(db).execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0]
    assert version() == "1"  # no exam, no migration: an older rgann-cards still reads the file
    with Store.open(db) as store:
        set_exam(store, "RGANN", EXAM, NOW)
        set_exam(store, "OTHER", Exam(date(2027, 3, 1), 0.8), NOW)
    assert version() == "2"
    with Store.open(db) as store:
        assert get_exam(store, "RGANN") == EXAM and get_exam(store, "OTHER") == Exam(date(2027, 3, 1), 0.8)
        set_exam(store, "RGANN", None, NOW)
        assert get_exam(store, "RGANN") is None


def _env(project: Path, now: datetime) -> dict:
    return {"RGANN_NOW": now.isoformat(), "RGANN_FUZZ": "0", "XDG_CACHE_HOME": str(project / "cache"),
            "COLUMNS": "80", "NO_COLOR": "1"}


def test_quiz_exam_and_stats_commands(project: Path):
    db = project / "p.sqlite3"
    env = _env(project, NOW)
    result = run_cli("quiz", "--db", str(db), "--exam", "2027-02-15", "--target", "0.85", cwd=project, env=env)
    assert result.returncode == 0, result.stderr
    assert "Exam 2027-02-15, in 30 days: predicted recall on the day 0% (target 85%)." in result.stdout
    stats = run_cli("stats", "--db", str(db), cwd=project, env=env)
    assert stats.returncode == 0, stats.stderr
    lines = stats.stdout.splitlines()
    at = lines.index("Exam       2027-02-15, in 30 days · target 85% recall on the day")
    assert lines[at + 1] == "           predicted recall on the day if you stop now: 0% overall"
    assert lines[at + 2].split() == ["Sheet", "01", "›", "Task", "1", "·", "Basics", "0%", "(6", "items)"]
    assert lines[at + 4].startswith("           to reach it: about ")
    assert max(len(line) for line in lines) <= 80
    later = run_cli("quiz", "--db", str(db), cwd=project, env=_env(project, NOW + timedelta(days=10)))
    assert "Exam 2027-02-15, in 20 days" in later.stdout  # remembered


@pytest.mark.parametrize("args, message", [
    (("--exam", "2027-01-16"), "Error: --exam 2027-01-16: the exam must be after today (2027-01-16, UTC)\n"),
    (("--exam", "15.02.2027"), "Error: --exam '15.02.2027' is not a date; write it as YYYY-MM-DD, e.g. 2027-02-15\n"),
    (("--target", "0.9"), "Error: --target needs an exam: add --exam YYYY-MM-DD\n"),
])
def test_bad_exam_options_are_usage_errors(project: Path, args, message):
    result = run_cli("quiz", "--db", str(project / "p.sqlite3"), *args, cwd=project, env=_env(project, NOW))
    assert result.returncode == 2 and result.stderr == message


@pytest.mark.parametrize("value", ["1", "0.2", "nan", "inf", "x"])
def test_target_is_bounded(project: Path, value):
    result = run_cli("quiz", "--exam", "2027-02-15", "--target", value, cwd=project, env=_env(project, NOW))
    assert result.returncode == 2 and "--target" in result.stderr


def test_clock_is_injected():
    assert clock_from_env({"RGANN_NOW": "2027-01-16T09:00:00Z"})() == NOW


def test_simulated_30_day_run_keeps_the_promise():
    """The bench's simulation, shortened to the shipped fixture: nothing below target is planned after it."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("exam_sim", Path(__file__).resolve().parent.parent / "bench" /
                                                  "exam_sim.py")
    sim = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sim)
    items = items_of(load_course(FIXTURES / "valid"))
    first = sim.simulate(items, 30, 0.9, 1)
    assert sim.simulate(items, 30, 0.9, 1)[1:3] == first[1:3]  # deterministic
    exam, rows, final, below, late = first
    assert late == [] and final.overall > 0.9 and sum(r[3] for r in rows) == len(items)
