"""Quiz progress in SQLite: card states and a review log. One transaction per answer, WAL mode.

Crash safety: every answer is committed (synchronous=FULL) before the next
question appears, so kill -9 loses at most the answer in flight.

Identity: the file carries SQLite's ``application_id`` (APPLICATION_ID) and a
``meta`` table naming the app and schema version. A file that is not SQLite,
belongs to another program, was written by a newer rgann-cards, or fails
SQLite's integrity check raises StoreError *before anything is written*; such
a file is never modified. A new database is built under a temporary name and
linked into place, so a crash can never leave a half-initialised file behind.

Cards removed from the course keep their rows; the quiz simply never asks for
them. All times are stored as ISO 8601 strings in UTC.

Two sessions on one file lose nothing: ``apply`` re-reads the card's state
inside the write transaction (``BEGIN IMMEDIATE`` holds SQLite's write lock)
and computes the answer's effect from that state, not from what the session
loaded. Before each commit the file's identity (device and inode) is compared
with the one opened: a file replaced or deleted under a running session stops
it (StoreReplaced), and a copy of what this session wrote is saved beside it.
Faults are told apart (faults.py): read-only, full, locked, foreign, damaged.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from . import faults
from .dbfile import APP, APPLICATION_ID, SCHEMA, SCHEMA_VERSION, check_header, check_identity, create, identity
from .faults import StoreError, StoreReplaced, StoreWriteError
from ..identity import SHIPPED_ID, identity as course_identity

__all__ = ["APP", "APPLICATION_ID", "SCHEMA", "SCHEMA_VERSION", "CardState", "Review", "Store", "StoreError",
           "StoreReplaced", "StoreWriteError", "default_path", "parse_utc", "utc_text"]


def utc_text(moment: datetime) -> str:
    """The one storage format for times: ISO 8601 in UTC with microseconds, so text order is time order."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: all quiz times are UTC-aware")
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def parse_utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(timezone.utc)


@dataclass(frozen=True)
class CardState:
    """A card's FSRS memory state as stored (scheduler.py converts it to and from fsrs.Card)."""

    card_id: int
    key: str
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    reps: int = 0
    lapses: int = 0


@dataclass(frozen=True)
class Review:
    """One row of the review log."""

    card_id: int
    key: str
    rating: int
    reviewed_at: datetime
    duration_ms: int | None
    state_before: int | None
    state_after: int
    due_after: datetime
    cram: bool = False


def default_path(course_id: str = SHIPPED_ID) -> Path:
    """The course's progress file in the user data directory (e.g. ~/.local/share/rgann-cards on Linux).

    One per course: progress.sqlite3 for the shipped course (as before courses had ids),
    progress-<course id>.sqlite3 for every other.
    """
    from platformdirs import user_data_path

    return user_data_path(APP, appauthor=False) / course_identity(course_id).progress_name


