"""export/anki_rows.py writes the notes and cards genanki's own Note objects write: the same database bytes.

Each case writes one package's collection twice, once with genanki.Note (given its own modification
time, as the export did before Rows) and once with Rows, and compares the two files byte for byte.
"""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

import pytest

from rgann_cards import libraries
from rgann_cards.export.anki import _genanki_model
from rgann_cards.export.anki_notetypes import FIELDS, notetype_specs
from rgann_cards.export.anki_rows import Row, card_ordinals
from rgann_cards.identity import identity

genanki = libraries.genanki()
CREATED = 1_700_000_000


# a plain genanki type whose card needs both fields (req "all"); the course's types need any of theirs
BOTH = {"model_id": 3000, "name": "Both", "fields": [{"name": "A"}, {"name": "B"}],
        "templates": [{"name": "Card 1", "qfmt": "{{#A}}{{B}}{{/A}}", "afmt": "{{A}}"}]}


def _models() -> dict:
    specs = notetype_specs(identity("rgann"))
    models = {kind: _genanki_model(spec, CREATED + i) for i, (kind, spec) in enumerate(specs.items())}
    return {**models, "both": genanki.Model(**BOTH)}


def _fields(kind: str, **given: str) -> tuple[str, ...]:
    names = FIELDS.get(kind) or [f["name"] for f in BOTH["fields"]]
    return tuple(given.get(name, f"{name} of {kind}") for name in names)


class _GenankiNote(genanki.Note):
    """genanki's own note, written with its own modification time (what the export's _Note did)."""

    def __init__(self, mod: int, **kwargs):
        super().__init__(**kwargs)
        self.mod = mod

    def write_to_db(self, cursor, timestamp, deck_id, id_gen):
        super().write_to_db(cursor, self.mod, deck_id, id_gen)


def _database(tmp_path: Path, name: str, decks: list) -> bytes:
    path = tmp_path / f"{name}.anki2"
    conn = sqlite3.connect(path)
    genanki.Package(decks).write_to_db(conn.cursor(), CREATED, itertools.count(CREATED * 1000))
    conn.commit()
    conn.close()
    return path.read_bytes()


def _both(tmp_path: Path, notes: list[tuple[str, str, tuple[str, ...], tuple[str, ...], int]]) -> tuple[bytes, bytes]:
    """(genanki's database, the Rows' database) for notes (kind, deck, fields, tags, mod) in two decks."""
    written = []
    for name, make in (("genanki", "note"), ("rows", "row")):
        models = _models()
        ordinals = {kind: card_ordinals(model) for kind, model in models.items()}
        decks = {d: genanki.Deck(2000 + i, d) for i, d in enumerate(["A", "A::B"])}
        for due, (kind, deck, fields, tags, mod) in enumerate(notes):
            guid = genanki.guid_for("test", due)
            if make == "note":
                note = _GenankiNote(mod, model=models[kind], fields=list(fields), tags=list(tags), guid=guid, due=due)
            else:
                note = Row(models[kind], guid, fields, tags, mod, due, ordinals[kind](fields))
            decks[deck].add_note(note)
        written.append(_database(tmp_path, name, list(decks.values())))
    return written[0], written[1]


def _cards(database: bytes, tmp_path: Path) -> list[tuple]:
    path = tmp_path / "read.anki2"
    path.write_bytes(database)
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT nid, ord, due, mod FROM cards ORDER BY id").fetchall()


def test_a_course_of_every_kind_writes_genankis_bytes(tmp_path):
    notes = []
    for i in range(300):  # enough rows for the tables to span many pages, notes and cards interleaved
        deck = "A" if i % 3 else "A::B"
        notes.append(("exercise", deck, _fields("exercise", Question=f"Q{i} $x_{i}$"), ("rgann::t1", f"n{i}"),
                      CREATED + i))
        notes.append(("basic", deck, _fields("basic", Front=f"Front {i}"), ("rgann::t1",), CREATED))
        notes.append(("cloze", deck, _fields("cloze", Text=f"{{{{c1::a{i}}}}} and {{{{c{i % 7 + 2}::b}}}}"), (),
                      CREATED + 2 * i))
    mine, theirs = _both(tmp_path, notes)
    assert mine == theirs


def test_cloze_cards_come_in_genankis_order_and_only_for_real_numbers(tmp_path):
    """genanki iterates a set: c9 before c1 (slot collision), c0 and a number without '::' make no card."""
    texts = ["{{c9::a}} {{c1::b}}", "{{c17::a}} {{c1::b}} {{c9::c}}", "{{c0::zero}} {{c2::two}} {{c3}}", "no cloze",
             "{{c2::x\ny}}", "{{c1::a}}{{c1::b}}"]
    notes = [("cloze", "A", _fields("cloze", Text=text), (), CREATED) for text in texts]
    genankis, rows = _both(tmp_path, notes)
    assert rows == genankis
    ords = [(nid, ord_) for nid, ord_, _, _ in _cards(rows, tmp_path)]
    first = ords[0][0]
    assert [o for n, o in ords if n == first] == [8, 0]  # genanki's set order, not sorted


def test_a_front_back_note_without_its_required_fields_gets_no_card(tmp_path):
    """genanki's rule (the type's ``req``): a basic card needs a Front or a Context, a "both" card both
    fields; a note without gets no card, and is written all the same."""
    assert _models()["basic"]._req == [[0, "any", [1, 3]]] and _models()["both"]._req == [[0, "all", [0, 1]]]
    notes = [("basic", "A", _fields("basic", Front="", Context=""), (), CREATED),
             ("basic", "A", _fields("basic", Front=""), (), CREATED),
             ("both", "A", _fields("both", A=""), (), CREATED),
             ("both", "A", _fields("both"), (), CREATED)]
    genankis, rows = _both(tmp_path, notes)
    assert rows == genankis
    with_cards = {nid for nid, _, _, _ in _cards(rows, tmp_path)}
    assert len(with_cards) == 2  # the second and the fourth note


