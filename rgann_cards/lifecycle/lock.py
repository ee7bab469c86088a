"""content/anki.lock: when did each note's content last change, and what did the course ship before?

Anki's default import ("update if newer") compares modification times. If we
stamped every note with the build time, a rebuild would overwrite the edits a
student made inside Anki; if we used a constant, real content changes would be
skipped. So each note keeps its time until its content hash changes. The lock
is committed with the content, which also makes builds byte-reproducible.

Version 2 also remembers what each note was (kind, deck, file, a fingerprint of
its text, the hash of each cloze deletion by number) and keeps removed ids as
tombstones instead of forgetting them, so that the guards can refuse a reused id
or a changed kind, and the build can ship a "removed" note under the old GUID.
Version 1 (stamps only) is read and migrated without changing any stamp.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from itertools import chain
from json.encoder import encode_basestring  # the C function where _json is built
from pathlib import Path

from ..errors import ContentError, SourceLocation, display_path
from ..jsontext import dumps

LOCK_NAME = "anki.lock"
LOCK_VERSION = 2
NOTETYPE_PREFIX = "notetype:"
# What the lock remembers about a note besides its stamp (a tombstone keeps them from its last build).
FACTS = ("kind", "deck", "file", "text", "cloze")


def content_hash(*parts: object) -> str:
    """sha256 over a canonical JSON encoding of ``parts``."""
    return hashlib.sha256(_canonical(parts).encode("utf-8")).hexdigest()


def note_hash(kind: str, fields: tuple[str, ...], tags: tuple[str, ...]) -> str:
    """``content_hash(kind, fields, tags)``, a note's digest: its text checked and written in one call
    each, with no call in between (10,000 notes: 26 -> 24 ms; tests/test_lifecycle.py)."""
    if _TEXT_LISTS is None or type(kind) is not str or type(fields) is not tuple or type(tags) is not tuple \
            or not _TEXT.issuperset(chain(map(type, fields), map(type, tags))):
        return content_hash(kind, fields, tags)
    return hashlib.sha256("".join(_TEXT_LISTS((kind, fields, tags), 0)).encode("utf-8")).hexdigest()


_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
_TEXT = frozenset({str})
_DICTS = frozenset({dict})
try:  # the C encoder json.dumps itself uses, made once: JSONEncoder.encode makes one per call
    from json.encoder import c_make_encoder
    _TEXT_LISTS = c_make_encoder(None, None, encode_basestring, None, ":", ",", True, False, True)
    # the lock's entries (keys sorted, as _sorted sorts them) and their clozes (in their own order, by
    # number) as dumps(indent=1) writes their items
    _ENTRIES = c_make_encoder(None, None, encode_basestring, None, ": ", ",\n   ", True, False, True)
    _CLOZES = c_make_encoder(None, None, encode_basestring, None, ": ", ",\n    ", False, False, True)
except ImportError:  # pragma: no cover - every CPython has it
    _TEXT_LISTS = _ENTRIES = _CLOZES = None


def _canonical(parts: tuple) -> str:
    """``json.dumps(parts, ensure_ascii=False, sort_keys=True, separators=(",", ":"))``. A note's parts
    (its kind, fields and tags: text, and tuples of text, which cannot nest or refer to themselves) go
    to the C encoder in one call (24 -> 16 ms at 10,000 notes); anything else to json's own encoder."""
    for part in parts:
        kind = type(part)
        if kind is not str and not ((kind is tuple or kind is list) and _TEXT.issuperset(map(type, part))):
            return _CANONICAL.encode(parts)
    return _CANONICAL.encode(parts) if _TEXT_LISTS is None else "".join(_TEXT_LISTS(parts, 0))


