"""The lock's history without Anki: v1 migration, tombstones in the lock, --strict, diff usage and bad files."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, ON_CI

from rgann_cards.cli import main
from rgann_cards.errors import ContentError
from rgann_cards.lifecycle.lock import read_lock

E1 = 1_750_000_000


def _build(project: Path, epoch: int = E1):
    from rgann_cards.build import build

    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        return build(project / "content", project / "dist", cache_dir=project / "cache")
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]


@pytest.fixture
def built(tmp_path: Path, monkeypatch) -> Path:
    shutil.copytree(FIXTURES / "valid", tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    _build(tmp_path)
    return tmp_path


def _as_version_1(lock_path: Path) -> None:
    """Rewrite the lock exactly as version 1 wrote it: stamps only."""
    data = json.loads(lock_path.read_text("utf-8"))
    entries = {k: {"sha256": v["sha256"], "mod": v["mod"]} for k, v in data["entries"].items()}
    v1 = {"version": 1, "created": data["created"], "entries": entries}
    lock_path.write_text(json.dumps(v1, indent=1, ensure_ascii=False) + "\n", "utf-8")


def test_version_1_lock_migrates_without_changing_a_stamp_or_the_package(built: Path):
    lock_path = built / "content" / "anki.lock"
    v2_lock, package = lock_path.read_bytes(), (built / "dist" / "rgann.apkg").read_bytes()
    _as_version_1(lock_path)
    v1 = json.loads(lock_path.read_text("utf-8"))
    report = _build(built, E1 + 999)  # a later clock: any stamp the migration lost would show
    assert report.warnings == []
    assert (built / "dist" / "rgann.apkg").read_bytes() == package
    migrated, original = json.loads(lock_path.read_text("utf-8")), json.loads(v2_lock)
    assert (migrated["entries"], migrated["removed"]) == (original["entries"], original["removed"])
    assert {k: (v["sha256"], v["mod"]) for k, v in migrated["entries"].items()} == {
        k: (v["sha256"], v["mod"]) for k, v in v1["entries"].items()}
    assert migrated["version"] == 2 and migrated["removed"] == {}
    assert migrated["entries"]["fx-t1b-kl-definition"]["cloze"] == {"1": migrated["entries"][
        "fx-t1b-kl-definition"]["cloze"]["1"]}
    assert migrated["entries"]["fx-t2a-bptt"]["deck"] == "FIX::Sheet 01::Task 2 · More"
    assert (built / "dist" / "CHANGES.md").read_text("utf-8") == (
        "# Changes to Fixture Course\n\nNo changes to the cards since the previous build.\n")


def test_removed_id_becomes_a_tombstone_in_the_lock(built: Path):
    path = built / "content" / "sheet01" / "task02-more.yaml"
    path.write_text(path.read_text("utf-8").split("    cards:\n")[0], "utf-8")
    before = read_lock(built / "content" / "anki.lock", 0).entries["fx-t2a-bptt-card"]
    _build(built, E1 + 100)
    lock = read_lock(built / "content" / "anki.lock", 0)
    tomb = lock.removed["fx-t2a-bptt-card"]
    assert "fx-t2a-bptt-card" not in lock.entries
    assert {k: tomb[k] for k in ("kind", "deck", "file", "text", "replaced_by")} == {
        "kind": "basic", "deck": "FIX::Sheet 01::Task 2 · More", "file": "sheet01/task02-more.yaml",
        "text": before["text"], "replaced_by": None}
    assert tomb["mod"] == E1 + 100 > before["mod"] and tomb["sha256"] != before["sha256"]


def test_strict_lint_turns_lifecycle_warnings_into_errors(built: Path, capsys):
    path = built / "content" / "sheet01" / "task02-more.yaml"
    path.write_text(path.read_text("utf-8").split("    cards:\n")[0], "utf-8")
    assert main(["lint"]) == 0
    warning = ("content/sheet01/task02-more.yaml: warning: 'fx-t2a-bptt-card' (a basic card) was removed from the "
               "course: Anki keeps it in students' collections and keeps scheduling it; it ships as a removed note "
               "tagged 'rgann::removed'")
    assert capsys.readouterr().err.splitlines() == [warning]
    assert main(["lint", "--strict"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == warning.replace("warning: ", "")
    with pytest.raises(ContentError):
        from rgann_cards.build import build

        build(built / "content", built / "dist", strict=True)


def test_lock_with_an_id_both_live_and_removed_is_refused(built: Path):
    lock_path = built / "content" / "anki.lock"
    data = json.loads(lock_path.read_text("utf-8"))
    data["removed"]["fx-t1b-kl"] = dict(data["entries"]["fx-t1b-kl"], replaced_by=None)
    lock_path.write_text(json.dumps(data), "utf-8")
    with pytest.raises(ContentError) as info:
        read_lock(lock_path, 0)
    assert str(info.value) == ("content/anki.lock: corrupt lock file (ids both live and removed: fx-t1b-kl); restore "
                               "it from version control (deleting it resets Anki update times)")


@pytest.mark.parametrize("args, message", [
    ([], "Error: give either OLD.apkg or --collection PATH (exactly one)"),
    (["old.apkg", "--collection", "c.anki2"], "Error: give either OLD.apkg or --collection PATH (exactly one)"),
    (["missing.apkg"], "Error: no such file: missing.apkg"),
])
def test_diff_usage_errors(built: Path, capsys, args, message):
    assert main(["diff", *args]) == 2
    assert capsys.readouterr().err.strip() == message


def test_diff_refuses_a_file_that_is_not_a_collection_and_leaves_it_alone(built: Path, capsys):
    bogus = built / "collection.anki2"
    bogus.write_bytes(b"not a database at all" * 10)
    assert main(["diff", "--collection", str(bogus)]) == 1
    assert capsys.readouterr().err.startswith("Error: collection.anki2 is not a readable Anki collection (")
    assert bogus.read_bytes() == b"not a database at all" * 10


def test_diff_of_a_package_with_itself_is_safe(built: Path, capsys):
    apkg = built / "dist" / "rgann.apkg"
    assert main(["diff", str(apkg)]) == 0
    out = capsys.readouterr().out
    assert "  unchanged                             8\n" in out and out.endswith("Safe to import.\n")


def test_diff_opens_the_collection_read_only(built: Path, tmp_path: Path, capsys):
    """On a read-only bind mount (a write would fail loudly), diff still reads the collection."""
    import subprocess
    import zipfile

    folder = tmp_path / "ro"
    folder.mkdir()
    with zipfile.ZipFile(built / "dist" / "rgann.apkg") as archive:
        (folder / "collection.anki2").write_bytes(archive.read("collection.anki2"))
    mounted = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True)
    if mounted.returncode != 0:
        (pytest.fail if ON_CI else pytest.skip)(f"cannot bind-mount: {mounted.stderr.decode().strip()}")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(folder)], check=True)
        with pytest.raises(OSError):
            (folder / "probe").write_bytes(b"")
        assert main(["diff", "--collection", str(folder / "collection.anki2")]) == 0
        assert capsys.readouterr().out.endswith("Safe to import.\n")
    finally:
        subprocess.run(["umount", str(folder)], check=True)
    assert sorted(p.name for p in folder.iterdir()) == ["collection.anki2"]


@pytest.mark.parametrize("old_tags, old_mod, against, status, dropped", [
    ({"sheet01", "gan"}, 100, "package", "updated", ()),  # the course dropped a tag: Anki updates (newer)
    ({"sheet01", "marked"}, 300, "collection", "unchanged", ()),  # marked after the stamp: nothing to bring
    ({"sheet01", "marked"}, 100, "collection", "updated", ("marked",)),  # marked before: the update drops it
])
def test_diff_rules_for_tags(old_tags, old_mod, against, status, dropped):
    from rgann_cards.lifecycle.diff import compare
    from rgann_cards.lifecycle.sides import SideNote

    new = SideNote("g", 1, "Basic", 200, ("x", "front"), frozenset({"sheet01"}), "FIX::A")
    old = SideNote("g", 1, "Basic", old_mod, ("x", "front"), frozenset(old_tags), "FIX::A")
    diff = compare({"g": new}, {"g": old}, new_name="new", old_name="old", against=against)
    assert [(n.status, n.dropped_tags) for n in diff.notes] == [(status, dropped)]


def test_a_copied_lock_keeps_its_state_whatever_happens_to_the_original():
    from rgann_cards.lifecycle.lock import Lock

    lock = Lock(created=1)
    lock.stamp("a", "h1", 10)
    lock.record("a", {"kind": "basic", "deck": "D", "file": "f.yaml", "text": "t", "cloze": {"1": "x"}})
    lock.stamp("b", "h2", 10)
    lock.last_changes = {"added": ["a"]}
    before = lock.to_bytes()
    snapshot = lock.copy()
    lock.record("a", {"kind": "basic", "deck": "Moved", "file": "g.yaml"})  # updates the entry in place
    lock.stamp("a", "h3", 20)
    lock.record("a", {"kind": "cloze", "deck": "E", "cloze": {"1": "y", "2": "z"}})
    lock.retire("b", replaced_by="a")
    lock.restore("b")
    lock.last_changes["added"].append("b")
    assert snapshot.to_bytes() == before


def test_content_hash_hashes_what_json_dumps_writes():
    """A note's digest (its stamp in the lock: a change re-stamps it in every student's Anki) is joined
    by hand for text and tuples of text; it must be the hash of the canonical JSON, whatever the text."""
    import hashlib
    import random

    from rgann_cards.lifecycle.lock import content_hash

    def canonical(*parts):
        blob = json.dumps(parts, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    rng = random.Random(14)
    alphabet = 'ab \\"\n\t\x00\x1f\x7f/é€\u2028\u2029\U0001f600<>&'

    def text():
        return "".join(rng.choices(alphabet, k=rng.randint(0, 12)))

    cases = [(), ("",), ((),), ([],), ({"b": 1, "a": [2.5, None, True]},), ("basic", ("x",), ["t"], 3),
             ("a", ("b", 1)), (1.0,), (("a",), {"k": "v"})]
    for _ in range(3000):
        cases.append(tuple(text() if rng.random() < 0.4 else tuple(text() for _ in range(rng.randint(0, 4)))
                           for _ in range(rng.randint(0, 4))))
    for parts in cases:
        assert content_hash(*parts) == canonical(*parts), parts


def test_a_note_s_hash_is_the_content_hash_of_its_parts():
    """lock.note_hash (a note's digest, its stamp in the lock) writes the note's text itself: on random
    notes (text of every kind, tuples, and what it must leave to content_hash: lists, numbers, subclasses)
    it is content_hash's, which test_content_hash_hashes_what_json_dumps_writes holds to json.dumps."""
    import random

    from rgann_cards.lifecycle.lock import content_hash, note_hash

    class Text(str):
        pass

    rng = random.Random(15)
    alphabet = 'ab \\"\n\t\x00\x1f\x7f/é€\u2028\u2029\U0001f600<>&'

    def text():
        value = "".join(rng.choices(alphabet, k=rng.randint(0, 12)))
        return value if rng.random() < 0.98 else rng.choice([Text(value), 3, None])

    for _ in range(3000):
        kind = text()
        fields = tuple(text() for _ in range(rng.randint(0, 12)))
        tags = tuple(text() for _ in range(rng.randint(0, 3)))
        if rng.random() < 0.05:
            fields = list(fields)
        assert note_hash(kind, fields, tags) == content_hash(kind, fields, tags), (kind, fields, tags)


def test_fingerprints_are_what_folding_each_text_gives():
    """records.fingerprint folds its texts joined (and one text without a join): the hash the lock keeps
    of every note, which must not move for any text."""
    import hashlib
    import random

    from rgann_cards.lifecycle.records import fingerprint

    def each(*texts):
        normal = "\n".join(" ".join(t.split()).casefold() for t in texts)
        return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:12]

    rng = random.Random(14)
    alphabet = "aZ \t\n\r\x0b\x1c\x85\xa0\u2028\u3000ßẞİıΣσςﬁǅ\u0345ÅÉ€\U0001f600$\\{}"
    for _ in range(5000):
        texts = ["".join(rng.choices(alphabet, k=rng.randint(0, 15))) for _ in range(rng.randint(1, 3))]
        assert fingerprint(*texts) == each(*texts), texts
    # every character that folds to something else or is a space, twice, a newline between
    for char in (chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000):
        if char.casefold() == char and not char.isspace():
            continue
        assert fingerprint(char, char) == each(char, char), hex(ord(char))


