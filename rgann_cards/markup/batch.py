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
from . import markdown, mathml
from .tex_width import too_wide_inline

Field = tuple[str, bool, bool]  # (text, cloze, printed)
Result = tuple[list[str], list[str]]  # (errors, warnings)

# Below this many fields forking costs more than it saves (measured: a fork and the
# transfer take about 15 ms; 1,000 fields take about 0.2 s).
MIN_PARALLEL = 1000


def lint(fields: list[Field], *, parallel: bool | None = None, started: Linting | None = None) -> list[Result]:
    """``(errors, warnings)`` for each ``(text, cloze, printed)``, in order.

    Errors are markdown.problems; warnings (inline formulas too wide for a phone) are looked
    for only in a field without errors. ``parallel=None`` decides by size and platform;
    ``started``: the fields already being linted beside this process.
    """
    if started is None:
        distinct = list(dict.fromkeys(fields))
        if parallel is None:
            parallel = len(distinct) >= MIN_PARALLEL and forked.can_fork()
        if parallel:
            parts = forked.parts(distinct, forked.Tickets.LIMIT)
            started = Linting(parts.__getitem__, len(parts))
    done = started.finish() if started is not None else {}
    for field in fields:
        if field not in done:  # not linted beside: here
            done[field] = _one(*field)
    return [done[field] for field in fields]


class Linting:
    """Parts of the fields (``part(i)`` for i < ``count``) linted by a forked child and by this
    process in turn; ``finish`` lints along here and collects what the child found."""

    def __init__(self, part: Callable[[int], list[Field]], count: int):
        self._part = part
        self._tickets = forked.Tickets(count)
        self._parsed_before, self._converted_before = set(markdown._PARSED), set(mathml._CONVERTED)
        self._child = forked.Beside(self._theirs, fork=True)

    def _theirs(self):
        taken, done = _lint_parts(self._part, self._tickets)
        # only what found something travels back (most fields are clean), and which parts were taken
        return (taken, {field: result for field, result in done.items() if result != ([], [])},
                markdown.parses_since(self._parsed_before),
                {k: v for k, v in mathml._CONVERTED.items() if k not in self._converted_before})

    def finish(self) -> dict[Field, Result]:
        """The result of every field of every part that was linted (here or beside)."""
        try:
            _, done = _lint_parts(self._part, self._tickets)
            # if the child failed, result() runs _theirs here: every ticket is taken by then, so it adds nothing
            parts, found, parsed, converted = self._child.result()
        finally:
            self.cancel()
        for i in parts:
            for field in self._part(i):
                done.setdefault(field, found.get(field) or ([], []))
        mathml._CONVERTED.update(converted)
        markdown.adopt_parses(parsed)
        return done

    def cancel(self) -> None:
        """Stop the child if it still runs (the load gave up before it needed the results)."""
        self._child.cancel()
        self._tickets.close()


def _lint_parts(part: Callable[[int], list[Field]], tickets: forked.Tickets) -> tuple[list[int], dict[Field, Result]]:
    """Parts taken until none is left: their numbers, and each field's result (each field once)."""
    taken: list[int] = []
    done: dict[Field, Result] = {}
    for i in tickets:
        taken.append(i)
        for field in part(i):
            if field not in done:
                done[field] = _one(*field)
    return taken, done


def _one(text: str, cloze: bool, printed: bool) -> Result:
    found = markdown.problems(text, cloze=cloze, printed=printed)
    if found:
        return found, []
    warnings = too_wide_inline(text, cloze=cloze)
    markdown.settle(text, cloze=cloze)
    return found, warnings
