"""The identity guards run in the pages' child while the build makes the notes (outputs.render_outputs):
wherever they ran, and whatever happened to the child, the build is the one a single process makes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES

BASICS = Path("sheet01/task01-basics.yaml")
MORE = Path("sheet01/task02-more.yaml")
ROOT = Path(__file__).resolve().parent.parent


def test_records_remade_from_their_facts_are_the_records_note_records_makes():
    """records.remade takes the fingerprints from another process and the rest from this course:
    field by field the records note_records makes, the course's own objects in them; facts that do
    not fit the course note by note are refused."""
    from rgann_cards.content.load import load_course
    from rgann_cards.lifecycle.records import facts_of, note_records, remade

    course = load_course(ROOT / "content")
    records = note_records(course, ROOT / "content")
    assert {r.kind for r in records} == {"exercise", "basic", "cloze"} and any(r.cloze for r in records)
    again = remade(course, facts_of(course, records))
    assert again == records and [vars(r) for r in again] == [vars(r) for r in records]
    assert all(a.item is r.item and a.loc is r.loc and a.deck_loc is r.deck_loc for a, r in zip(again, records))
    files, texts, clozes = facts_of(course, records)
    assert len(files) > 1 and all("\n" not in r.text for r in records)
    for wrong in ((files[:-1], texts, clozes), (files + files[:1], texts, clozes),
                  (files, texts.rpartition("\n")[0], clozes), (files, texts + "\n" + records[0].text, clozes),
                  (files, "", clozes), ([], "", {})):
        assert remade(course, wrong) is None
    assert remade(course, ([], "", {})) is None and facts_of(course, []) == ([], "", {})


def _v1(tmp_path: Path) -> Path:
    from rgann_cards.build import build

    project = tmp_path / "v1"
    shutil.copytree(FIXTURES / "valid", project / "content")
    build(project / "content", project / "dist", cache_dir=None, state_dir=project / "state")
    return project


def _edit(project: Path, path: Path, old: str, new: str) -> None:
    text = (project / "content" / path).read_text("utf-8")
    assert old in text
    (project / "content" / path).write_text(text.replace(old, new), "utf-8")


CHANGES = {  # warnings of every kind the guards give (removed, renamed, moved deck), or an error
    "warnings": [(MORE, "id: fx-t2a-bptt-card", "id: fx-t2a-bptt-recall"),
                 (BASICS, "      - id: fx-t1b-kl-symmetric\n        front: Is $KL(P\\|Q) = KL(Q\\|P)$ in general?\n"
                          "        back: No.\n", "")],
    "error": [(BASICS, "        front: What is the maximum of $\\sigma'(x)$?\n"
                       "        back: $\\frac{1}{4}$, at $x = 0$.\n",
               "        cloze: \"The maximum of $\\\\sigma'(x)$ is {{c1::$\\\\frac{1}{4}$}}.\"\n")],
}


@pytest.mark.parametrize("change", sorted(CHANGES))
@pytest.mark.parametrize("where", ["child", "here: no child", "here: the child died in the guards",
                                   "here: the child's facts do not fit", "child, and the notes fail"])
def test_the_guards_give_the_same_build_wherever_they_run(tmp_path: Path, monkeypatch, change: str, where: str):
    from rgann_cards import build as building
    from rgann_cards import forked, outputs
    from rgann_cards.errors import ContentError
    from rgann_cards.export import anki
    from rgann_cards.lifecycle import guards, records

    ran = tmp_path / "guards-ran-in"
    real_guard, real_remade, real_notes = guards.guard_course, records.remade, anki.build_notes

    def guard_course(*args):
        with ran.open("a") as out:
            out.write("child\n" if forked.in_child() else "build\n")
        if where == "here: the child died in the guards" and forked.in_child():
            os._exit(3)
        return real_guard(*args)

    def run(name: str, fork: bool, patched: bool):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1750000000")
        project = _v1(tmp_path / name)
        for path, old, new in CHANGES[change]:
            _edit(project, path, old, new)
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1750086400")
        with monkeypatch.context() as m:
            m.setattr(forked, "can_fork", lambda: fork)
            if patched:
                m.setattr(guards, "guard_course", guard_course)
                if where == "here: the child's facts do not fit":
                    m.setattr(records, "remade", lambda course, facts: real_remade(
                        course, (facts[0], facts[1].rpartition("\n")[0], facts[2])))
                if where == "child, and the notes fail":  # the guards' error comes first, as in one process
                    m.setattr(anki, "build_notes", lambda *args: (_ for _ in ()).throw(RuntimeError("notes")))
            try:
                report = building.build(project / "content", project / "dist", cache_dir=None,
                                        state_dir=project / "state")
                said = [str(w) for w in report.warnings]
            except ContentError as error:
                said = ["error", str(error)]
        said = [line.replace(str(project), "") for line in said]
        files = {p.relative_to(project).as_posix(): p.read_bytes() for p in sorted(project.rglob("*"))
                 if p.is_file() and "state" not in p.parts}
        return files, said

    serial = run("serial", False, False)
    try:
        forked_run = run("forked", where != "here: no child", True)
    except RuntimeError:
        assert where == "child, and the notes fail" and change == "warnings"
        return
    assert forked_run == serial
    assert serial[1][0] == "error" if change == "error" else serial[1]
    expected = {"child": ["child"], "here: no child": ["build"], "here: the child died in the guards":
                ["child", "build"], "here: the child's facts do not fit": ["child", "build"],
                "child, and the notes fail": ["child"]}[where]
    if change == "error" and where == "here: the child's facts do not fit":
        expected = ["child"]  # stopped: no facts are sent
    assert ran.read_text().split() == expected


def test_a_package_with_the_guids_made_beside_is_the_package_made_without_them():
    """The child hands start_package every note's GUID (export.anki.note_guids): each is note_guid's,
    and the package and the lock are the bytes a package that made them itself has."""
    from rgann_cards.content.load import load_course
    from rgann_cards.export.anki import Media, build_notes, note_guids, start_package
    from rgann_cards.lifecycle.identity import note_guid
    from rgann_cards.lifecycle.lock import Lock

    course = load_course(ROOT / "content")
    guids = note_guids(course)
    ids = [note.id for _, ex in course.exercises() for note in (ex, *ex.cards)]
    assert list(guids) == ids and all(guids[i] == note_guid(course.info, i) for i in ids)
    from rgann_cards.build import used_figures

    media = {name: Media.from_bytes(data, Path(name).suffix) for name, data in course.media.items()}
    media.update({name: Media.from_bytes(f"<svg>{name}</svg>".encode(), ".svg") for name in used_figures(course)
                  if name not in media})
    notes = build_notes(course, {}, media)
    made = []
    for given in (None, guids, {ids[0]: guids[ids[0]]}):
        lock = Lock(1_750_000_000)
        made.append((start_package(course, notes, list(media.values()), lock, 1_750_000_000, given)(),
                     lock.to_bytes()))
    assert made[0] == made[1] == made[2]
