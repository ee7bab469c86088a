"""The length guide of a model answer: what a strong student writes in the exam, about 40 words per point."""

from __future__ import annotations

import re

WORDS_PER_POINT = 40
# $$...$$ or $...$ (not \$): a formula counts as one word, however long its TeX is
_MATH = re.compile(r"\$\$.+?\$\$|(?<!\\)\$(?:\\.|[^$\\])+\$", re.S)


def words(text: str) -> int:
    """Words of Markdown text, each formula counted as one word; list markers and emphasis are not words."""
    plain = _MATH.sub(" formula ", text)
    return sum(1 for token in plain.split() if any(ch.isalnum() for ch in token))


def budget(points: int) -> int:
    """The most words a model answer for ``points`` points should have."""
    return WORDS_PER_POINT * points


def over_budget(text: str, points: int) -> str | None:
    """A warning if ``text`` is longer than the guide allows, else None."""
    n = words(text)
    if n <= budget(points):
        return None
    return (f"model answer has {n} words; the guide is at most {WORDS_PER_POINT} per point "
            f"({budget(points)} for {points} point{'s' if points != 1 else ''})")
