"""Course updates against the real Anki backend: every change that used to cost history silently.

Each scenario builds v1 of a small course, imports it, reviews every card with
``col.sched.answer_card`` (so revlog rows exist), changes the content, builds
v2 and checks: the guard's exact message, ``diff`` against v1's package and
against the collection, that importing v2 keeps every revlog row, and that
tombstones arrive tagged. Errors must leave the previous package untouched.
"""

from __future__ import annotations

import json
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import FIXTURES, import_package, require_module

E1 = 1_750_000_000  # v1's SOURCE_DATE_EPOCH; v2 one day later: both before the reviews, as in real life
E2 = E1 + 86_400
CLOZE2 = """      - id: fx-t2a-bptt-cloze
        cloze: "BPTT {{c1::unrolls the network in time}} and {{c2::sums the gradients over the time steps}}."
"""
BASICS = Path("content/sheet01/task01-basics.yaml")
MORE = Path("content/sheet01/task02-more.yaml")


@pytest.fixture(autouse=True)
def _anki():
    require_module("anki")
    require_module("anki.collection")


def _build(project: Path, epoch: int):
    from rgann_cards.build import build

    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        return build(project / "content", project / "dist", cache_dir=project / "cache")
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH") if old is None else os.environ.__setitem__("SOURCE_DATE_EPOCH", old)


@pytest.fixture(scope="module")
def v1(tmp_path_factory) -> Path:
    """The course (the valid fixture plus a two-deletion cloze) built once as v1, with its lock."""
    base = tmp_path_factory.mktemp("v1")
    shutil.copytree(FIXTURES / "valid", base / "content")
    more = base / MORE
    more.write_text(more.read_text("utf-8") + CLOZE2, "utf-8")
    report = _build(base, E1)
    assert report.warnings == []
    shutil.copy(base / "dist" / "rgann.apkg", base / "v1.apkg")
    return base


class Student:
    """A real Anki collection that imported v1 and reviewed every card once."""

    def __init__(self, project: Path, ratings: dict[str, int] | None = None):
        from anki.collection import Collection

        self.path = project / "student" / "collection.anki2"
        self.path.parent.mkdir()
        self.col = Collection(str(self.path))
        log = import_package(self.col, project / "v1.apkg")
        assert len(log["new"]) == 9
        for cid in sorted(self.col.find_cards("deck:FIX")):
            card = self.col.get_card(cid)
            key = f"{card.note()['ID']}#c{card.ord + 1}" if card.note_type()["type"] == 1 else card.note()["ID"]
            self.answer(card, (ratings or {}).get(key, 3))

    def answer(self, card, rating: int) -> None:
        from anki.scheduler.v3 import CardAnswer

        states = self.col._backend.get_scheduling_states(card.id)
        ratings = {1: CardAnswer.AGAIN, 3: CardAnswer.GOOD, 4: CardAnswer.EASY}
        card.start_timer()
        self.col.sched.answer_card(self.col.sched.build_answer(card=card, states=states, rating=ratings[rating]))

    def revlog(self) -> int:
        return self.col.db.scalar("select count() from revlog")

    def note(self, yaml_id: str):
        ids = self.col.find_notes(f'"ID:{yaml_id}"')
        assert len(ids) == 1, yaml_id
        return self.col.get_note(ids[0])

    def deck_of(self, yaml_id: str) -> str:
        return self.col.decks.name(self.note(yaml_id).cards()[0].did)

    @contextmanager
    def closed(self):
        """Close for `diff --collection` (Anki must be closed), reopen afterwards."""
        from anki.collection import Collection

        self.col.close()
        yield
        self.col = Collection(str(self.path))

    def import_v2(self, project: Path, scenario: str) -> dict[str, list[str]]:
        before = self.revlog()
        log = import_package(self.col, project / "dist" / "rgann.apkg")
        print(f"revlog rows, {scenario}: {before} before, {self.revlog()} after importing")  # shown with -s
        assert self.revlog() == before  # every review survives the update
        return log


@pytest.fixture
def project(v1: Path, tmp_path: Path, monkeypatch) -> Path:
    shutil.copytree(v1 / "content", tmp_path / "content")
    shutil.copy(v1 / "v1.apkg", tmp_path / "v1.apkg")
    shutil.copytree(v1 / "dist", tmp_path / "dist")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), "utf-8")


def _at(path: Path, ident: str) -> str:
    """``file:line:col`` of the mapping that starts with ``- id: ident``."""
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if line.strip() == f"- id: {ident}":
            return f"{path}:{number}:{line.index('id:') + 1}"
    raise AssertionError(ident)


