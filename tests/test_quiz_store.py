"""Quiz progress in SQLite: schema and identity, one transaction per answer, foreign and damaged files
left untouched, stable ids across content edits, removed cards kept but not shown, the items cache."""

from __future__ import annotations

import re
import shutil
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from conftest import FIXTURES, run_cli
from rgann_cards.content.load import load_course
from rgann_cards.quiz import cache
from rgann_cards.quiz.items import card_id, items_of
from rgann_cards.quiz.scheduler import Scheduling, build_queue
from rgann_cards.quiz.stats import compute
from rgann_cards.quiz.store import APPLICATION_ID, CardState, Review, Store, StoreError, StoreWriteError

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)


def fixture_items():
    return items_of(load_course(FIXTURES / "valid"))


def answer(store: Store, item, rating: int, now: datetime = NOW, before: CardState | None = None) -> CardState:
    after = Scheduling(fuzz=False).answer(item, before, rating, now)
    store.record(after, Review(item.card_id, item.key, rating, now, 1200, before.state if before else None,
                               after.state, after.due))
    return after


def test_new_database_has_identity_wal_and_tables(tmp_path: Path):
    db = tmp_path / "sub" / "progress.sqlite3"
    Store.open(db).close()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert dict(conn.execute("SELECT key, value FROM meta WHERE key != 'created'")) == {
        "app": "rgann-cards", "schema_version": "1"}
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"meta", "card_states", "review_log"} <= tables
    assert not list(db.parent.glob(".*.tmp"))


def test_an_answer_is_stored_whole_and_in_utc(tmp_path: Path):
    item = fixture_items()[0]
    with Store.open(tmp_path / "p.db") as store:
        after = answer(store, item, 3)
    with Store.open(tmp_path / "p.db") as store:  # a new connection sees the committed answer
        (state,) = store.states().values()
        (review,) = store.reviews()
    assert state == after
    assert state.due == NOW + timedelta(minutes=10) and state.due.tzinfo == timezone.utc
    assert (review.card_id, review.key, review.rating, review.reviewed_at) == (item.card_id, item.key, 3, NOW)
    raw = sqlite3.connect(tmp_path / "p.db").execute("SELECT reviewed_at, due_after FROM review_log").fetchone()
    assert raw == ("2025-03-01T09:00:00.000000+00:00", "2025-03-01T09:10:00.000000+00:00")


def test_a_failed_answer_leaves_no_trace(tmp_path: Path):
    item = fixture_items()[0]
    store = Store.open(tmp_path / "p.db")

    class FailingStateWrite:  # the log row goes in, then writing the state fails
        def __init__(self, conn):
            self.conn = conn

        def execute(self, sql, *args):
            if sql.startswith("INSERT INTO card_states"):
                raise sqlite3.OperationalError("disk I/O error")
            return self.conn.execute(sql, *args)

        @property
        def in_transaction(self):
            return self.conn.in_transaction

    real = store.conn
    store.conn = FailingStateWrite(real)
    with pytest.raises(StoreWriteError) as info:  # a plain message for the user, and nothing half-written
        answer(store, item, 3)
    assert str(info.value) == (f"Could not save this answer to {tmp_path / 'p.db'} (disk I/O error). The 0 answers "
                               "before it in this session are saved; check the disk, then run the quiz again.")
    store.conn = real
    assert store.states() == {} and store.reviews() == []
    store.close()


def _bytes_of(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(path.parent.iterdir())}


def _foreign_sqlite(path: Path, app_id: int = 0) -> None:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {app_id}")
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.execute("INSERT INTO notes VALUES ('my thesis')")
    conn.commit()
    conn.close()


def _damaged(path: Path) -> None:
    with Store.open(path) as store:
        for item in fixture_items():
            answer(store, item, 3)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(page, len(data), page):  # every page after the header page: garbage
        data[offset + 8: offset + 200] = b"\xa5" * 192
    path.write_bytes(bytes(data))


