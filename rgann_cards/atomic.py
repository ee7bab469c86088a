"""Write files so that a reader sees either the old bytes or the new ones, never a half-written file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_bytes(path: Path, data: bytes) -> bool:
    """Atomically replace ``path`` with ``data``. Returns False (and writes nothing) if the bytes are unchanged."""
    path = Path(path)
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)  # atomic on POSIX when tmp and path share a directory
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def write_all(outputs: dict[Path, bytes]) -> list[Path]:
    """Write every output atomically, each file on its own; returns the paths that changed.

    Callers render *all* outputs into memory first, so a content error can
    never leave a mix of old and new files behind.
    """
    return [path for path, data in sorted(outputs.items()) if write_bytes(path, data)]
