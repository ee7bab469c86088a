"""What changed between two lock states, by deck: the data behind dist/CHANGES.md.

The lock keeps the last non-empty change set, so that rebuilding without a change
(CI, `make test`) writes the same release notes instead of "no changes".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .lock import Lock
from .records import NoteRecord, summary


@dataclass(frozen=True)
class Change:
    """One note in the release notes."""

    id: str
    kind: str
    deck: str  # where the note is now (a removed note: where it was)
    summary: str | None = None  # the changed answer in one line, when short
    old_deck: str | None = None
    replaced_by: str | None = None
    removed_cloze: tuple[str, ...] = ()


@dataclass
class Changes:
    """Added, updated, removed and moved notes, and whole decks renamed."""

    first_release: int = 0  # a first build: how many notes (nothing else is listed)
    deck_order: list[str] = field(default_factory=list)
    added: list[Change] = field(default_factory=list)
    updated: list[Change] = field(default_factory=list)
    removed: list[Change] = field(default_factory=list)
    moved: list[Change] = field(default_factory=list)
    renamed_decks: dict[str, str] = field(default_factory=dict)  # old name -> new name

    def empty(self) -> bool:
        return not self.first_release and not (self.added or self.updated or self.removed or self.moved)

    def to_dict(self) -> dict:
        """For the lock: everything but the deck order, which comes from the course."""
        data = asdict(self)
        del data["deck_order"]
        for key in ("added", "updated", "removed", "moved"):  # only what differs from the defaults
            data[key] = [{k: v for k, v in c.items() if v not in (None, ())} for c in data[key]]
        return data

    @classmethod
    def from_dict(cls, data: dict, deck_order: list[str]) -> "Changes":
        def changes(key: str) -> list[Change]:
            return [Change(**{**c, "removed_cloze": tuple(c.get("removed_cloze", ()))}) for c in data[key]]

        return cls(int(data["first_release"]), deck_order, changes("added"), changes("updated"), changes("removed"),
                   changes("moved"), dict(data["renamed_decks"]))

    def decks(self) -> list[str]:
        """Every deck with a change: the course's decks in course order, then decks that are gone."""
        touched = {c.deck for group in (self.added, self.updated, self.removed, self.moved) for c in group}
        return [d for d in self.deck_order if d in touched] + sorted(touched - set(self.deck_order))


def changes_between(previous: Lock, current: Lock, records: list[NoteRecord]) -> Changes:
    """Compare the lock before this build with the lock after it."""
    before = previous.notes()
    result = Changes(deck_order=list(dict.fromkeys(r.deck for r in records)))
    if not before and not previous.removed:
        result.first_release = len(records)
        return result
    now = current.notes()
    for record in records:
        old = before.get(record.id)
        if old is None and record.id in previous.removed:
            result.updated.append(Change(record.id, record.kind, record.deck, "back in the course"))
            continue
        if old is None:
            result.added.append(Change(record.id, record.kind, record.deck))
            continue
        if old.get("deck") and old["deck"] != record.deck:
            result.moved.append(Change(record.id, record.kind, record.deck, old_deck=old["deck"]))
        elif old["sha256"] != now[record.id]["sha256"]:
            old_cloze, new_cloze = old.get("cloze") or {}, record.cloze or {}
            changed = [n for n, h in new_cloze.items() if old_cloze.get(n) != h]
            gone = tuple(sorted(set(old_cloze) - set(new_cloze), key=int))
            result.updated.append(Change(record.id, record.kind, record.deck,
                                         summary(record, changed if old_cloze else None), removed_cloze=gone))
    for key, tomb in sorted(current.removed.items()):
        if key not in previous.removed:
            result.removed.append(Change(key, tomb.get("kind", ""), tomb.get("deck", ""),
                                         replaced_by=tomb.get("replaced_by")))
    current_decks = set(result.deck_order)
    targets: dict[str, set[str]] = {}
    for change in result.moved:
        targets.setdefault(change.old_deck, set()).add(change.deck)
    for old_deck, new in targets.items():
        if len(new) == 1 and old_deck not in current_decks:  # every note of the old deck went to one new deck
            result.renamed_decks[old_deck] = next(iter(new))
    return result


def release_notes(previous: Lock, current: Lock, records: list[NoteRecord]) -> Changes:
    """This build's changes; or, when it changed nothing, the last build's that did (kept in the lock)."""
    changes = changes_between(previous, current, records)
    if changes.empty() and current.last_changes is not None:
        return Changes.from_dict(current.last_changes, changes.deck_order)
    current.last_changes = changes.to_dict()
    return changes