def test_records_made_without_their_init_equal_records_made_with_it(monkeypatch):
    """records._record skips the frozen dataclass's __init__: every record of a course equals the one
    NoteRecord(...) makes from the same arguments, field by field, and stays frozen."""
    import dataclasses

    from rgann_cards.content.load import load_course
    from rgann_cards.lifecycle import records as module
    from rgann_cards.lifecycle.records import NoteRecord, note_records

    root = Path(__file__).resolve().parent.parent
    course = load_course(root / "content")
    fast = note_records(course, root / "content")
    monkeypatch.setattr(module, "_record", NoteRecord)
    proper = note_records(course, root / "content")
    assert {r.kind for r in fast} == {"exercise", "basic", "cloze"}
    names = [f.name for f in dataclasses.fields(NoteRecord)]
    assert len(fast) == len(proper)
    for record, made in zip(fast, proper):
        assert record == made and repr(record) == repr(made) and vars(record) == vars(made)
        assert list(vars(record)) == names
        with pytest.raises(dataclasses.FrozenInstanceError):
            record.text = "changed"


def test_remembering_records_stores_what_lock_record_stores():
    """tombstones.remember writes each record's facts into its entry itself: the entries (their keys in
    the same order too) are those Lock.record makes from the record's facts(), also for unknown facts."""
    import dataclasses

    from rgann_cards.content.load import load_course
    from rgann_cards.lifecycle import tombstones
    from rgann_cards.lifecycle.lock import Lock
    from rgann_cards.lifecycle.records import note_records

    root = Path(__file__).resolve().parent.parent
    records = note_records(load_course(root / "content"), root / "content")
    records[1] = dataclasses.replace(records[1], file=None)  # as a fact may be unknown
    records[2] = dataclasses.replace(records[2], text=None, cloze={"1": "abc"})
    assert any(r.cloze for r in records)
    mine, theirs = Lock(1), Lock(1)
    for lock in (mine, theirs):
        for record in records:
            lock.stamp(record.id, "digest", 1)
    tombstones.remember(mine, records)
    for record in records:
        theirs.record(record.id, record.facts())
    assert [(k, list(v.items())) for k, v in mine.entries.items()] == \
        [(k, list(v.items())) for k, v in theirs.entries.items()]