def test_cards_carry_the_notes_own_modification_time_and_due(tmp_path):
    notes = [("basic", "A", _fields("basic"), (), CREATED + 5), ("cloze", "A", _fields("cloze", Text="{{c1::a}}"), (),
                                                                  CREATED + 9)]
    genankis, rows = _both(tmp_path, notes)
    assert rows == genankis
    assert [(due, mod) for _, _, due, mod in _cards(rows, tmp_path)] == [(0, CREATED + 5), (1, CREATED + 9)]


@pytest.mark.parametrize("problem", ["fields", "tag"])
def test_what_genanki_refuses_is_refused(problem):
    model = _models()["basic"]
    fields, tags = _fields("basic"), ("a",)
    if problem == "fields":
        fields = fields[:-1]
    else:
        tags = ("two words",)
    with pytest.raises(ValueError):
        Row(model, "guid", fields, tags, CREATED, 0, [0])


def _collection(tmp_path: Path, name: str, write) -> bytes:
    """A collection of five decks (one empty, one whose notes are all of one type, names beyond ASCII)
    and every note type, written by ``write(cursor, decks, timestamp, id_gen)``."""
    models = _models()
    ordinals = {kind: card_ordinals(model) for kind, model in models.items()}
    decks = [genanki.Deck(2000 + i, d, description=f"<b>{d}</b> é") for i, d in
             enumerate(["A", "A::B", "A::Ä — ü", "A::empty", "A::only cloze"])]
    for i in range(240):
        kind = ["exercise", "basic", "cloze", "both"][i % 4]
        deck = decks[4] if kind == "cloze" and i % 8 == 2 else decks[i % 3]
        fields = _fields(kind, Text=f"{{{{c{i % 3 + 1}::x{i}}}}}") if kind == "cloze" else _fields(kind)
        deck.add_note(Row(models[kind], genanki.guid_for("t", i), fields, ("t",), CREATED + i, i, ordinals[kind](fields)))
    path = tmp_path / f"{name}.anki2"
    conn = sqlite3.connect(path)
    write(conn.cursor(), decks, CREATED, itertools.count(CREATED * 1000))
    conn.commit()
    conn.close()
    return path.read_bytes()


def test_the_collection_is_written_as_genankis_package_writes_it(tmp_path):
    """write_collection keeps the deck and note type tables instead of parsing them back for each deck:
    the same database, byte for byte, as genanki's Package.write_to_db."""
    from rgann_cards.export.anki_rows import write_collection

    theirs = _collection(tmp_path, "genanki", lambda cursor, decks, *rest: genanki.Package(decks).write_to_db(
        cursor, *rest))
    mine = _collection(tmp_path, "ours", write_collection)
    assert mine == theirs
    path = tmp_path / "ours.anki2"
    with sqlite3.connect(path) as conn:
        (models,) = conn.execute("SELECT models FROM col").fetchone()
    assert models.count('"did": 2004') == 1  # the cloze type's last deck: each type keeps its last deck's id


def test_a_tag_with_a_space_is_refused_as_genanki_refuses_it():
    """Row finds a space in a tag by counting the joined tags' spaces: on random tags, it refuses exactly
    those genanki's note refuses, naming the first tag that has one."""
    import random

    model = _models()["basic"]
    fields = _fields("basic")
    rng = random.Random(3)
    refused = 0
    for _ in range(3000):
        tags = tuple("".join(rng.choices("ab: \t", k=rng.randint(0, 3))) for _ in range(rng.randint(0, 4)))
        spaced = [t for t in tags if " " in t]
        try:
            Row(model, "g", fields, tags, CREATED, 0, [0])
        except ValueError as error:
            assert spaced and str(error) == f"tag {spaced[0]!r} contains a space", tags
            with pytest.raises(ValueError):
                genanki.Note(model=model, fields=list(fields), tags=list(tags))
            refused += 1
        else:
            assert not spaced, tags
            genanki.Note(model=model, fields=list(fields), tags=list(tags))
    assert 300 < refused < 2700


def test_a_field_without_the_start_of_an_image_has_no_image_to_rename():
    """build_notes skips anki_images for a field without anki.IMAGE_START: every match of IMG_TAG starts
    with it, so on random HTML the skipped fields are exactly those anki_images leaves alone."""
    import random

    from rgann_cards.export.anki import IMAGE_START, Media
    from rgann_cards.export.images import anki_images
    from rgann_cards.markup.images import IMG_TAG

    assert IMG_TAG.pattern.replace("(", "", 1).startswith(IMAGE_START)  # literally, its first group opened inside
    media = {"media/a.png": Media.from_bytes(b"a", ".png"), 'media/&"b.svg': Media.from_bytes(b"b", ".svg")}
    rng = random.Random(4)
    pieces = ['<img src="media/a.png" alt="x">', '<img src="media/', '<img src="a.png" alt="">', "<img", "media/",
              'a.png" alt="y">', "text", "é", '"', ">"]
    renamed = 0
    for _ in range(3000):
        html = "".join(rng.choices(pieces, k=rng.randint(0, 6)))
        try:
            out = anki_images(html, media)
        except KeyError:  # an image the course does not have (lint refuses it): never skipped either
            assert IMAGE_START in html
            continue
        if IMAGE_START not in html:
            assert out == html
        renamed += out != html
    assert renamed > 300
