"""How much room, and of what kind, the printed quiz leaves for each answer.

The kind follows what the question asks -- ruled lines for prose, a blank box for a drawing, a tall box for a
derivation -- and the size follows its points. (A numeric answer also gets the quiz's one-line result box.) An author can declare the kind
(``answer_space: lines | box | drawing``); otherwise it is read from the question's tags and wording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..content.model import Exercise

SPACES = ("compact", "normal", "generous")
_SCALE = {"compact": 0.8, "normal": 1.0, "generous": 1.3}
ROW_MM = 8  # one ruled line: room for handwriting

# Words that ask for a drawing or for a worked derivation (English and German stems), matched outside math.
_DRAWING = re.compile(r"\b(illustrat\w*|draw|drawing|drawn|sketch\w*|diagram\w*|skizz\w*|zeichn\w*|"
                      r"veranschaulich\w*)\b", re.I)  # whole words: a "drawback" is not a drawing
_DERIVATION = re.compile(r"\b(deriv|show that|prove|proof|compute|calculate|herleit|leite|zeige|beweis|berechn)",
                         re.I)
_DRAWING_TAGS = {"sketch", "illustration", "drawing"}
_DERIVATION_TAGS = {"derivation", "proof"}
_MATH = re.compile(r"\$\$.*?\$\$|\$[^$]*\$", re.S)


@dataclass(frozen=True)
class AnswerSpace:
    """``kind`` is lines, drawing or box (a derivation); ``rows`` is set for lines."""

    kind: str
    height_mm: int
    rows: int = 0


def space_kind(ex: Exercise) -> str:
    """The declared kind, else a drawing or derivation box when the tags or wording ask for one, else lines."""
    if ex.answer_space == "drawing":
        return "drawing"
    if ex.answer_space == "box":
        return "box"
    if ex.answer_space == "lines":
        return "lines"
    words = _MATH.sub(" ", ex.question)
    if _DRAWING_TAGS & set(ex.tags) or _DRAWING.search(words):
        return "drawing"
    if _DERIVATION_TAGS & set(ex.tags) or _DERIVATION.search(words):
        return "box"
    return "lines"


def answer_space(ex: Exercise, space: str = "normal") -> AnswerSpace:
    """The room for one answer at the given ``--space`` setting, scaled by the exercise's points."""
    scale, points = _SCALE[space], min(ex.points, 8)
    kind = space_kind(ex)
    if kind == "lines":
        rows = max(3, round((1 + 1.5 * points) * scale))
        return AnswerSpace(kind, rows * ROW_MM, rows)
    per_point = 13 if kind == "box" else 11  # a derivation runs longer than a drawing of the same worth
    return AnswerSpace(kind, round((22 + per_point * points) * scale))
