"""Which course a command works on: --content DIR, else ./content, else the course bundled with the package."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..paths import BUNDLED_COURSE_DIR

DEFAULT_DIR = Path("content")
BUNDLED_NAME = "RGANN"  # the bundled course's root deck (tests/test_packaging.py keeps them equal)


@dataclass(frozen=True)
class CourseDir:
    """A course directory, and whether it is the read-only copy inside the package."""

    path: Path
    bundled: bool = False

    @property
    def notice(self) -> str | None:
        """What to tell the user when the course was not named (None when it was, or ./content exists)."""
        if not self.bundled:
            return None
        return (f"no {DEFAULT_DIR}/ here; using the bundled course {BUNDLED_NAME}; "
                f"pass --content DIR for your own")


def locate(content: Path | None, cwd: Path | None = None) -> CourseDir:
    """``content`` if given (it need not exist: the loader reports that), else ./content, else the bundled course."""
    if content is not None:
        return CourseDir(Path(content))
    local = (cwd or Path.cwd()) / DEFAULT_DIR
    if local.is_dir():
        return CourseDir(DEFAULT_DIR if cwd is None else local)
    return CourseDir(BUNDLED_COURSE_DIR, bundled=True)
