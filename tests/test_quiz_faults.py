"""Faults of the progress database (issue 10, items 9-11), with real file systems where the machine allows.

- two sessions on one file: two real quiz processes in ptys;
- read-only: a real read-only bind mount (as root, permission bits would not stop SQLite);
- full disk: a real, small tmpfs filled with dd-like writes;
- locked: a second SQLite connection holding an exclusive lock (library level, short timeout);
- replaced and deleted: os.replace / os.unlink under a running quiz.
Mounting needs root: locally the mount tests skip without it, under CI=true they fail.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from conftest import ON_CI, run_cli
from test_quiz_pty import KEYS, NOW, Quiz, log, pexpect, stored_states  # noqa: F401 (a fixture)
from test_quiz_store import answer, fixture_items
from rgann_cards.quiz.scheduler import Scheduling
from rgann_cards.quiz.store import Store, StoreError, StoreReplaced, StoreWriteError


def _mount(*args: str) -> None:
    result = subprocess.run(["mount", *args], capture_output=True, text=True)
    if result.returncode != 0:
        message = f"cannot mount ({' '.join(args)}): {result.stderr.strip()}"
        if ON_CI:
            pytest.fail(f"CI=true (root) but {message}")
        pytest.skip(message)


@pytest.fixture
def mounts():
    """Mount helpers that undo themselves: tmpfs(path, size) and read_only(src, dst)."""
    done: list[Path] = []

    class Mounts:
        def tmpfs(self, where: Path, size: str) -> Path:
            where.mkdir(parents=True, exist_ok=True)
            _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where))
            done.append(where)
            return where

        def read_only(self, source: Path, where: Path) -> Path:
            where.mkdir(parents=True, exist_ok=True)
            _mount("--bind", str(source), str(where))
            done.append(where)
            _mount("-o", "remount,bind,ro", str(where))
            return where

    yield Mounts()
    for where in reversed(done):
        subprocess.run(["umount", "-l", str(where)], check=False)


def _fill(folder: Path) -> Path:
    """Write zeros until the file system is full (ENOSPC), like dd if=/dev/zero."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 4096)
        except OSError:
            pass
    return filler


def _with_answers(db: Path, count: int = 2) -> None:
    with Store.open(db) as store:
        for item in fixture_items()[:count]:
            answer(store, item, 3)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _intact(db: Path) -> None:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


# -- item 9: two sessions ---------------------------------------------------------------------------

def test_two_quiz_sessions_on_one_database_lose_no_answer(pexpect, project: Path):
    key = "fx-t1a-sigmoid"
    first = Quiz(pexpect, project, "--ids", key)
    assert first.question() == key
    second = Quiz(pexpect, project, "--ids", key)  # both loaded the card as new
    assert second.question() == key
    first.grade(3)
    first.question()  # the learning card comes back in the first session
    second.grade(1)   # the second session answers the card the first one already moved on
    second.question()
    assert first.quit() == 0 and second.quit() == 0

    assert log(first.db) == [(key, 3), (key, 1)]
    item = next(i for i in fixture_items() if i.key == key)
    scheduling = Scheduling(fuzz=False)
    expected = scheduling.answer(item, scheduling.answer(item, None, 3, NOW), 1, NOW)
    (row,) = stored_states(first.db)
    assert row[2:6] == (expected.state, expected.step, expected.stability, expected.difficulty)
    assert row[8] == 2  # two reps: the second answer was applied to the state the first one left
    with sqlite3.connect(first.db) as conn:
        assert conn.execute("SELECT state_before FROM review_log ORDER BY id").fetchall() == [(None,), (1,)]


