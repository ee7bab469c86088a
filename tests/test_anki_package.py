"""The .apkg through the real Anki backend: import, render, review, edit, re-import."""

from __future__ import annotations

import hashlib
import re
import time
import zipfile
from pathlib import Path

import pytest

from conftest import import_package, require_module, run_cli

anki = None


@pytest.fixture(autouse=True)
def _anki():
    global anki
    anki = require_module("anki")
    require_module("anki.collection")


def _collection(tmp_path: Path):
    from anki.collection import Collection

    return Collection(str(tmp_path / "collection.anki2"))


_import = import_package


def _build(project: Path, clock: int | None = None) -> Path:
    """Build; ``clock`` pins the build's time (SOURCE_DATE_EPOCH), so stamps never come after a user's edit."""
    result = run_cli("build", cwd=project, env={"SOURCE_DATE_EPOCH": str(clock)} if clock else None)
    assert result.returncode == 0, result.stderr
    return project / "dist" / "rgann.apkg"


def _card_for(col, yaml_id: str):
    ids = col.find_cards(f'"ID:{yaml_id}"')
    assert len(ids) == 1, yaml_id
    return col.get_card(ids[0])


EXPECTED_IDS = ["fx-t1a-sigmoid", "fx-t1a-sigmoid-cloze", "fx-t1a-sigmoid-max", "fx-t1b-kl", "fx-t1b-kl-definition",
                "fx-t1b-kl-symmetric", "fx-t2a-bptt", "fx-t2a-bptt-card"]


def test_round_trip_counts_rendering_and_media(project: Path, tmp_path: Path):
    apkg = _build(project)
    col = _collection(tmp_path)
    try:
        log = _import(col, apkg)
        assert log["new"] == EXPECTED_IDS
        assert sum(len(v) for k, v in log.items() if k != "new") == 0
        # 3 exercises + 5 atomic cards, each cloze has one deletion -> one card per note
        assert col.note_count() == 8
        assert col.card_count() == 8
        names = sorted(d.name for d in col.decks.all_names_and_ids())
        assert names == ["Default", "FIX", "FIX::Sheet 01", "FIX::Sheet 01::Task 1 · Basics",
                         "FIX::Sheet 01::Task 2 · More"]
        assert {m["name"] for m in col.models.all()} >= {"rgann-cards Basic", "rgann-cards Cloze",
                                                         "rgann-cards Exercise"}
        for cid in col.find_cards("deck:FIX"):
            card = col.get_card(cid)
            for html in (card.question(), card.answer()):
                assert "{{" not in html.replace("{{c1::", "")  # no unrendered template syntax
                for marker in ("no field called", "Error", "unknown filter", "template-error"):
                    assert marker not in html, (card.note()["ID"], marker)
        report = col.media.check()
        assert list(report.missing) == [] and list(report.unused) == []
    finally:
        col.close()


def test_math_survives_intact(project: Path, tmp_path: Path):
    col = _collection(tmp_path)
    try:
        _import(col, _build(project))
        ex = _card_for(col, "fx-t1a-sigmoid")
        assert r"\(\sigma(x) = \frac{1}{1+e^{-x}}\)" in ex.question()
        answer = ex.answer()
        assert r"\[\sigma'(x) = \sigma(x)\,(1-\sigma(x))\]" in answer
        assert r"\(a_1 * b_2 &lt; c\)" in answer  # Markdown left the math alone; '<' escaped
        assert "&amp; more" in answer
        cloze = _card_for(col, "fx-t1b-kl-definition")
        # a deletion inside math: display math, the front's blank a dashed box (never a bare '[...]'),
        # the back's answer in the colour of its card (templates/anki/cards.css, export/anki_cloze.py)
        front = cloze.question()
        assert r"KL(P\|Q)" in front and r"\(KL" not in front and "[...]" not in front
        assert r"\bbox[3px,border:2px dashed var(--cloze);color:var(--cloze)]{\mathord{\;?\;} }\vphantom]" in front
        assert r"\bbox[2px,color:var(--cloze-a1);background-color:var(--cloze-b1)]{\sum_x" in cloze.answer()
        # the deletion ends where the author meant, despite the '}}}' in the source
        assert r"\sum_x P(x)\log\frac{P(x)}{Q(x)}" in re.sub(r"<[^>]+>", "", cloze.answer()).replace("} ", "}")
        sigma = _card_for(col, "fx-t1a-sigmoid-cloze")
        assert r"\sigma(x)\,(1-\sigma(x))" in re.sub(r"<[^>]+>", "", sigma.answer())
    finally:
        col.close()


