"""Removed ids become tombstones: the lock keeps them, and the package keeps shipping a "removed" note.

Anki never deletes a note on import, so a note that simply vanished from the
package would stay in every student's collection and keep being scheduled, with
no hint that it is gone. A tombstone ships under the old GUID, newer than the
last real version, so "update if newer" replaces the old content with a plain
notice (and, for a rename, the id that replaces it).
"""

from __future__ import annotations

from .guards import GuardResult
from .lock import Lock
from .records import NoteRecord


def retire_removed(lock: Lock, guards: GuardResult) -> None:
    """Move this build's removed ids into the tombstones, and restored ones back; link likely renames."""
    for key in guards.restored:
        lock.restore(key)
    for key in guards.removed:
        lock.retire(key, guards.renames.get(key))
    for old, new in guards.renames.items():
        lock.removed[old]["replaced_by"] = new


def remember(lock: Lock, records: list[NoteRecord]) -> None:
    """Store what every live note is now (call after the notes were stamped): Lock.record's update,
    made from the record's fields without its facts() dict in between (10,000 notes: 6 -> 3 ms)."""
    entries = lock.entries
    for record in records:
        facts = {"kind": record.kind, "deck": record.deck, "file": record.file, "text": record.text}
        if None in facts.values():  # a fact not known is not stored (Lock.record); a course's records know all
            facts = {k: v for k, v in facts.items() if v is not None}
        entry = entries[record.id]
        entry.update(facts)
        if record.cloze is not None:
            entry["cloze"] = record.cloze


def shippable(lock: Lock) -> list[tuple[str, dict]]:
    """Tombstones that can ship as notes: those whose note type is known (a v1 lock did not record it)."""
    return [(key, entry) for key, entry in sorted(lock.removed.items()) if entry.get("kind")]
