"""Pack a printed quiz onto pages: which question starts a page, and how much answer space each one gets.

A question never splits, so a page ends wherever the next question does not fit; left to the browser, a
large question after a small one leaves half a page blank. So we plan the pages here: estimate each
question's printed height from its HTML, fill each page in order, then share the page's leftover height
among its answer spaces (in proportion to the space each already has) and start the next page explicitly.
The plan uses the smaller of A4 and Letter (Letter's height, A4's width) with a safety margin, so it holds on
both; tests/test_print_layout.py measures the result in Chromium.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from .answer_space import ROW_MM, AnswerSpace

PAGE_MM = 243.4 * 0.97  # Letter's height between the @page margins, less a margin for estimation error
FIRST_PAGE_MM = 45  # the quiz's title block and the name/date/score line
HEAD_MM = 8.3  # the number, deck and score line of a question, with its margin
GAP_MM = 4.2  # between a question's text and its answer space
BLOCK_GAP_MM = 5.2  # between questions
LINE_MM = 5.6  # 10.5pt at line-height 1.5
CHARS_PER_LINE = 80  # in the question column of an A4 page (the narrower paper), a little on the safe side
PARAGRAPH_MM = 2.2  # between paragraphs
DISPLAY_MM, TALL_DISPLAY_MM = 12.0, 19.0  # a display formula; one with a fraction or big operator

_DISPLAY = re.compile(r'<math display="block".*?</math>', re.S)
_BLOCK_END = re.compile(r"</(p|li|h\d)>")
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Placed:
    """A question's place in the plan: its answer space, grown to fill its page, and whether it starts one."""

    space: AnswerSpace
    new_page: bool


def question_mm(question_html: str) -> float:
    """An estimate of a question's printed height (its text, not its answer space), from its HTML."""
    displays = _DISPLAY.findall(question_html)
    height = sum(TALL_DISPLAY_MM if re.search(r"<(mfrac|munderover|munder|mover)\b", d) else DISPLAY_MM
                 for d in displays)
    blocks = [len(" ".join(_TAG.sub("", b).split())) for b in _BLOCK_END.split(_DISPLAY.sub(" ", question_html))[::2]]
    blocks = [chars for chars in blocks if chars]
    height += sum(math.ceil(chars / CHARS_PER_LINE) * LINE_MM for chars in blocks)
    return height + PARAGRAPH_MM * max(len(blocks) + len(displays) - 1, 0)


def plan(questions: list[tuple[str, AnswerSpace]]) -> list[Placed]:
    """Pages for (question HTML, base answer space) pairs in order: the fewest pages that hold every question
    at its base size, the breaks chosen to leave the pages evenly full; then each page but the last is
    filled by growing its answer spaces, and each page after the first starts with an explicit break."""
    heights = [HEAD_MM + question_mm(q) + GAP_MM + s.height_mm + BLOCK_GAP_MM for q, s in questions]
    pages = _partition(heights)
    placed = [Placed(space, False) for _, space in questions]
    for number, (start, end) in enumerate(pages):
        if number == len(pages) - 1:  # the last page keeps its base sizes: nothing comes after it
            continue
        spare = max(_capacity(start) - sum(heights[start:end]), 0.0)
        base = sum(questions[i][1].height_mm for i in range(start, end))
        # however small a page's questions, they get the whole page: room to write beats a blank half page
        factor = 1 + spare / base if base else 1.0
        for i in range(start, end):
            placed[i] = Placed(_grown(questions[i][1], factor), False)
    for start, _ in pages[1:]:
        placed[start] = replace(placed[start], new_page=True)
    return placed


def _capacity(first: int) -> float:
    return PAGE_MM - (FIRST_PAGE_MM if first == 0 else 0.0)


def _partition(heights: list[float]) -> list[tuple[int, int]]:
    """Split the questions, in order, into pages: fewest pages first, then the least squared spare room on
    the pages but the last (dynamic programming over where each page ends). A question taller than a page
    gets a page of its own."""
    n = len(heights)
    best: list[tuple[int, float, int] | None] = [None] * (n + 1)  # (pages, cost, start of the last page)
    best[0] = (0, 0.0, 0)
    for end in range(1, n + 1):
        for start in range(end - 1, -1, -1):
            used = sum(heights[start:end])
            if used > _capacity(start) and end - start > 1:
                break
            pages, cost, _ = best[start]
            spare = max(_capacity(start) - used, 0.0) / PAGE_MM
            candidate = (pages + 1, cost + spare * spare, start)
            if best[end] is None or candidate[:2] < best[end][:2]:
                best[end] = candidate
    bounds, end = [], n
    while end > 0:
        start = best[end][2]
        bounds.append((start, end))
        end = start
    return bounds[::-1]


def _grown(space: AnswerSpace, factor: float) -> AnswerSpace:
    if space.kind == "lines":
        rows = int(space.rows * factor)
        return AnswerSpace("lines", rows * ROW_MM, rows)
    return AnswerSpace(space.kind, int(space.height_mm * factor))
