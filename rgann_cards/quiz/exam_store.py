"""The exam date remembered per course in the progress database (schema version 2).

Version 2 only adds the ``exam`` table. A database is migrated the first time
an exam is set, in one transaction; a database without an exam stays at
version 1, so an older rgann-cards can still read it.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

from . import faults
from .exam import Exam
from .store import Store, StoreError, StoreWriteError, utc_text

EXAM_SCHEMA_VERSION = 2
EXAM_TABLE = """
CREATE TABLE IF NOT EXISTS exam (
    course  TEXT PRIMARY KEY,      -- the course's root deck name
    day     TEXT NOT NULL,         -- YYYY-MM-DD; predictions are for 00:00 UTC that day
    target  REAL NOT NULL CHECK (target > 0 AND target < 1),
    set_at  TEXT NOT NULL          -- UTC, ISO 8601
)
"""


def get_exam(store: Store, course: str) -> Exam | None:
    """The exam set for ``course``, or None (also for a version-1 database, which has no exam table)."""
    try:
        row = store.conn.execute("SELECT day, target FROM exam WHERE course = ?", (course,)).fetchone()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return None
        raise StoreError(faults.open_message(exc, store.path)) from exc
    return Exam(date.fromisoformat(row[0]), float(row[1])) if row else None


def set_exam(store: Store, course: str, exam: Exam | None, now: datetime) -> None:
    """Remember (or with None, forget) the exam of ``course``; migrates the file to version 2 if need be."""
    c = store.conn
    try:
        c.execute("BEGIN IMMEDIATE")
        if exam is None:
            if c.execute("SELECT 1 FROM sqlite_master WHERE name = 'exam'").fetchone():
                c.execute("DELETE FROM exam WHERE course = ?", (course,))
        else:
            c.execute(EXAM_TABLE)
            c.execute("UPDATE meta SET value = ? WHERE key = 'schema_version' AND CAST(value AS INTEGER) < ?",
                      (str(EXAM_SCHEMA_VERSION), EXAM_SCHEMA_VERSION))
            c.execute(f"PRAGMA user_version = {EXAM_SCHEMA_VERSION}")
            c.execute("INSERT INTO exam (course, day, target, set_at) VALUES (?, ?, ?, ?) ON CONFLICT (course) "
                      "DO UPDATE SET day = excluded.day, target = excluded.target, set_at = excluded.set_at",
                      (course, exam.day.isoformat(), exam.target, utc_text(now)))
        c.execute("COMMIT")
    except sqlite3.Error as exc:
        if c.in_transaction:
            c.execute("ROLLBACK")
        raise StoreWriteError(faults.write_message(exc, store.path, store.saved, store.timeout,
                                                   "the exam date")) from exc