def _diff(capsys, *args: str) -> tuple[int, dict]:
    from rgann_cards.cli import main

    capsys.readouterr()
    code = main(["diff", *args, "--json"])
    return code, json.loads(capsys.readouterr().out)


def _counts(result: dict) -> dict[str, int]:
    return {k: v for k, v in result["counts"].items() if v}


def _statuses(result: dict) -> dict[str, str]:
    return {n["id"]: n["status"] for n in result["notes"] if n["status"] != "unchanged"}


def _warnings(report) -> list[str]:
    return [w.as_warning() for w in sorted(set(report.warnings))]


def _errors(project: Path, epoch: int) -> list[str]:
    from rgann_cards.errors import ContentError

    before = (project / "dist" / "rgann.apkg").read_bytes()
    with pytest.raises(ContentError) as info:
        _build(project, epoch)
    assert (project / "dist" / "rgann.apkg").read_bytes() == before  # never reaches a package
    return [str(p) for p in info.value.problems]


def _both_diffs(capsys, student: Student, expected: dict[str, int], safe: bool) -> dict:
    code, against_apkg = _diff(capsys, "v1.apkg")
    assert (_counts(against_apkg), code) == (expected, 0 if safe else 3)
    with student.closed():
        code, against_col = _diff(capsys, "--collection", str(student.path))
    assert (_counts(against_col), code) == (expected, 0 if safe else 3)
    assert _statuses(against_col) == _statuses(against_apkg)
    return against_col


def test_removed_card_ships_as_tagged_tombstone(project: Path, capsys):
    student = Student(project)
    _edit(BASICS, "      - id: fx-t1b-kl-symmetric\n        front: Is $KL(P\\|Q) = KL(Q\\|P)$ in general?\n"
                  "        back: No.\n", "")
    report = _build(project, E2)
    assert _warnings(report) == [
        f"{BASICS}: warning: 'fx-t1b-kl-symmetric' (a basic card) was removed from the course: Anki keeps it in "
        "students' collections and keeps scheduling it; it ships as a removed note tagged 'rgann::removed'"]
    result = _both_diffs(capsys, student, {"unchanged": 8, "removed": 1}, safe=True)
    assert _statuses(result) == {"fx-t1b-kl-symmetric": "removed"}
    reps = student.note("fx-t1b-kl-symmetric").cards()[0].reps
    log = student.import_v2(project, "card removed")
    assert log["updated"] == ["fx-t1b-kl-symmetric"]
    tomb = student.note("fx-t1b-kl-symmetric")
    assert tomb.tags == ["rgann::removed"]
    assert "Removed from the course." in tomb["Front"] and "tag:rgann::removed" in tomb["Back"]
    assert tomb.cards()[0].reps == reps == 1
    assert student.col.find_notes("tag:rgann::removed") == [tomb.id]  # the one search the README names
    changes = (project / "dist" / "CHANGES.md").read_text("utf-8")
    assert "- `fx-t1b-kl-symmetric` (basic card)" in changes and "search `tag:rgann::removed`" in changes
    # a second build ships the same tombstone: no new change, same bytes
    first = (project / "dist" / "rgann.apkg").read_bytes()
    assert _warnings(_build(project, E2 + 10)) == []
    assert (project / "dist" / "rgann.apkg").read_bytes() == first
    assert (project / "dist" / "CHANGES.md").read_text("utf-8") == changes  # the notes survive a rebuild


def test_rename_warns_and_the_tombstone_points_to_the_new_id(project: Path, capsys):
    student = Student(project)
    _edit(MORE, "id: fx-t2a-bptt-card", "id: fx-t2a-bptt-recall")
    report = _build(project, E2)
    assert _warnings(report) == [
        f"{MORE}: warning: 'fx-t2a-bptt-card' (a basic card) was removed from the course: Anki keeps it in "
        "students' collections and keeps scheduling it; it ships as a removed note tagged 'rgann::removed', "
        "pointing to 'fx-t2a-bptt-recall'",
        f"{_at(MORE, 'fx-t2a-bptt-recall')}: warning: new id 'fx-t2a-bptt-recall' has the same text as the removed "
        "'fx-t2a-bptt-card': if this is a rename, Anki adds a second note and the reviews stay with "
        "'fx-t2a-bptt-card'. Keep the id 'fx-t2a-bptt-card' to keep them; otherwise 'fx-t2a-bptt-card' ships as a "
        "removed note that points to 'fx-t2a-bptt-recall'"]
    _both_diffs(capsys, student, {"added": 1, "unchanged": 8, "removed": 1}, safe=True)
    log = student.import_v2(project, "id renamed")
    assert log["new"] == ["fx-t2a-bptt-recall"] and log["updated"] == ["fx-t2a-bptt-card"]
    assert "replaced by the card <code>fx-t2a-bptt-recall</code>" in student.note("fx-t2a-bptt-card")["Front"]
    assert student.note("fx-t2a-bptt-card").tags == ["rgann::removed"]