def test_apply_reads_the_state_inside_the_write_lock(tmp_path: Path):
    item = fixture_items()[0]
    db = tmp_path / "p.db"
    scheduling = Scheduling(fuzz=False)
    one, two = Store.open(db), Store.open(db)
    seen = []

    def rate(rating):
        def apply(before):
            seen.append(before)
            after = scheduling.answer(item, before, rating, NOW)
            return after, answer_review(item, rating, before, after)
        return apply

    first, _ = one.apply(item.card_id, rate(3))
    after, _ = two.apply(item.card_id, rate(1))  # ``two`` never read the card before: it gets it inside the lock
    assert seen == [None, first]
    assert after.reps == 2 and two.state(item.card_id) == after == one.state(item.card_id)
    one.close(), two.close()


def answer_review(item, rating, before, after):
    from rgann_cards.quiz.store import Review

    return Review(item.card_id, item.key, rating, NOW, 0, before.state if before else None, after.state, after.due)


# -- item 10: read-only, full, locked, foreign, damaged -----------------------------------------------

def test_read_only_mount_is_not_called_damaged(mounts, project: Path, tmp_path: Path):
    data = tmp_path / "data"
    data.mkdir()
    _with_answers(data / "progress.sqlite3")
    before = _files(data)
    ro = mounts.read_only(data, tmp_path / "ro")
    db = ro / "progress.sqlite3"
    result = run_cli("quiz", "--db", str(db), cwd=project, env={"XDG_CACHE_HOME": str(project / "cache")})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr == (
        f"Error: {db} cannot be opened for writing: the file system holding {ro} is mounted read-only "
        "(SQLITE_CANTOPEN: unable to open database file). SQLite writes two files beside it "
        f"(progress.sqlite3-wal, progress.sqlite3-shm). The file is intact; make {ro} writable, or pass --db PATH "
        "to keep your progress elsewhere.\n")
    assert "damaged" not in result.stderr and "move it away" not in result.stderr
    assert _files(data) == before
    _intact(data / "progress.sqlite3")


def test_full_disk_at_start_is_not_called_damaged(mounts, project: Path, tmp_path: Path):
    disk = mounts.tmpfs(tmp_path / "disk", "512k")
    db = disk / "progress.sqlite3"
    _with_answers(db)
    before = db.read_bytes()
    _fill(disk)
    result = run_cli("quiz", "--db", str(db), cwd=project, env={"XDG_CACHE_HOME": str(project / "cache")})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr == (
        f"Error: {db} cannot be opened: the disk holding {disk} is full (SQLITE_IOERR_SHMSIZE: disk I/O error). "
        "The file is intact; free some space, then run the command again.\n")
    assert db.read_bytes() == before
    (disk / "filler").unlink()
    _intact(db)


def test_disk_full_mid_session_keeps_every_saved_answer_and_exits_1(pexpect, mounts, project: Path,
                                                                     tmp_path: Path):
    disk = mounts.tmpfs(tmp_path / "disk", "1m")
    quiz = Quiz(pexpect, project, db=disk / "progress.sqlite3")
    quiz.question()
    quiz.grade(3)
    quiz.question()
    _fill(disk)
    quiz.grade(3)
    text = _stopped(quiz)
    assert "Answered 1 card" in text
    assert (f"Error: Could not save this answer: the disk holding {quiz.db} is full (SQLITE_FULL: database or "
            "disk is full). The 1 answer before it in this session is saved; free some space, then run the quiz "
            "again.") in text
    (disk / "filler").unlink()
    _intact(quiz.db)
    assert log(quiz.db) == [(KEYS[0], 3)]


def _stopped(quiz: Quiz) -> str:
    """The session stopped on a failed write: summary, then the error, exit 1, no traceback; all its output."""
    quiz.child.expect("Stopped: the last answer could not be saved")
    quiz.child.expect("Error: ")
    assert quiz.finish() == 1
    text = " ".join(quiz.output.getvalue().split())
    assert "Traceback" not in text
    return text


