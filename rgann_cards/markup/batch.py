"""Lint every text field of a course at once, on both cores when there are many.

Linting a field parses it, checks its TeX, converts what the pages print to
MathML and renders its Anki HTML: about 0.2 ms a field, so a 10,000-note course
spends most of its build here. Each field's result depends on its text alone,
so the work splits cleanly: on Linux a forked child takes half of the distinct
fields (by estimated cost, see _halves) while this process takes the rest, then
sends back its results and the parses and conversions it made, which join this
process's caches as if they had been made here. The results are the same bytes either way
(tests/test_markup_batch.py holds both paths to each other).

The child is forked (forked.py): it starts at once with everything loaded. It is
used only where forking is safe and worth it (enough fields). If the child fails
in any way, this process does its share too.
"""

from __future__ import annotations

from .. import forked
from . import markdown, mathml
from .tex_width import too_wide_inline

Field = tuple[str, bool, bool]  # (text, cloze, printed)
Result = tuple[list[str], list[str]]  # (errors, warnings)

# Below this many distinct fields forking costs more than it saves (measured: a fork and the
# transfer take about 15 ms; 1,000 fields take about 0.2 s).
MIN_PARALLEL = 1000


def lint(fields: list[Field], *, parallel: bool | None = None) -> list[Result]:
    """``(errors, warnings)`` for each ``(text, cloze, printed)``, in order.

    Errors are markdown.problems; warnings (inline formulas too wide for a phone) are looked
    for only in a field without errors. ``parallel=None`` decides by size and platform.
    """
    distinct = list(dict.fromkeys(fields))
    if parallel is None:
        parallel = len(distinct) >= MIN_PARALLEL and forked.can_fork()
    done = _parallel(distinct) if parallel else {field: _one(*field) for field in distinct}
    return [done[field] for field in fields]


def _one(text: str, cloze: bool, printed: bool) -> Result:
    found = markdown.problems(text, cloze=cloze, printed=printed)
    if found:
        return found, []
    warnings = too_wide_inline(text, cloze=cloze)
    markdown.settle(text, cloze=cloze)
    return found, warnings


def _parallel(distinct: list[Field]) -> dict[Field, Result]:
    mine, theirs = _halves(distinct)
    parsed_before, converted_before = set(markdown._PARSED), set(mathml._CONVERTED)

    def their_share():
        # only what found something travels back: most fields are clean
        found = {i: result for i, field in enumerate(theirs) if (result := _one(*field)) != ([], [])}
        return (found, markdown.parses_since(parsed_before),
                {k: v for k, v in mathml._CONVERTED.items() if k not in converted_before})

    with forked.Beside(their_share, fork=True) as child:
        done = {field: _one(*field) for field in mine}
        found, parsed, converted = child.result()  # computed here (and already in the caches) if the child failed
    done.update((field, found.get(i) or ([], [])) for i, field in enumerate(theirs))
    mathml._CONVERTED.update(converted)
    markdown.adopt_parses(parsed)
    return done


def _halves(fields: list[Field]) -> tuple[list[Field], list[Field]]:
    """Two shares of about equal work: each field goes to the share with less so far.

    A field's cost grows with its length, and a printed one's about four times as fast (its
    formulas are converted to MathML too). Alternating would not do: a course's fields come in
    a repeating order (front, back, front, back...), and one share would get every back.
    """
    return forked.halves(fields, lambda field: (len(field[0]) + 20) * (4 if field[2] else 1))