def _newer(path: Path) -> None:
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()


UNUSABLE = {
    "garbage": (lambda p: p.write_bytes(bytes(range(256)) * 20), "not an SQLite file"),
    "text": (lambda p: p.write_text("my shopping list\n"), "not an SQLite file"),
    "empty": (lambda p: p.write_bytes(b""), "is empty"),
    "other app's sqlite": (lambda p: _foreign_sqlite(p, 0x12345678), "another program"),
    "plain sqlite": (_foreign_sqlite, "another program"),
    "damaged": (_damaged, "is damaged"),
    "newer schema": (_newer, "newer rgann-cards"),
}


@pytest.mark.parametrize("case", sorted(UNUSABLE))
def test_unusable_file_is_refused_and_left_untouched(case, tmp_path: Path):
    make, message = UNUSABLE[case]
    db = tmp_path / "progress.sqlite3"
    make(db)
    before = _bytes_of(db)
    with pytest.raises(StoreError, match=message) as info:
        Store.open(db)
    assert str(db) in str(info.value) and "left untouched" in str(info.value)
    assert _bytes_of(db) == before


def test_cli_reports_a_corrupt_database_with_exit_1(project: Path):
    db = project / "progress.sqlite3"
    db.write_bytes(b"\x00garbage" * 100)
    result = run_cli("quiz", "--db", str(db), cwd=project, env={"XDG_CACHE_HOME": str(project / "cache")})
    assert result.returncode == 1
    assert result.stderr.startswith(f"Error: {db} is not an rgann-cards progress database (not an SQLite file).")
    assert "Traceback" not in result.stderr
    assert db.read_bytes() == b"\x00garbage" * 100


def test_card_ids_are_stable_and_documented():
    assert card_id("s02-t1b-forget-gate-gradient") == 3666091968433185745  # golden: never change the hash
    assert card_id("fx-t1a-sigmoid-cloze#c1") == 6524648968269313535
    ids = [i.card_id for i in fixture_items()]
    assert len(set(ids)) == len(ids) and all(0 <= i < 2**63 for i in ids)


def _edited_course(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "valid", content)
    deck = content / "sheet01" / "task01-basics.yaml"
    text = deck.read_text("utf-8")
    text = text.replace("What is the maximum of $\\sigma'(x)$?", "Where does $\\sigma'(x)$ peak, and how high?")
    # remove the card fx-t1b-kl-symmetric
    text = text.replace("      - id: fx-t1b-kl-symmetric\n        front: Is $KL(P\\|Q) = KL(Q\\|P)$ in general?\n"
                        "        back: No.\n", "")
    deck.write_text(text, "utf-8")
    return content


def test_editing_content_keeps_progress_and_removed_cards_stay_hidden(tmp_path: Path):
    original = {i.key: i for i in fixture_items()}
    with Store.open(tmp_path / "p.db") as store:
        answer(store, original["fx-t1a-sigmoid-max"], 3)
        answer(store, original["fx-t1b-kl-symmetric"], 3)
    edited = items_of(load_course(_edited_course(tmp_path)))
    keys = [i.key for i in edited]
    assert "fx-t1b-kl-symmetric" not in keys
    changed = next(i for i in edited if i.key == "fx-t1a-sigmoid-max")
    assert changed.front != original["fx-t1a-sigmoid-max"].front
    with Store.open(tmp_path / "p.db") as store:
        states = store.states()
        reviews = store.reviews()
    assert changed.card_id in states  # the edit kept the progress
    assert original["fx-t1b-kl-symmetric"].card_id in states  # the removed card's row is kept...
    later = NOW + timedelta(days=3)
    queue = build_queue(edited, states, later)
    assert [i.key for i in queue][:1] == ["fx-t1a-sigmoid-max"]  # ...but never asked
    assert "fx-t1b-kl-symmetric" not in [i.key for i in queue]
    stats = compute(edited, states, reviews, later)
    assert stats.removed == 1
    assert stats.by_state == {"new": len(edited) - 1, "learning": 1, "review": 0, "relearning": 0}


