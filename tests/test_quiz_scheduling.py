"""FSRS scheduling (the fsrs package), the session queue, selection, cloze sides and self-grading."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from fsrs import Card, Rating, Scheduler

from conftest import FIXTURES
from rgann_cards.errors import UsageError
from rgann_cards.content.load import load_course
from rgann_cards.quiz.items import Selection, cloze_sides, items_of
from rgann_cards.quiz.scheduler import (LEARN_AHEAD, Scheduling, build_queue, clock_from_env, comes_back,
                                        describe_interval, fuzz_from_env)
from rgann_cards.quiz.session import suggested_rating
from rgann_cards.quiz.textmath import MARK_OFF, MARK_ON

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def items():
    return items_of(load_course(FIXTURES / "valid"))


def replay(ratings: list[tuple[int, timedelta]], item, fuzz: bool):
    """Answer one item with (rating, time since the session start) pairs; return every state."""
    scheduling = Scheduling(fuzz=fuzz)
    state, states = None, []
    for rating, offset in ratings:
        state = scheduling.answer(item, state, rating, NOW + offset)
        states.append(state)
    return states


HISTORY = [(3, timedelta(0)), (3, timedelta(minutes=10)), (4, timedelta(days=2)), (1, timedelta(days=20)),
           (3, timedelta(days=20, minutes=10)), (4, timedelta(days=25))]


def test_scheduling_is_deterministic_without_fuzz(items):
    first = replay(HISTORY, items[0], fuzz=False)
    assert replay(HISTORY, items[0], fuzz=False) == first
    # and it is exactly FSRS-6 with default parameters
    scheduler, card = Scheduler(enable_fuzzing=False), Card(card_id=items[0].card_id, due=NOW)
    for (rating, offset), ours in zip(HISTORY, first):
        card, _ = scheduler.review_card(card, Rating(rating), review_datetime=NOW + offset)
        assert (ours.due, ours.state, ours.stability, ours.difficulty) == (card.due, card.state, card.stability,
                                                                           card.difficulty)
    assert [s.reps for s in first] == [1, 2, 3, 4, 5, 6]
    assert [s.lapses for s in first] == [0, 0, 0, 1, 1, 1]  # Again on a card in review is a lapse


def test_new_card_intervals(items):
    scheduling = Scheduling(fuzz=False)
    due = {r: scheduling.answer(items[0], None, r, NOW).due - NOW for r in (1, 2, 3, 4)}
    assert due[1] == timedelta(minutes=1) and due[3] == timedelta(minutes=10)
    assert due[1] < due[2] < due[3] < due[4] and due[4] >= timedelta(days=1)
    assert scheduling.preview(items[0], None, NOW) == due


def test_times_must_be_utc_aware(items):
    with pytest.raises(ValueError, match="UTC"):
        Scheduling().answer(items[0], None, 3, datetime(2025, 3, 1, 9, 0))
    local = datetime(2025, 3, 1, 10, 0, tzinfo=timezone(timedelta(hours=1)))
    state = Scheduling(fuzz=False).answer(items[0], None, 3, local)
    assert state.last_review == NOW and state.due.tzinfo == timezone.utc


def test_queue_due_first_then_new_in_course_order(items):
    scheduling = Scheduling(fuzz=False)
    states = {
        items[4].card_id: scheduling.answer(items[4], None, 3, NOW - timedelta(days=1)),   # due yesterday 09:10
        items[2].card_id: scheduling.answer(items[2], None, 1, NOW - timedelta(days=2)),   # due 2 days ago
        items[6].card_id: scheduling.answer(items[6], None, 4, NOW - timedelta(hours=1)),  # due in days
    }
    queue = build_queue(items, states, NOW, new_limit=3)
    assert [i.key for i in queue] == [items[2].key, items[4].key, items[0].key, items[1].key, items[3].key]
    assert [i.key for i in build_queue(items, states, NOW, new_limit=0)] == [items[2].key, items[4].key]
    cram = build_queue(items, states, NOW, cram=True, new_limit=None)
    assert cram == items  # every item, course order, due dates ignored


def test_learning_cards_come_back_in_the_session(items):
    scheduling = Scheduling(fuzz=False)
    learning = scheduling.answer(items[0], None, 3, NOW)
    assert comes_back(learning, NOW) and learning.due - NOW <= LEARN_AHEAD
    assert not comes_back(scheduling.answer(items[0], None, 4, NOW), NOW)


def test_selection(items):
    assert [i.key for i in Selection(decks=("task 2",)).apply(items)] == ["fx-t2a-bptt", "fx-t2a-bptt-card"]
    assert Selection(decks=("*Task 2*",)).apply(items) == Selection(decks=("task02",)).apply(items)
    assert [i.key for i in Selection(tags=("activation",)).apply(items)][:2] == ["fx-t1a-sigmoid",
                                                                                "fx-t1a-sigmoid-max"]
    assert [i.key for i in Selection(ids=("fx-t1b-kl", "fx-t1a-sigmoid-cloze#c1")).apply(items)] == [
        "fx-t1a-sigmoid-cloze#c1", "fx-t1b-kl"]
    assert [i.key for i in Selection(ids=("fx-t1a-sigmoid-cloze",)).apply(items)] == ["fx-t1a-sigmoid-cloze#c1"]
    assert len(Selection(decks=("sheet 01",), tags=("task01",)).apply(items)) == 6
    with pytest.raises(UsageError, match="no deck matches 'nope'"):
        Selection(decks=("nope",)).apply(items)
    with pytest.raises(UsageError, match="unknown tag"):
        Selection(tags=("nope",)).apply(items)
    with pytest.raises(UsageError, match="unknown id"):
        Selection(ids=("nope",)).apply(items)


def test_cloze_sides():
    text = r"$a = {{c1::x_1}} + {{c2::y::the other}}$, and {{c1::text}} too."
    front, back = cloze_sides(text, 1)
    assert front == f"$a = {{{MARK_ON}\\text{{[...]}}{MARK_OFF}}} + y$, and {MARK_ON}[...]{MARK_OFF} too."
    assert back == f"$a = {{{MARK_ON}x_1{MARK_OFF}}} + y$, and {MARK_ON}text{MARK_OFF} too."
    front2, _ = cloze_sides(text, 2)
    assert "\\text{[the other]}" in front2 and "x_1" in front2


def test_one_item_per_cloze_number(items):
    cloze = [i for i in items if i.kind == "cloze"]
    assert [i.key for i in cloze] == ["fx-t1a-sigmoid-cloze#c1", "fx-t1b-kl-definition#c1"]
    assert cloze[0].extra == "Follows from the quotient rule."


@pytest.mark.parametrize("recalled, total, rating", [(0, 4, 1), (1, 4, 1), (2, 4, 2), (3, 4, 2), (4, 5, 3),
                                                     (5, 5, 3), (1, 1, 3), (0, 1, 1)])
def test_suggested_rating(recalled, total, rating):
    assert suggested_rating(recalled, total) == rating


def test_clock_and_fuzz_from_environment():
    assert clock_from_env({"RGANN_NOW": "2025-03-01T09:00:00Z"})() == NOW
    assert clock_from_env({"RGANN_NOW": "2025-03-01T10:00:00+01:00"})() == NOW
    assert clock_from_env({"RGANN_NOW": "2025-03-01T09:00:00"})() == NOW  # no offset means UTC
    assert clock_from_env({})().tzinfo == timezone.utc
    with pytest.raises(UsageError, match="RGANN_NOW"):
        clock_from_env({"RGANN_NOW": "tomorrow"})
    assert fuzz_from_env({}) and not fuzz_from_env({"RGANN_FUZZ": "0"})


@pytest.mark.parametrize("delta, text", [(timedelta(seconds=30), "<1m"), (timedelta(minutes=10), "10m"),
                                         (timedelta(hours=5), "5h"), (timedelta(days=3), "3d"),
                                         (timedelta(days=60), "2mo"), (timedelta(days=400), "1.1y")])
def test_describe_interval(delta, text):
    assert describe_interval(delta) == text


def test_cloze_in_display_math():
    front, back = cloze_sides("Display:\n\n$$\na = {{c1::b_1}}\n$$\n\nand $\\$5$ {{c1::cash}}", 1)
    assert f"a = {{{MARK_ON}\\text{{[...]}}{MARK_OFF}}}" in front
    assert front.endswith(f"{MARK_ON}[...]{MARK_OFF}")
    assert f"{{{MARK_ON}b_1{MARK_OFF}}}" in back