def test_course_order_and_tags(project: Path, tmp_path: Path):
    col = _collection(tmp_path)
    try:
        _import(col, _build(project))
        cards = sorted((col.get_card(cid) for cid in col.find_cards("deck:FIX")), key=lambda c: c.due)
        order = [c.note()["ID"] for c in cards]
        assert order == ["fx-t1a-sigmoid", "fx-t1a-sigmoid-max", "fx-t1a-sigmoid-cloze", "fx-t1b-kl",
                         "fx-t1b-kl-symmetric", "fx-t1b-kl-definition", "fx-t2a-bptt", "fx-t2a-bptt-card"]
        assert sorted(_card_for(col, "fx-t1a-sigmoid-max").note().tags) == ["activation", "sheet01", "task01"]
        assert sorted(_card_for(col, "fx-t2a-bptt").note().tags) == ["sheet01", "task02"]
    finally:
        col.close()


def test_update_cycle_keeps_history_and_user_edits(project: Path, tmp_path: Path):
    # The releases happen before the student's edit, as they do in life: built within one second,
    # the edited note's stamp (always later than its last one, so Anki updates it) would be in the future.
    released = int(time.time()) - 100
    col = _collection(tmp_path)
    try:
        _import(col, _build(project, released))
        # 1. review a card
        card = _card_for(col, "fx-t1b-kl")
        card.start_timer()
        col.sched.answerCard(card, 3)
        reviewed = _card_for(col, "fx-t1b-kl")
        assert reviewed.reps == 1 and col.db.scalar("select count() from revlog") == 1

        # 2. edit that note's answer in the YAML and rebuild
        path = project / "content" / "sheet01" / "task01-basics.yaml"
        path.write_text(path.read_text("utf-8").replace("No. For", "No, not in general. For"), "utf-8")
        log = _import(col, _build(project, released + 50))

        # 3. updated in place: history kept, nothing duplicated or conflicting
        assert log["updated"] == ["fx-t1b-kl"]
        assert log["new"] == [] and log["conflicting"] == [] and log["first_field_match"] == []
        after = _card_for(col, "fx-t1b-kl")
        assert after.id == reviewed.id and after.reps == 1 and after.due == reviewed.due
        assert "not in general" in after.note()["Answer"]
        assert col.db.scalar("select count() from revlog where cid = ?", after.id) == 1
        assert col.note_count() == 8

        # 4. a rebuild with no change is "unchanged" (Anki's log calls it duplicate: already present)
        #    and leaves the user's own edit alone
        note = after.note()
        note["Answer"] += "<p>my own mnemonic</p>"
        col.update_note(note)
        log = _import(col, _build(project, released + 60))
        assert log["updated"] == [] and log["new"] == [] and len(log["duplicate"]) == 8
        assert "my own mnemonic" in _card_for(col, "fx-t1b-kl").note()["Answer"]
    finally:
        col.close()


def test_template_change_reaches_existing_collections(project: Path, tmp_path: Path, monkeypatch):
    """Changing the card CSS bumps the note type's mtime, so Anki updates the note type on re-import."""
    col = _collection(tmp_path)
    try:
        _import(col, _build(project))
        from rgann_cards import paths

        templates = tmp_path / "templates"
        import shutil

        shutil.copytree(paths.TEMPLATES_DIR, templates)
        css = templates / "anki" / "cards.css"
        css.write_text(css.read_text("utf-8") + "\n.rgann-test-marker { color: red; }\n", "utf-8")
        result = run_cli("build", cwd=project, env={"RGANN_TEMPLATES": str(templates)})
        assert result.returncode == 0, result.stderr
        _import(col, project / "dist" / "rgann.apkg")
        model = col.models.by_name("rgann-cards Basic")
        assert ".rgann-test-marker" in model["css"]
    finally:
        col.close()


def test_two_builds_give_identical_bytes(project: Path, tmp_path: Path):
    first = hashlib.sha256(_build(project).read_bytes()).hexdigest()
    json_first = (project / "dist" / "rgann.json").read_bytes()
    (project / "dist" / "rgann.apkg").unlink()
    second = hashlib.sha256(_build(project).read_bytes()).hexdigest()
    assert first == second
    assert (project / "dist" / "rgann.json").read_bytes() == json_first
    # a fresh checkout (another directory, same sources and lock) gives the same bytes too
    other = tmp_path / "elsewhere"
    import shutil

    shutil.copytree(project / "content", other / "content")
    assert hashlib.sha256(_build(other).read_bytes()).hexdigest() == first


