"""What the quiz shows: header, question, answer, key-point checklist, key legends and the summary.

Pure functions from data to rich renderables; session.py decides when to show them.
Every legend fits one 80-column line and names its keys in brackets, so it reads
without colour or bold (TERM=dumb, NO_COLOR).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from rich.console import Group, RenderableType
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from ..i18n import Messages, messages
from . import render
from .items import Item
from .scheduler import RATINGS, describe_interval
from .store import CardState

STATE_NAMES = {1: "learning", 2: "review", 3: "relearning"}
_RATING_STYLES = {1: "again", 2: "hard", 3: "good", 4: "easy"}
T: Messages = messages("en")  # the course's UI language; set once per session by use_language


def use_language(language: str) -> None:
    """Show the quiz's words in ``language`` (course.yaml: language) from now on."""
    global T
    T = messages(language)


def rating_name(rating: int) -> str:
    """'Good', 'Gut': the rating's name in the course's language."""
    return T[f"quiz_{_RATING_STYLES[rating]}"]


def deck_path(item: Item) -> str:
    return item.deck.replace("::", " › ")


def progress(done: int, planned: int, again: int) -> str:
    """'3/20', or '3/20 +2 again': answered of planned at the start, and the cards that came back since."""
    return f"{done}/{planned}" + (f" +{again} again" if again else "")


def header(item: Item, progress: str, state: CardState | None, now: datetime) -> RenderableType:
    """Two lines: deck and progress; label, kind, status and the YAML id (for --ids and for editing)."""
    if item.kind == "exercise":
        kind = f"{T.quiz_exercise} · {T.n('points', item.points)}"
    elif item.kind == "cloze":
        kind = T.format("quiz_cloze_of" if item.cloze_count > 1 else "quiz_cloze", number=item.cloze_number,
                        count=item.cloze_count)
    else:
        kind = T.quiz_card
    top = _two_sided(Text(deck_path(item), style="deck"), Text(progress, style="label"))
    info = Text.assemble((item.label, "label"), f" · {kind} · ", (_status(state, now), "muted"))
    bottom = _two_sided(info, Text(item.key, style="muted"))
    return Group(top, bottom, Rule(style="muted"))


def _two_sided(left: Text, right: Text) -> Table:
    """One line: ``left`` (cut with … if need be) and ``right`` flush right."""
    grid = Table.grid(expand=True, padding=(0, 1))
    grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    grid.add_column(no_wrap=True, justify="right")
    grid.add_row(left, right)
    return grid


def _status(state: CardState | None, now: datetime) -> str:
    if state is None:
        return T.quiz_new
    name = T[f"quiz_{STATE_NAMES[state.state]}"] if state.state in STATE_NAMES else "?"
    late = now - state.due
    if late >= timedelta(days=1):
        return T.format("quiz_overdue", state=name, interval=describe_interval(late))
    return name


def question(item: Item) -> RenderableType:
    return render.markdown(item.front)


def answer(item: Item, *, figure: Path | None = None, figure_ready: bool = False,
           checklist: list[bool] | None = None, show_key_points: bool = True) -> RenderableType:
    """The back of the item. ``figure`` is where the item's figure is drawn (``figure_ready``: it exists);
    with ``checklist`` the key points are shown as tick boxes (``show_key_points=False``: not at all)."""
    title = T.model_answer if item.explanation else T.answer
    parts: list[RenderableType] = [Text(""), Rule(title, style="muted"), render.markdown(item.back)]
    if item.extra:
        parts += [Text(""), render.inline(item.extra, style="italic")]
    if item.key_points and show_key_points:
        parts += [Text(""), Text(T.key_points + (T.quiz_which_recalled if checklist else ""), style="heading"),
                  key_points(item, checklist)]
    if figure is not None:
        parts.append(Text(""))
        if figure_ready:
            parts.append(Text.assemble((f"{T.figure}: ", "heading"), str(figure)))
        else:
            parts.append(Text.assemble((f"{T.figure}: ", "heading"), T.format("quiz_figure_missing", figure=figure),
                                       style="muted"))
    if item.sources:
        parts.append(Text.assemble((f"{T.sources}: ", "heading"), " · ".join(item.sources), style="muted"))
    return Group(*parts)


def key_points(item: Item, checklist: list[bool] | None) -> RenderableType:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for k, point in enumerate(item.key_points):
        number = point_key(k)
        if checklist is None:
            marker = Text(f"{number}.")
        else:
            marker = Text(f"[{'x' if checklist[k] else ' '}] {number}", style="good" if checklist[k] else "")
        grid.add_row(marker, render.inline(point))
    return grid


