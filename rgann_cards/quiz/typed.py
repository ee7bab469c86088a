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
    if not typed.strip():
        return None, Text("No number typed: grade yourself.", style="muted")
    value = parse_number(typed, item.unit)
    expected = describe(item.answer_value, item.tol, item.unit)
    if value is None:
        return None, Text.assemble(f"'{typed.strip()}' is not a number; the answer is {expected}: grade yourself.")
    if accepts(item.answer_value, item.tol, value):
        return 3, Text.assemble("Your answer ", (typed.strip(), "bold"), " is ", ("right", "good"),
                                f": {expected}. Suggested Good.")
    return 1, Text.assemble("Your answer ", (typed.strip(), "bold"), " is ", ("wrong", "again"),
                            f": the answer is {expected}. Suggested Again.")


def edit(buffer: str, key: str) -> str | None:
    """The buffer after ``key``, or None if the key is not part of typing a number."""
    if key in BACKSPACE:
        return buffer[:-1]
    if len(key) == 1 and key in TYPABLE and len(buffer) < 40:
        return buffer + key
    return None


def prompt(buffer: str) -> Text:
    """The key line while typing: 'Your answer: 0.08_  [enter] check  [q] quit'."""
    text = Text.assemble(("Your answer: ", "heading"), buffer, ("_", "muted"), "  ", ("[enter]", "key"),
                         " check" if buffer else " show the answer")
    if not buffer:
        text.append_text(Text.assemble("  ", ("[q]", "key"), " quit"))
    return text
