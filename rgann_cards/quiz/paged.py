"""One item through the pager: question, then question and answer in one view, then the grade.

In key-points mode the view is question, the tickable key points, then the
full answer: the question stays visible above the list while ticking, and
the answer is one scroll away.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text

from . import screens
from . import typed as typed_answer
from .items import Item
from .keys import ENTER, QUIT

if TYPE_CHECKING:
    from .session import Session

GRADES = ("1", "2", "3", "4")


def ask_paged(session: "Session", item: Item) -> tuple[int | None, int]:
    """Show ``item`` and return (rating, milliseconds), or (None, 0) if the student quit."""
    from .session import suggested_rating

    pager = session.pager
    shown_at = time.monotonic()
    now = session.clock()
    state = session.current_state(item)
    header = screens.header(item, session.progress(), state, now)
    question = screens.question(item)
    verdict, suggestion = None, None
    if item.answer_value is not None:  # a typed numeric answer: read the number first
        typed = ""
        while True:
            key = pager.run(header, [question], typed_answer.prompt(typed), accept=lambda k: True, keep=True)
            if key == QUIT and not typed:
                return None, 0
            if key == ENTER:
                break
            edited = typed_answer.edit(typed, key)
            if edited is not None:
                typed = edited
        suggestion, verdict = typed_answer.grade(item, typed)
    else:
        key = pager.run(header, [question], screens.legend(("space", screens.T.quiz_show_answer), ("q", screens.T.quiz_quit), ("?", screens.T.quiz_keys)),
                        accept=lambda k: True)
        if key == QUIT:
            return None, 0

    figure, figure_ready = session.figure_of(item)
    if figure_ready and session.options.open_figures:
        session.open_figure(figure)
    intervals = session.scheduling.preview(item, state, now)
    use_points = session.options.key_points and bool(item.key_points)
    answer = screens.answer(item, figure=figure, figure_ready=figure_ready, show_key_points=not use_points)
    if verdict is not None:
        question = Group(question, Text(""), verdict)
    # the answer starts below the question; bring its first line into view
    anchor = len(pager.lines(question, pager.size()[0])) + 1
    if use_points:
        checklist = [False] * len(item.key_points)
        count = len(checklist)
        legend = screens.legend((screens.point_keys_label(count), screens.T.quiz_tick), ("enter", screens.T.quiz_done),
                                ("q", screens.T.quiz_quit))
        keep = False
        while True:
            body = [question, _points(item, checklist), answer]
            key = pager.run(header, body, legend, keep=keep, anchor=None if keep else anchor,
                            accept=lambda k: k in (QUIT, ENTER) or screens.point_index(k, count) is not None)
            if key == QUIT:
                return None, 0
            if key == ENTER:
                break
            index = screens.point_index(key, count)
            checklist[index] = not checklist[index]
            keep = True
        suggestion = suggested_rating(sum(checklist), count)
        body = [question, _points(item, checklist), screens.suggestion(sum(checklist), count, suggestion), answer]
    else:
        body = [question, answer]
    explain, keep = item.explanation is not None, use_points
    while True:  # 'e' adds the full answer below the model answer, once; the view stays where it was
        accepted = set(GRADES) | {QUIT} | ({ENTER} if suggestion is not None else set()) \
            | ({screens.EXPLAIN_KEY} if explain else set())
        key = pager.run(header, body, screens.grade_legend(intervals, suggestion, explain), keep=keep,
                        anchor=None if keep else anchor, accept=lambda k: k in accepted)
        if key != screens.EXPLAIN_KEY:
            break
        explain, keep = False, True
        body = [*body, screens.explanation(item)]
    if key == QUIT:
        return None, 0
    rating = suggestion if key == ENTER else int(key)
    return rating, int((time.monotonic() - shown_at) * 1000)


def _points(item: Item, checklist: list[bool]) -> RenderableType:
    return Group(Text(""), Text(screens.T.key_points + screens.T.quiz_which_recalled, style="heading"),
                 screens.key_points(item, checklist))
