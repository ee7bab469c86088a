"""Blocks of a rendered HTML fragment: the first top-level one (kept with its heading on paper), and display
formulas too wide for a narrow column (a formula cannot wrap, so a two-column page lets those span both)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_DISPLAY = re.compile(r'<div class="math-display">(<math display="block">.*?</math>)</div>', re.S)
_TOKEN = re.compile(r"<(mi|mn|mo|mtext)\b[^>]*>([^<]*)</\1>")
WIDE_GLYPHS = 34  # about what a half-width column of the two-up key holds at its type size

_VOID = {"br", "hr", "img", "col", "mspace", "mprescripts", "none"}


class _Ends(HTMLParser):
    """Records the character offset at which each top-level element ends."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.depth = 0
        self.ends: list[int] = []
        self.lead_in: list[bool] = []
        self._starts = [0]

    def feed_text(self, text: str) -> None:
        # HTMLParser reports positions as (line, column); turn them into offsets once
        self._starts = [0]
        for line in text.splitlines(keepends=True):
            self._starts.append(self._starts[-1] + len(line))
        self.feed(text)
        self.close()

    def _here(self) -> int:
        line, column = self.getpos()
        return self._starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            return
        if self.depth == 0:
            self.lead_in.append(("class", "lead-in") in attrs)
        self.depth += 1

    def handle_startendtag(self, tag, attrs):  # <x/> opens nothing
        pass

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        self.depth -= 1
        if self.depth == 0:
            self.ends.append(self._here() + len(f"</{tag}>"))


def split_first_block(fragment: str) -> tuple[str, str]:
    """(first block, the rest): the first top-level element of ``fragment`` -- with the one after it when
    the first is only a bold run-in heading (``<p class="lead-in">``) -- and everything after it."""
    parser = _Ends()
    parser.feed_text(fragment)
    if not parser.ends:
        return fragment, ""
    take = 2 if parser.lead_in[:1] == [True] and len(parser.ends) > 1 else 1
    cut = parser.ends[take - 1]
    return fragment[:cut], fragment[cut:].lstrip("\n")


def mark_wide_displays(fragment: str) -> str:
    """Add the class ``wide`` to display formulas with more glyphs than a half-width column holds.

    Counting every token's glyphs overestimates a fraction (numerator and denominator stack), which errs
    toward spanning: a formula spanning both columns reads fine, a clipped one loses its end.
    """
    def classify(m: re.Match) -> str:
        glyphs = sum(len(text.strip()) for _, text in _TOKEN.findall(m.group(1)))
        return f'<div class="math-display wide">{m.group(1)}</div>' if glyphs > WIDE_GLYPHS else m.group(0)

    return _DISPLAY.sub(classify, fragment)
