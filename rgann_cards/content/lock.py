"""content/anki.lock: when did each note's content last change?

Anki's default import ("update if newer") compares modification times. If we
stamped every note with the build time, a rebuild would overwrite the edits a
student made inside Anki; if we used a constant, real content changes would be
skipped. So each note keeps its time until its content hash changes. The lock
is committed with the content, which also makes builds byte-reproducible.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ContentError, SourceLocation, display_path

LOCK_NAME = "anki.lock"
LOCK_VERSION = 1


def content_hash(*parts: object) -> str:
    """sha256 over a canonical JSON encoding of ``parts``."""
    blob = json.dumps(parts, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def now() -> int:
    """The build's clock: SOURCE_DATE_EPOCH when set (reproducible builds), else wall time."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return int(epoch) if epoch and epoch.isdigit() else int(time.time())


@dataclass
class Lock:
    """Maps a stable key (note id, note-type name) to its content hash and modification time."""

    created: int
    entries: dict[str, dict] = field(default_factory=dict)

    def stamp(self, key: str, digest: str, clock: int) -> int:
        """The modification time for ``key`` with content ``digest``; bumps it only when the content changed."""
        old = self.entries.get(key)
        if old and old["sha256"] == digest:
            return old["mod"]
        # strictly newer than before, or Anki's "update if newer" would skip the change
        mod = max(clock, old["mod"] + 1) if old else clock
        self.entries[key] = {"sha256": digest, "mod": mod}
        return mod

    def prune(self, keep: set[str]) -> None:
        """Forget notes that no longer exist (their ids must never be reused anyway)."""
        self.entries = {k: v for k, v in self.entries.items() if k in keep}

    def to_bytes(self) -> bytes:
        data = {"version": LOCK_VERSION, "created": self.created, "entries": dict(sorted(self.entries.items()))}
        return (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def read_lock(path: Path, clock: int) -> Lock:
    """Read the lock file, or start a new one dated ``clock``."""
    if not path.is_file():
        return Lock(created=clock)
    try:
        data = json.loads(path.read_text("utf-8"))
        if data.get("version") != LOCK_VERSION:
            raise ValueError(f"unsupported version {data.get('version')!r}")
        entries = {str(k): {"sha256": str(v["sha256"]), "mod": int(v["mod"])} for k, v in data["entries"].items()}
        return Lock(created=int(data["created"]), entries=entries)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ContentError.at(
            SourceLocation(display_path(path)),
            f"corrupt lock file ({exc}); restore it from version control (deleting it resets Anki update times)",
        ) from None
