"""Preflight: what importing the new package will do to a previous release or to a student's collection.

It mirrors Anki's import rules (rslib import_export/package/apkg/import): notes
match by GUID; a note whose note type differs is not updated ("conflicting");
with "update notes: if newer" (the default) a changed note is updated only when
the package's modification time is newer than the collection's; existing cards
never move to another deck; nothing is ever deleted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .identity import removed_tag_in
from .sides import SideNote

STATUSES = ("added", "updated", "unchanged", "removed", "kind_changed", "skipped", "lost")
LABELS = {
    "added": "added",
    "updated": "updated",
    "unchanged": "unchanged",
    "removed": "removed (tombstoned)",
    "moved": "moved deck",
    "kind_changed": "kind changed (will conflict)",
    "skipped": "will be skipped by 'update if newer'",
    "lost": "gone without a tombstone",
    "tags_dropped": "updated, dropping tags you have",
}
# what makes an import unsafe: history, tags or a fix that would not arrive, or a move Anki will not do
UNSAFE = ("moved", "kind_changed", "skipped", "lost", "tags_dropped")


@dataclass(frozen=True)
class NoteDiff:
    """One note: what the import does to it, and the deck it stays in when the package moved it."""

    id: str
    status: str
    deck: str
    old_deck: str | None = None  # set when the package has it in another deck than the old side
    dropped_tags: tuple[str, ...] = ()  # tags in the collection that the update replaces (marked, your own)

    def as_dict(self) -> dict:
        return {"id": self.id, "status": self.status, "deck": self.deck, "moved_from": self.old_deck,
                "dropped_tags": list(self.dropped_tags)}


@dataclass
class Diff:
    """Per-note results and their counts; "moved" counts notes of any status whose deck differs."""

    new_name: str
    old_name: str
    against: str  # "package" | "collection"
    notes: list[NoteDiff] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(LABELS, 0)
        for note in self.notes:
            counts[note.status] += 1
            counts["moved"] += note.old_deck is not None
            counts["tags_dropped"] += bool(note.dropped_tags)
        return counts

    @property
    def safe(self) -> bool:
        counts = self.counts()
        return not any(counts[s] for s in UNSAFE)

    def to_json(self) -> str:
        data = {"version": 1, "new": self.new_name, "old": self.old_name, "against": self.against, "safe": self.safe,
                "counts": self.counts(), "notes": [n.as_dict() for n in self.notes]}
        return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def _status(new: SideNote, old: SideNote, removed_tag: str) -> str:
    if new.mid != old.mid:
        return "kind_changed"
    # tags the student added later (marked, leech, their own) are no change from the course
    if new.fields == old.fields and (new.tags == old.tags or (new.tags <= old.tags and new.mod <= old.mod)):
        return "unchanged"
    if new.mod <= old.mod:
        return "skipped"
    return "removed" if removed_tag in new.tags and removed_tag not in old.tags else "updated"


def compare(new: dict[str, SideNote], old: dict[str, SideNote], *, new_name: str, old_name: str,
            against: str) -> Diff:
    """Classify every note of the new package against the old side, and find notes that silently vanished."""
    diff = Diff(new_name, old_name, against)
    removed_tag = removed_tag_in(n.tags for n in new.values()) or ""
    ours = {n.mid for n in new.values()}
    course_tags = frozenset().union(*(n.tags for n in new.values()))
    for guid, note in new.items():
        before = old.get(guid)
        if before is None:
            if removed_tag not in note.tags:  # a tombstone for a note the student never had is no news
                diff.notes.append(NoteDiff(note.id, "added", note.deck))
            continue
        status = _status(note, before, removed_tag)
        moved = before.deck != note.deck and status not in ("kind_changed", "removed")
        # Anki replaces a note's tags with the package's when it updates it. Tags the course uses anywhere
        # are the course's to move; the others (marked, leech, the student's own) would be lost.
        own = before.tags - note.tags - course_tags
        dropped = tuple(sorted(own)) if status == "updated" and against == "collection" else ()
        diff.notes.append(NoteDiff(note.id, status, note.deck, before.deck if moved else None, dropped))
    for guid, note in old.items():
        if guid not in new and note.mid in ours:
            diff.notes.append(NoteDiff(note.id, "lost", note.deck))
    diff.notes.sort(key=lambda n: (STATUSES.index(n.status), n.deck, n.id))
    return diff


SKIP_HELP = """\
{count} note{s} changed in your Anki after this release was stamped (you edited, tagged or marked them), so
Anki's default import option "Update notes: if newer" keeps your version and the course's change does not
arrive. Choose one:
  - "if newer" (the default): keeps your edits; misses the course's fix for these notes;
  - "always": takes the course's fix; your edits to these notes (fields and tags) are lost.
You can also import with "if newer" and fix these notes by hand."""


def render(diff: Diff) -> str:
    """The human-readable report: a summary, then one line per note that is not unchanged."""
    counts = diff.counts()
    width = max(len(v) for v in LABELS.values())
    lines = [f"{diff.new_name} compared with {diff.against} {diff.old_name}:"]
    lines += [f"  {LABELS[s]:<{width}}  {counts[s]}" for s in LABELS if counts[s] or s not in ("lost", "tags_dropped")]
    changed = [n for n in diff.notes if n.status != "unchanged" or n.old_deck]
    if changed:
        lines.append("")
        for note in changed:
            moved = f", moved from '{note.old_deck}' (your cards stay there)" if note.old_deck else ""
            dropped = f", drops the tags {' '.join(note.dropped_tags)}" if note.dropped_tags else ""
            lines.append(f"  {note.status:<12}  {note.id}  ({note.deck}{moved}{dropped})")
    if counts["moved"]:
        lines += ["", "Anki never moves cards you already have to another deck: after importing, move them "
                      "yourself (Browse > Change Deck) or rename the old deck."]
    if counts["kind_changed"]:
        lines += ["", "A note whose kind changed cannot be updated: Anki keeps the old note ('conflicting')."]
    if counts["lost"]:
        lines += ["", "Notes gone without a tombstone stay in your collection and keep being scheduled."]
    if counts["updated"] and diff.against == "collection":
        lines += ["", "Updated notes take the release's fields and tags: what you changed in these notes before "
                      "this release was built is replaced."]
    if counts["tags_dropped"]:
        lines += ["Re-add the dropped tags after importing (in the browser: Notes > Add Tags)."]
    if counts["skipped"]:
        lines += ["", SKIP_HELP.format(count=counts["skipped"], s="s" if counts["skipped"] != 1 else "")]
    lines += ["", "Safe to import." if diff.safe else "Importing would lose or skip something (see above)."]
    return "\n".join(lines)