def test_items_cache_hits_and_misses_on_edit(tmp_path: Path, monkeypatch):
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "valid", content)
    loads = []
    real = cache._load
    monkeypatch.setattr(cache, "_load", lambda c: loads.append(c) or real(c))
    first = cache.load_items(content, tmp_path / "cache")
    second = cache.load_items(content, tmp_path / "cache")
    assert first == second and len(loads) == 1
    deck = content / "sheet01" / "task02-more.yaml"
    deck.write_text(deck.read_text("utf-8").replace("back: time", "back: time (steps)"), "utf-8")
    third = cache.load_items(content, tmp_path / "cache")
    assert len(loads) == 2 and third[-1].back == "time (steps)"
    (next((tmp_path / "cache").glob("*.json"))).write_text("{not json", "utf-8")
    assert cache.load_items(content, tmp_path / "cache") == third and len(loads) == 3


def test_stats_command(project: Path):
    items = fixture_items()
    db = project / "progress.sqlite3"
    with Store.open(db) as store:
        first = answer(store, items[0], 4, NOW - timedelta(days=5))             # easy: review, due in days
        answer(store, items[0], 1, NOW - timedelta(days=1), before=first)       # a lapse: counts against retention
        answer(store, items[1], 3, NOW - timedelta(days=1))
    env = {"RGANN_NOW": NOW.isoformat(), "XDG_CACHE_HOME": str(project / "cache"), "COLUMNS": "80", "NO_COLOR": "1"}
    result = run_cli("stats", "--db", str(db), cwd=project, env=env)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Cards      8 in all: new 6 · learning 1 · review 0 · relearning 1" in out
    assert "0% over the last 30 days (0 of 1 reviews of cards in review state" in out
    assert "Reviews per day (last 14 days, UTC)" in out and "Due in the next 7 days (UTC)" in out
    assert re.search(r"Fri 02-28 2 █+", out) and re.search(r"Mon 02-24 1 █+", out)
    assert re.search(r"today +2 █+", out)  # both are due by now
    assert max(len(line) for line in out.splitlines()) <= 80
    missing = run_cli("stats", "--db", str(project / "none.sqlite3"), cwd=project, env=env)
    assert missing.returncode == 0 and missing.stdout.startswith("Progress  none yet")
    assert not (project / "none.sqlite3").exists()


def test_items_made_without_their_init_equal_items_made_with_it(tmp_path: Path):
    """items.made skips the frozen dataclass's __init__: every item of a course, and every item read back
    from the cache, has every field, each equal to what Item(...) sets, and stays frozen."""
    import dataclasses

    from rgann_cards.content.load import load_course
    from rgann_cards.quiz.items import Item, items_of, made

    names = [f.name for f in dataclasses.fields(Item)]
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "valid", content)
    built = items_of(load_course(content))
    cache.load_items(content, tmp_path / "cache")
    read = cache.load_items(content, tmp_path / "cache")  # from the file this time
    assert {i.kind for i in built} == {"exercise", "basic", "cloze"}
    for item in built + read:
        assert list(vars(item)) and set(vars(item)) == set(names)
        proper = Item(**{name: getattr(item, name) for name in names})
        assert item == proper and repr(item) == repr(proper) and hash(item) == hash(proper)
        assert vars(item) == vars(proper)
        with pytest.raises(dataclasses.FrozenInstanceError):
            item.front = "changed"
    assert read == built
    assert made(card_id=1, key="k", kind="basic", order=0, deck="D", deck_file="f", label="1", exercise_id="e",
                yaml_id="k", tags=frozenset(), front="f", back="b") == Item(
        1, "k", "basic", 0, "D", "f", "1", "e", "k", frozenset(), "f", "b")
