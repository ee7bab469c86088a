"""Exam mode: plan reviews so that predicted recall *on the exam day* reaches a target.

FSRS schedules for long-term retention: a card is due when its predicted
recall falls to the desired retention, and intervals soon run past an exam.
Exam mode changes two things and keeps FSRS itself (the ``fsrs`` package,
default parameters) for every memory prediction:

- **Bringing forward.** A reviewed card whose FSRS due date falls after the
  exam, and whose retrievability at the exam (``Scheduler.get_card_retrievability``
  at the exam's start, 00:00 UTC of the exam day) is below the target, is due
  instead on the last whole day after its last review on which its
  retrievability is still at least the target. That day is always before the
  exam (retrievability only falls; the day is at least one after the last
  review and at the latest the evening before the exam), so no review is ever
  planned after the exam for a card predicted below target.
- **Spreading new cards.** The new cards not yet seen are spread evenly over
  the days left, keeping the last ``REVIEW_ONLY_DAYS`` days for reviews only,
  so each new card is learned early enough to be reviewed before the exam.

``plan_reviews`` estimates how many reviews are still needed (answering Good
every time, no fuzz): each card is replayed through fsrs under the rules
above until its predicted exam-day recall reaches the target.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterable

from fsrs import Rating, Scheduler

from .items import Item
from .scheduler import to_fsrs
from .store import CardState

DEFAULT_TARGET = 0.9
REVIEW_ONLY_DAYS = 2
_SIM_LIMIT = 64  # reviews per card in the estimate; FSRS needs far fewer


@dataclass(frozen=True)
class Exam:
    """An exam day and the recall to reach on it."""

    day: date
    target: float = DEFAULT_TARGET

    @property
    def moment(self) -> datetime:
        """The start of the exam day in UTC: predictions are made for this instant."""
        return datetime.combine(self.day, time(0, 0), tzinfo=timezone.utc)

    def days_left(self, now: datetime) -> int:
        """Whole days from today (UTC) to the exam day; 0 on the exam day."""
        return (self.day - now.astimezone(timezone.utc).date()).days


class ExamPlan:
    """Exam-day predictions and the exam-mode due dates, all from one fsrs Scheduler (no fuzz)."""

    def __init__(self, exam: Exam, scheduler: Scheduler | None = None):
        self.exam = exam
        self.fsrs = scheduler or Scheduler(enable_fuzzing=False)

    def recall(self, item_id: int, state: CardState | None) -> float:
        """Predicted recall at the exam: fsrs's own retrievability; 0 for a card never reviewed."""
        if state is None or state.last_review is None:
            return 0.0
        return self.fsrs.get_card_retrievability(to_fsrs(item_id, state, self.exam.moment), self.exam.moment)

    def due(self, item_id: int, state: CardState) -> datetime:
        """When the card is due in exam mode (see the module docstring)."""
        moment = self.exam.moment
        if state.due <= moment or state.last_review is None or self.recall(item_id, state) >= self.exam.target:
            return state.due
        card = to_fsrs(item_id, state, moment)
        last = card.last_review
        low, high = 0, max((moment - last).days, 0)  # R(last + low days) >= target > R(last + high days)
        while high - low > 1:
            middle = (low + high) // 2
            if self.fsrs.get_card_retrievability(card, last + timedelta(days=middle)) >= self.exam.target:
                low = middle
            else:
                high = middle
        # at least a day after the last review (a card is not asked twice in one go), and before the exam
        return min(state.due, last + timedelta(days=max(low, 1)), moment - timedelta(minutes=1))

    def new_today(self, unseen: int, introduced_today: int, now: datetime) -> int:
        """How many new cards to introduce now: an even share of the unseen ones per day left."""
        days = self.exam.days_left(now)
        if days <= 0 or unseen <= 0:
            return 0
        learning_days = days - REVIEW_ONLY_DAYS if days > REVIEW_ONLY_DAYS else 1
        share = math.ceil((unseen + introduced_today) / learning_days)
        return max(share - introduced_today, 0)

    def reviews_needed(self, item_id: int, state: CardState | None, start: datetime) -> int:
        """Reviews (Good every time) until the card's exam-day recall reaches the target, from ``start``."""
        card = to_fsrs(item_id, state, start)
        when = start if state is None else max(self.due(item_id, state), start)
        count = 0
        while when < self.exam.moment and count < _SIM_LIMIT:
            card, _ = self.fsrs.review_card(card, Rating.Good, review_datetime=when)
            count += 1
            after = CardState(item_id, "", int(card.state), card.step, card.stability, card.difficulty, card.due,
                              card.last_review)
            if self.recall(item_id, after) >= self.exam.target and card.due >= self.exam.moment:
                break
            when = max(self.due(item_id, after), when)
        return count


@dataclass(frozen=True)
class Readiness:
    """What `stats` shows about an exam."""

    exam: Exam
    days_left: int
    overall: float                          # mean predicted exam-day recall over the selected items
    per_deck: list[tuple[str, float, int]]  # (deck, mean recall, items)
    reviews_needed: int
    per_day: int


def readiness(plan: ExamPlan, items: Iterable[Item], states: dict[int, CardState], now: datetime) -> Readiness:
    """Predicted exam-day recall per deck and overall, and the reviews per day needed to reach the target."""
    items = list(items)
    by_deck: dict[str, list[float]] = {}
    needed = 0
    for item in items:
        state = states.get(item.card_id)
        by_deck.setdefault(item.deck, []).append(plan.recall(item.card_id, state))
        needed += plan.reviews_needed(item.card_id, state, now)
    values = [v for vs in by_deck.values() for v in vs]
    days = plan.exam.days_left(now)
    return Readiness(plan.exam, days, sum(values) / len(values) if values else 0.0,
                     [(deck, sum(vs) / len(vs), len(vs)) for deck, vs in by_deck.items()], needed,
                     math.ceil(needed / days) if days > 0 else needed)


def parse_day(text: str) -> date:
    """An exam date as YYYY-MM-DD (UsageError otherwise)."""
    from ..errors import UsageError

    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise UsageError(f"--exam {text!r} is not a date; write it as YYYY-MM-DD, e.g. 2027-02-15") from exc
