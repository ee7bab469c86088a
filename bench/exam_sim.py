"""A simulated student preparing for an exam in 30 days with `quiz --exam` (numbers, not a test).

Every day at 18:00 UTC the student runs one session over the shipped course:
the exam-mode queue (due cards, some brought forward, and today's share of new
cards), then every card that comes back within the session. Whether a card is
recalled is drawn with the probability fsrs predicts at that moment (a new
card: 0.6), from a fixed seed; a recalled card is answered Good, a forgotten
one Again. Intervals are fuzzed as in a real session (fsrs draws the fuzz
from Python's global random, seeded here too), so some land past the exam and
are brought forward. Printed per day: reviews, new cards, cards brought
forward, predicted exam-day recall and the reviews per day `stats` says are
needed. The same seed gives the same numbers.

    .venv/bin/python bench/exam_sim.py [--days 30] [--target 0.9] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rgann_cards.content.load import load_course  # noqa: E402
from rgann_cards.quiz.exam import Exam, ExamPlan, readiness  # noqa: E402
from rgann_cards.quiz.items import items_of  # noqa: E402
from rgann_cards.quiz.scheduler import Scheduling, build_queue, comes_back, to_fsrs  # noqa: E402

START = datetime(2027, 1, 16, 18, 0, tzinfo=timezone.utc)
FIRST_RECALL = 0.6


def simulate(items, days: int, target: float, seed: int):
    rng = random.Random(seed)
    random.seed(seed)  # fsrs's fuzz
    exam = Exam((START + timedelta(days=days)).date(), target)
    plan = ExamPlan(exam)
    scheduling = Scheduling(fuzz=True)
    states: dict = {}
    rows = []
    for day in range(days):
        now = START + timedelta(days=day)
        before = readiness(plan, items, states, now)
        queue = build_queue(items, states, now, new_limit=None, plan=plan)
        reviews = new = brought = 0
        for item in queue:
            state = states.get(item.card_id)
            if state is not None and plan.due(item.card_id, state) < state.due:
                brought += 1
        clock = now
        while queue:
            item = queue.pop(0)
            state = states.get(item.card_id)
            if state is None:
                new += 1
                p = FIRST_RECALL
            else:
                p = plan.fsrs.get_card_retrievability(to_fsrs(item.card_id, state, clock), clock)
            rating = 3 if rng.random() < p else 1
            after = scheduling.answer(item, state, rating, clock)
            states[item.card_id] = after
            reviews += 1
            if comes_back(after, clock):
                queue.append(item)
            clock += timedelta(seconds=20)
        after = readiness(plan, items, states, now + timedelta(hours=1))
        rows.append((now.date(), before.days_left, reviews, new, brought, after.overall, after.per_day))
    final = readiness(plan, items, states, exam.moment - timedelta(minutes=1))
    below = [i for i in items if plan.recall(i.card_id, states.get(i.card_id)) < target]
    late = [i for i in below if i.card_id in states and plan.due(i.card_id, states[i.card_id]) > exam.moment]
    return exam, rows, final, below, late


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--target", type=float, default=0.9)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    items = items_of(load_course(Path(__file__).resolve().parent.parent / "content"))
    exam, rows, final, below, late = simulate(items, args.days, args.target, args.seed)
    print(f"{len(items)} items, exam {exam.day} in {args.days} days, target {args.target:.0%}, seed {args.seed}")
    print(f"{'day':<11}{'left':>5}{'reviews':>9}{'new':>5}{'forward':>9}{'exam-day recall':>17}{'needed/day':>12}")
    for day, left, reviews, new, brought, overall, per_day in rows:
        print(f"{day.isoformat():<11}{left:>5}{reviews:>9}{new:>5}{brought:>9}{overall:>16.1%}{per_day:>12}")
    total = sum(r[2] for r in rows)
    print(f"total reviews {total} ({total / len(rows):.1f} a day); predicted exam-day recall {final.overall:.1%}")
    for deck, value, count in final.per_deck:
        print(f"  {deck.split('::', 1)[-1]:<48} {value:6.1%}  ({count} items)")
    print(f"items predicted below target on the day: {len(below)} of {len(items)}; of them with a review planned "
          f"after the exam: {len(late)}")


if __name__ == "__main__":
    main()
