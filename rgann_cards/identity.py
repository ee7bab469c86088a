"""Every identity a course has outside its YAML derives from ``course.yaml: id``.

Anki matches notes by GUID and note types and decks by id; the quiz keeps one
progress database per course; outputs are named after the course. Deriving all
of them from one stable course id is what lets two courses live side by side
in one Anki collection without either touching the other.

The shipped course (id ``rgann``) was released before courses had ids, so its
values are the constants of that release, frozen here and by
tests/test_course_identity.py: changing any of them would cost every student
their review history. Every other course gets values derived by hashing its id.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

SHIPPED_ID = "rgann"
KINDS = ("exercise", "basic", "cloze")

# The first release's values, fixed forever (Anki identifies note types and decks by these ids).
SHIPPED_ROOT_DECK_ID = 1_747_000_000_000
SHIPPED_NOTETYPE_IDS = {"exercise": 1_747_000_000_101, "basic": 1_747_000_000_102, "cloze": 1_747_000_000_103}
SHIPPED_NOTETYPE_NAMES = {"exercise": "rgann-cards Exercise", "basic": "rgann-cards Basic",
                          "cloze": "rgann-cards Cloze"}
_NOTETYPE_OFFSETS = {"exercise": 101, "basic": 102, "cloze": 103}
_KIND_NAMES = {"exercise": "Exercise", "basic": "Basic", "cloze": "Cloze"}


@dataclass(frozen=True)
class CourseIdentity:
    """The Anki ids, file names and namespaces of one course."""

    course_id: str
    guid_namespace: str     # note GUID = genanki.guid_for(guid_namespace, yaml id)
    root_deck_id: int
    notetype_ids: dict[str, int]
    notetype_names: dict[str, str]
    slug: str               # output names: dist/<slug>.apkg, dist/<slug>.json
    progress_name: str      # the quiz's progress database, in the user data directory

    def deck_id(self, full_name: str) -> int:
        """Stable id of a subdeck from its full name; the root deck has ``root_deck_id``."""
        salt = "rgann-cards deck" if self.course_id == SHIPPED_ID else f"rgann-cards deck {self.course_id}"
        digest = int.from_bytes(hashlib.sha256(f"{salt} {full_name}".encode()).digest()[:4], "big")
        return self.root_deck_id + 1_000 + digest

    @property
    def apkg_name(self) -> str:
        return f"{self.slug}.apkg"

    @property
    def json_name(self) -> str:
        return f"{self.slug}.json"


@lru_cache(maxsize=None)
def identity(course_id: str) -> CourseIdentity:
    """The identity of the course with this id (the shipped course's frozen values for ``rgann``)."""
    if course_id == SHIPPED_ID:
        return CourseIdentity(SHIPPED_ID, "rgann-cards", SHIPPED_ROOT_DECK_ID, dict(SHIPPED_NOTETYPE_IDS),
                              dict(SHIPPED_NOTETYPE_NAMES), slug="rgann", progress_name="progress.sqlite3")
    # Ids in [1e12, 1e13) in steps of 10_000: below 2**53 (AnkiDroid and the JS side read ids as doubles),
    # and the step leaves room for the note types at root + 101..103.
    digest = int.from_bytes(hashlib.sha256(f"rgann-cards course {course_id}".encode()).digest()[:8], "big")
    root = 1_000_000_000_000 + (digest % 900_000_000) * 10_000
    return CourseIdentity(
        course_id, f"rgann-cards/{course_id}", root,
        {kind: root + _NOTETYPE_OFFSETS[kind] for kind in KINDS},
        {kind: f"rgann-cards {_KIND_NAMES[kind]} ({course_id})" for kind in KINDS},
        slug=course_id, progress_name=f"progress-{course_id}.sqlite3",
    )
