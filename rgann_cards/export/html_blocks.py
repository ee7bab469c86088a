"""Top-level blocks of a rendered HTML fragment, so a page can keep the first of them with its heading."""

from __future__ import annotations

from html.parser import HTMLParser

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
