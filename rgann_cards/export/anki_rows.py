"""The ``notes`` and ``cards`` rows of the package, as genanki writes them, without its per-note objects.

genanki (0.13, pinned below 0.14 in pyproject.toml) makes a Note per note and a Card per card, and
writes them through a dozen property calls each: at 10,000 notes the rows took 138 ms that way and
take 90 ms as Rows. A ``Row`` is what genanki's Deck.write_to_db asks of a note (``model`` and
``write_to_db``), and it writes the same rows with the same statements in the same order (note,
then its cards, ids from the same counter), so the database keeps every byte. What genanki's Note
checks first is checked here too (field count, no space in a tag); its fix-up of its own deprecated
built-in cloze type cannot apply to the course's note types.

Which cards a note gets is genanki's rule, taken once per note type: for a front/back type its
``_req`` (the fields a card needs), for a cloze type the numbers ``{{cN::`` in the fields its
template clozes, as a set iterated as genanki iterates it. tests/test_anki_rows.py compares the
database with the one genanki's own notes write.
"""

from __future__ import annotations

import re
from typing import Callable

_NOTE = "INSERT INTO notes VALUES(?,?,?,?,?,?,?,?,?,?,?);"
_CARD = "INSERT INTO cards VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?);"
_CLOZE_NUMBER = re.compile(r"{{c(\d+)::.+?}}", re.DOTALL)  # genanki's Note._cloze_cards


class Row:
    """One note for genanki's Deck: its ``notes`` row but the id, and its cards' ordinals."""

    __slots__ = ("model", "_note", "_ords", "_mod", "_due")

    def __init__(self, model, guid: str, fields: tuple[str, ...], tags: tuple[str, ...], mod: int, due: int,
                 ords: list[int]):
        if len(fields) != len(model.fields):
            raise ValueError(f"{len(fields)} fields for the note type {model.name}, which has {len(model.fields)}")
        joined = " ".join(tags)  # more spaces than the join's own: a tag holds one, which genanki's _TagList
        if tags and joined.count(" ") >= len(tags):  # refuses (Anki splits tags at spaces); no loop over the tags
            raise ValueError(f"tag {next(t for t in tags if ' ' in t)!r} contains a space")
        self.model = model
        # id, guid, mid, mod, usn, tags, flds, sfld, csum, flags, data (genanki: csum and flags 0)
        self._note = (guid, model.model_id, mod, -1, f" {joined} ", "\x1f".join(fields),
                      fields[model.sort_field_index], 0, 0, "")
        self._ords, self._mod, self._due = ords, mod, due

    def write_to_db(self, cursor, timestamp, deck_id: int, id_gen) -> None:  # noqa: ARG002 - genanki's hook
        note_id = next(id_gen)
        cursor.execute(_NOTE, (note_id, *self._note))
        mod, due = self._mod, self._due
        for ord_ in self._ords:
            # id, nid, did, ord, mod, usn, type, queue, due, ivl, factor, reps, lapses, left, odue, odid, flags, data
            cursor.execute(_CARD, (next(id_gen), note_id, deck_id, ord_, mod, -1, 0, 0, due, 0, 0, 0, 0, 0, 0, 0, 0, ""))


def card_ordinals(model) -> Callable[[tuple[str, ...]], list[int]]:
    """The ordinals of the cards genanki makes for a note of ``model`` with these fields."""
    if model.model_type == model.FRONT_BACK:  # Note._front_back_cards
        req = [(ord_, {"any": any, "all": all}[op], needed) for ord_, op, needed in model._req]
        # the needed fields looked up by map, not a generator (a tenth of a package's rows)
        return lambda fields: [ord_ for ord_, op, needed in req if op(map(fields.__getitem__, needed))]
    if model.model_type != model.CLOZE:
        raise ValueError("Expected model_type CLOZE or FRONT_BACK")
    # Note._cloze_cards: the fields the first template clozes, in the order genanki visits them
    qfmt = model.templates[0]["qfmt"]
    names = set(re.findall(r"{{[^}]*?cloze:(?:[^}]?:)*(.+?)}}", qfmt) + re.findall("<%cloze:(.+?)%>", qfmt))
    where = [next((i for i, f in enumerate(model.fields) if f["name"] == name), -1) for name in names]

    def cloze(fields: tuple[str, ...]) -> list[int]:
        ords: set[int] = set()  # a set, filled as genanki fills it: its order is the cards' order
        for i in where:
            ords.update(int(m) - 1 for m in _CLOZE_NUMBER.findall(fields[i] if i >= 0 else "") if int(m) > 0)
        return list(ords)

    return cloze


def write_collection(cursor, decks: list, timestamp, id_gen) -> None:
    """genanki's ``Package(decks).write_to_db(cursor, timestamp, id_gen)``: the same statements with the
    same values, in the same order, so the database keeps every byte (tests/test_anki_rows.py).

    For each deck genanki reads the collection's deck and note type tables back from the database,
    parses them, adds the deck (and its notes' types, with the deck's id) and writes them again: the
    note types' JSON, styles and all, was parsed and written twice per deck (17 ms of a 52-deck package).
    Here the tables are kept as they would be parsed back (a key written twice, once as the number
    genanki adds and once as the text it read, is parsed as one, in its first place, with its last
    value) and each note type is written once per deck, its text reused until it changes."""
    import json

    from genanki.apkg_col import APKG_COL
    from genanki.apkg_schema import APKG_SCHEMA

    cursor.executescript(APKG_SCHEMA)
    cursor.executescript(APKG_COL)
    (deck_json,) = cursor.execute("SELECT decks FROM col").fetchone()
    (model_json,) = cursor.execute("SELECT models FROM col").fetchone()
    deck_table = json.loads(deck_json)
    model_texts = {key: json.dumps(value) for key, value in json.loads(model_json).items()}  # key -> its text
    for deck in decks:
        if not isinstance(deck.deck_id, int):  # genanki's Deck.write_to_db checks, in its words
            raise TypeError("Deck .deck_id must be an integer, not {}.".format(deck.deck_id))
        if not isinstance(deck.name, str):
            raise TypeError("Deck .name must be a string, not {}.".format(deck.name))
        deck_table.update({str(deck.deck_id): deck.to_json()})
        cursor.execute("UPDATE col SET decks = ?", (json.dumps(deck_table),))
        for note in deck.notes:
            deck.add_model(note.model)
        added = {str(model.model_id): json.dumps(model.to_json(timestamp, deck.deck_id))
                 for model in deck.models.values()}
        written = [f"{json.dumps(key)}: {text}" for table in (model_texts, added) for key, text in table.items()]
        cursor.execute("UPDATE col SET models = ?", ("{" + ", ".join(written) + "}",))
        model_texts.update(added)
        for note in deck.notes:
            note.write_to_db(cursor, timestamp, deck.deck_id, id_gen)
