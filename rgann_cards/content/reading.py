"""Every deck file parsed (read_yaml), on both cores, and then linted there too.

Parsing is the one step of loading that needs nothing but the file, and at 10,000 notes it is
a quarter of a second. So a build starts it first (``start``): a forked child (forked.py) begins
parsing while this process is still importing the loader, and this process joins in when it gets
there. Each takes the next file as soon as it is free (forked.Tickets), the largest first, so
neither waits for the other. The child sends back each SourceDoc as a plain tuple (content/sent.py); a
file it could not parse, or never got to (it died), this process parses itself, and a file that
fails raises the same ContentError a serial load would, in file order. So the documents, the
errors and their order never depend on the split.

With ``lint`` (a build whose checks do not want the other core) the child goes on to lint the
fields of the files it parsed, as the files spell them (content/fields.py), while this process
validates them; ``linting`` joins in (markup/batch.py). Any course gets this child then, not only
a large one: the other core would be idle while this process imports.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .. import forked
from . import fields
from ..errors import ContentError, display_path

if TYPE_CHECKING:  # read_yaml needs PyYAML: the child imports it while this process imports the rest
    from .yamlsource import SourceDoc

# Below this many bytes a fork and the transfer (about 25 ms at 2 MB) cost more than they save.
MIN_PARALLEL_BYTES = 1_000_000


class Parsing:
    """Deck files being parsed by a forked child; ``docs`` parses along here and collects the child's.
    With ``lint``, the child lints them next, and ``linting`` joins in."""

    def __init__(self, paths: list[Path], sizes: dict[Path, int], *, lint: bool = False):
        order = sorted(paths, key=lambda p: -(sizes.get(p) or 0))  # large files first: the last ones are short
        self._parts = forked.parts(order, forked.Tickets.LIMIT)
        self._tickets = forked.Tickets(len(self._parts))
        self._lint_tickets = forked.Tickets(forked.Tickets.LIMIT) if lint else None
        self._theirs_parsed: list[SourceDoc] | None = None  # what the child parsed (and lints), in its order
        self._mine_parsed: list[SourceDoc] = []  # the rest: linted here
        self._here: dict[Path, SourceDoc | None] = {}  # what this process parsed (parse_here)
        shared = self._tickets.shared and (self._lint_tickets is None or self._lint_tickets.shared)
        self._child = forked.Stream(self._theirs, fork=shared)  # else every part is parsed here

    @property
    def lints(self) -> bool:
        """Whether the child goes on to lint (and so keeps the other core busy after parsing)."""
        return self._lint_tickets is not None and self._child.forked

    def _theirs(self):
        from .sent import pack

        taken = [(i, [_parse(path) for path in self._parts[i]]) for i in self._tickets]
        # plain tuples unpickle in 60 % of a dataclass's time (30 ms instead of 50 at 10,000 notes), and
        # packed positions in 40 % of theirs (content/sent.py)
        yield [(i, [None if doc is None else pack(doc) for doc in docs]) for i, docs in taken]
        if self._lint_tickets is not None:
            from .. import markup
            from ..markup import batch

            markup.forget()  # this child's caches hold only what it sends back
            part, count = fields.parts(fields.spelled_exercises([d.data for _, docs in taken for d in docs if d]))
            yield batch.lint_beside(part, count, self._lint_tickets, (set(), set()))

    def parse_here(self) -> dict[Path, SourceDoc | None]:
        """The files this process parses (None where read_yaml raised): parts taken until none is left;
        the child parses the rest. The loader validates them while the child sends its own."""
        try:
            for i in self._tickets:
                self._here.update((path, _parse(path)) for path in self._parts[i])
        except BaseException:
            self.close()
            raise
        return dict(self._here)

    def docs(self, paths: list[Path]) -> dict[Path, SourceDoc | None]:
        """Each path's SourceDoc (None where read_yaml raised): the child's, and the rest parsed here
        (what the child never sent, and what it was not given)."""
        from .sent import SentDoc

        try:
            done = self.parse_here()
            theirs = self._child.receive()
        except forked.Lost:  # what it took is parsed here
            self.close()
            theirs = None
        except BaseException:
            self.close()
            raise
        for i, rows in theirs or ():
            for path, row in zip(self._parts[i], rows):
                done[path] = None if row is None else SentDoc(*row)
        done.update((path, _parse(path)) for path in paths if path not in done)  # never given, or lost
        if self._lint_tickets is None:
            self.close()
        elif theirs is not None:  # the child lints what it parsed, in its order; this process the rest
            sent = [path for i, _ in theirs for path in self._parts[i]]
            self._theirs_parsed = [done[path] for path in sent if done[path] is not None]
            given = set(sent)
            self._mine_parsed = [done[path] for path in paths if path not in given and done[path] is not None]
        return {path: done[path] for path in paths}

    def linting(self):
        """The child's linting of the files it parsed, which this process joins (None without one):
        the files parsed here are linted here first, while the child works on its own."""
        from ..markup import batch

        if self._lint_tickets is None or self._theirs_parsed is None:
            return None
        part, count = fields.parts(fields.spelled_exercises([doc.data for doc in self._theirs_parsed]))
        mine = fields.spelled_fields(fields.spelled_exercises([doc.data for doc in self._mine_parsed]))
        self._theirs_parsed = self._mine_parsed = None  # the documents are the loader's now (memory)
        return batch.Linting(part, count, tickets=self._lint_tickets, receive=self._child.receive,
                             stop=self.close, mine=mine)

    def close(self) -> None:
        """Stop the child if it still runs (the load gave up before it needed the documents)."""
        self._child.cancel()
        self._tickets.close()
        if self._lint_tickets is not None:
            self._lint_tickets.close()


def start(content_dir: Path, *, lint: bool = False, sizes: dict[Path, int] | None = None) -> Parsing | None:
    """Start parsing a large course's deck files beside this process (None: a small one, or no fork);
    with ``lint``, any course's, and linting them after: the other core is idle while this process
    imports what loading needs (a build whose checks start their workers gives it to them instead).

    The files are the loader's own (``sizes``, from content/files.readable_deck_files), refused by
    the same rules; whatever is refused or unreadable here the loader finds and reports itself.
    """
    from .files import readable_deck_files

    if not forked.can_fork():
        return None
    sizes = readable_deck_files(content_dir) if sizes is None else sizes
    if not sizes or (not lint and sum(sizes.values()) < MIN_PARALLEL_BYTES):
        return None
    return Parsing(list(sizes), sizes, lint=lint)


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
    return parsing.docs(paths) if parsing is not None else {path: _parse(path) for path in paths}


def _parse(path: Path) -> SourceDoc | None:
    from .yamlsource import read_yaml

    try:
        return read_yaml(path, display_path(path))
    except ContentError:
        return None
