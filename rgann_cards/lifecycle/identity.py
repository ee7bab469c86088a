"""Where a note's Anki identity and the course's tag come from: one function each.

The GUID depends only on the YAML id (never on text), so edits update a note in
place. Both functions are the single place to switch to per-course identity.
"""

from __future__ import annotations

GUID_NAMESPACE = "rgann-cards"


def note_guid(yaml_id: str) -> str:
    """The Anki GUID of the note with this YAML id (frozen: students' history hangs on it)."""
    import genanki

    return genanki.guid_for(GUID_NAMESPACE, yaml_id)


def course_tag(root_deck: str) -> str:
    """The course's tag prefix, e.g. ``rgann`` for the root deck ``RGANN``."""
    return root_deck.lower().replace(" ", "_")


def removed_tag(root_deck: str) -> str:
    """The tag of tombstone notes; students find them with ``tag:<course>::removed``."""
    return f"{course_tag(root_deck)}::removed"
