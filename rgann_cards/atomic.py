"""Commit a set of files all together, or none of them.

A build replaces several files (the package, three HTML files, the JSON, the
figures and ``content/anki.lock``). A mix of old and new files is wrong in a
way no reader notices: an old lock with a new package breaks Anki's "update if
newer". So a commit has three phases:

1. **Stage**: every changed file is written to a temporary file in its target
   directory and fsynced; every file it will replace gets a hard link as a
   backup. This is where a full disk, a read-only directory or a missing
   permission shows up. On any failure every temporary is removed, and the
   previous files were never touched.
2. **Swap**: ``os.replace`` of each temporary onto its target. A rename needs
   no new data blocks, so it is very unlikely to fail once staging succeeded;
   if one does, the targets already replaced are restored from their backups.
3. **Settle**: the directories are fsynced (so the renames are durable) and
   the backups are removed.

What no process can guarantee: several renames are not one atomic step. If the
process is killed (or the machine loses power) *during the swap*, some files
are new and some old; the backups (``.<name>.*.bak``) are then left beside
them. docs/design.md describes this window.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path

from .errors import WriteError, display_path, escape_controls

# What an OSError means for the person at the keyboard.
_CAUSES = {
    errno.ENOSPC: "disk full",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "read-only file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
}


def write_error(path: Path, exc: OSError) -> WriteError:
    """A plain message for a failed write: ``disk full writing dist/rgann.apkg``."""
    cause = _CAUSES.get(exc.errno)
    shown = escape_controls(display_path(path))
    if cause:
        return WriteError(f"{cause} writing {shown}")
    return WriteError(f"cannot write {shown}: {exc.strerror or exc}")


@dataclass
class _Staged:
    target: Path
    temp: Path
    backup: Path | None = None  # a hard link to the file this one replaces


def _unchanged(path: Path, data: bytes) -> bool:
    try:
        return path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _hidden_name(path: Path, suffix: str) -> Path:
    """A fresh name beside ``path`` (same directory, so the rename stays on one file system)."""
    return path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}{suffix}")


def _write_temp(path: Path, data: bytes) -> Path:
    temp = _hidden_name(path, ".tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        os.fchmod(fd, 0o644)  # readable by everyone, whatever the umask: these files are published
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        temp.unlink(missing_ok=True)
        raise
    os.close(fd)
    return temp


def _backup(path: Path) -> Path | None:
    """Hard-link the current file, so a failed swap can put it back (costs a name, no data blocks)."""
    if not path.exists():
        return None
    backup = _hidden_name(path, ".bak")
    try:
        os.link(path, backup)
    except OSError as exc:
        if exc.errno in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            return None  # no hard links here (e.g. FAT): the swap goes without a safety net
        raise
    return backup


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot fsync a directory; the data itself was fsynced
    finally:
        os.close(fd)


def _make_parents(path: Path, created: list[Path]) -> None:
    missing = []
    parent = path.parent
    while not parent.exists():
        missing.append(parent)
        parent = parent.parent
    for directory in reversed(missing):
        directory.mkdir()
        created.append(directory)


def _discard(staged: list[_Staged], created: list[Path]) -> None:
    for item in staged:
        for leftover in (item.temp, item.backup):
            if leftover is not None:
                try:
                    leftover.unlink(missing_ok=True)
                except OSError:
                    pass
    for directory in reversed(created):
        try:
            directory.rmdir()
        except OSError:
            pass


def _stage(outputs: dict[Path, bytes], staged: list[_Staged], created: list[Path]) -> None:
    for path, data in sorted(outputs.items()):
        if _unchanged(path, data):
            continue
        try:
            _make_parents(path, created)
            item = _Staged(path, _write_temp(path, data))
            staged.append(item)
            item.backup = _backup(path)
        except OSError as exc:
            raise write_error(path, exc) from None


def _restore(done: list[_Staged]) -> None:
    """Undo a partial swap: put back each replaced file from its backup (newest first)."""
    for old in reversed(done):
        try:
            if old.backup is not None:
                os.replace(old.backup, old.target)
            else:
                old.target.unlink(missing_ok=True)  # it did not exist before this commit
        except OSError:
            old.backup = None  # keep the backup on disk: it is the only copy of the old file now


def _swap(staged: list[_Staged]) -> None:
    done: list[_Staged] = []
    item = None
    try:
        for item in staged:
            os.replace(item.temp, item.target)
            done.append(item)
    except OSError as exc:
        _restore(done)
        raise write_error(item.target, exc) from None
    except BaseException:  # Ctrl-C between two renames: still all or nothing
        _restore(done)
        raise


def commit(outputs: dict[Path, bytes]) -> list[Path]:
    """Replace every file in ``outputs`` with its bytes, all together or not at all; return the changed paths.

    Files whose bytes are unchanged are not touched. On failure raises WriteError with a plain
    message and leaves every previous file byte-identical.
    """
    staged: list[_Staged] = []
    created: list[Path] = []
    try:
        _stage({Path(p): d for p, d in outputs.items()}, staged, created)
        _swap(staged)
    except BaseException:
        _discard(staged, created)
        raise
    for directory in sorted({item.target.parent for item in staged}):
        _fsync_dir(directory)
    for item in staged:
        if item.backup is not None:
            item.backup.unlink(missing_ok=True)
    return [item.target for item in staged]


def write_all(outputs: dict[Path, bytes]) -> list[Path]:
    """All outputs in one commit (see ``commit``); returns the paths that changed."""
    return commit(outputs)


def write_bytes(path: Path, data: bytes) -> bool:
    """Replace one file atomically. Returns False (and writes nothing) if the bytes are unchanged."""
    return bool(commit({Path(path): data}))
