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
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..errors import DataError

APP = "rgann-cards"
APPLICATION_ID = 0x52474E43  # "RGNC"
SCHEMA_VERSION = 1
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


class StoreError(DataError):
    """The progress file cannot be used (foreign, corrupt, newer). It has been left untouched."""


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


def default_path() -> Path:
    """progress.sqlite3 in the platform's user data directory (e.g. ~/.local/share/rgann-cards on Linux)."""
    from platformdirs import user_data_path

    return user_data_path(APP, appauthor=False) / "progress.sqlite3"


class Store:
    """An open, verified progress database. Use ``Store.open(path)``; close it (or use ``with``)."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path

    @classmethod
    def open(cls, path: Path) -> "Store":
        """Open (or create) the progress database at ``path``; StoreError if the file is not ours or damaged."""
        path = Path(path)
        if not (path.exists() or path.is_symlink()):
            try:
                _create(path)
            except OSError as exc:
                where = f": {exc.filename}" if exc.filename else ""
                raise StoreError(f"{path} cannot be created ({exc.strerror or exc}{where}).") from exc
            except sqlite3.Error as exc:
                raise StoreError(f"{path} cannot be created ({exc}).") from exc
        _check_header(path)
        try:
            # mode=rw: never create a file here (that only happens in _create)
            conn = sqlite3.connect(path.resolve().as_uri() + "?mode=rw", uri=True, isolation_level=None, timeout=10)
        except sqlite3.Error as exc:
            raise StoreError(_message(path, f"cannot be opened ({exc})")) from exc
        try:
            _check_identity(conn, path)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreError(_message(path, f"is damaged ({exc})")) from exc
        except StoreError:
            conn.close()
            raise
        return cls(conn, path)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- reading ----------------------------------------------------------------------------------
    def states(self) -> dict[int, CardState]:
        """Every stored card state, including cards no longer in the course."""
        rows = self.conn.execute("SELECT card_id, key, state, step, stability, difficulty, due, last_review, "
                                 "reps, lapses FROM card_states").fetchall()
        return {r[0]: CardState(r[0], r[1], r[2], r[3], r[4], r[5], parse_utc(r[6]),
                                parse_utc(r[7]) if r[7] else None, r[8], r[9]) for r in rows}

    def reviews(self, since: datetime | None = None) -> list[Review]:
        """The review log in time order, optionally only from ``since`` on."""
        sql = ("SELECT card_id, key, rating, reviewed_at, duration_ms, state_before, state_after, due_after, cram "
               "FROM review_log")
        params: tuple = ()
        if since is not None:
            sql += " WHERE reviewed_at >= ?"
            params = (utc_text(since),)
        rows = self.conn.execute(sql + " ORDER BY reviewed_at, id", params).fetchall()
        return [Review(r[0], r[1], r[2], parse_utc(r[3]), r[4], r[5], r[6], parse_utc(r[7]), bool(r[8]))
                for r in rows]

    # -- writing ----------------------------------------------------------------------------------
    def record(self, after: CardState, review: Review) -> None:
        """Store one answer: the log row and the card's new state, in one transaction."""
        c = self.conn
        c.execute("BEGIN IMMEDIATE")
        try:
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
            c.execute("COMMIT")
        except BaseException:
            if c.in_transaction:
                c.execute("ROLLBACK")
            raise


def _message(path: Path, problem: str, advice: str = "move it away to start a new progress database, or pass "
                                                     "--db PATH to use another file") -> str:
    return f"{path} {problem}. The file was left untouched; {advice}."


def _check_header(path: Path) -> None:
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


def _check_identity(conn: sqlite3.Connection, path: Path) -> None:
    """The header said "ours": now check that SQLite can read it whole, and what the meta table says."""
    result = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
    if result != "ok":
        first = next((line for line in result.splitlines() if not line.startswith("***")), result)
        raise StoreError(_message(path, f"is damaged (SQLite integrity check: {first.strip()})"))
    try:
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            raise StoreError(_message(path, "is not an rgann-cards progress database (no meta table)")) from exc
        raise
    if meta.get("app") != APP:
        raise StoreError(_message(path, "is not an rgann-cards progress database"))
    version = int(meta.get("schema_version", "0"))
    if version > SCHEMA_VERSION:
        raise StoreError(_message(path, f"was written by a newer rgann-cards (schema {version}; this version "
                                        f"reads up to {SCHEMA_VERSION})", "update rgann-cards to use it"))
    if version < 1:
        raise StoreError(_message(path, f"has an unknown schema version {meta.get('schema_version')!r}"))


def _create(path: Path) -> None:
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
            now = utc_text(datetime.now(timezone.utc))
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
