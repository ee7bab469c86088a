"""Course identity: the shipped course's Anki ids are frozen; a second course never touches the first.

The frozen values are written out here as literals (not imported from the
package), so that no refactoring of rgann_cards/identity.py can change them
unnoticed: every student who imported the deck keeps their review history
only while these stay exactly as they are.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from conftest import require_module, run_cli

FROZEN_ROOT_DECK_ID = 1_747_000_000_000
FROZEN_NOTETYPES = {1_747_000_000_101: "rgann-cards Exercise", 1_747_000_000_102: "rgann-cards Basic",
                    1_747_000_000_103: "rgann-cards Cloze"}
REUSED = ["s02-t3a-autoencoder-purpose", "s02-t3a-ae-training-goal", "s02-t3a-ae-components"]


def _frozen_deck_id(full_name: str) -> int:
    return FROZEN_ROOT_DECK_ID + 1_000 + int.from_bytes(
        hashlib.sha256(f"rgann-cards deck {full_name}".encode()).digest()[:4], "big")


def _package_tables(apkg: Path, tmp_path: Path) -> tuple[list[tuple[str, str, int]], dict, dict]:
    """(guid, first field, note type id) of every note, the note types and the decks stored in a package."""
    db = tmp_path / f"{apkg.stem}.anki2"
    db.write_bytes(zipfile.ZipFile(apkg).read("collection.anki2"))
    with sqlite3.connect(db) as conn:
        notes = [(guid, flds.split("\x1f")[0], mid) for guid, flds, mid in conn.execute("select guid, flds, mid from notes")]
        models_json, decks_json = conn.execute("select models, decks from col").fetchone()
    return notes, json.loads(models_json), json.loads(decks_json)


def test_the_shipped_package_keeps_its_ids(shipped_build: Path, tmp_path: Path):
    genanki = require_module("genanki")
    notes, models, decks = _package_tables(shipped_build / "dist" / "rgann.apkg", tmp_path)
    assert sorted(p.name for p in (shipped_build / "dist").glob("rgann.*")) == ["rgann.apkg", "rgann.json"]
    assert len(notes) > 100
    for guid, yaml_id, _ in notes:
        assert guid == genanki.guid_for("rgann-cards", yaml_id), yaml_id
    assert {int(k): m["name"] for k, m in models.items()} == FROZEN_NOTETYPES
    assert {mid for _, _, mid in notes} == set(FROZEN_NOTETYPES)
    ours = {d["name"]: int(k) for k, d in decks.items() if d["name"] != "Default"}
    assert ours.pop("RGANN") == FROZEN_ROOT_DECK_ID
    assert ours and all(deck_id == _frozen_deck_id(name) for name, deck_id in ours.items())


def test_the_guid_maker_writes_what_genanki_s_guid_for_writes():
    """The package's GUIDs are computed by lifecycle.identity itself (faster): the same as genanki's own
    function for every id a course may use, and for the ids whose hash starts with zero bytes."""
    import random

    from rgann_cards.content.model import CourseInfo
    from rgann_cards.lifecycle.identity import note_guid_maker

    genanki = require_module("genanki")
    rng = random.Random(14)
    alphabet = "abcxyz09-_.:/ äöüßé€\u2028\U0001f600\"'"
    ids = ["", "0", "s02-t1a-lstm-gates"] + ["".join(rng.choices(alphabet, k=rng.randint(1, 40))) for _ in range(20_000)]
    for course, namespace in (("rgann", "rgann-cards"), ("other-course", "rgann-cards/other-course")):
        guid = note_guid_maker(CourseInfo(id=course, title="T", root_deck="R"))
        assert [guid(i) for i in ids] == [genanki.guid_for(namespace, i) for i in ids]
    # a hash whose first bytes are zero has fewer base-91 digits: found by search, checked the same way
    short = next(i for i in map(str, range(10**6)) if hashlib.sha256(f"rgann-cards__{i}".encode()).digest()[0] == 0)
    assert note_guid_maker(CourseInfo(id="rgann", title="T", root_deck="R"))(short) == genanki.guid_for("rgann-cards", short)


def test_the_shipped_course_keeps_its_progress_file():
    from rgann_cards.quiz.store import default_path

    assert default_path("rgann").name == "progress.sqlite3"
    assert default_path("other-course").name == "progress-other-course.sqlite3"


def test_two_courses_in_one_collection(shipped_build: Path, tmp_path: Path):
    """The shipped deck, then an `init` course that reuses three of its YAML ids, into one real collection."""
    require_module("anki")
    from anki.collection import Collection, ImportAnkiPackageRequest

    work = tmp_path / "second"
    work.mkdir()
    assert run_cli("init", "second", "--title", "Second Course", cwd=tmp_path).returncode == 0
    deck_file = next(p for p in work.glob("*.yaml") if p.name not in ("course.yaml", "references.yaml"))
    text = deck_file.read_text("utf-8")
    for old, new in zip(["kl-asymmetry", "kl-symmetric", "kl-definition-cloze"], REUSED):
        text = text.replace(f"id: {old} ", f"id: {new} ").replace(f"id: {old}\n", f"id: {new}\n")
    deck_file.write_text(text, "utf-8")
    built = run_cli("build", "--content", "second", "--dist", "second-dist", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    second_apkg, = (tmp_path / "second-dist").glob("*.apkg")
    second_notes, _, _ = _package_tables(second_apkg, tmp_path)
    assert sorted(i for _, i, _ in second_notes) == sorted(REUSED)  # the second course really reuses the ids

    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        def import_(apkg: Path):
            options = col._backend.get_import_anki_package_presets()
            return col.import_anki_package(ImportAnkiPackageRequest(package_path=str(apkg), options=options)).log

        def snapshot(query: str) -> dict:
            return {col.get_note(n).guid: (list(col.get_note(n).fields), col.get_note(n).mid)
                    for n in col.find_notes(query)}

        import_(shipped_build / "dist" / "rgann.apkg")
        shipped_before = snapshot("deck:RGANN")
        log = import_(second_apkg)
        assert len(log.new) == len(second_notes)
        assert not log.updated and not log.duplicate and not log.conflicting and not log.first_field_match
        assert snapshot("deck:RGANN") == shipped_before  # nothing of the first course overwritten
        second = snapshot('"deck:Second Course"')
        assert len(second) == len(second_notes)  # the second course's deck is complete
        assert col.note_count() == len(shipped_before) + len(second_notes)
        first_types = {mid for _, mid in shipped_before.values()}
        second_types = {mid for _, mid in second.values()}
        assert first_types == set(FROZEN_NOTETYPES) and not first_types & second_types
        names = {col.models.get(mid)["name"] for mid in second_types}
        assert all(name.startswith("rgann-cards ") and "(second-" in name for name in names), names
    finally:
        col.close()
