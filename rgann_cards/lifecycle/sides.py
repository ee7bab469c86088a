"""Read the notes of an .apkg or of a student's collection.anki2 with the standard library only.

The collection is opened read-only and immutable (``mode=ro&immutable=1``): it is
never written, not even a journal, and ``diff`` does not need the ``anki``
package. Both the legacy schema (what genanki writes into an .apkg: models and
decks as JSON in ``col``) and Anki's current one (``notetypes`` and ``decks``
tables) are understood.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from ..errors import DataError, display_path


@dataclass(frozen=True)
class SideNote:
    """One note as Anki stores it."""

    guid: str
    mid: int
    notetype: str
    mod: int
    fields: tuple[str, ...]
    tags: frozenset[str]
    deck: str  # the deck of its first card

    @property
    def id(self) -> str:
        return self.fields[0] if self.fields else ""


def _connect(path: Path) -> sqlite3.Connection:
    uri = f"file:{quote(str(Path(path).resolve()))}?mode=ro&immutable=1"
    return sqlite3.connect(uri, uri=True)


def _names(conn: sqlite3.Connection) -> tuple[dict[int, str], dict[int, str]]:
    """Note type names and deck names by id, from either schema."""
    tables = {row[0] for row in conn.execute("select name from sqlite_master where type = 'table'")}
    if "notetypes" in tables:
        models = {int(i): n for i, n in conn.execute("select id, name from notetypes")}
        decks = {int(i): n.replace("\x1f", "::") for i, n in conn.execute("select id, name from decks")}
        return models, decks
    models_json, decks_json = conn.execute("select models, decks from col").fetchone()
    models = {int(i): m["name"] for i, m in json.loads(models_json).items()}
    decks = {int(i): d["name"] for i, d in json.loads(decks_json).items()}
    return models, decks


def read_notes(path: Path) -> dict[str, SideNote]:
    """Every note of a collection file, by GUID."""
    try:
        conn = _connect(path)
        try:
            models, decks = _names(conn)
            first_deck = {nid: did for nid, did in conn.execute(
                "select nid, did from cards c where ord = (select min(ord) from cards where nid = c.nid)")}
            notes = {}
            for nid, guid, mid, mod, flds, tags in conn.execute("select id, guid, mid, mod, flds, tags from notes"):
                notes[guid] = SideNote(guid, int(mid), models.get(int(mid), str(mid)), int(mod),
                                       tuple(flds.split("\x1f")), frozenset(tags.split()),
                                       decks.get(first_deck.get(nid), ""))
            return notes
        finally:
            conn.close()
    except (sqlite3.Error, TypeError, ValueError, KeyError) as exc:
        raise DataError(f"{display_path(path)} is not a readable Anki collection ({exc}); it was not changed") from None


def read_package(path: Path) -> dict[str, SideNote]:
    """Every note of an .apkg, by GUID (the package is unpacked into a temporary directory)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            inner = next((n for n in ("collection.anki21", "collection.anki2") if n in names), None)
            if inner is None:
                raise DataError(f"{display_path(path)} has no collection.anki2 (packages exported for the newest "
                                f"Anki only are not supported)")
            with tempfile.TemporaryDirectory() as tmp:
                target = Path(tmp) / "collection.anki2"
                target.write_bytes(archive.read(inner))
                return read_notes(target)
    except (OSError, zipfile.BadZipFile) as exc:
        raise DataError(f"cannot read the package {display_path(path)} ({exc})") from None
