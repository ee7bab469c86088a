"""The three Anki note types. Designed once, with every field they will need.

Changing a note type's *fields* after students imported it makes Anki refuse
to update notes unless they merge note types by hand, so fields are frozen
here and only templates/CSS may evolve (those travel with the note type's
modification time from the lock file).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..paths import template_text
from .anki_cloze import ordinal_css

# Fixed forever: Anki identifies note types and decks by these ids.
ROOT_DECK_ID = 1_747_000_000_000
NOTETYPE_IDS = {
    "exercise": 1_747_000_000_101,
    "basic": 1_747_000_000_102,
    "cloze": 1_747_000_000_103,
}

# Field order is part of the schema. Never reorder, rename or remove; append only
# if ever unavoidable (and accept that students must merge note types).
FIELDS = {
    "exercise": ["ID", "Label", "Points", "Question", "Answer", "KeyPoints", "Figure",
                 "Sources", "References", "Verified", "Deck"],
    "basic": ["ID", "Front", "Back", "Context", "Figure", "Sources", "References", "Verified"],
    "cloze": ["ID", "Text", "Extra", "Context", "Figure", "Sources", "References", "Verified"],
}
NAMES = {"exercise": "rgann-cards Exercise", "basic": "rgann-cards Basic", "cloze": "rgann-cards Cloze"}
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


def notetype_specs() -> dict[str, NoteTypeSpec]:
    css = template_text("anki", "cards.css")
    return {
        kind: NoteTypeSpec(
            kind=kind,
            id=NOTETYPE_IDS[kind],
            name=NAMES[kind],
            fields=FIELDS[kind],
            qfmt=template_text("anki", f"{kind}_front.html"),
            afmt=template_text("anki", f"{kind}_back.html"),
            css=css + ordinal_css() if kind == "cloze" else css,
            is_cloze=kind == "cloze",
        )
        for kind in ("exercise", "basic", "cloze")
    }
