"""The quiz pager: a fixed header, one scrollable view of question and answer, a fixed key line.

    deck › path                                         3/20 +1 again   <- header (fixed)
    1(a) · exercise · 4 points · new                    s02-t1a-...
    ────────────────────────────────────────────────────────────────
    question ...                                                        <- body (scrolls)
    ── Answer ──
    answer ...
    ─ lines 1-17 of 70 · [↑↓ j k PgUp PgDn Home End] scroll · [?] keys ─  <- status (fixed)
    [1] Again 1m  [2] Hard 6m  [3] Good 10m  [4] Easy 4d  [q] quit       <- key line (fixed)

Used when the output is a real terminal that can move the cursor (not TERM=dumb,
not a pipe); otherwise the session prints as a plain stream. The size is the
terminal's own (read again after every SIGWINCH), not COLUMNS/LINES, so a
resize redraws at the new size. Scrolling never loses the question: it is the
top of the body, and Home returns to it.
"""

from __future__ import annotations

import os
from typing import Callable

from rich.console import Console, Group, RenderableType
from rich.segment import Segment, Segments
from rich.text import Text

from . import render
from .keys import DOWN, END, HOME, PAGE_DOWN, PAGE_UP, RESIZE, UP

NAVIGATION = {UP: -1, "k": -1, DOWN: 1, "j": 1}
PAGES = {PAGE_UP: -1, PAGE_DOWN: 1}
HELP = "?"
MIN_BODY = 3

HELP_LINES = [  # key, catalogue key of what it does
    ("↑ / k, ↓ / j", "help_line"),
    ("PgUp, PgDn", "help_page"),
    ("Home, End", "help_ends"),
    ("space", "help_show"),
    ("1 2 3 4", "help_grade"),
    ("enter", "help_enter"),
    ("q", "help_quit"),
    ("?", "help_help"),
]


class Pager:
    """Draws screens on ``console`` and reads keys from ``keys`` until one that is not navigation."""

    def __init__(self, console: Console, keys):
        self.console = console
        self.keys = keys
        self.top = 0

    def size(self) -> tuple[int, int]:
        """(columns, rows) of the terminal itself."""
        try:
            size = os.get_terminal_size(self.console.file.fileno())
            return max(size.columns, 20), max(size.lines, 8)
        except (OSError, ValueError, AttributeError):
            return self.console.width, self.console.height

    def run(self, header: RenderableType, body: list[RenderableType], legend: RenderableType,
            accept: Callable[[str], bool], *, anchor: int | None = None, keep: bool = False) -> str:
        """Show the screen and handle scrolling, help and resizes; return the first key ``accept`` takes.

        ``anchor`` (a body line) is scrolled into view first, ``keep`` keeps the scroll position of the
        previous screen (ticking a key point must not jump).
        """
        if not keep:
            self.top = 0
        lines = None
        width = None
        while True:
            columns, rows = self.size()
            if columns != width:
                width = columns
                lines = self.lines(Group(*body), width)
                head = self.lines(header, width)
            foot = self.lines(legend, width)
            height = max(rows - len(head) - len(foot) - 1, MIN_BODY)
            if anchor is not None:
                if not self.top <= anchor < self.top + height:
                    self.top = anchor if anchor >= height else 0
                anchor = None
            self.top = max(0, min(self.top, len(lines) - height))
            self._draw(head, lines[self.top:self.top + height], height, self._status(len(lines), height, width),
                       foot)
            key = self.keys.read()
            if key in NAVIGATION:
                self.top += NAVIGATION[key]
            elif key in PAGES:
                self.top += PAGES[key] * max(height - 1, 1)
            elif key == HOME:
                self.top = 0
            elif key == END:
                self.top = len(lines)
            elif key == RESIZE:
                width = None
            elif key == HELP:
                self._help(head, width, rows)
            elif accept(key):
                return key

    def close(self) -> None:
        """Leave a clean screen for the summary, cursor visible."""
        self.console.file.write("\x1b[H\x1b[2J")
        self.console.show_cursor(True)
        self.console.file.flush()

    # -- drawing -----------------------------------------------------------------------------------
    def lines(self, renderable: RenderableType, width: int) -> list[list[Segment]]:
        options = self.console.options.update(width=width, height=None)
        lines = self.console.render_lines(renderable, options, pad=False, new_lines=False)
        if render.ASCII:  # the UI's own few symbols (›, ·, ─, …); content is ASCII already
            from .charset import to_ascii

            lines = [Segment.adjust_line_length([Segment(to_ascii(s.text), s.style, s.control) for s in line],
                                                width) for line in lines]
        return lines

    def _status(self, total: int, height: int, width: int) -> Text:
        if total > height:
            last = min(self.top + height, total)
            where = f" lines {self.top + 1}-{last} of {total} · "
            more = "[↑↓ j k PgUp PgDn Home End] scroll · [?] keys "
        else:
            where, more = " ", "[?] keys "
        text = Text("─" + where + more, style="muted")
        if text.cell_len > width:
            text = Text("─" + where + "[?] keys ", style="muted")
        text.append("─" * max(width - text.cell_len, 0), style="muted")
        text.truncate(width)
        return text

    def _draw(self, head, view, height, status, foot) -> None:
        rows = [*head, *view, *([[]] * (height - len(view))), *self.lines(status, status.cell_len or 1)[:1], *foot]
        segments: list[Segment] = []
        for k, row in enumerate(rows):
            segments.extend(row)
            if k < len(rows) - 1:
                segments.append(Segment.line())
        self.console.show_cursor(False)
        self.console.file.write("\x1b[H\x1b[2J")  # home, clear: draw the whole screen anew
        self.console.print(Segments(segments), end="")
        self.console.file.flush()

    def _help(self, head, width: int, rows: int) -> None:
        from rich.table import Table

        from . import screens  # the session's language

        t = screens.T
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True, style="key")
        grid.add_column()
        for key, what in HELP_LINES:
            grid.add_row(key, t[what])
        body = self.lines(Group(Text(t.help_keys, style="heading"), Text(""), grid), width)
        height = max(rows - len(head) - 2, MIN_BODY)
        self._draw(head, body[:height], height, self._status(0, height, width),
                   self.lines(Text(t.help_return, style="muted"), width))
        while self.keys.read() == RESIZE:
            pass