def now() -> int:
    """The build's clock: SOURCE_DATE_EPOCH when set (reproducible builds), else wall time."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return int(epoch) if epoch and epoch.isdigit() else int(time.time())


@dataclass
class Lock:
    """Stamps (content hash, modification time) for live notes and note types, and tombstones for removed ids.

    ``entries`` maps a note id (or ``notetype:<kind>``) to ``sha256``, ``mod`` and, for notes, the
    facts in FACTS. ``removed`` maps a removed id to its last facts, ``replaced_by`` (a likely
    rename, or None) and the stamp of the tombstone note that ships in its place.
    """

    created: int
    entries: dict[str, dict] = field(default_factory=dict)
    removed: dict[str, dict] = field(default_factory=dict)
    last_changes: dict | None = None  # the last build's release notes that had any change (lifecycle.changes)

    def stamp(self, key: str, digest: str, clock: int) -> int:
        """The modification time for ``key`` with content ``digest``; bumps it only when the content changed.

        ``key`` may be a live note, a note type or a tombstone: ids are never in both tables.
        """
        table = self.removed if key in self.removed else self.entries
        old = table.get(key)
        if old and old["sha256"] == digest:
            return old["mod"]
        # strictly newer than before, or Anki's "update if newer" would skip the change
        mod = max(clock, old["mod"] + 1) if old else clock
        table[key] = {**(old or {}), "sha256": digest, "mod": mod}
        return mod

    def notes(self) -> dict[str, dict]:
        """The live notes' entries (without the note types)."""
        return {k: v for k, v in self.entries.items() if not k.startswith(NOTETYPE_PREFIX)}

    def record(self, key: str, facts: dict) -> None:
        """Remember what the live note ``key`` is now (after it was stamped)."""
        self.entries[key].update({k: facts[k] for k in FACTS if facts.get(k) is not None})

    def retire(self, key: str, replaced_by: str | None) -> None:
        """Turn the live note ``key`` into a tombstone; its stamp is bumped when the tombstone ships."""
        entry = self.entries.pop(key)
        self.removed[key] = {**entry, "replaced_by": replaced_by}

    def restore(self, key: str) -> None:
        """Bring a tombstone back to life; its stamp is bumped because its content changes again."""
        entry = self.removed.pop(key)
        entry.pop("replaced_by", None)
        self.entries[key] = entry

    def copy(self) -> "Lock":
        """An independent copy. Entries are copied one level deep: every method replaces an entry's
        values (record() updates the entry itself) and never changes a value in place, so the
        values can be shared (a deep copy took 0.3 s at 10,000 notes)."""
        return Lock(self.created, {k: dict(v) for k, v in self.entries.items()},
                    {k: dict(v) for k, v in self.removed.items()}, copy.deepcopy(self.last_changes))

    def to_bytes(self) -> bytes:
        entries, removed = _table_text(self.entries), _table_text(self.removed)
        if entries is None or removed is None or type(self.created) is not int:
            return self._bytes_by_dumps()
        # the rest of the document is short: written by dumps at the depth it has in the lock
        last = dumps({"last_changes": self.last_changes}, indent=1, allow_nan=True)[len('{\n "last_changes": '):-2]
        return (f'{{\n "version": {LOCK_VERSION},\n "created": {int.__repr__(self.created)},\n "entries": {entries},'
                f'\n "removed": {removed},\n "last_changes": {last}\n}}\n').encode("utf-8")

    def _bytes_by_dumps(self) -> bytes:
        """to_bytes as the lock's data, its tables sorted, written by dumps (tests/test_lifecycle.py)."""
        data = {"version": LOCK_VERSION, "created": self.created, "entries": _sorted(self.entries),
                "removed": _sorted(self.removed), "last_changes": self.last_changes}
        return (dumps(data, indent=1, allow_nan=True) + "\n").encode("utf-8")


def _sorted(table: dict[str, dict]) -> dict:
    return {k: dict(sorted(v.items())) for k, v in sorted(table.items())}


# An entry's keys (_entry, stamp, record, retire): "cloze", the one that holds a mapping, comes first sorted.
_KEYS = frozenset({"cloze", "deck", "file", "kind", "mod", "replaced_by", "sha256", "text"})
_SCALARS = frozenset({str, int, type(None)})
_ENTRY_ITEMS, _CLOZE_ITEMS = ",\n   ", ",\n    "  # the separators of an entry's items and a cloze's at indent 1