def test_the_lock_s_text_is_what_dumps_writes_of_its_sorted_tables():
    """Lock.to_bytes writes the entry tables itself (every entry by one C encoder call, cut apart): on
    random locks (text with braces, commas, quotes, newlines and more; clozes, empty ones too; tombstones;
    values the fast writer leaves to dumps) its bytes are those of the lock's sorted data written by dumps."""
    import random

    from rgann_cards.lifecycle.lock import Lock

    rng = random.Random(14)
    alphabet = ['a', 'Z', ' ', '}', '{', ',', ':', '"', '\\', '\n', '},\n   {', '\x00', 'é', '\u2028', '\U0001f600']

    def text():
        return "".join(rng.choices(alphabet, k=rng.randint(0, 6)))

    def entry(tomb):
        value = {"sha256": text(), "mod": rng.randint(-5, 10**12)}
        for key in ("kind", "deck", "file", "text"):
            if rng.random() < 0.7:
                value[key] = text()
        if rng.random() < 0.4:
            value["cloze"] = {str(rng.randint(1, 30)): text() for _ in range(rng.randint(0, 3))}
        if tomb:
            value["replaced_by"] = text() if rng.random() < 0.5 else None
        if rng.random() < 0.03:  # what only dumps writes (or refuses): the fast writer must leave these to it
            value[rng.choice(["mod", "cloze", "odd", "text"])] = rng.choice([1.5, True, [1], {"1": 2}, "x"])
        return dict(rng.sample(list(value.items()), len(value)))  # in any order

    fast = 0
    for _ in range(1500):
        lock = Lock(rng.choice([1796000000, 0, -1]),
                    {text(): entry(False) for _ in range(rng.randint(0, 6))},
                    {text(): entry(True) for _ in range(rng.randint(0, 3))},
                    rng.choice([None, {"first_release": 3, "added": [{"id": "x"}]}, {}]))
        try:
            expected = lock._bytes_by_dumps()
        except TypeError:  # something dumps refuses: so must to_bytes
            with pytest.raises(TypeError):
                lock.to_bytes()
            continue
        assert lock.to_bytes() == expected, (lock.entries, lock.removed)
        fast += _fast_tables(lock)
    assert fast > 600  # most locks took the fast writer


