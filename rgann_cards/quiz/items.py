"""The quizzable items of a course: every exercise, every basic card, and every cloze number of a cloze card.

Each item has a stable integer id derived from its YAML id, never from its text,
so editing a card keeps its progress:

    key     = the YAML id                  (exercises and basic cards)
            = "<yaml id>#c<N>"             (cloze number N of a cloze card)
    card_id = int.from_bytes(sha256(key.encode("utf-8")).digest()[:8], "big") & (2**63 - 1)

63 bits, so the id fits SQLite's signed INTEGER. Renaming a YAML id (or
renumbering a cloze) starts that item from scratch; the old progress stays in
the database, unused.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import MISSING, dataclass, fields
from typing import TYPE_CHECKING, Iterable, Literal

from .. import selection
from ..content.numeric import with_answer
from ..errors import ContentError, Problem, SourceLocation, UsageError
from ..markup import PLACEHOLDER, split_clozes  # the placeholder split_clozes leaves for each deletion
from .textmath import MARK_OFF, MARK_ON

if TYPE_CHECKING:  # the model pulls in pydantic; a cached quiz start does without it
    from ..content.model import Course

_new = object.__new__
_MATH_DELIMITER = re.compile(r"(?<!\\)\$\$?")  # $ or $$, not \$: inside math after an odd number of them


def card_id(key: str) -> int:
    """The stable 63-bit id of an item key (see the module docstring)."""
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big") & (2**63 - 1)


@dataclass(frozen=True)
class Item:
    """One thing to recall. Texts are Markdown with $math$; cloze deletions are already resolved."""

    card_id: int
    key: str
    kind: Literal["exercise", "basic", "cloze"]
    order: int                 # position in course order
    deck: str                  # full deck name, e.g. "RGANN::Sheet 02::Task 1 · Gated memory"
    deck_file: str             # the deck's YAML file, e.g. "content/sheet02/task01-gated-memory.yaml"
    label: str                 # the exercise label, e.g. "1(b)"
    exercise_id: str
    yaml_id: str
    tags: frozenset[str]
    front: str
    back: str                  # for an exercise: the model answer
    extra: str | None = None
    explanation: str | None = None  # an exercise's full answer, shown on request
    key_points: tuple[str, ...] = ()
    points: int = 1
    figure: str | None = None
    sources: tuple[str, ...] = ()
    cloze_number: int | None = None
    cloze_count: int = 0
    answer_value: float | None = None  # a typed numeric answer: the quiz asks for the number and grades it
    tol: float | None = None
    unit: str | None = None


_DEFAULTS = {f.name: f.default for f in fields(Item) if f.default is not MISSING}
FIELDS = tuple(f.name for f in fields(Item))  # the order of an item's row (item_rows, and the quiz's cache)


def made(**values) -> Item:
    """``Item(**values)``, made without the frozen dataclass's ``__init__``, which sets each of the 23
    fields through ``object.__setattr__``: 46,000 instructions an item, a tenth of a second for the
    10,000 of a large course (and again when the quiz reads them from its cache). The item is as
    frozen as any other. Every field must be given or have a default (tests/test_quiz_store.py)."""
    item = _new(Item)
    item.__dict__.update(_DEFAULTS, **values)
    return item


def from_row(row) -> Item:
    """The item whose fields are ``row``, in FIELDS order (every field: no defaults), made as ``made`` makes it."""
    item = _new(Item)
    item.__dict__.update(zip(FIELDS, row))
    return item


def items_of(course: "Course") -> list[Item]:
    """Every item of the course in course order: an exercise, then its cards (cloze numbers ascending)."""
    items = [from_row(row) for row in item_rows(course)]
    _check_unique((item.card_id, item.key, item.deck_file) for item in items)
    return items


def item_rows(course: "Course") -> list[list]:
    """items_of's items as rows: each a list of its fields' values in FIELDS order (tags a frozenset),
    their ids not yet checked for collisions (check_rows). The build stores the rows and never needs
    the items: made as lists, not keyword arguments merged into an item (items_of 55 -> 35 ms at 10,000
    items). tests/test_quiz_rows.py holds them to items made one keyword at a time."""
    from ..i18n import messages

    rows: list[list] = []
    label = messages(course.info.language).numeric_answer
    for deck in course.decks:
        deck_name, deck_file = course.full_deck_name(deck), deck.loc.file
        for ex in deck.exercises:
            ex_tags = frozenset(deck.auto_tags) | frozenset(ex.tags)
            # card_id, key, kind, order, deck, deck_file, label, exercise_id, yaml_id, tags, front, back, extra,
            # explanation, key_points, points, figure, sources, cloze_number, cloze_count, answer_value, tol, unit
            rows.append([card_id(ex.id), ex.id, "exercise", len(rows), deck_name, deck_file, ex.label, ex.id, ex.id,
                         ex_tags, ex.question, with_answer(ex.model_answer, ex.answer_value, ex.tol, ex.unit, label),
                         None, ex.answer, tuple(ex.key_points), ex.points, ex.figure, tuple(ex.sources), None, 0,
                         ex.answer_value, ex.tol, ex.unit])
            for card in ex.cards:
                tags = ex_tags.union(card.tags) if card.tags else ex_tags  # most cards: their exercise's
                figure = getattr(card, "figure", None)
                if card.kind == "basic":
                    rows.append([card_id(card.id), card.id, "basic", len(rows), deck_name, deck_file, ex.label, ex.id,
                                 card.id, tags, card.front,
                                 with_answer(card.back, card.answer_value, card.tol, card.unit, label),
                                 None, None, (), 1, figure, (), None, 0, card.answer_value, card.tol, card.unit])
                    continue
                split = split_clozes(card.cloze)  # once per card, not once per number too
                numbers = sorted({c.number for c in split[1]})
                for n in numbers:
                    key = f"{card.id}#c{n}"
                    front, back = _sides(*split, n)
                    rows.append([card_id(key), key, "cloze", len(rows), deck_name, deck_file, ex.label, ex.id, card.id,
                                 tags, front, back, card.extra, None, (), 1, figure, (), n, len(numbers), None, None,
                                 None])
    return rows


def check_rows(rows: list[list]) -> None:
    """ContentError if two of item_rows's rows have the same quiz id (as items_of checks its items)."""
    if len({row[0] for row in rows}) != len(rows):
        _check_unique((row[0], row[1], row[5]) for row in rows)


