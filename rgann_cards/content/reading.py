"""Every deck file parsed (read_yaml), on both cores for a large course.

Parsing is the one step of loading that needs nothing but the file, and at 10,000 notes it is
a quarter of a second before anything else can start. A forked child (forked.py) parses half
of the bytes and sends back each SourceDoc's fields as a plain tuple; what it could not parse it leaves to this
process, which parses it again and raises the same ContentError a serial load would, in file
order. So the documents, the errors and their order never depend on the split.
"""

from __future__ import annotations

from pathlib import Path

from .. import forked
from ..errors import ContentError, display_path
from .yamlsource import SourceDoc, read_yaml

# Below this many bytes a fork and the transfer (about 25 ms at 2 MB) cost more than they save.
MIN_PARALLEL_BYTES = 1_000_000


def parse_all(paths: list[Path], sizes: dict[Path, int], *, parallel: bool | None = None) -> dict[Path, SourceDoc | None]:
    """Each path's SourceDoc, or None where read_yaml raised (the caller calls it again to get the error)."""
    if parallel is None:
        parallel = sum(sizes.get(p) or 0 for p in paths) >= MIN_PARALLEL_BYTES and forked.can_fork()
    if not parallel:
        return {path: _parse(path) for path in paths}
    mine, theirs = _halves(paths, sizes)
    with forked.Beside(lambda: [_plain(_parse(path)) for path in theirs], fork=True) as child:
        done = {path: _parse(path) for path in mine}
        done.update((path, None if row is None else SourceDoc(*row)) for path, row in zip(theirs, child.result()))
    return {path: done[path] for path in paths}


def _plain(doc: SourceDoc | None) -> tuple | None:
    # plain tuples unpickle in 60 % of a dataclass's time (30 ms instead of 50 at 10,000 notes)
    return None if doc is None else (doc.file, doc.data, doc.positions, doc.key_positions, doc.invisible)


def _parse(path: Path) -> SourceDoc | None:
    try:
        return read_yaml(path, display_path(path))
    except ContentError:
        return None


def _halves(paths: list[Path], sizes: dict[Path, int]) -> tuple[list[Path], list[Path]]:
    """Two shares of about equal bytes, the largest files first."""
    return forked.halves(sorted(paths, key=lambda p: -(sizes.get(p) or 0)), lambda p: sizes.get(p) or 0)
