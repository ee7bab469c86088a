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
from .errors import ContentError, Problem
from .diagrams.render import DEFAULT_CACHE_DIR as DEFAULT_FIGURE_CACHE
from .content.load import load_course
from .content.media import figure_file
from .lifecycle.lock import LOCK_NAME, now, read_lock
from .content.model import Course
from .checks.verify import Verification, verify

APKG_NAME = "rgann.apkg"
JSON_NAME = "rgann.json"
STUDY_SHEET_NAME = "study-sheet.html"
QUIZ_NAME = "quiz.html"
ANSWER_KEY_NAME = "answer-key.html"
FIGURES_DIR = "figures"
CHANGES_NAME = "CHANGES.md"


@dataclass
class BuildReport:
    """What a build did, for the CLI to print."""

    course: Course
    verification: Verification
    written: list[Path] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)  # the course's, plus any found while building

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


def _remove_stale_figures(directory: Path, keep: set[str]) -> None:
    """Figures no longer used by the course: removed after a successful build, never before."""
    if not directory.is_dir():
        return
    for path in directory.rglob("*"):
        if path.is_file() and path.suffix in (".svg", ".png", ".jpg", ".jpeg") \
                and path.relative_to(directory).as_posix() not in keep:
            path.unlink()


def used_figures(course: Course) -> set[str]:
    """Every figure an exercise or card refers to (a figure name or a media file)."""
    names = {ex.figure for _, ex in course.exercises() if ex.figure}
    return names | {card.figure for _, ex in course.exercises() for card in ex.cards if card.figure}


def render_figures(course: Course, cache_dir: Path | None = DEFAULT_FIGURE_CACHE,
                   names: set[str] | None = None) -> dict[str, bytes]:
    """SVG bytes of every figure the course uses (drawn, or read from the cache); media files as they are."""
    from .content.media import is_media_ref
    from .diagrams.render import render_figures as render

    names = used_figures(course) if names is None else names
    drawn = render({n for n in names if not is_media_ref(n)}, cache_dir, course.diagrams)
    return {**drawn, **{n: course.media[n] for n in sorted(names) if is_media_ref(n)}}


def build(content_dir: Path, dist_dir: Path, *, targets: tuple[str, ...] = ("anki", "html", "json"),
          cache_dir: Path | None = DEFAULT_FIGURE_CACHE, strict: bool = False) -> BuildReport:
    """Build every requested output into ``dist_dir``; update the lock file under ``content_dir``.

    With ``strict``, any warning is an error and nothing is written.
    """
    from .lifecycle import guards, tombstones

    times: dict[str, float] = {}
    course, verification = load_and_verify(content_dir, times)
    lock_path = Path(content_dir) / LOCK_NAME
    clock = now()
    lock = read_lock(lock_path, clock)
    # a reused or kind-changed id stops here, before any output exists
    guard, records = guards.guard_course(course, Path(content_dir), lock)
    report = BuildReport(course, verification, seconds=times, warnings=[*course.warnings, *guard.warnings])
    outputs: dict[Path, bytes] = {}
    start = time.perf_counter()
    svgs = render_figures(course, cache_dir)
    times["figures"] = time.perf_counter() - start
    start = time.perf_counter()
    # the quiz shows (and can open) these files; they are the same bytes Anki and the HTML get
    outputs.update({Path(dist_dir) / FIGURES_DIR / figure_file(name): svg for name, svg in svgs.items()})
    if "anki" in targets:
        from .export.anki import Media, build_notes, build_package
        from .export.anki_tombstones import tombstone_notes
        from .export.changes import render_changes
        from .lifecycle.changes import release_notes

        previous = lock.copy()
        tombstones.retire_removed(lock, guard)
        verified = {ex.id: verification.verified_line(ex.id) for _, ex in course.exercises()}
        media = {name: Media.from_bytes(data, Path(figure_file(name)).suffix) for name, data in
                 {**course.media, **svgs}.items()}
        notes = build_notes(course, verified, media) + tombstone_notes(lock, course.info)
        outputs[Path(dist_dir) / APKG_NAME] = build_package(course, notes, list(media.values()), lock, clock)
        tombstones.remember(lock, records)
        changes = release_notes(previous, lock, records)
        outputs[Path(dist_dir) / CHANGES_NAME] = render_changes(changes, course.info)
        outputs[lock_path] = lock.to_bytes()
    if "html" in targets:
        from .export.html import render_answer_key, render_quiz, render_study_sheet, select

        everything = select(course)  # the full sheet in course order; `quiz-sheet` makes seeded ones
        outputs[Path(dist_dir) / STUDY_SHEET_NAME] = render_study_sheet(course, verification, svgs)
        outputs[Path(dist_dir) / QUIZ_NAME] = render_quiz(course, everything)
        outputs[Path(dist_dir) / ANSWER_KEY_NAME] = render_answer_key(course, verification, everything, svgs)
    if "json" in targets:
        outputs[Path(dist_dir) / JSON_NAME] = render_json(course, verification)
    times["render"] = time.perf_counter() - start
    if strict and report.warnings:
        raise ContentError(report.warnings)
    start = time.perf_counter()
    report.written = write_all(outputs)
    _remove_stale_figures(Path(dist_dir) / FIGURES_DIR, keep={figure_file(name) for name in svgs})
    figures_dir = Path(dist_dir) / FIGURES_DIR
    report.outputs = sorted(p for p in outputs if p.name != LOCK_NAME and not p.is_relative_to(figures_dir))
    times["write"] = time.perf_counter() - start
    return report
