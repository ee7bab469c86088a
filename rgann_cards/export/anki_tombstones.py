"""The note that ships in place of a removed one: same GUID and note type, a plain notice as content.

Only the existing fields of the existing note types are used (a new field would
make Anki refuse updates). A cloze tombstone keeps every cloze number the note
had, so none of the student's cards turns into an empty one.
"""

from __future__ import annotations

from html import escape

from ..content.model import CourseInfo
from ..lifecycle.identity import removed_tag
from ..lifecycle.tombstones import shippable
from ..lifecycle.lock import Lock
from .anki import NoteData
from .anki_notetypes import FIELDS


def notice(key: str, entry: dict, course_title: str) -> str:
    """What the removed note says: that it is gone, what replaced it, and how to find all such notes."""
    lines = [f"<b>Removed from the course.</b> This card (<code>{escape(key)}</code>) is no longer part of "
             f"{escape(course_title)}."]
    if entry.get("replaced_by"):
        lines.append(f"It was replaced by the card <code>{escape(entry['replaced_by'])}</code>, which you get "
                     f"as a new card.")
    return "".join(f"<p>{line}</p>" for line in lines)


def what_to_do(info: CourseInfo) -> str:
    tag = escape(removed_tag(info))
    return (f"<p>Find every removed card with the search <code>tag:{tag}</code> in Anki's browser, then delete "
            f"them, or suspend them to keep their review history.</p>")


def tombstone_fields(kind: str, key: str, entry: dict, info: CourseInfo) -> tuple[str, ...]:
    """The fields of the tombstone note, in the note type's field order."""
    text, todo = notice(key, entry, info.title), what_to_do(info)
    if kind == "cloze":
        numbers = sorted(int(n) for n in entry.get("cloze") or {"1": ""})
        text += "".join(f"<p>{{{{c{n}::removed}}}}</p>" for n in numbers)
    values = {"ID": key, "Label": "removed", "Points": "0", "Question": text, "Answer": todo,
              "Front": text, "Back": todo, "Text": text, "Extra": todo}
    return tuple(values.get(name, "") for name in FIELDS[kind])


def tombstone_notes(lock: Lock, info: CourseInfo) -> list[NoteData]:
    """A NoteData for every shippable tombstone, sorted by id, after the live notes."""
    return [NoteData(key, entry["kind"], entry["deck"],
                     tombstone_fields(entry["kind"], key, entry, info), (removed_tag(info),))
            for key, entry in shippable(lock)]
