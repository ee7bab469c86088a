"""The three Anki note types. Designed once, with every field they will need.

Changing a note type's *fields* after students imported it makes Anki refuse
to update notes unless they merge note types by hand, so fields are frozen
here and only templates/CSS may evolve (those travel with the note type's
modification time from the lock file).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..identity import KINDS, SHIPPED_NOTETYPE_IDS, SHIPPED_NOTETYPE_NAMES, SHIPPED_ROOT_DECK_ID, CourseIdentity
from ..i18n import Messages, messages
from ..paths import template_text
from .anki_cloze import ordinal_css

# The shipped course's ids, fixed forever (rgann_cards/identity.py derives every other course's).
ROOT_DECK_ID = SHIPPED_ROOT_DECK_ID
NOTETYPE_IDS = SHIPPED_NOTETYPE_IDS

# Field order is part of the schema. Never reorder, rename or remove; append only
# if ever unavoidable (and accept that students must merge note types).
FIELDS = {
    "exercise": ["ID", "Label", "Points", "Question", "Answer", "KeyPoints", "Figure",
                 "Sources", "References", "Verified", "Deck"],
    "basic": ["ID", "Front", "Back", "Context", "Figure", "Sources", "References", "Verified"],
    "cloze": ["ID", "Text", "Extra", "Context", "Figure", "Sources", "References", "Verified"],
}
NAMES = SHIPPED_NOTETYPE_NAMES
SORT_FIELD = {"exercise": 1, "basic": 1, "cloze": 1}  # browse by label/front, not by id


@dataclass(frozen=True)
class NoteTypeSpec:
    kind: str
    id: int
    name: str
    fields: list[str]
    qfmt: str
    afmt: str
    css: str
    is_cloze: bool

    def schema(self) -> dict:
        """Everything that, when changed, should reach students' Anki (for the lock hash)."""
        return {"name": self.name, "fields": self.fields, "qfmt": self.qfmt, "afmt": self.afmt, "css": self.css}


def notetype_specs(ident: CourseIdentity, t: Messages | None = None) -> dict[str, NoteTypeSpec]:
    """The course's three note types: its own ids and names, the shared fields, templates in its language.

    Templates name UI words as ``[[key]]`` (rgann_cards/i18n); Anki's ``{{Field}}`` syntax is untouched.
    """
    t = t or messages("en")
    css = template_text("anki", "cards.css")
    return {
        kind: NoteTypeSpec(
            kind=kind,
            id=ident.notetype_ids[kind],
            name=ident.notetype_names[kind],
            fields=FIELDS[kind],
            qfmt=t.fill(template_text("anki", f"{kind}_front.html")),
            afmt=t.fill(template_text("anki", f"{kind}_back.html")),
            css=css + ordinal_css() if kind == "cloze" else css,
            is_cloze=kind == "cloze",
        )
        for kind in KINDS
    }
