"""The one error type users see: a list of problems, each pinned to a file and line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# Control, bidi and zero-width characters: never printed raw (a file *name* can hold them too).
_UNPRINTABLE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def escape_controls(text: str) -> str:
    """``text`` with every control or invisible character written as an escape (``\\x1b``, ``\\u202e``)."""
    return _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], text)


@dataclass(frozen=True, order=True)
class SourceLocation:
    """A position in a content file. Lines and columns are 1-based, as editors show them."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if not self.line:
            return self.file
        if not self.column:
            return f"{self.file}:{self.line}"
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content. Sorts by file, then line, then column."""

    location: SourceLocation
    message: str

    def __str__(self) -> str:
        return escape_controls(f"{self.location}: {self.message}")

    def as_warning(self) -> str:
        """How a warning is printed: ``path:line:col: warning: message``."""
        return escape_controls(f"{self.location}: warning: {self.message}")


class ContentError(Exception):
    """Bad content. Carries every problem found, deduplicated and sorted; the CLI exits 1."""

    def __init__(self, problems: list[Problem] | Problem):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def at(cls, location: SourceLocation, message: str) -> "ContentError":
        return cls([Problem(location, message)])


class DataError(Exception):
    """A user's own data file (e.g. quiz progress) cannot be used; it is left untouched. The CLI exits 1."""


class UsageError(Exception):
    """The command line was wrong (bad flag, missing directory). The CLI exits 2."""


class WriteError(Exception):
    """Outputs could not be written (disk full, read-only, no permission); nothing changed. The CLI exits 1."""


class ProblemCollector:
    """Collects problems across files so that one run reports all of them.

    Warnings are things the author should know (they do not stop a build unless ``--strict``);
    they are kept apart from errors and travel with the result (``Course.warnings``).
    """

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def add(self, location: SourceLocation, message: str) -> None:
        self.problems.append(Problem(location, message))

    def warn(self, location: SourceLocation, message: str) -> None:
        self.warnings.append(Problem(location, message))

    def sorted_warnings(self) -> tuple[Problem, ...]:
        return tuple(sorted(set(self.warnings)))

    def extend(self, error: ContentError) -> None:
        self.problems.extend(error.problems)

    def raise_if_any(self) -> None:
        if self.problems:
            raise ContentError(self.problems)


def excerpt(text: str, limit: int = 40) -> str:
    """A short, escaped quotation of ``text`` for a message: never more than ``limit`` characters of a file.

    ``repr`` escapes control and invisible characters, so a message cannot carry them to a terminal.
    """
    return repr(text if len(text) <= limit else text[:limit] + "…")


def display_path(path: Path, root: Path | None = None) -> str:
    """Path as the user should see it: relative to the working directory when possible."""
    path = Path(path)
    for base in (root, Path.cwd()):
        if base is None:
            continue
        try:  # resolve the directory, not the file: a symlink is shown by its own name
            return str((path.parent.resolve() / path.name).relative_to(Path(base).resolve()))
        except ValueError:
            pass
    return str(path)
