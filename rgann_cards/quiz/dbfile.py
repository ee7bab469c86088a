"""The progress file itself: schema, identity checks before SQLite writes anything, creation by link.

A new database is built under a temporary name and linked into place, so a
crash can never leave a half-initialised file behind, and an existing file is
never replaced.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from . import faults
from .faults import StoreError

APP = "rgann-cards"
APPLICATION_ID = 0x52474E43  # "RGNC"
SCHEMA_VERSION = 1  # what a new file starts with
READS_UP_TO = 2     # version 2 adds the exam table, when an exam is first set (exam_store.py)
SQLITE_MAGIC = b"SQLite format 3\x00"

SCHEMA = """
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE card_states (
    card_id     INTEGER PRIMARY KEY,   -- stable id from the YAML id (items.card_id)
    key         TEXT NOT NULL,         -- the YAML id, "<id>#c<N>" for a cloze number; for humans
    state       INTEGER NOT NULL,      -- FSRS: 1 learning, 2 review, 3 relearning
    step        INTEGER,               -- learning step, NULL in review
    stability   REAL,
    difficulty  REAL,
    due         TEXT NOT NULL,         -- UTC, ISO 8601
    last_review TEXT,                  -- UTC, ISO 8601
    reps        INTEGER NOT NULL DEFAULT 0,
    lapses      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX card_states_due ON card_states (due);
CREATE TABLE review_log (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    card_id       INTEGER NOT NULL,
    key           TEXT NOT NULL,
    rating        INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),   -- 1 again, 2 hard, 3 good, 4 easy
    reviewed_at   TEXT NOT NULL,       -- UTC, ISO 8601
    duration_ms   INTEGER,
    state_before  INTEGER,             -- NULL for a new card
    state_after   INTEGER NOT NULL,
    due_after     TEXT NOT NULL,
    stability     REAL,
    difficulty    REAL,
    cram          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX review_log_time ON review_log (reviewed_at);
"""


def identity(path: Path) -> tuple[int, int]:
    try:
        st = os.stat(path)
    except OSError as exc:
        raise StoreError(faults.open_message(exc, path)) from exc
    return st.st_dev, st.st_ino


def _message(path: Path, problem: str, advice: str = "pass --db PATH to keep your progress in another file") -> str:
    return f"{path} {problem}. The file was left untouched; {advice}."


def check_header(path: Path) -> None:
    """Reject what is plainly not our database by its first 100 bytes, without letting SQLite touch it."""
    if not path.is_file():
        raise StoreError(_message(path, "is not a regular file"))
    try:
        with open(path, "rb") as f:
            header = f.read(100)
    except OSError as exc:
        raise StoreError(_message(path, f"cannot be read ({exc.strerror})")) from exc
    if not header:
        raise StoreError(_message(path, "is empty, not an rgann-cards progress database"))
    if not header.startswith(SQLITE_MAGIC) or len(header) < 100:
        raise StoreError(_message(path, "is not an rgann-cards progress database (not an SQLite file)"))
    app_id = int.from_bytes(header[68:72], "big")
    if app_id != APPLICATION_ID:
        raise StoreError(_message(path, "is an SQLite database of another program, not rgann-cards progress"))


def check_identity(conn: sqlite3.Connection, path: Path) -> None:
    """The header said "ours": now check that SQLite can read it whole, and what the meta table says."""
    result = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
    if result != "ok":
        first = next((line for line in result.splitlines() if not line.startswith("***")), result)
        raise StoreError(faults.damaged_message(path, f"SQLite integrity check: {first.strip()}"))
    try:
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            raise StoreError(_message(path, "is not an rgann-cards progress database (no meta table)")) from exc
        raise
    if meta.get("app") != APP:
        raise StoreError(_message(path, "is not an rgann-cards progress database"))
    version = int(meta.get("schema_version", "0"))
    if version > READS_UP_TO:
        raise StoreError(_message(path, f"was written by a newer rgann-cards (schema {version}; this version "
                                        f"reads up to {READS_UP_TO})", "update rgann-cards to use it"))
    if version < 1:
        raise StoreError(_message(path, f"has an unknown schema version {meta.get('schema_version')!r}"))


def create(path: Path) -> None:
    """Build a fresh database next to ``path`` and link it into place; never replaces an existing file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.executescript("BEGIN;" + SCHEMA + "COMMIT;")
            now = _utc_now()
            conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)",
                             [("app", APP), ("schema_version", str(SCHEMA_VERSION)), ("created", now)])
            conn.execute("PRAGMA journal_mode=WAL")
        finally:
            conn.close()
        try:
            os.link(tmp, path)  # fails if path appeared meanwhile: another session created it first
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links
            if not path.exists():
                os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")
