"""Why the progress database cannot be used, in plain words: read-only, full, locked, foreign or damaged.

SQLite reports many distinct faults with the same few words ("unable to open
database file", "disk I/O error"), and an intact file on a read-only mount or
a full disk used to be called damaged. ``classify`` looks at SQLite's error
code *and* at the file system (read-only mount, write permission, free space),
so each message names the real cause and what to do. Only a file that fails
SQLite's integrity check is ever called damaged, and only then is moving it
away suggested: advice to discard an intact file loses a student's history.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from ..errors import DataError

READ_ONLY, FULL, LOCKED, DAMAGED, OTHER = "read-only", "full", "locked", "damaged", "other"
_LOW_SPACE = 64 * 1024  # below this many free bytes, an I/O error while writing is a full disk
_READ_ONLY_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM}


class StoreError(DataError):
    """The progress file cannot be used (foreign, corrupt, newer, read-only, full, locked). It is left untouched."""


class StoreWriteError(StoreError):
    """An answer could not be saved (full disk, lock, I/O); every answer committed before it is saved."""


class StoreReplaced(StoreWriteError):
    """The database file was replaced or deleted while a session had it open."""


def classify(exc: BaseException, path: Path) -> str:
    """The kind of fault behind ``exc`` (an sqlite3.Error or OSError) for the database at ``path``."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    number = getattr(exc, "errno", None)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return LOCKED
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return DAMAGED
    if name.startswith("SQLITE_FULL") or number == errno.ENOSPC:
        return FULL
    if name.startswith("SQLITE_READONLY") or number in _READ_ONLY_ERRNOS or read_only_reason(path):
        return READ_ONLY
    if name.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN")) and free_bytes(path) < _LOW_SPACE:
        return FULL  # e.g. SQLITE_IOERR_SHMSIZE: the -shm file cannot grow on a full disk
    return OTHER


def read_only_reason(path: Path) -> str:
    """'' if SQLite can write the file and create its -wal and -shm files beside it, else where it cannot."""
    folder = path.parent
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return f"the file system holding {folder} is mounted read-only"
    except OSError:
        return ""
    if not os.access(folder, os.W_OK):
        return f"the directory {folder} is not writable"
    if path.exists() and not os.access(path, os.W_OK):
        return f"the file {path} is not writable"
    return ""


def free_bytes(path: Path) -> int:
    try:
        stat = os.statvfs(path.parent)
    except OSError:
        return 1 << 62
    return stat.f_bavail * stat.f_frsize


def detail(exc: BaseException) -> str:
    """SQLite's (or the OS's) own words, for the curious: 'SQLITE_IOERR_SHMSIZE: disk I/O error'."""
    if isinstance(exc, sqlite3.Error):
        name = getattr(exc, "sqlite_errorname", None)
        return f"{name}: {exc}" if name else str(exc)
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)


def open_message(exc: BaseException, path: Path, *, creating: bool = False) -> str:
    """Why the database at ``path`` cannot be opened (or created), and what to do."""
    kind = classify(exc, path)
    if creating:
        reason = (read_only_reason(path) if kind == READ_ONLY else
                  f"the disk holding {path.parent} is full" if kind == FULL else "")
        return (f"{path} cannot be created: {reason or 'an error occurred'} ({detail(exc)}). Nothing was "
                "written; fix that, or pass --db PATH to keep your progress elsewhere.")
    if kind == READ_ONLY:
        reason = read_only_reason(path) or "SQLite may not write there"
        return (f"{path} cannot be opened for writing: {reason} ({detail(exc)}). SQLite writes two files beside "
                f"it ({path.name}-wal, {path.name}-shm). The file is intact; make {path.parent} writable, or "
                "pass --db PATH to keep your progress elsewhere.")
    if kind == FULL:
        return (f"{path} cannot be opened: the disk holding {path.parent} is full ({detail(exc)}). The file is "
                "intact; free some space, then run the command again.")
    if kind == LOCKED:
        return (f"{path} is locked by another program ({detail(exc)}): another rgann-cards session or a database "
                "tool is writing to it. The file is intact; close that program, then try again.")
    if kind == DAMAGED:
        return damaged_message(path, detail(exc))
    return (f"{path} cannot be opened ({detail(exc)}). The file was left untouched; check the disk and the "
            "file's permissions, then try again.")


def damaged_message(path: Path, what: str) -> str:
    """The only message that advises moving the file away: SQLite itself found it damaged."""
    return (f"{path} is damaged ({what}). The file was left untouched; keep a copy of it, then move it away to "
            "start a new progress database, or pass --db PATH to use another file.")


def write_message(exc: BaseException, path: Path, saved: int, timeout: float, what: str = "this answer") -> str:
    """Why ``what`` could not be saved; every earlier answer is."""
    return _write_message(exc, path, saved, timeout).replace("save this answer", f"save {what}", 1)


def _write_message(exc: BaseException, path: Path, saved: int, timeout: float) -> str:
    kind = classify(exc, path)
    before = f"The {saved} answer{'s' if saved != 1 else ''} before it in this session {'are' if saved != 1 else 'is'} saved"
    if kind == FULL:
        return (f"Could not save this answer: the disk holding {path} is full ({detail(exc)}). {before}; free some "
                "space, then run the quiz again.")
    if kind == READ_ONLY:
        reason = read_only_reason(path) or "the file cannot be written"
        return f"Could not save this answer: {reason} ({detail(exc)}). {before}; fix that, then run the quiz again."
    if kind == LOCKED:
        return (f"Could not save this answer: {path} stayed locked by another program for {timeout:g} s "
                f"({detail(exc)}). {before}; close the other program, then run the quiz again.")
    if kind == DAMAGED:
        return f"Could not save this answer: SQLite reports {path} damaged ({detail(exc)}). {before}."
    return (f"Could not save this answer to {path} ({detail(exc)}). {before}; check the disk, then run the "
            "quiz again.")