def cloze_sides(text: str, number: int) -> tuple[str, str]:
    """Front and back of cloze ``number``: its deletions become ``[...]`` (or ``[hint]``) on the front and are
    highlighted on the back; every other deletion shows its content on both sides."""
    return _sides(*split_clozes(text), number)


def _sides(body: str, clozes: list, number: int) -> tuple[str, str]:
    """Both sides in one pass over the placeholders, each deletion's place in or out of math found once
    (2,000 cloze items: 9 -> 4 ms; tests/test_quiz_rows.py holds it to the two passes it replaces)."""
    front: list[str] = []
    back: list[str] = []
    pos = 0
    for m in PLACEHOLDER.finditer(body):
        front.append(body[pos:m.start()])
        back.append(front[-1])
        pos = m.end()
        cloze = clozes[int(m.group(1))]
        if cloze.number != number:
            front.append(cloze.content)
            back.append(cloze.content)
            continue
        blank = f"[{cloze.hint}]" if cloze.hint else "[...]"
        # braces keep a deletion that is a whole sub/superscript in one piece
        if len(_MATH_DELIMITER.findall(body, 0, m.start())) % 2 == 1:
            front.append(f"{{{MARK_ON}\\text{{{blank}}}{MARK_OFF}}}")
            back.append(f"{{{MARK_ON}{cloze.content}{MARK_OFF}}}")
        else:
            front.append(f"{MARK_ON}{blank}{MARK_OFF}")
            back.append(f"{MARK_ON}{cloze.content}{MARK_OFF}")
    return "".join(front) + body[pos:], "".join(back) + body[pos:]


def _check_unique(ids: Iterable[tuple[int, str, str]]) -> None:
    """``ids``: each item's (card_id, key, deck_file)."""
    seen: dict[int, str] = {}
    problems = []
    for ident, key, deck_file in ids:
        if ident not in seen:
            seen[ident] = key
            continue
        # astronomically unlikely with 63 bits, but never silently merge progress
        message = f"quiz id of '{key}' collides with '{seen[ident]}'; rename one of the YAML ids"
        problems.append(Problem(SourceLocation(deck_file), message))
    if problems:
        raise ContentError(problems)


@dataclass(frozen=True)
class Selection:
    """What to quiz: deck patterns, tags and ids; empty means everything. Kinds combine with AND."""

    decks: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()

    def apply(self, items: Iterable[Item]) -> list[Item]:
        """The selected items in course order; UsageError for a pattern, tag or id that matches nothing."""
        items = list(items)
        self._check(items)
        return [i for i in items if self._deck_ok(i) and self._tag_ok(i) and self._id_ok(i)]

    def _deck_ok(self, item: Item) -> bool:
        return not self.decks or any(deck_matches(p, item) for p in self.decks)

    def _tag_ok(self, item: Item) -> bool:
        return not self.tags or any(selection.has_tag(t, item.tags) for t in self.tags)

    def _id_ok(self, item: Item) -> bool:
        return not self.ids or item.key in self.ids or item.yaml_id in self.ids

    def _check(self, items: list[Item]) -> None:
        unknown_decks = [p for p in self.decks if not any(deck_matches(p, i) for i in items)]
        if unknown_decks:
            names = sorted({i.deck for i in items})
            raise UsageError(f"no deck matches {', '.join(repr(p) for p in unknown_decks)} "
                             f"(decks: {'; '.join(names)})")
        all_tags = {t.lower() for i in items for t in i.tags}
        unknown_tags = [t for t in self.tags if t.lower() not in all_tags]
        if unknown_tags:
            raise UsageError(f"unknown tag(s): {', '.join(unknown_tags)}")
        keys = {i.key for i in items} | {i.yaml_id for i in items}
        unknown_ids = [i for i in self.ids if i not in keys]
        if unknown_ids:
            raise UsageError(f"unknown id(s): {', '.join(unknown_ids)}")


def deck_matches(pattern: str, item: Item) -> bool:
    return selection.deck_matches(pattern, item.deck, item.deck_file)