def test_package_layout_is_deterministic_and_compressed(project: Path):
    with zipfile.ZipFile(_build(project)) as archive:
        infos = archive.infolist()
        assert [i.filename for i in infos][:2] == ["collection.anki2", "media"]
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in infos)
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in infos)
        assert archive.read("media") == b"{}"


def test_shipped_deck_imports_cleanly(shipped_build: Path, tmp_path: Path):
    from rgann_cards.content.load import load_course
    from rgann_cards.markup import split_clozes

    course = load_course(shipped_build / "content")
    exercises = [ex for _, ex in course.exercises()]
    cards = [card for ex in exercises for card in ex.cards]
    expected_cards = len(exercises) + sum(
        len({c.number for c in split_clozes(card.cloze)[1]}) if card.kind == "cloze" else 1 for card in cards)
    col = _collection(tmp_path)
    try:
        log = _import(col, shipped_build / "dist" / "rgann.apkg")
        assert len(log["new"]) == len(exercises) + len(cards)
        assert col.note_count() == len(exercises) + len(cards)
        assert col.card_count() == expected_cards
        decks = {d.name for d in col.decks.all_names_and_ids()}
        assert {f"RGANN::{deck.deck}" for deck in course.decks} <= decks
        for cid in col.find_cards("deck:RGANN"):
            card = col.get_card(cid)
            question, answer = card.question(), card.answer()
            for html in (question, answer):
                for marker in ("no field called", "unknown filter", "template-error", "{{c"):
                    assert marker not in html, (card.note()["ID"], marker)
                assert html.count(r"\(") == html.count(r"\)") and html.count(r"\[") == html.count(r"\]")
            if card.note().note_type()["name"] == "rgann-cards Exercise":
                ex = next(e for e in exercises if e.id == card.note()["ID"])
                # arithmetic checks are shown as computed, never counted as verified
                # the exam-length model answer comes first, the full answer below it as the explanation
                assert answer.index("Model answer") < answer.index("Explanation"), ex.id
                if any(not c.arithmetic for c in ex.checks):
                    assert "Verified: " in answer
                elif ex.checks:
                    assert "Computed: " in answer and "Verified" not in answer
        assert list(col.media.check().missing) == []
    finally:
        col.close()


def test_the_zip_thread_gives_the_same_bytes_and_hands_back_its_error(project: Path, monkeypatch):
    """The package is deflated on a thread while the build goes on; what it makes or raises reaches the caller."""
    from rgann_cards.build import build
    from rgann_cards.export import anki

    build(project / "content", project / "dist", state_dir=project / "state")
    first = (project / "dist" / "rgann.apkg").read_bytes()
    (project / "dist" / "rgann.apkg").unlink()
    build(project / "content", project / "dist", state_dir=project / "state")
    assert (project / "dist" / "rgann.apkg").read_bytes() == first

    def broken(entries):
        raise MemoryError("no room to deflate")

    monkeypatch.setattr(anki, "_deflate", broken)
    (project / "dist" / "rgann.apkg").unlink()
    with pytest.raises(MemoryError, match="no room to deflate"):
        build(project / "content", project / "dist", state_dir=project / "state")
    assert not (project / "dist" / "rgann.apkg").exists()  # nothing half-written


def test_notes_made_without_their_init_equal_notes_made_with_it(monkeypatch, tmp_path: Path):
    """anki._note skips the frozen dataclass's __init__: every note of the shipped course equals the one
    NoteData(...) makes from the same arguments, field by field, and stays frozen."""
    import dataclasses

    from rgann_cards.build import render_figures
    from rgann_cards.content.load import load_course
    from rgann_cards.content.media import figure_file
    from rgann_cards.export import anki

    course = load_course(Path(__file__).resolve().parent.parent / "content")
    svgs = render_figures(course, tmp_path / "figures")
    media = {name: anki.Media.from_bytes(data, Path(figure_file(name)).suffix) for name, data in
             {**course.media, **svgs}.items()}
    fast = anki.build_notes(course, {}, media)
    monkeypatch.setattr(anki, "_note", anki.NoteData)
    proper = anki.build_notes(course, {}, media)
    assert len(fast) == len(proper) and {n.kind for n in fast} == {"exercise", "basic", "cloze"}
    names = [f.name for f in dataclasses.fields(anki.NoteData)]
    for note, made in zip(fast, proper):
        assert note == made and repr(note) == repr(made) and list(vars(note)) == names
        with pytest.raises(dataclasses.FrozenInstanceError):
            note.tags = ()
