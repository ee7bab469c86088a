"""Where a note's Anki identity and the course's tag come from: one function each.

The GUID depends only on the YAML id (never on text), so edits update a note in
place. These functions take the course's settings so that per-course identity
(a course id in course.yaml) changes their bodies only; the shipped course must
keep exactly today's values, or students lose their history.
"""

from __future__ import annotations

import functools
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

    # genanki.guid_for(namespace, yaml_id), computed as it does (tests/test_course_identity.py holds the
    # two to each other): the first 8 bytes of a sha256 as a number, written in Anki's base 91. A number
    # below 2**64 has at most 10 digits (91**10 > 2**64): written as 5 pairs of digits from a table of
    # all 8,281 pairs, its leading zeros dropped, instead of a loop of divmods (15 -> 9 ms at 10,000 notes)
    pairs, zero = _base91_pairs()
    prefix = f"{identity(info.id).guid_namespace}__"
    sha256, from_bytes = hashlib.sha256, int.from_bytes

    def guid(yaml_id: str) -> str:
        number = from_bytes(sha256((prefix + yaml_id).encode("utf-8")).digest()[:8], "big")
        number, e = divmod(number, 8281)
        number, d = divmod(number, 8281)
        number, c = divmod(number, 8281)
        a, b = divmod(number, 8281)
        return (pairs[a] + pairs[b] + pairs[c] + pairs[d] + pairs[e]).lstrip(zero)

    return guid


@functools.lru_cache(maxsize=None)
def _base91_pairs() -> tuple[list[str], str]:
    """Every pair of Anki's base-91 digits, by its value (91 * high + low), and the digit zero."""
    from ..libraries import genanki

    digits = "".join(genanki().util.BASE91_TABLE)
    return [high + low for high in digits for low in digits], digits[0]


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
