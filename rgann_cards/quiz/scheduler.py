"""FSRS-6 scheduling with the fsrs package, the session queue, and the clock. All times are UTC-aware.

Testing hooks (environment): CARDS_NOW=2025-03-01T09:00:00Z freezes the clock;
CARDS_FUZZ=0 turns interval fuzzing off, so the same answers always give the
same due dates. The old names RGANN_NOW and RGANN_FUZZ still work (rgann_cards/env.py).
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from typing import Callable, Iterable

from fsrs import Card, Rating, Scheduler, State

from ..env import getenv
from ..errors import UsageError
from .items import Item
from .store import CardState

# A card in (re)learning that falls due within this time comes back in the same session, as in Anki.
LEARN_AHEAD = timedelta(minutes=20)
DEFAULT_NEW = 20
RATINGS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


class Scheduling:
    """Turns an answer into the card's next state with FSRS-6 (default parameters, 90 % desired retention)."""

    def __init__(self, *, fuzz: bool = True, desired_retention: float = 0.9):
        self.fsrs = Scheduler(desired_retention=desired_retention, enable_fuzzing=fuzz)
        self._exact = self.fsrs if not fuzz else Scheduler(desired_retention=desired_retention, enable_fuzzing=False)

    def answer(self, item: Item, before: CardState | None, rating: int, now: datetime) -> CardState:
        """The card's state after answering it with ``rating`` (1 Again .. 4 Easy) at ``now``."""
        card, _ = self.fsrs.review_card(to_fsrs(item.card_id, before, now), Rating(rating), review_datetime=_utc(now))
        lapsed = before is not None and before.state == State.Review and rating == Rating.Again
        return CardState(
            card_id=item.card_id, key=item.key, state=int(card.state), step=card.step, stability=card.stability,
            difficulty=card.difficulty, due=card.due, last_review=card.last_review,
            reps=(before.reps if before else 0) + 1, lapses=(before.lapses if before else 0) + int(lapsed),
        )

    def preview(self, item: Item, before: CardState | None, now: datetime) -> dict[int, timedelta]:
        """The interval each rating would give (without fuzz), for the key legend."""
        card = to_fsrs(item.card_id, before, now)
        return {r: self._exact.review_card(card, Rating(r), review_datetime=_utc(now))[0].due - _utc(now)
                for r in RATINGS}


def to_fsrs(card_id: int, state: CardState | None, now: datetime) -> Card:
    """A stored state as an fsrs.Card; no state means a new card (Learning, step 0, due now)."""
    if state is None:
        return Card(card_id=card_id, state=State.Learning, step=0, due=_utc(now))
    return Card(card_id=card_id, state=State(state.state), step=state.step, stability=state.stability,
                difficulty=state.difficulty, due=_utc(state.due),
                last_review=_utc(state.last_review) if state.last_review else None)


def build_queue(items: Iterable[Item], states: dict[int, CardState], now: datetime, *,
                new_limit: int | None = DEFAULT_NEW, cram: bool = False, plan=None,
                introduced_today: int = 0) -> list[Item]:
    """The session's items: due cards first (most overdue first), then new cards in course order.

    ``cram`` ignores due dates: every item, reviewed or not, in course order
    (limited to ``new_limit`` new ones only if that is given). With an exam
    ``plan`` (exam.ExamPlan), due dates are the plan's (some brought forward),
    and the new cards are today's share of the days left (``introduced_today``
    already counted), unless ``new_limit`` is given.
    """
    items = list(items)
    if cram:
        seen_new = 0
        queue = []
        for item in items:
            if item.card_id not in states:
                seen_new += 1
                if new_limit is not None and seen_new > new_limit:
                    continue
            queue.append(item)
        return queue
    def due_at(item: Item) -> datetime:
        state = states[item.card_id]
        return plan.due(item.card_id, state) if plan is not None else state.due

    due = sorted((i for i in items if i.card_id in states and due_at(i) <= now), key=lambda i: (due_at(i), i.order))
    new = [i for i in items if i.card_id not in states]
    if new_limit is not None:
        limit = new_limit
    elif plan is not None:
        limit = plan.new_today(len(new), introduced_today, now)
    else:
        limit = DEFAULT_NEW
    return due + new[:limit]


def comes_back(state: CardState, now: datetime) -> bool:
    """Whether a just-answered card returns in this session (it is in (re)learning and due soon)."""
    return state.state != State.Review and state.due - now <= LEARN_AHEAD


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: all quiz times are UTC-aware")
    return moment.astimezone(timezone.utc)


def clock_from_env(environ=os.environ) -> Callable[[], datetime]:
    """The session clock: real UTC time, or the instant frozen by CARDS_NOW or RGANN_NOW (ISO 8601; no offset means UTC)."""
    fixed = getenv("NOW", environ)
    if not fixed:
        return lambda: datetime.now(timezone.utc)
    try:
        moment = datetime.fromisoformat(fixed.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise UsageError(f"CARDS_NOW (or RGANN_NOW) {fixed!r} is not an ISO 8601 time, e.g. 2025-03-01T09:00:00Z") from exc
    moment = moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
    return lambda: moment


def fuzz_from_env(environ=os.environ) -> bool:
    return (getenv("FUZZ", environ) or "1").strip().lower() not in ("0", "false", "no", "off")


def describe_interval(delta: timedelta) -> str:
    """Short human interval: '<1m', '10m', '5h', '3d', '2.1mo', '1.5y'."""
    seconds = delta.total_seconds()
    if seconds < 60:
        return "<1m"
    minutes = seconds / 60
    if minutes < 60:
        return f"{round(minutes)}m"
    hours = minutes / 60
    if hours < 24:
        return f"{round(hours)}h"
    days = hours / 24
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}mo".replace(".0mo", "mo")
    return f"{days / 365:.1f}y".replace(".0y", "y")