def _table_text(table: dict[str, dict]) -> str | None:
    """``table`` (entries or tombstones) as to_bytes's dumps writes it, keys sorted at both depths, or
    None when it holds anything but text keys and entries of _KEYS with text, whole-number or None
    values and a cloze mapping of text to text. Every entry's items are written by one call of the C
    encoder (sorting them too, as _sorted does, but not a cloze's), cut apart between entries: only there is "}," and the separator
    followed by "{" (inside an entry the separator is followed by a key; no text holds a newline once
    encoded); the clozes likewise, and put in first (10,000 notes: 33 -> 22 ms)."""
    if not table:
        return "{}"
    keys = sorted(table)
    entries = [table[k] for k in keys]
    if _TEXT_LISTS is None or not _TEXT.issuperset(map(type, keys)) or not _DICTS.issuperset(map(type, entries)) \
            or not all(entries) or not _KEYS.issuperset(chain.from_iterable(entries)):
        return None
    with_cloze = [i for i, entry in enumerate(entries) if "cloze" in entry]
    clozes = [entries[i]["cloze"] for i in with_cloze]
    for i in with_cloze:
        entries[i] = {k: v for k, v in entries[i].items() if k != "cloze"}
    if not all(entries) or not _SCALARS.issuperset(map(type, chain.from_iterable(map(dict.values, entries)))) \
            or not _DICTS.issuperset(map(type, clozes)) or not all(clozes) \
            or not _TEXT.issuperset(chain(map(type, chain.from_iterable(clozes)),
                                          map(type, chain.from_iterable(map(dict.values, clozes))))):
        return None
    bodies = _bodies(_ENTRIES(entries, 0), _ENTRY_ITEMS, len(entries))
    cloze_bodies = _bodies(_CLOZES(clozes, 0), _CLOZE_ITEMS, len(clozes)) if clozes else []
    if bodies is None or cloze_bodies is None:  # cannot happen (see above): dumps writes it then
        return None
    for i, cloze in zip(with_cloze, cloze_bodies):
        bodies[i] = f'"cloze": {{\n    {cloze}\n   }}{_ENTRY_ITEMS}{bodies[i]}'
    pairs = map(": {\n   ".join, zip(map(encode_basestring, keys), bodies))
    return "{\n  " + "\n  },\n  ".join(pairs) + "\n  }\n }"


def _bodies(chunks, separator: str, count: int) -> list[str] | None:
    """The items of each of ``count`` dicts the C encoder wrote as a list (``chunks``), apart."""
    bodies = "".join(chunks)[2:-2].split("}" + separator + "{")  # without "[{" and "}]"
    return bodies if len(bodies) == count else None


def _entry(value: dict, tombstone: bool = False) -> dict:
    """One entry, type-checked: a damaged lock must be reported, not half-trusted."""
    entry: dict = {"sha256": str(value["sha256"]), "mod": int(value["mod"])}
    for key in ("kind", "deck", "file", "text"):
        if value.get(key) is not None:
            entry[key] = str(value[key])
    if value.get("cloze") is not None:
        entry["cloze"] = {str(int(n)): str(h) for n, h in value["cloze"].items()}
    if tombstone:
        entry["replaced_by"] = None if value.get("replaced_by") is None else str(value["replaced_by"])
    return entry


def read_lock(path: Path, clock: int) -> Lock:
    """Read the lock file (version 1 or 2), or start a new one dated ``clock``."""
    if not path.is_file():
        return Lock(created=clock)
    try:
        data = json.loads(path.read_text("utf-8"))
        version = data.get("version")
        if version not in (1, LOCK_VERSION):
            raise ValueError(f"unsupported version {version!r}")
        # version 1 had stamps only: every stamp carries over unchanged (so do the package's bytes);
        # the facts are filled in by the next build, and ids it had already forgotten stay forgotten
        entries = {str(k): _entry(v) for k, v in data["entries"].items()}
        removed = {str(k): _entry(v, tombstone=True) for k, v in data.get("removed", {}).items()}
        if set(entries) & set(removed):
            raise ValueError(f"ids both live and removed: {', '.join(sorted(set(entries) & set(removed)))}")
        last = data.get("last_changes")
        if last is not None and not isinstance(last, dict):
            raise ValueError("'last_changes' is not a mapping")
        return Lock(created=int(data["created"]), entries=entries, removed=removed, last_changes=last)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ContentError.at(
            SourceLocation(display_path(path)),
            f"corrupt lock file ({exc}); restore it from version control (deleting it resets Anki update times)",
        ) from None
