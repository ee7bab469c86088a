"""The two settings of course.yaml that the quiz needs before (or instead of) loading the course.

The quiz starts from a cache of validated items and must not pay for pydantic
or the full loader, so it reads ``id`` and ``language`` here. It calls this
only after the items loaded, i.e. after course.yaml validated (the cache is
keyed by every content file's bytes), so the fallbacks below are not reached
for a course that lint accepts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import display_path
from .files import COURSE_FILE
from .yamlsource import read_yaml


@dataclass(frozen=True)
class CourseHeader:
    id: str
    language: str = "en"


def read_header(content_dir: Path) -> CourseHeader:
    """``id`` and ``language`` of the course in ``content_dir`` (ContentError if course.yaml is unreadable)."""
    path = Path(content_dir) / COURSE_FILE
    data = read_yaml(path, display_path(path)).data
    data = data if isinstance(data, dict) else {}
    return CourseHeader(id=str(data.get("id", "")), language=str(data.get("language", "en")))
