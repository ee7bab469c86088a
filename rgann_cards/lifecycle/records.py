"""What the lock remembers about each note of the course: kind, deck, file, a text fingerprint, cloze hashes.

These facts come from the YAML source (not the rendered HTML), so lint can
compute them without rendering, and a change of renderer never looks like a
change of meaning.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ..content.model import Card, Course, Exercise
from ..errors import SourceLocation
from ..markup import MarkupError, split_clozes

KINDS = {"exercise": "an exercise", "basic": "a basic card", "cloze": "a cloze card"}


@dataclass(frozen=True)
class NoteRecord:
    """One live note of the course as the lock sees it, with where it is defined."""

    id: str
    kind: str
    deck: str  # full deck name, e.g. "RGANN::Sheet 02::Task 1 · Gated memory"
    file: str  # the deck file, relative to content/
    text: str  # fingerprint of the note's text (question, front and back, or cloze text)
    cloze: dict[str, str] | None  # cloze number -> hash of what it hides
    loc: SourceLocation
    deck_loc: SourceLocation
    item: Exercise | Card

    def facts(self) -> dict:
        return {"kind": self.kind, "deck": self.deck, "file": self.file, "text": self.text, "cloze": self.cloze}


def fingerprint(*texts: str) -> str:
    """A short hash of the text, ignoring case and whitespace, so that a re-indented copy still matches."""
    # casefold maps each character by itself ("\n" to itself): folding the joined texts at once is
    # folding each; one text needs no join (12,000 calls at 10,000 notes: 14 -> 13 ms)
    if len(texts) == 1:
        normal = " ".join(texts[0].split()).casefold()
    else:
        normal = "\n".join([" ".join(t.split()) for t in texts]).casefold()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:12]


def cloze_hashes(text: str) -> dict[str, str]:
    """Cloze number -> fingerprint of everything that number hides (a number may occur more than once)."""
    try:
        _, clozes = split_clozes(text)
    except MarkupError:  # already reported by the loader; nothing to remember
        return {}
    hidden: dict[int, list[str]] = {}
    for cloze in clozes:
        hidden.setdefault(cloze.number, []).append(cloze.content)
    return {str(n): fingerprint(*parts) for n, parts in sorted(hidden.items())}


def _relative(shown: str, content_dir: Path) -> str:
    try:
        return Path(shown).resolve().relative_to(Path(content_dir).resolve()).as_posix()
    except ValueError:
        return Path(shown).as_posix()


_new = object.__new__


def _record(id: str, kind: str, deck: str, file: str, text: str, cloze: dict[str, str] | None,  # noqa: A002
            loc: SourceLocation, deck_loc: SourceLocation, item: Exercise | Card) -> NoteRecord:
    """``NoteRecord(...)`` without the frozen dataclass's ``__init__``, which sets each field through
    ``object.__setattr__`` (10,000 records: 7 -> 4 ms); as frozen, equal and hashable as one made by it
    (tests/test_lifecycle.py)."""
    record = _new(NoteRecord)
    record.__dict__.update({"id": id, "kind": kind, "deck": deck, "file": file, "text": text, "cloze": cloze,
                            "loc": loc, "deck_loc": deck_loc, "item": item})
    return record


def note_records(course: Course, content_dir: Path) -> list[NoteRecord]:
    """Every exercise and card of the course, in course order."""
    decks = _with_notes(course)
    texts: list[str] = []
    clozes: dict[int, dict[str, str]] = {}
    for deck in decks:
        for ex in deck.exercises:
            texts.append(fingerprint(ex.question))
            for card in ex.cards:
                if card.kind == "cloze":
                    clozes[len(texts)] = cloze_hashes(card.cloze)
                    texts.append(fingerprint(card.cloze))
                else:
                    texts.append(fingerprint(card.front, card.back))
    return _records(course, decks, [_relative(deck.loc.file, content_dir) for deck in decks], texts, clozes)


def _with_notes(course: Course) -> list:
    """The decks that have notes, in course order (a deck without exercises has no record, nor a file in facts)."""
    return [deck for deck in course.decks if deck.exercises]


def _records(course: Course, decks: list, files: list[str], texts: list[str],
             clozes: dict[int, dict[str, str]]) -> list[NoteRecord]:
    """The records of ``decks`` (``files``: each one's file), the i-th note with ``texts[i]`` and
    ``clozes.get(i)``: what note_records computes and remade receives."""
    records: list[NoteRecord] = []
    for deck, file in zip(decks, files):
        name, where = course.full_deck_name(deck), deck.loc
        for ex in deck.exercises:
            at = len(records)
            records.append(_record(ex.id, "exercise", name, file, texts[at], clozes.get(at), ex.loc, where, ex))
            for card in ex.cards:
                at += 1
                records.append(_record(card.id, card.kind, name, file, texts[at], clozes.get(at), card.loc, where,
                                       card))
    return records


def facts_of(course: Course, records: list[NoteRecord]) -> tuple[list[str], str, dict[int, dict]]:
    """What another process needs to remake ``records`` of ``course`` from its own copy of it (remade):
    each deck's file, every note's text fingerprint (one string: a fingerprint holds no newline, and one
    string pickles in no time where 10,000 took 5 ms) and the clozes' hashes by the note's place."""
    files = [records[0].file] if records else []
    for before, record in zip(records, records[1:]):
        if record.deck_loc is not before.deck_loc:
            files.append(record.file)
    if len(files) != len(_with_notes(course)):  # cannot happen: sent unusable
        files = []
    clozes = {i: r.cloze for i, r in enumerate(records) if r.cloze is not None}
    return files, "\n".join([r.text for r in records]), clozes


def remade(course: Course, facts: tuple[list[str], str, dict[int, dict]]) -> list[NoteRecord] | None:
    """note_records' list again from ``facts_of`` it, taken from the same course in another process (a
    forked child: the fingerprints are the work, 36 of 44 ms at 10,000 notes); None if they do not fit
    this course (tests/test_outputs_guard.py)."""
    files, joined, clozes = facts
    texts = joined.split("\n") if joined else []
    decks = _with_notes(course)
    if len(files) != len(decks) or len(texts) != sum(1 + len(ex.cards) for deck in decks for ex in deck.exercises):
        return None
    return _records(course, decks, files, texts, clozes)


_SPACES = re.compile(r"\s+")


def summary(record: NoteRecord, changed_cloze: list[str] | None = None, limit: int = 100) -> str | None:
    """The answer in one short line (for the release notes), or None when it does not fit."""
    item = record.item
    if isinstance(item, Exercise):
        text = item.answer.strip().split("\n\n")[0]  # the first paragraph
    elif item.kind == "basic":
        text = item.back
    else:
        _, clozes = split_clozes(item.cloze)
        wanted = set(changed_cloze or [str(c.number) for c in clozes])
        text = "; ".join(f"c{c.number}: {c.content}" for c in clozes if str(c.number) in wanted)
    line = _SPACES.sub(" ", text).strip()
    return line if line and len(line) <= limit else None
