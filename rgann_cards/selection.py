"""How users pick decks and tags on the command line; shared by `quiz`, `stats` and `quiz-sheet`."""

from __future__ import annotations

import fnmatch
from pathlib import PurePath


def deck_matches(pattern: str, deck: str, deck_file: str) -> bool:
    """Case-insensitive: a glob (``*Task 1*``) against the full deck name, the name without the root deck,
    or the deck file's name; without glob characters, a substring of any of them (``"task 1"``, ``task01``)."""
    p = pattern.lower()
    names = [deck.lower(), deck.split("::", 1)[-1].lower(), PurePath(deck_file).stem.lower()]
    if any(ch in p for ch in "*?["):
        return any(fnmatch.fnmatchcase(n, p) for n in names)
    return any(p in n for n in names)


def has_tag(tag: str, tags) -> bool:
    """Tags compare case-insensitively (Anki treats them that way too)."""
    return tag.lower() in {t.lower() for t in tags}