class Store:
    """An open, verified progress database. Use ``Store.open(path)``; close it (or use ``with``)."""

    def __init__(self, conn: sqlite3.Connection, path: Path, identity: tuple[int, int] | None = None,
                 timeout: float = 10.0):
        self.conn = conn
        self.path = path
        self.identity = identity   # (st_dev, st_ino) of the file opened; checked before each commit
        self.timeout = timeout     # seconds to wait for another session's write lock
        self.saved = 0             # answers committed through this connection

    @classmethod
    def open(cls, path: Path, *, timeout: float = 10.0) -> "Store":
        """Open (or create) the progress database at ``path``; StoreError if the file is not ours or damaged."""
        path = Path(path)
        if not (path.exists() or path.is_symlink()):
            try:
                create(path)
            except (OSError, sqlite3.Error) as exc:
                raise StoreError(faults.open_message(exc, path, creating=True)) from exc
        check_header(path)
        file_id = identity(path)
        try:
            # mode=rw: never create a file here (that only happens in _create)
            conn = sqlite3.connect(path.resolve().as_uri() + "?mode=rw", uri=True, isolation_level=None,
                                   timeout=timeout)
        except sqlite3.Error as exc:
            raise StoreError(faults.open_message(exc, path)) from exc
        try:
            check_identity(conn, path)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
        except sqlite3.Error as exc:
            conn.close()
            raise StoreError(faults.open_message(exc, path)) from exc
        except StoreError:
            conn.close()
            raise
        return cls(conn, path, file_id, timeout)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- reading ----------------------------------------------------------------------------------
    def states(self) -> dict[int, CardState]:
        """Every stored card state, including cards no longer in the course."""
        rows = self._read(_STATE_SQL).fetchall()
        return {r[0]: _state(r) for r in rows}

    def state(self, card_id: int) -> CardState | None:
        """One card's stored state as it is now (another session may have answered it)."""
        row = self._read(_STATE_SQL + " WHERE card_id = ?", (card_id,)).fetchone()
        return _state(row) if row else None

    def reviews(self, since: datetime | None = None) -> list[Review]:
        """The review log in time order, optionally only from ``since`` on."""
        sql = ("SELECT card_id, key, rating, reviewed_at, duration_ms, state_before, state_after, due_after, cram "
               "FROM review_log")
        params: tuple = ()
        if since is not None:
            sql += " WHERE reviewed_at >= ?"
            params = (utc_text(since),)
        rows = self._read(sql + " ORDER BY reviewed_at, id", params).fetchall()
        return [Review(r[0], r[1], r[2], parse_utc(r[3]), r[4], r[5], r[6], parse_utc(r[7]), bool(r[8]))
                for r in rows]

    def _read(self, sql: str, params: tuple = ()) -> sqlite3.Cursor:
        try:
            return self.conn.execute(sql, params)
        except sqlite3.Error as exc:
            raise StoreError(faults.open_message(exc, self.path)) from exc

    # -- writing ----------------------------------------------------------------------------------
    def apply(self, card_id: int, answer: Callable[[CardState | None], tuple[CardState, Review]]
              ) -> tuple[CardState, Review]:
        """Store one answer in one transaction. ``answer`` gets the card's state as stored *now*, inside the
        write lock, and returns the new state and the log row; so a second session's answer is never lost.

        StoreWriteError (StoreReplaced if the file changed identity) if it cannot be saved; nothing of this
        answer is then stored, and every earlier one is.
        """
        c = self.conn
        try:
            c.execute("BEGIN IMMEDIATE")
            gone = self._gone()  # checked before writing anything, and again just before the commit
            if not gone:
                row = c.execute(_STATE_SQL + " WHERE card_id = ?", (card_id,)).fetchone()
                after, review = answer(_state(row) if row else None)
                _write(c, after, review)
                gone = self._gone()
            if not gone:
                c.execute("COMMIT")
        except BaseException as exc:
            self._rollback()
            if isinstance(exc, sqlite3.Error):
                raise StoreWriteError(faults.write_message(exc, self.path, self.saved, self.timeout)) from exc
            raise
        if gone:
            self._rollback()
            raise StoreReplaced(self._replaced_message(gone))
        self.saved += 1
        try:
            # Empty the WAL into the database file at once. The -wal file is found by name, so a WAL still
            # holding our answers would be read as part of any file later moved to this path. The answer is
            # committed either way; a checkpoint that cannot run now (full disk, a reader) runs later.
            c.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        except sqlite3.Error:
            pass
        return after, review

    def record(self, after: CardState, review: Review) -> None:
        """Store a precomputed answer (tests, imports); a session uses ``apply``."""
        self.apply(after.card_id, lambda current: (after, review))

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # SQLite rolls back by itself when the connection closes

    def _gone(self) -> str:
        """'' while ``self.path`` is still the file opened; else what happened to it."""
        if self.identity is None:
            return ""
        try:
            now = identity(self.path)
        except StoreError:
            return "deleted"
        return "" if now == self.identity else "replaced by another file"

    def _replaced_message(self, what: str) -> str:
        n = self.saved
        answers = f"The {n} answer{'s' if n != 1 else ''} saved before"
        if n == 0:
            kept = "Nothing of this session was lost."
        else:
            rescue = self._rescue()
            kept = (f"{answers} went into the old file; a copy of it is in {rescue}." if rescue else
                    f"{answers} went into the old file, which could not be copied.")
        return (f"{self.path} was {what} while this session was running; this answer was not saved. {kept} "
                "Nothing was written to the file now at that path.")

    def _rescue(self) -> Path | None:
        """Copy the database this connection still holds (the old, unlinked file) next to the path."""
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        target = self.path.with_name(f"{self.path.name}.rescued-{stamp}")
        if target.exists():
            return None
        try:
            copy = sqlite3.connect(target)
            try:
                self.conn.backup(copy)
            finally:
                copy.close()
        except (OSError, sqlite3.Error):
            return None
        return target


_STATE_SQL = ("SELECT card_id, key, state, step, stability, difficulty, due, last_review, reps, lapses "
              "FROM card_states")


def _state(r) -> CardState:
    return CardState(r[0], r[1], r[2], r[3], r[4], r[5], parse_utc(r[6]), parse_utc(r[7]) if r[7] else None,
                     r[8], r[9])


def _write(c: sqlite3.Connection, after: CardState, review: Review) -> None:
    c.execute("INSERT INTO review_log (card_id, key, rating, reviewed_at, duration_ms, state_before, "
              "state_after, due_after, stability, difficulty, cram) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
              (review.card_id, review.key, review.rating, utc_text(review.reviewed_at), review.duration_ms,
               review.state_before, review.state_after, utc_text(review.due_after), after.stability,
               after.difficulty, int(review.cram)))
    c.execute("INSERT INTO card_states (card_id, key, state, step, stability, difficulty, due, last_review, "
              "reps, lapses) VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT (card_id) DO UPDATE SET "
              "key=excluded.key, state=excluded.state, step=excluded.step, stability=excluded.stability, "
              "difficulty=excluded.difficulty, due=excluded.due, last_review=excluded.last_review, "
              "reps=excluded.reps, lapses=excluded.lapses",
              (after.card_id, after.key, after.state, after.step, after.stability, after.difficulty,
               utc_text(after.due), utc_text(after.last_review) if after.last_review else None,
               after.reps, after.lapses))