def test_reusing_a_removed_id_is_an_error(project: Path, capsys):
    student = Student(project)
    _edit(BASICS, "      - id: fx-t1a-sigmoid-max\n        front: What is the maximum of $\\sigma'(x)$?\n"
                  "        back: $\\frac{1}{4}$, at $x = 0$.\n", "")
    _build(project, E2)
    tomb_package = (project / "dist" / "rgann.apkg").read_bytes()
    _edit(MORE, "        back: time\n", "        back: time\n      - id: fx-t1a-sigmoid-max\n"
                "        front: Which activation has the larger maximum slope, tanh or sigmoid?\n"
                "        back: tanh (1 against 1/4).\n")
    message = (f"{_at(MORE, 'fx-t1a-sigmoid-max')}: id 'fx-t1a-sigmoid-max' was removed from the course (it was a "
               "basic card in 'FIX::Sheet 01::Task 1 · Basics') and must not be reused: Anki would give this card "
               "the old card's reviews. Give it a new id")
    assert _errors(project, E2 + 86_400) == [message]
    assert (project / "dist" / "rgann.apkg").read_bytes() == tomb_package
    from rgann_cards.cli import main

    capsys.readouterr()
    assert main(["lint"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == message
    student.import_v2(project, "id removed, later reused")
    assert student.note("fx-t1a-sigmoid-max").tags == ["rgann::removed"]  # the reviews stay with the old card


def test_the_same_card_back_under_its_id_is_restored(project: Path, capsys):
    student = Student(project)
    v1_text = BASICS.read_text("utf-8")
    _edit(BASICS, "      - id: fx-t1a-sigmoid-max\n        front: What is the maximum of $\\sigma'(x)$?\n"
                  "        back: $\\frac{1}{4}$, at $x = 0$.\n", "")
    _build(project, E2)
    student.import_v2(project, "card removed, then restored")
    BASICS.write_text(v1_text, "utf-8")
    assert _warnings(_build(project, E2 + 86_400)) == [
        f"{_at(BASICS, 'fx-t1a-sigmoid-max')}: warning: 'fx-t1a-sigmoid-max' is back in the course with its old "
        "text: it replaces its removed note again and students keep its reviews"]
    log = student.import_v2(project, "card removed, then restored")
    assert log["updated"] == ["fx-t1a-sigmoid-max"]
    note = student.note("fx-t1a-sigmoid-max")
    assert note.tags == ["activation", "sheet01", "task01"] and "maximum" in note["Front"] and note.cards()[0].reps == 1


def test_card_moved_to_another_deck_file(project: Path, capsys):
    student = Student(project)
    card = "      - id: fx-t1b-kl-symmetric\n        front: Is $KL(P\\|Q) = KL(Q\\|P)$ in general?\n        back: No.\n"
    _edit(BASICS, card, "")
    _edit(MORE, "        back: time\n", "        back: time\n" + card)
    report = _build(project, E2)
    assert _warnings(report) == [
        f"{_at(MORE, 'fx-t1b-kl-symmetric')}: warning: 'fx-t1b-kl-symmetric' moved from deck "
        "'FIX::Sheet 01::Task 1 · Basics' to 'FIX::Sheet 01::Task 2 · More': Anki keeps existing cards in "
        "'FIX::Sheet 01::Task 1 · Basics' (only new imports go to 'FIX::Sheet 01::Task 2 · More'); students can "
        "move them with Browse > Change Deck"]
    result = _both_diffs(capsys, student, {"updated": 1, "unchanged": 8, "moved": 1}, safe=False)
    assert [n["moved_from"] for n in result["notes"] if n["id"] == "fx-t1b-kl-symmetric"] == [
        "FIX::Sheet 01::Task 1 · Basics"]
    log = student.import_v2(project, "card moved to another deck file")
    assert log["updated"] == ["fx-t1b-kl-symmetric"]
    assert student.deck_of("fx-t1b-kl-symmetric") == "FIX::Sheet 01::Task 1 · Basics"  # Anki left it there
    assert "Moved to this deck" in (project / "dist" / "CHANGES.md").read_text("utf-8")


def test_deck_renamed(project: Path, capsys):
    student = Student(project)
    _edit(MORE, "Task 2 · More", "Task 2 · Time")
    report = _build(project, E2)
    assert _warnings(report) == [
        f"{MORE}:1:1: warning: deck 'FIX::Sheet 01::Task 2 · More' was renamed to 'FIX::Sheet 01::Task 2 · Time': "
        "Anki keeps students' existing cards in 'FIX::Sheet 01::Task 2 · More' and 'FIX::Sheet 01::Task 2 · Time' "
        "stays empty for them; they can rename the deck in Anki"]
    _both_diffs(capsys, student, {"updated": 3, "unchanged": 6, "moved": 3}, safe=False)
    student.import_v2(project, "deck renamed")
    assert student.deck_of("fx-t2a-bptt") == "FIX::Sheet 01::Task 2 · More"
    assert student.col.find_cards('"deck:FIX::Sheet 01::Task 2 · Time"') == []
    changes = (project / "dist" / "CHANGES.md").read_text("utf-8")
    assert "Deck renamed: 'FIX::Sheet 01::Task 2 · More' is now 'FIX::Sheet 01::Task 2 · Time'." in changes


def test_kind_change_is_an_error_and_the_fix_is_a_new_id(project: Path, capsys):
    student = Student(project)
    v1_package = (project / "dist" / "rgann.apkg").read_bytes()
    _edit(BASICS, "        front: What is the maximum of $\\sigma'(x)$?\n        back: $\\frac{1}{4}$, at $x = 0$.\n",
          "        cloze: \"The maximum of $\\\\sigma'(x)$ is {{c1::$\\\\frac{1}{4}$, at $x = 0$}}.\"\n")
    assert _errors(project, E2) == [
        f"{_at(BASICS, 'fx-t1a-sigmoid-max')}: id 'fx-t1a-sigmoid-max' was a basic card and is now a cloze card: "
        "Anki cannot change a note's type and would keep the old note ('conflicting'). Give it a new id (e.g. "
        "'fx-t1a-sigmoid-max-cloze'); the old id then ships as a removed note"]
    assert (project / "dist" / "rgann.apkg").read_bytes() == v1_package
    # without the lock the guard is blind: diff is the second line of defence
    lockless = project / "lockless"
    shutil.copytree(project / "content", lockless / "content")
    (lockless / "content" / "anki.lock").unlink()
    _build(lockless, E2)
    code, result = _diff(capsys, "v1.apkg", "--new", str(lockless / "dist" / "rgann.apkg"))
    assert code == 3 and _statuses(result)["fx-t1a-sigmoid-max"] == "kind_changed"
    # the fix from the message
    _edit(BASICS, "id: fx-t1a-sigmoid-max\n", "id: fx-t1a-sigmoid-max-cloze\n")
    assert _warnings(_build(project, E2))[0].startswith(
        f"{BASICS}: warning: 'fx-t1a-sigmoid-max' (a basic card) was removed from the course")
    _both_diffs(capsys, student, {"added": 1, "unchanged": 8, "removed": 1}, safe=True)
    log = student.import_v2(project, "basic -> cloze under the same id (after the fix)")
    assert log["conflicting"] == [] and log["new"] == ["fx-t1a-sigmoid-max-cloze"]
    assert student.note("fx-t1a-sigmoid-max").tags == ["rgann::removed"]


def test_swapped_cloze_numbers_are_an_error(project: Path, capsys):
    student = Student(project, ratings={"fx-t2a-bptt-cloze#c1": 4, "fx-t2a-bptt-cloze#c2": 1})
    v1_package = (project / "dist" / "rgann.apkg").read_bytes()
    v1_text = MORE.read_text("utf-8")
    _edit(MORE, "{{c1::unrolls the network in time}} and {{c2::sums the gradients over the time steps}}",
          "{{c2::unrolls the network in time}} and {{c1::sums the gradients over the time steps}}")
    at = _at(MORE, "fx-t2a-bptt-cloze")
    assert _errors(project, E2) == [
        f"{at}: cloze c1 of 'fx-t2a-bptt-cloze' now hides the text that c2 hid: Anki keeps each card's reviews by "
        "its number, so the card learnt as c2 would ask a different deletion. Keep the numbers (c2 for that text) "
        "and give new deletions new numbers",
        f"{at}: cloze c2 of 'fx-t2a-bptt-cloze' now hides the text that c1 hid: Anki keeps each card's reviews by "
        "its number, so the card learnt as c1 would ask a different deletion. Keep the numbers (c1 for that text) "
        "and give new deletions new numbers"]
    assert (project / "dist" / "rgann.apkg").read_bytes() == v1_package
    # the fix from the message: the numbers stay, a new deletion gets a new number
    MORE.write_text(v1_text.replace("time steps}}.", "time steps}} {{c3::from the last step back}}."), "utf-8")
    assert _warnings(_build(project, E2)) == []
    _both_diffs(capsys, student, {"updated": 1, "unchanged": 8}, safe=True)
    student.import_v2(project, "cloze c1/c2 swapped (refused; after the fix: c3 added)")
    easy, again = student.note("fx-t2a-bptt-cloze").cards()[:2]
    assert easy.ivl > again.ivl  # each card still asks what the student learnt under its number


def test_removed_cloze_number_warns(project: Path, capsys):
    student = Student(project)
    _edit(MORE, " and {{c2::sums the gradients over the time steps}}", "")
    report = _build(project, E2)
    assert _warnings(report) == [
        f"{_at(MORE, 'fx-t2a-bptt-cloze')}: warning: cloze c2 was removed from 'fx-t2a-bptt-cloze': Anki keeps "
        "its card, which shows 'No cloze 2 found on card'; students can delete it with Tools > Empty Cards"]
    _both_diffs(capsys, student, {"updated": 1, "unchanged": 8}, safe=True)
    student.import_v2(project, "cloze c2 removed")
    note = student.note("fx-t2a-bptt-cloze")
    assert len(note.cards()) == 2  # Anki keeps the card ...
    empty = student.col.get_empty_cards()
    assert [list(n.card_ids) for n in empty.notes] == [[note.cards()[1].id]]  # ... and Empty Cards finds it
    assert "(deletion c2 removed)" in (project / "dist" / "CHANGES.md").read_text("utf-8")


def test_note_marked_after_the_release_is_named_as_skipped(project: Path, capsys):
    student = Student(project)
    note = student.note("fx-t1b-kl")
    note.add_tag("marked")  # the student marks the note after v2 was stamped (E2 is in the past)
    student.col.update_note(note)
    _edit(BASICS, "No. For", "No, not in general. For")
    assert _warnings(_build(project, E2)) == []
    code, result = _diff(capsys, "v1.apkg")
    assert (_counts(result), code) == ({"updated": 1, "unchanged": 8}, 0)
    with student.closed():
        code, result = _diff(capsys, "--collection", str(student.path))
        from rgann_cards.cli import main

        assert main(["diff", "--collection", str(student.path)]) == 3
        text = capsys.readouterr().out
    assert (_counts(result), code, result["version"]) == ({"skipped": 1, "unchanged": 8}, 3, 1)
    assert _statuses(result) == {"fx-t1b-kl": "skipped"}
    assert "  skipped       fx-t1b-kl  (FIX::Sheet 01::Task 1 · Basics)" in text
    assert '"always": takes the course\'s fix; your edits to these notes (fields and tags) are lost.' in text
    log = student.import_v2(project, "student marked the note after the release")
    assert log["updated"] == []  # Anki really skipped it, as diff said
    assert "not in general" not in student.note("fx-t1b-kl")["Answer"]



def test_note_marked_before_the_release_loses_the_mark_and_diff_says_so(project: Path, capsys):
    """The other side of "if newer": a release stamped after the student's change replaces fields and tags."""
    import time

    student = Student(project)
    note = student.note("fx-t1b-kl")
    note.add_tag("marked")
    student.col.update_note(note)
    _edit(BASICS, "No. For", "No, not in general. For")
    _build(project, int(time.time()) + 86_400)  # built after the student marked the note
    with student.closed():
        code, result = _diff(capsys, "--collection", str(student.path))
    assert (_counts(result), code) == ({"updated": 1, "unchanged": 8, "tags_dropped": 1}, 3)
    assert [n["dropped_tags"] for n in result["notes"] if n["id"] == "fx-t1b-kl"] == [["marked"]]
    student.import_v2(project, "student marked the note before the release")
    assert student.note("fx-t1b-kl").tags == ["sheet01", "task01"]  # Anki dropped the mark, as diff said
