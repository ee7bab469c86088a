"""Lint every text field of a course at once, on both cores when there are many.

Linting a field parses it, checks its TeX, converts what the pages print to
MathML and renders its Anki HTML: about 0.2 ms a field, so a 10,000-note course
spends most of its build here. Each field's result depends on its text alone,
so the work splits cleanly: on Linux a forked child takes every second distinct
field while this process takes the rest, then sends back its results and the
parses and conversions it made, which join this process's caches as if they
had been made here. The results are the same bytes either way
(tests/test_markup_batch.py holds both paths to each other).

Fork, not a process pool: the child starts at once with everything loaded, and
needs no pickled arguments. It is used only where forking is safe (Linux, no
other threads running) and worth it (enough fields). If the child fails in any
way, this process does its share too, so a bug shows up as the same exception
a serial run would raise.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading

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
        parallel = len(distinct) >= MIN_PARALLEL and _can_fork()
    done = _parallel(distinct) if parallel else {field: _one(*field) for field in distinct}
    return [done[field] for field in fields]


def _one(text: str, cloze: bool, printed: bool) -> Result:
    found = markdown.problems(text, cloze=cloze, printed=printed)
    if found:
        return found, []
    warnings = too_wide_inline(text, cloze=cloze)
    markdown.settle(text, cloze=cloze)
    return found, warnings


def _can_fork() -> bool:
    # Forking a process with other threads can deadlock the child (a lock held by a thread
    # that does not exist there); macOS frameworks are not fork-safe at all.
    return sys.platform.startswith("linux") and hasattr(os, "fork") and threading.active_count() == 1


def _parallel(distinct: list[Field]) -> dict[Field, Result]:
    mine, theirs = distinct[0::2], distinct[1::2]
    parsed_before, converted_before = set(markdown._PARSED), set(mathml._CONVERTED)
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its share, then everything it learned, then gone without cleanup
        os.close(reader)
        code = 1
        try:
            results = [_one(*field) for field in theirs]
            state = ({k: v for k, v in markdown._PARSED.items() if k not in parsed_before},
                     {k: v for k, v in mathml._CONVERTED.items() if k not in converted_before})
            for parsed in state[0].values():
                parsed.tokens = None  # markdown-it tokens are large to send and cheap to re-make
                parsed.inline = None
            with os.fdopen(writer, "wb") as out:
                pickle.dump((results, state), out, protocol=pickle.HIGHEST_PROTOCOL)
            code = 0
        finally:
            os._exit(code)  # never return into the parent's code, never run its exit handlers
    os.close(writer)
    done: dict[Field, Result] = {}
    try:
        done.update((field, _one(*field)) for field in mine)
        with os.fdopen(reader, "rb") as channel:
            try:
                received = pickle.load(channel)  # streamed: the whole message is never held as bytes
            except (EOFError, pickle.UnpicklingError):  # the child died before it had sent everything
                received = None
        _, status = os.waitpid(pid, 0)
        pid = 0
        if os.waitstatus_to_exitcode(status) != 0:
            received = None
    finally:
        if pid:  # interrupted: the child must not outlive this process's work
            os.kill(pid, 9)
            os.waitpid(pid, 0)
    if received is None:  # the child failed: do its share here
        done.update((field, _one(*field)) for field in theirs)
        return done
    results, (parsed, converted) = received
    done.update(zip(theirs, results))
    _adopt(parsed, converted)
    return done


def _adopt(parsed: dict, converted: dict) -> None:
    """The child's parses and conversions join this process's caches."""
    mathml._CONVERTED.update(converted)
    for key, theirs in parsed.items():
        here = markdown._PARSED.get(key)
        if here is None:
            markdown._PARSED[key] = theirs
        else:  # the same text linted here too (printed here, shown only in Anki there, or the reverse)
            here.printed |= theirs.printed
            for target, html in theirs.rendered.items():
                here.rendered.setdefault(target, html)
