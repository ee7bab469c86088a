"""Messages of the loader's rules that span files (content/load.py _cross_check): deck names that
differ only in case, and check functions that do not exist."""

from __future__ import annotations

import difflib

from ..errors import ProblemCollector, SourceLocation, excerpt


def check_deck_case(name: str, loc: SourceLocation, seen: dict[str, tuple[str, SourceLocation]],
                    problems: ProblemCollector) -> None:
    """Anki matches deck names case-insensitively: 'Task 1' and 'task 1' (or parents 'Sheet 02' and
    'sheet 02') would become one deck, renamed and recased on import. So each level has one spelling."""
    parts = name.split("::")
    for depth in range(1, len(parts) + 1):
        prefix = "::".join(parts[:depth])
        spelled, first = seen.setdefault(prefix.casefold(), (prefix, loc))
        if spelled != prefix:
            problems.add(loc, f"deck {excerpt(prefix)} differs only in case from {excerpt(spelled)} at {first}; "
                              "Anki treats them as one deck")
            return


def unknown_check(name: str, functions: set[str]) -> str:
    """Say what is available and how a course adds its own: authors meet this first when they write a check."""
    close = difflib.get_close_matches(name, sorted(functions), n=1)
    if close:
        return f"unknown check function '{name}' (did you mean '{close[0]}'?)"
    modules = sorted({f.partition(".")[0] for f in functions})
    return (f"unknown check function '{name}' (installed check modules: {', '.join(modules) or 'none'}; "
            "'rgann-cards verify --list' shows every check; a course's own checks are a package that "
            "registers its module in the entry-point group 'rgann_cards.checks', see docs/checks.md)")