def test_locked_database_is_told_apart(tmp_path: Path):
    db = tmp_path / "progress.sqlite3"
    _with_answers(db)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("PRAGMA locking_mode=EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    other.execute("UPDATE meta SET value = value WHERE key = 'app'")
    with pytest.raises(StoreError) as info:
        Store.open(db, timeout=0.1)
    assert str(info.value) == (
        f"{db} is locked by another program (SQLITE_BUSY: database is locked): another rgann-cards session or a "
        "database tool is writing to it. The file is intact; close that program, then try again.")
    other.execute("ROLLBACK")
    other.close()

    store = Store.open(db, timeout=0.1)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the write lock while we answer
    item = fixture_items()[3]
    with pytest.raises(StoreWriteError) as info:
        answer(store, item, 3)
    assert str(info.value) == (
        f"Could not save this answer: {db} stayed locked by another program for 0.1 s (SQLITE_BUSY: database is "
        "locked). The 0 answers before it in this session are saved; close the other program, then run the quiz "
        "again.")
    holder.execute("ROLLBACK")
    holder.close()
    answer(store, item, 3)  # once the lock is gone the same store works
    assert len(store.reviews()) == 3
    store.close()


@pytest.mark.parametrize("case", ["garbage", "text", "empty", "other app's sqlite", "plain sqlite", "newer schema"])
def test_only_a_damaged_file_is_ever_advised_to_be_moved_away(case, tmp_path: Path):
    from test_quiz_store import UNUSABLE

    make, _ = UNUSABLE[case]
    db = tmp_path / "progress.sqlite3"
    make(db)
    with pytest.raises(StoreError) as info:
        Store.open(db)
    words = str(info.value).replace(str(db), "PATH")
    assert "move it away" not in words and "damaged" not in words


def test_damaged_file_is_called_damaged_and_may_be_moved(tmp_path: Path):
    from test_quiz_store import _damaged

    db = tmp_path / "progress.sqlite3"
    _damaged(db)
    with pytest.raises(StoreError) as info:
        Store.open(db)
    assert str(info.value).startswith(f"{db} is damaged (")
    assert str(info.value).endswith("The file was left untouched; keep a copy of it, then move it away to start a "
                                    "new progress database, or pass --db PATH to use another file.")


# -- item 11: the file replaced or deleted under a running session ------------------------------------

def test_database_replaced_mid_session_stops_and_rescues_the_answers(pexpect, project: Path):
    quiz = Quiz(pexpect, project)
    for _ in range(2):
        quiz.question()
        quiz.grade(3)
    quiz.question()
    other = project / "other.sqlite3"
    Store.open(other).close()
    os.replace(other, quiz.db)
    replacement = quiz.db.read_bytes()
    quiz.grade(3)
    text = _stopped(quiz)
    (rescued,) = sorted(project.glob("progress.sqlite3.rescued-*"))
    assert (f"Error: {quiz.db} was replaced by another file while this session was running; this answer was not "
            f"saved. The 2 answers saved before went into the old file; a copy of it is in {rescued}. Nothing was "
            "written to the file now at that path.") in text
    assert quiz.db.read_bytes() == replacement and log(quiz.db) == []
    assert log(rescued) == [(KEYS[0], 3), (KEYS[1], 3)]
    with Store.open(rescued) as store:  # the copy is a complete progress database
        assert len(store.states()) == 2


def test_database_deleted_mid_session(tmp_path: Path):
    db = tmp_path / "p.db"
    store = Store.open(db)
    items = fixture_items()
    answer(store, items[0], 3)
    os.unlink(db)
    with pytest.raises(StoreReplaced) as info:
        answer(store, items[1], 3, NOW + timedelta(minutes=1))
    (rescued,) = tmp_path.glob("p.db.rescued-*")
    assert str(info.value) == (f"{db} was deleted while this session was running; this answer was not saved. The 1 "
                               f"answer saved before went into the old file; a copy of it is in {rescued}. Nothing "
                               "was written to the file now at that path.")
    assert not db.exists()
    store.close()
