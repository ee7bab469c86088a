"""The pipeline: load -> validate -> verify -> render -> write (atomically).

Everything is gathered and rendered in memory first; only when every step has
succeeded are files replaced, each atomically. A content error or a failed
check therefore leaves the previous outputs byte-for-byte untouched.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from .atomic import write_all
from .load import load_course
from .lock import LOCK_NAME, now, read_lock
from .model import Course
from .verify import Verification, verify

APKG_NAME = "rgann.apkg"
JSON_NAME = "rgann.json"


@dataclass
class BuildReport:
    """What a build did, for the CLI to print."""

    course: Course
    verification: Verification
    written: list[Path] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def notes(self) -> int:
        return sum(1 + len(ex.cards) for _, ex in self.course.exercises())


def load_and_verify(content_dir: Path, report_times: dict[str, float] | None = None) -> tuple[Course, Verification]:
    """Load the course and run its checks; raise ContentError on bad content or any failed check."""
    times = report_times if report_times is not None else {}
    start = time.perf_counter()
    course = load_course(content_dir)
    times["load"] = time.perf_counter() - start
    start = time.perf_counter()
    verification = verify(course)
    times["verify"] = time.perf_counter() - start
    verification.raise_on_failure()
    return course, verification


def render_json(course: Course, verification: Verification) -> bytes:
    from .export.json import course_json

    return course_json(course, verification.results)


def build(content_dir: Path, dist_dir: Path, *, targets: tuple[str, ...] = ("anki", "json")) -> BuildReport:
    """Build every requested output into ``dist_dir``; update the lock file under ``content_dir``."""
    times: dict[str, float] = {}
    course, verification = load_and_verify(content_dir, times)
    report = BuildReport(course, verification, seconds=times)
    outputs: dict[Path, bytes] = {}
    start = time.perf_counter()
    if "anki" in targets:
        from .export.anki import build_notes, build_package

        lock_path = Path(content_dir) / LOCK_NAME
        clock = now()
        lock = read_lock(lock_path, clock)
        verified = {ex.id: verification.verified_line(ex.id) for _, ex in course.exercises()}
        notes = build_notes(course, verified, figures={})
        outputs[Path(dist_dir) / APKG_NAME] = build_package(course, notes, [], lock, clock)
        outputs[lock_path] = lock.to_bytes()
    if "json" in targets:
        outputs[Path(dist_dir) / JSON_NAME] = render_json(course, verification)
    times["render"] = time.perf_counter() - start
    start = time.perf_counter()
    report.written = write_all(outputs)
    report.outputs = sorted(p for p in outputs if p.name != LOCK_NAME)
    times["write"] = time.perf_counter() - start
    return report
