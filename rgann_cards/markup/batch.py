"""Lint every text field of a course at once, on both cores when there are many.

Linting a field parses it, checks its TeX, converts what the pages print to
MathML and renders its Anki HTML: about 0.2 ms a field, so a 10,000-note course
spends most of its build here. Each field's result depends on its text alone,
so the work splits cleanly: on Linux a forked child and this process take parts
of the fields in turn, each the next part as soon as it is free (forked.Tickets).
The child can start before this process knows the fields for certain: the loader
starts it on the fields as the files spell them (``Linting``) and validates the
files meanwhile. At the end the child sends back what it found and the parses
and conversions it made, which join this process's caches as if they had been
made here; a field the child did not lint (it failed, or the validated text
differs) is linted here. The results are the same bytes either way
(tests/test_markup_batch.py holds both paths to each other).

The child is forked (forked.py): it starts at once with everything loaded. It is
used only where forking is safe and worth it (enough fields).
"""

from __future__ import annotations

from typing import Callable

from .. import forked
from . import field_lint, markdown, mathml
from .tex_width import too_wide

Field = tuple[str, bool, bool]  # (text, cloze, printed)
Result = tuple[list[str], list[str]]  # (errors, warnings)

# Below this many fields forking costs more than it saves (measured: a fork and the
# transfer take about 15 ms; 1,000 fields take about 0.2 s).
MIN_PARALLEL = 1000


def lint(fields: list[Field], *, parallel: bool | None = None, started: Linting | None = None) -> list[Result]:
    """``(errors, warnings)`` for each ``(text, cloze, printed)``, in order.

    Errors are field_lint.problems; warnings (inline formulas too wide for a phone) are looked
    for only in a field without errors. ``parallel=None`` decides by size and platform;
    ``started``: the fields already being linted beside this process.
    """
    found = dict(findings(fields, parallel=parallel, started=started))
    return [found[i] if i in found else ([], []) for i in range(len(fields))]


def findings(fields: list[Field], *, parallel: bool | None = None,
             started: Linting | None = None) -> list[tuple[int, Result]]:
    """What ``lint`` finds, only where it finds something: (index, result), in order. Most fields are
    clean: the loader looks at these alone (at 10,000 notes a result for every field and the walk
    over them cost 20 ms after the lint)."""
    if started is None:
        distinct = list(dict.fromkeys(fields))
        if parallel is None:
            parallel = len(distinct) >= MIN_PARALLEL and forked.can_fork()
        if parallel:
            parts = forked.parts(distinct, forked.Tickets.LIMIT)
            started = Linting(parts.__getitem__, len(parts))
    return started.finish(fields) if started is not None else _found(fields, {}, set())


def _found(fields: list[Field], done: dict[Field, Result], beside: set[Field]) -> list[tuple[int, Result]]:
    """Each field's result, from ``done``, else clean if it is in ``beside``, else linted here: (index,
    result) where there is something."""
    found = []
    for i, field in enumerate(fields):
        result = done.get(field)
        if result is None:
            if field in beside:  # linted beside, and clean (unless the child says otherwise)
                continue
            result = done[field] = _one(*field)  # not linted beside: here
        if result[0] or result[1]:
            found.append((i, result))
    return found


class Linting:
    """Parts of the fields (``part(i)`` for i < ``count``) linted by a forked child and by this
    process in turn; ``finish`` lints along here and collects what the child found.

    Without ``tickets``, a child is forked for it. With them, the child already runs (content/
    reading.py's, which lints once it has parsed): ``receive`` gets its ``lint_beside`` message
    and ``stop`` ends it. ``mine``: fields only this process has, linted here first.
    """

    def __init__(self, part: Callable[[int], list[Field]], count: int, *, tickets: forked.Tickets | None = None,
                 receive: Callable[[], tuple] | None = None, stop: Callable[[], None] | None = None,
                 mine: list[Field] = ()):
        self._part, self._count, self._mine = part, count, list(mine)
        if tickets is None:
            self._tickets = forked.Tickets(count)
            before = set(markdown._PARSED), set(mathml._CONVERTED)
            child = forked.Stream(lambda: iter([lint_beside(part, count, self._tickets, before)]),
                                  fork=self._tickets.shared)
            self._receive, self._stop = child.receive, child.cancel
        else:
            self._tickets, self._receive, self._stop = tickets, receive, stop

    def finish(self, fields: list[Field]) -> list[tuple[int, Result]]:
        """What ``findings`` finds in ``fields``: those of every part were linted (here or beside)."""
        done: dict[Field, Result] = {}
        try:
            for field in self._mine:  # while the child works on the parts
                if field not in done:
                    done[field] = _one(*field)
            _lint_parts(self._part, self._count, self._tickets, done)
            # Every part is taken now, here (its fields are in ``done``) or by the child, which sends what
            # it found meanwhile: the fields are looked up now (12 ms at 10k notes), the child's clean.
            found = _found(fields, done, set().union(*map(self._part, range(self._count))))
            try:
                _, theirs, parsed, converted = self._receive()
            except forked.Lost:  # the child failed: what it took is linted here
                theirs, parsed, converted = None, [], {}
        finally:
            self.cancel()
        if theirs is None:
            found = _found(fields, done, set())
        elif theirs:  # what the child found in the fields it linted
            found += [(i, theirs[field]) for i, field in enumerate(fields) if field in theirs and field not in done]
            found.sort(key=lambda item: item[0])
        mathml._CONVERTED.update(converted)
        markdown.adopt_parses(parsed)
        return found

    def cancel(self) -> None:
        """Stop the child if it still runs (the load gave up before it needed the results)."""
        self._stop()
        self._tickets.close()


def lint_beside(part: Callable[[int], list[Field]], count: int, tickets: forked.Tickets,
                before: tuple[set, set]) -> tuple:
    """A child's share: parts taken until none is left. What it sends back: the parts it took, what
    found something (most fields are clean), and the parses and conversions it made since ``before``."""
    done: dict[Field, Result] = {}
    taken = _lint_parts(part, count, tickets, done)
    parsed_before, converted_before = before
    return (taken, {field: result for field, result in done.items() if result != ([], [])},
            markdown.parses_since(parsed_before),
            {k: v for k, v in mathml._CONVERTED.items() if k not in converted_before})


def _lint_parts(part: Callable[[int], list[Field]], count: int, tickets: forked.Tickets,
                done: dict[Field, Result]) -> list[int]:
    """Parts taken until none is left, each field's result put in ``done`` (each field once); their numbers."""
    taken: list[int] = []
    for i in tickets:
        if i >= count:  # a child's tickets are made before it knows how many parts there will be
            continue
        taken.append(i)
        for field in part(i):
            if field not in done:
                done[field] = _one(*field)
    return taken


def _one(text: str, cloze: bool, printed: bool) -> Result:
    found, inline, shape = field_lint.lint(text, cloze, printed)  # problems, then the formulas of a field without any
    if found:
        return found, []
    warnings = too_wide(inline)
    if shape is not None and not warnings:
        field_lint.clean(shape, text)
    return found, warnings
