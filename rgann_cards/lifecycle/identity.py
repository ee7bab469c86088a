"""Where a note's Anki identity and the course's tag come from: one function each.

The GUID depends only on the YAML id (never on text), so edits update a note in
place. These functions take the course's settings so that per-course identity
(a course id in course.yaml) changes their bodies only; the shipped course must
keep exactly today's values, or students lose their history.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Callable, Iterable

from ..content.model import CourseInfo

REMOVED = "removed"


def note_guid(info: CourseInfo, yaml_id: str) -> str:
    """The Anki GUID of the note with this YAML id, in the course's own namespace (rgann_cards/identity.py;
    the shipped course keeps 'rgann-cards'): frozen, students' history hangs on it."""
    return note_guid_maker(info)(yaml_id)


def note_guid_maker(info: CourseInfo) -> Callable[[str], str]:
    """``note_guid`` for one course, its namespace looked up once (a package makes 10,000 of them)."""
    from ..identity import identity
    from ..libraries import genanki

    # genanki.guid_for(namespace, yaml_id), computed as it does (tests/test_course_identity.py holds the
    # two to each other): the first 8 bytes of a sha256 as a number, written in Anki's base 91, with
    # the digits found by divmod instead of a loop over the bytes (a quarter of its time)
    digits = "".join(genanki().util.BASE91_TABLE)
    prefix = f"{identity(info.id).guid_namespace}__"

    def guid(yaml_id: str) -> str:
        number = int.from_bytes(hashlib.sha256((prefix + yaml_id).encode("utf-8")).digest()[:8], "big")
        written = []
        while number:
            number, digit = divmod(number, 91)
            written.append(digits[digit])
        return "".join(reversed(written))

    return guid


def course_tag(info: CourseInfo) -> str:
    """The course's tag prefix: its slug, e.g. ``rgann`` for the shipped course."""
    from ..identity import identity

    return identity(info.id).slug


def removed_tag(info: CourseInfo) -> str:
    """The tag of tombstone notes; students find them with ``tag:<course>::removed``."""
    return f"{course_tag(info)}::{REMOVED}"


def removed_tag_in(tag_sets: Iterable[frozenset[str]]) -> str | None:
    """The tombstone tag a package uses (for `diff`, which reads packages, not the course), if any."""
    found = Counter(t for tags in tag_sets for t in tags if t.endswith(f"::{REMOVED}"))
    return found.most_common(1)[0][0] if found else None
