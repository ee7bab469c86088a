"""Every deck file parsed (read_yaml), on both cores for a large course.

Parsing is the one step of loading that needs nothing but the file, and at 10,000 notes it is
a quarter of a second. So a build starts it first (``start``): a forked child (forked.py) begins
parsing while this process is still importing the loader, and this process joins in when it gets
there. Each takes the next file as soon as it is free (forked.Tickets), the largest first, so
neither waits for the other. The child sends back each SourceDoc's fields as a plain tuple; a
file it could not parse, or never got to (it died), this process parses itself, and a file that
fails raises the same ContentError a serial load would, in file order. So the documents, the
errors and their order never depend on the split.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .. import forked
from ..errors import ContentError, ProblemCollector, display_path

if TYPE_CHECKING:  # read_yaml needs PyYAML: the child imports it while this process imports the rest
    from .yamlsource import SourceDoc

# Below this many bytes a fork and the transfer (about 25 ms at 2 MB) cost more than they save.
MIN_PARALLEL_BYTES = 1_000_000


class Parsing:
    """Deck files being parsed by a forked child; ``docs`` parses along here and collects the child's."""

    def __init__(self, paths: list[Path], sizes: dict[Path, int]):
        order = sorted(paths, key=lambda p: -(sizes.get(p) or 0))  # large files first: the last ones are short
        self._parts = forked.parts(order, forked.Tickets.LIMIT)
        self._tickets = forked.Tickets(len(self._parts))
        self._child = forked.Beside(self._theirs, fork=True)

    def _theirs(self) -> list[tuple[int, list[tuple | None]]]:
        # plain tuples unpickle in 60 % of a dataclass's time (30 ms instead of 50 at 10,000 notes)
        return [(i, [_plain(_parse(path)) for path in self._parts[i]]) for i in self._tickets]

    def docs(self) -> dict[Path, SourceDoc | None]:
        """Every file's SourceDoc (None where read_yaml raised), in no particular order; a file the
        child took but never sent back is missing (the caller parses it)."""
        from .yamlsource import SourceDoc

        try:
            done = {path: _parse(path) for i in self._tickets for path in self._parts[i]}
            # if the child failed, result() runs _theirs here: every ticket is taken by then, so it adds nothing
            for i, rows in self._child.result():
                done.update((path, None if row is None else SourceDoc(*row)) for path, row in zip(self._parts[i], rows))
            return done
        finally:
            self.close()

    def close(self) -> None:
        """Stop the child if it still runs (the load gave up before it needed the documents)."""
        self._child.cancel()
        self._tickets.close()


def start(content_dir: Path) -> Parsing | None:
    """Start parsing a large course's deck files beside this process (None: a small one, or no fork).

    The files are the loader's own (content/files.py), refused by the same rules; whatever is
    refused or unreadable here the loader finds and reports itself.
    """
    from .files import course_deck_files, readable

    if not forked.can_fork():
        return None
    scratch = ProblemCollector()  # the loader reports every problem itself
    sizes = {}
    for path in course_deck_files(content_dir, scratch):
        try:
            size = readable(path, content_dir, scratch)
        except OSError:
            continue
        if size is not None:
            sizes[path] = size
    if sum(sizes.values()) < MIN_PARALLEL_BYTES:
        return None
    return Parsing(list(sizes), sizes)


def parse_all(paths: list[Path], sizes: dict[Path, int], *, parallel: bool | None = None,
              parsing: Parsing | None = None) -> dict[Path, SourceDoc | None]:
    """Each path's SourceDoc, or None where read_yaml raised (the caller calls it again to get the error).

    ``parsing``: the files already being parsed beside this process (``start``).
    """
    if parsing is None:
        if parallel is None:
            parallel = sum(sizes.get(p) or 0 for p in paths) >= MIN_PARALLEL_BYTES and forked.can_fork()
        if parallel:
            parsing = Parsing(paths, sizes)
    done = parsing.docs() if parsing is not None else {}
    return {path: done[path] if path in done else _parse(path) for path in paths}


def _plain(doc: SourceDoc | None) -> tuple | None:
    return None if doc is None else (doc.file, doc.data, doc.positions, doc.key_positions, doc.invisible)


def _parse(path: Path) -> SourceDoc | None:
    from .yamlsource import read_yaml

    try:
        return read_yaml(path, display_path(path))
    except ContentError:
        return None
