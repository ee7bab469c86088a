"""Blocks of a rendered HTML fragment: the first top-level one (kept with its heading on paper), and display
formulas too wide for a narrow column (a formula cannot wrap, so a two-column page lets those span both)."""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser

_DISPLAY = re.compile(r'<div class="math-display">(<math display="block">.*?</math>)</div>', re.S)
_DISPLAY_START = '<div class="math-display"><math display="block">'  # where every match of _DISPLAY begins
_TOKEN = re.compile(r"<(mi|mn|mo|mtext)\b[^>]*>([^<]*)</\1>")
WIDE_GLYPHS = 34  # about what a half-width column of the two-up key holds at its type size

_VOID = {"br", "hr", "img", "col", "mspace", "mprescripts", "none"}
_CDATA = ("script", "style")  # html.parser reads their content as text up to the end tag
# A tag as our serializers (nh3, ElementTree, the MathML writer) write it: a plain name, attributes with
# double-quoted values or none, separated by HTML's own whitespace (html.parser reads a no-break space as
# part of a name). The lone "<" alternative stops the scan at anything else (comment, "<!", an unquoted
# value), which goes to html.parser instead.
_TAG = re.compile(r'<(?:(/?)([a-zA-Z][-.:\w]*)((?:[ \t\n\r\f]+[^ \t\n\r\f"\'<>/=]+(?:="[^"]*")?)*)[ \t\n\r\f]*(/?)>)?')


def _nested(levels: int) -> re.Pattern:
    """Text and elements as the MathML writer writes them, nested at most ``levels`` deep: a lowercase
    m-name, attributes as ` name="value"`, the same name closing it (the writer escapes every "<" in text and
    values, and never writes <x/>)."""
    inside = "[^<]*"
    for level in range(levels):
        inside = rf'(?:[^<]|<(?P<n{level}>m[a-z]*)(?: [a-z]+="[^"<>]*")*>{inside}</(?P=n{level})>)*'
    return re.compile(inside)


_MATH_INSIDE = _nested(16)  # deeper formulas are scanned tag by tag


def _end_offsets(fragment: str, wanted: int) -> tuple[list[int], bool] | None:
    """The end offsets of the first ``wanted`` top-level elements and whether the first is a lead-in, as
    html.parser sees them; None where the fragment leaves the simple tag grammar above."""
    depth, ends, lead_in, pos = 0, [], False, 0
    while pos is not None:
        tags, pos = _TAG.finditer(fragment, pos), None
        for m in tags:
            close, name, attrs, empty = m.groups()
            if name is None or (close and (attrs or empty)):
                return None
            tag = name.lower()
            if tag in _VOID or empty:  # <x/> opens nothing
                continue
            if close:
                depth -= 1
                if depth == 0:
                    ends.append(m.start() + len(tag) + 3)  # + len("</tag>")
                    if len(ends) == wanted:
                        return ends, lead_in
                continue
            if depth == 0 and not ends:
                lead_in = "class" in attrs.lower() and ("class", "lead-in") in _attrs(m.group(0))
            depth += 1
            if tag == "math":  # most of an answer's tags: one search past them, where that is exact
                end = _math_end(fragment, m.end())
                if end is not None:
                    pos = end
                    break
            elif tag in _CDATA:  # its text is not markup: go on from its end tag
                end_tag = re.compile(rf"</\s*{tag}\s*>", re.I).search(fragment, m.end())
                if end_tag is None:
                    return None
                pos = end_tag.start()
                break
    return ends, lead_in


def _math_end(fragment: str, start: int) -> int | None:
    """Where the ``</math>`` closing a formula begins, if html.parser sees the formula's inside leave the depth
    as it found it without going below it: our writer's MathML, balanced and with no ``<math>`` in it.

    _MATH_INSIDE matching all of the inside proves it: on elements nested so, each closed by its own name, a
    depth count never goes below its start nor ends elsewhere (a void pair, ``<mspace></mspace>``, is
    ignored whole by html.parser). One C-level match: the 1,000 answers of the 10k course scan in 10 ms
    instead of 36 ms tag by tag. Anything else (a formula not from the writer) is scanned tag by tag.
    """
    end = fragment.find("</math>", start)
    return end if end >= 0 and _MATH_INSIDE.fullmatch(fragment, start, end) else None


def _attrs(start_tag: str) -> list[tuple[str, str | None]]:
    """A start tag's attributes exactly as html.parser reads them (names lowercased, values unescaped)."""
    found: list = []
    parser = HTMLParser()
    parser.handle_starttag = lambda tag, attrs: found.extend(attrs)
    parser.feed(start_tag)
    parser.close()
    return found


class _Ends(HTMLParser):
    """Records the character offset at which each top-level element ends (for any fragment)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.depth = 0
        self.ends: list[int] = []
        self.lead_in: list[bool] = []
        self._starts = [0]

    def feed_text(self, text: str) -> None:
        # HTMLParser reports positions as (line, column) and counts lines at "\n" only
        self._starts = [0]
        for line in text.split("\n"):
            self._starts.append(self._starts[-1] + len(line) + 1)
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


@lru_cache(maxsize=2048)  # the study sheet and the answer key split the same answers
def split_first_block(fragment: str) -> tuple[str, str]:
    """(first block, the rest): the first top-level element of ``fragment`` -- with the one after it when
    the first is only a bold run-in heading (``<p class="lead-in">``) -- and everything after it.

    Only the first two top-level elements are looked at, by a scan over our serializers' tag grammar;
    html.parser takes any fragment outside it (the result is the same for both).
    """
    found = _end_offsets(fragment, 2)
    if found is None:
        parser = _Ends()
        parser.feed_text(fragment)
        found = parser.ends, parser.lead_in[:1] == [True]
    ends, lead_in = found
    if not ends:
        return fragment, ""
    take = 2 if lead_in and len(ends) > 1 else 1
    cut = ends[take - 1]
    return fragment[:cut], fragment[cut:].lstrip("\n")


def mark_wide_displays(fragment: str) -> str:
    """Add the class ``wide`` to display formulas with more glyphs than a half-width column holds.

    Counting every token's glyphs overestimates a fraction (numerator and denominator stack), which errs
    toward spanning: a formula spanning both columns reads fine, a clipped one loses its end.
    """
    if _DISPLAY_START not in fragment:  # most fragments hold no display: a search costs a quarter of the sub
        return fragment
    return _DISPLAY.sub(_classify, fragment)


def _classify(m: re.Match) -> str:
    glyphs = sum(len(text.strip()) for _, text in _TOKEN.findall(m.group(1)))
    return f'<div class="math-display wide">{m.group(1)}</div>' if glyphs > WIDE_GLYPHS else m.group(0)
