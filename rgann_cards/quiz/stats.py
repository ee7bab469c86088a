"""`rgann-cards stats`: cards by state, reviews per day, retention over 30 days, due forecast for 7 days.

Days are UTC calendar days, like every time the quiz stores.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from ..i18n import Messages, messages
from .items import Item
from .store import CardState, Review

HISTORY_DAYS = 14
RETENTION_DAYS = 30
FORECAST_DAYS = 7
_REVIEW_STATE = 2
_BAR_WIDTH = 36


@dataclass(frozen=True)
class Stats:
    by_state: dict[str, int]            # new, learning, review, relearning
    removed: int                        # stored cards no longer in the course (kept, never shown)
    per_day: list[tuple[date, int]]     # the last HISTORY_DAYS days, oldest first
    retention: tuple[int, int]          # (passed, total) reviews of cards in review state, last 30 days
    forecast: list[tuple[date, int]]    # today (with overdue) and the next days
    overdue: int
    now: datetime


def compute(items: list[Item], states: dict[int, CardState], reviews: list[Review], now: datetime,
            course_ids: set[int] | None = None) -> Stats:
    """Statistics over ``items`` (the selection); ``course_ids`` (default: the items) tells removed cards apart."""
    ids = {i.card_id for i in items}
    known = course_ids if course_ids is not None else ids
    names = {1: "learning", 2: "review", 3: "relearning"}
    by_state = {"new": 0, "learning": 0, "review": 0, "relearning": 0}
    for item in items:
        state = states.get(item.card_id)
        by_state["new" if state is None else names.get(state.state, "learning")] += 1
    removed = sum(1 for cid in states if cid not in known)

    today = now.date()
    mine = [r for r in reviews if r.card_id in ids]
    daily = Counter(r.reviewed_at.date() for r in mine)
    per_day = [(today - timedelta(days=k), daily.get(today - timedelta(days=k), 0))
               for k in range(HISTORY_DAYS - 1, -1, -1)]
    since = now - timedelta(days=RETENTION_DAYS)
    graded = [r for r in mine if r.reviewed_at >= since and r.state_before == _REVIEW_STATE]
    retention = (sum(1 for r in graded if r.rating >= 2), len(graded))

    due_days = Counter()
    overdue = 0
    for cid in ids:
        state = states.get(cid)
        if state is None:
            continue
        day = state.due.date()
        if state.due <= now:
            day = today
            overdue += state.due.date() < today
        due_days[day] += 1
    forecast = [(today + timedelta(days=k), due_days.get(today + timedelta(days=k), 0)) for k in range(FORECAST_DAYS)]
    return Stats(by_state, removed, per_day, retention, forecast, overdue, now)


def render_stats(stats: Stats, db: Path, *, exists: bool = True, t: Messages | None = None):
    from rich.console import Group
    from rich.text import Text

    t = t or messages("en")
    s = stats.by_state
    total = sum(s.values())
    where = f"  {db}" if exists else "  " + t.format("stats_none_yet", db=db)
    parts = [Text.assemble((t.stats_progress, "heading"), (where, "muted")), Text("")]
    cards = Text.assemble((t.stats_cards.ljust(11), "heading"), t.format("stats_in_all", total=total),
                          f"{t.quiz_new} {s['new']} · {t.quiz_learning} {s['learning']} · "
                          f"{t.quiz_review} {s['review']} · {t.quiz_relearning} {s['relearning']}")
    parts.append(cards)
    if stats.removed:
        parts.append(Text(" " * 11 + t.n("stats_removed", stats.removed), style="muted"))
    passed, graded = stats.retention
    if graded:
        line = t.format("stats_retention", percent=f"{100 * passed / graded:.0f}", days=RETENTION_DAYS,
                        passed=passed, graded=graded, again=t.quiz_again)
    else:
        line = t.format("stats_no_retention", days=RETENTION_DAYS)
    parts += [Text.assemble((t.stats_retention_heading.ljust(11), "heading"), line), Text("")]

    parts += [Text(t.format("stats_per_day", days=HISTORY_DAYS), style="heading"),
              _bars([(_day(d, t), n) for d, n in stats.per_day]), Text("")]
    labels = [(t.stats_today if k == 0 else t.stats_tomorrow if k == 1 else _day(d, t), n)
              for k, (d, n) in enumerate(stats.forecast)]
    title = t.format("stats_due", days=FORECAST_DAYS)
    if stats.overdue:
        title += t.format("stats_overdue", overdue=stats.overdue)
    parts += [Text(title, style="heading"), _bars(labels)]
    return Group(*parts)


def _day(day, t: Messages) -> str:
    """'Sat 03-01' / 'Sa 03-01': the weekday from the catalogue, not from the process locale."""
    return f"{t['stats_weekdays'].split()[day.weekday()]} {day:%m-%d}"


def _bars(rows: list[tuple[str, int]]):
    from rich.table import Table
    from rich.text import Text

    peak = max((n for _, n in rows), default=0)
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True, justify="right")
    grid.add_column(no_wrap=True)
    for label, n in rows:
        bar = ("█" * round(_BAR_WIDTH * n / peak) or "▏") if n else ""
        grid.add_row(Text(f"  {label}"), Text(str(n)), Text(bar, style="good"))
    return grid


def render_readiness(r, t: Messages | None = None):
    """The exam block of `stats`: days left, predicted exam-day recall per deck and overall, reviews needed."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    t = t or messages("en")
    exam = r.exam
    head = t.exam_heading.ljust(11)
    if r.days_left <= 0:
        when = t.exam_today if r.days_left == 0 else t.n("exam_days_ago", -r.days_left)
        return Text.assemble((head, "heading"), f"{exam.day.isoformat()}, {when}")
    parts = [Text.assemble((head, "heading"), f"{exam.day.isoformat()}, "
                           + t.n("exam_in_days", r.days_left, target=f"{100 * exam.target:.0f}")),
             Text("           " + t.format("exam_predicted", overall=f"{100 * r.overall:.0f}"))]
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, overflow="ellipsis", max_width=58)
    grid.add_column(no_wrap=True, justify="right")
    grid.add_column(no_wrap=True, style="muted")
    for deck, value, count in r.per_deck:
        name = deck.split("::", 1)[-1].replace("::", " › ")
        grid.add_row(Text("           " + name), f"{100 * value:.0f}%", f"({t.n('exam_items', count)})")
    parts.append(grid)
    parts.append(Text("           " + t.format("exam_to_reach", per_day=r.per_day, needed=r.reviews_needed)))
    return Group(*parts)
