"""The quiz items of a validated course, cached between runs so the first question appears at once.

Loading validates everything (YAML, model, markup, every formula), which takes
longer than the quiz's start-up budget. The items derived from a course that
validated are saved as JSON in the user cache directory, under a fingerprint
of every file below the content directory (path and bytes) and of the
rgann_cards sources (path, size and mtime). Any edit to the content or the code
misses the cache, and the course is loaded and validated again, so the quiz
never shows content that `rgann-cards lint` would reject. A missing, stale or
damaged cache file is simply rebuilt; failing to write one is not an error.
"""

from __future__ import annotations

import hashlib
import json
import os
from operator import attrgetter
from pathlib import Path

from ..lifecycle.lock import LOCK_NAME
from .items import FIELDS, Item, check_rows, from_row, item_rows, items_of

FORMAT = 4  # 2: numeric answers on items; 3: the lock is not in the key; 4: rows are lists
_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def load_items(content: Path, cache_dir: Path | None = None) -> list[Item]:
    """The course's items: from the cache when it matches, else by loading (and validating) the course."""
    content = Path(content)
    if not content.is_dir():  # let the loader report it in its usual words
        return _load(content)
    key = fingerprint(content)
    path = _cache_file(content, cache_dir)
    cached = _read(path, key)
    if cached is not None:
        return cached
    items = _load(content)
    _write(path, key, items)
    return items


def store_items(content: Path, course, cache_dir: Path | None = None) -> None:
    """Save the items of a course that validated, so the next quiz starts from the cache (build calls this)."""
    content = Path(content)
    rows = item_rows(course)  # the items' rows are what the file holds: no item is made
    check_rows(rows)
    for row in rows:
        row[_TAGS] = sorted(row[_TAGS])
    _write_rows(_cache_file(content, cache_dir), fingerprint(content), rows)


def _load(content: Path) -> list[Item]:
    from ..content.load import load_course

    return items_of(load_course(content))


def fingerprint(content: Path) -> str:
    """A hash of the content files (bytes; not the lock) and the package sources (size, mtime): any edit changes it."""
    from .. import __version__

    h = hashlib.sha256(f"rgann-cards {__version__} items {FORMAT}\n".encode())
    # not the lock: it is the build's record, the items never depend on it, and a build rewrites it
    # after the items are stored
    files = (p for p in content.rglob("*") if p.is_file() and p.relative_to(content).as_posix() != LOCK_NAME)
    for path in sorted(files):
        h.update(f"content {path.relative_to(content).as_posix()}\n".encode())
        if path.is_symlink():  # hash where it points, never read it: it may lead out of content/
            h.update(f"-> {os.readlink(path)}\n".encode())
            continue
        h.update(hashlib.sha256(path.read_bytes()).digest())
    for path in sorted(_PACKAGE_DIR.rglob("*.py")):
        stat = path.stat()
        h.update(f"code {path.relative_to(_PACKAGE_DIR).as_posix()} {stat.st_size} {stat.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _cache_file(content: Path, cache_dir: Path | None) -> Path:
    if cache_dir is None:
        from platformdirs import user_cache_path

        cache_dir = user_cache_path("rgann-cards", appauthor=False)
    where = hashlib.sha256(str(content.resolve()).encode()).hexdigest()[:16]
    return Path(cache_dir) / f"quiz-items-{where}.json"


def _read(path: Path, key: str) -> list[Item] | None:
    try:
        data = json.loads(path.read_text("utf-8"))
        if data.get("key") != key or data.get("fields") != _NAMES:
            return None
        return [_item(row) for row in data["items"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None


_NAMES = list(FIELDS)
_ROW = attrgetter(*_NAMES)  # an item's fields in that order, in one call (23 getattr calls took 0.1 s at 10,000 items)
_TAGS, _KEY_POINTS, _SOURCES = (_NAMES.index(name) for name in ("tags", "key_points", "sources"))


def _item(row: list) -> Item:
    if len(row) != len(_NAMES):
        raise KeyError("fields changed")
    row = list(row)
    row[_TAGS] = frozenset(row[_TAGS])
    row[_KEY_POINTS] = tuple(row[_KEY_POINTS])
    row[_SOURCES] = tuple(row[_SOURCES])
    return from_row(row)  # every field is in the row (its length is checked above)


def _write(path: Path, key: str, items: list[Item]) -> None:
    # Each item a list in the order of "fields": the names once, not on every row (a file 40 % smaller,
    # written and read in half the time). Fields are flat (str, int, tuples): no need for astuple's deep copy.
    rows = []
    for item in items:
        row = list(_ROW(item))
        row[_TAGS] = sorted(item.tags)
        rows.append(row)
    _write_rows(path, key, rows)


def _write_rows(path: Path, key: str, rows: list[list]) -> None:
    """``rows``: the items' fields in FIELDS order, their tags sorted lists."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # lists just made, none inside itself: the encoder need not look for cycles
        text = json.dumps({"key": key, "fields": _NAMES, "items": rows}, ensure_ascii=False, check_circular=False)
        tmp.write_text(text, "utf-8")
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
