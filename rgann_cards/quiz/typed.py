"""Typed numeric answers in the quiz: read the number, grade it, suggest Good or Again.

The student types a number (a decimal comma works too, and the unit may be
typed after it) and presses Enter; Enter on an empty line shows the answer
without grading. Right means within the item's ``tol`` of ``answer_value``.
The suggestion is Good if right and Again if wrong; 1-4 still override it.
"""

from __future__ import annotations

import re

from rich.text import Text

from ..content.numeric import accepts, describe
from .items import Item

BACKSPACE = ("\x7f", "\x08")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
TYPABLE = set("0123456789+-.,eE ") | set("abcdfghilmnoprstuvwxyzABCDFGHIJKLMNOPRSTUVWXYZ%µ/")


def parse_number(typed: str, unit: str | None = None) -> float | None:
    """The number typed, or None: '0.0823', '0,0823', '8.23e-2', '0.0823 nats' (the item's unit)."""
    text = typed.strip()
    if unit and text.lower().endswith(unit.lower()):
        text = text[: -len(unit)].strip()
    if not _NUMBER.match(text):
        return None
    return float(text.replace(",", "."))


def grade(item: Item, typed: str) -> tuple[int | None, Text]:
    """(suggested rating, the line that says why); (None, ...) if nothing was typed or it is not a number."""
    t = _t()
    if not typed.strip():
        return None, Text(t.typed_none, style="muted")
    value = parse_number(typed, item.unit)
    expected = describe(item.answer_value, item.tol, item.unit)
    if value is None:
        return None, Text.assemble(t.format("typed_not_number", typed=typed.strip(), expected=expected))
    if accepts(item.answer_value, item.tol, value):
        return 3, Text.assemble(t.typed_your, (typed.strip(), "bold"), t.typed_is, (t.typed_right, "good"),
                                t.format("typed_right_tail", expected=expected))
    return 1, Text.assemble(t.typed_your, (typed.strip(), "bold"), t.typed_is, (t.typed_wrong, "again"),
                            t.format("typed_wrong_tail", expected=expected))


def edit(buffer: str, key: str) -> str | None:
    """The buffer after ``key``, or None if the key is not part of typing a number."""
    if key in BACKSPACE:
        return buffer[:-1]
    if len(key) == 1 and key in TYPABLE and len(buffer) < 40:
        return buffer + key
    return None


def prompt(buffer: str) -> Text:
    """The key line while typing: 'Your answer: 0.08_  [enter] check  [q] quit'."""
    t = _t()
    text = Text.assemble((t.typed_prompt, "heading"), buffer, ("_", "muted"), "  ", ("[enter]", "key"),
                         t.typed_check if buffer else t.typed_show)
    if not buffer:
        text.append_text(Text.assemble("  ", ("[q]", "key"), " " + t.quiz_quit))
    return text


def _t():
    from . import screens  # the session's language, set once by screens.use_language

    return screens.T