_POINT_KEYS = "1234567890abcdefghilmnoprstuvwxyz"  # 1-9, 0 for the tenth, then letters that are no command (q, j, k)


def point_key(index: int) -> str:
    """The key that ticks key point ``index`` (0-based)."""
    return _POINT_KEYS[index] if index < len(_POINT_KEYS) else "?"


def point_index(key: str, count: int) -> int | None:
    keys = _POINT_KEYS[:count]
    return keys.index(key) if key and len(key) == 1 and key in keys else None


def point_keys_label(count: int) -> str:
    """'1', '1-5', '1-9, 0', '1-9, 0, a-c'."""
    if count <= 9:
        return "1" if count == 1 else f"1-{count}"
    label = "1-9, 0"
    if count > 10:
        label += ", a" if count == 11 else f", a-{point_key(count - 1)}"
    return label


def legend(*entries: tuple[str, str] | tuple[str, str, str]) -> Text:
    """``[key] action`` pairs on one line, e.g. legend(("space", "show answer"), ("q", "quit"))."""
    text = Text()
    for k, entry in enumerate(entries):
        key, action = entry[0], entry[1]
        style = entry[2] if len(entry) > 2 else ""
        if k:
            text.append("  ")
        text.append(f"[{key}]", style="key")
        text.append(f" {action}", style=style)
    return text


def grade_legend(intervals: dict[int, timedelta], suggested: int | None = None, explain: bool = False) -> Text:
    entries = [(str(r), f"{rating_name(r)} {describe_interval(intervals[r])}", _RATING_STYLES[r]) for r in RATINGS]
    if suggested is not None:
        entries.insert(0, ("enter", rating_name(suggested), _RATING_STYLES[suggested]))
    extra = [(EXPLAIN_KEY, T.quiz_explanation)] if explain else []
    return legend(*entries, *extra, ("q", T.quiz_quit))


EXPLAIN_KEY = "e"


def explanation(item: Item) -> RenderableType:
    """An exercise's full answer, below its model answer."""
    return Group(Text(""), Rule(T.explanation, style="muted"), render.markdown(item.explanation or ""))


def suggestion(recalled: int, total: int, rating: int) -> Text:
    return Text.assemble(T.format("quiz_suggestion", recalled=recalled, total=total),
                         (rating_name(rating), _RATING_STYLES[rating]), ".")


def summary(counts: dict[int, int], seconds: float, *, interrupted: bool, left: int,
            next_due: tuple[datetime, int] | None, now: datetime, new_left: int, db: Path,
            failed: bool = False, exam: str | None = None) -> RenderableType:
    answered = sum(counts.values())
    minutes, secs = divmod(int(seconds), 60)
    title = (T.quiz_save_failed if failed else T.quiz_interrupted if interrupted else T.quiz_session_over)
    lines = [
        Text(title, style="heading"),
        Text.assemble(T.n("quiz_answered", answered, time=f"{minutes}m {secs:02d}s"),
                      *[x for r in RATINGS for x in ((f"{rating_name(r)} {counts.get(r, 0)}", _RATING_STYLES[r]),
                                                      (" · " if r < 4 else "", ""))]),
    ]
    if left:
        lines.append(Text(T.n("quiz_left", left)))
    if next_due is not None:
        when, soon = next_due
        wait = T.quiz_now if when <= now else T.format("quiz_in", interval=describe_interval(when - now))
        lines.append(Text(T.format("quiz_next_due", wait=wait, soon=soon, new=new_left)))
    elif new_left:
        lines.append(Text(T.format("quiz_new_left", new=new_left)))
    if exam:
        lines.append(Text(exam))
    lines.append(Text(T.format("quiz_progress", db=db), style="muted"))
    return Group(*lines)


def exam_line(plan, items: list[Item], states: dict[int, CardState], now: datetime) -> str:
    """'Exam 2027-02-15, in 30 days: predicted recall on the day 43% (target 90%).'"""
    exam = plan.exam
    values = [plan.recall(i.card_id, states.get(i.card_id)) for i in items]
    mean = sum(values) / len(values) if values else 0.0
    days = exam.days_left(now)
    return (f"Exam {exam.day.isoformat()}, in {days} day{'s' if days != 1 else ''}: predicted recall on the day "
            f"{100 * mean:.0f}% (target {100 * exam.target:.0f}%).")