def _fast_tables(lock) -> bool:
    from rgann_cards.lifecycle.lock import _table_text

    return _table_text(lock.entries) is not None and _table_text(lock.removed) is not None


def test_the_shipped_lock_is_written_back_as_it_was_read(tmp_path: Path):
    from rgann_cards.lifecycle.lock import LOCK_NAME

    root = Path(__file__).resolve().parent.parent
    lock = read_lock(root / "content" / LOCK_NAME, 1)
    assert _fast_tables(lock) and any("cloze" in e for e in lock.entries.values())
    assert lock.to_bytes() == lock._bytes_by_dumps() == (root / "content" / LOCK_NAME).read_bytes()


def test_a_first_build_s_guards_find_what_the_full_comparison_finds():
    """guards.check returns at once when the lock knows no note: the full comparison, made to run by a
    tombstone that matches nothing in the course, finds nothing either, on the shipped course."""
    from rgann_cards.content.load import load_course
    from rgann_cards.lifecycle.guards import GuardResult, check
    from rgann_cards.lifecycle.lock import Lock
    from rgann_cards.lifecycle.records import note_records

    root = Path(__file__).resolve().parent.parent
    course = load_course(root / "content")
    records = note_records(course, root / "content")
    unrelated = Lock(1, {"notetype:basic": {"sha256": "s", "mod": 1}},
                     {"no-such-id": {"sha256": "s", "mod": 1, "replaced_by": None}})
    first = check(records, Lock(1), course.info, root / "content")
    assert first == check(records, unrelated, course.info, root / "content") == GuardResult()
