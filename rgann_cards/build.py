"""The pipeline: load -> validate -> verify (while the figures are drawn) -> render -> commit.

Everything is gathered and rendered in memory first; only when every step has
succeeded are the files replaced, all in one commit (``atomic.commit``). A
content error, a failed check or a full disk therefore leaves the previous
outputs and the lock byte-for-byte untouched.

A build whose inputs and outputs match the last successful build's record
(fingerprint.py) does no work at all, and says so. Once the course has validated
and its checks have passed, the quiz's item cache is written too (beside the Anki
export), so the first quiz after an edit starts at once.
"""

from __future__ import annotations

import gc
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .atomic import commit
from .errors import ContentError, Problem, SourceLocation, display_path
from .diagrams.render import DEFAULT_CACHE_DIR as DEFAULT_FIGURE_CACHE
from .content.media import figure_file
from .lifecycle.lock import LOCK_NAME, now, read_lock
# the pages', figures' and release notes' names are outputs.py's; build re-exports them, and render_json
from .outputs import ANSWER_KEY_NAME, CHANGES_NAME, FIGURES_DIR, QUIZ_NAME, STUDY_SHEET_NAME, render_json  # noqa: F401
from .outputs import render_outputs

if TYPE_CHECKING:  # loading and checking import pydantic and more: a no-op build needs neither
    from .checks.verify import Verification
    from .content.model import Course

APKG_NAME = "rgann.apkg"  # the shipped course's names; every course's come from course.identity
JSON_NAME = "rgann.json"


def quiz_names(code: str) -> tuple[str, str]:
    """A selected quiz and its key, named by the selection code so a later full build never overwrites them."""
    return f"quiz-{code}.html", f"answer-key-{code}.html"


@dataclass
class BuildReport:
    """What a build did, for the CLI to print."""

    course: Course | None  # None when the build was up to date and nothing was loaded
    verification: Verification | None
    written: list[Path] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)  # the course's, plus any found while building
    up_to_date: bool = False
    summary: dict = field(default_factory=dict)  # counts for the CLI: decks, exercises, notes, checks

    @property
    def notes(self) -> int:
        return self.summary["notes"]


def load_and_verify(content_dir: Path, report_times: dict[str, float] | None = None) -> tuple[Course, Verification]:
    """Load the course and run its checks; raise ContentError on bad content or any failed check."""
    from .checks.verify import verify
    from .content.load import load_course

    times = report_times if report_times is not None else {}
    start = time.perf_counter()
    course = load_course(content_dir)
    times["load"] = time.perf_counter() - start
    start = time.perf_counter()
    verification = verify(course)
    times["verify"] = time.perf_counter() - start
    verification.raise_on_failure()
    return course, verification


def _remove_stale_figures(directory: Path, keep: set[str]) -> None:
    """Figures no longer used by the course: removed after a successful build, never before.

    Best effort: a stale figure left behind is harmless (nothing links to it).
    """
    if not directory.is_dir():
        return
    for path in directory.rglob("*"):
        if path.is_file() and path.suffix in (".svg", ".png", ".jpg", ".jpeg") \
                and path.relative_to(directory).as_posix() not in keep:
            try:
                path.unlink()
            except OSError:
                pass


def used_figures(course: Course) -> set[str]:
    """Every figure an exercise or card refers to (a figure name or a media file)."""
    names = {ex.figure for _, ex in course.exercises() if ex.figure}
    return names | {card.figure for _, ex in course.exercises() for card in ex.cards if card.figure}


def render_figures(course: Course, cache_dir: Path | None = DEFAULT_FIGURE_CACHE,
                   names: set[str] | None = None, queue=None) -> dict[str, bytes]:
    """SVG bytes of every figure the course uses (drawn, or read from the cache); media files as they are.

    ``queue``: a ``diagrams.shared.FigureQueue`` that check workers may also draw from.
    """
    from .content.media import is_media_ref
    from .diagrams.render import render_figures as render

    names = used_figures(course) if names is None else names
    drawn = render({n for n in names if not is_media_ref(n)}, cache_dir, course.diagrams, queue)
    return {**drawn, **{n: course.media[n] for n in sorted(names) if is_media_ref(n)}}


def build(content_dir: Path, dist_dir: Path, *, targets: tuple[str, ...] = ("anki", "html", "json"),
          cache_dir: Path | None = DEFAULT_FIGURE_CACHE, strict: bool = False,
          write_lock: bool = True, state_dir: Path | None = None) -> BuildReport:
    """Build every requested output into ``dist_dir``; update the lock file under ``content_dir``.

    With ``strict``, any warning is an error and nothing is written. ``write_lock=False`` (the
    bundled course, inside the installed package) reads the lock but never writes it. When nothing
    changed since the last successful build (``state_dir`` holds its record; default: the user
    cache), nothing is loaded or written and the report says ``up_to_date``.
    """
    from . import fingerprint

    options = {"targets": sorted(targets), "strict": strict, "figure_cache": str(cache_dir),
               "dist": str(Path(dist_dir).resolve()), "write_lock": write_lock}
    record = fingerprint.up_to_date(content_dir, dist_dir, options, state_dir)
    if record is not None:
        summary = record["summary"]
        warnings = [Problem(SourceLocation(*w[:3]), w[3]) for w in summary["warnings"]]
        return BuildReport(None, None, outputs=[Path(dist_dir) / name for name in summary["outputs"]],
                           warnings=warnings, up_to_date=True, summary=summary)
    from .checks.cache import is_empty
    from .content import reading
    from .content.files import readable_deck_files

    # The checks' fork server loads SymPy and NumPy on the other core while this process loads the
    # course: at once when no check result is cached and the course seems to have checks, else as
    # soon as the exercises are read and some check turns out not to be cached (none: no server).
    decks = readable_deck_files(Path(content_dir))
    checking = is_empty() and _mentions_checks(Path(content_dir), decks)
    # Else the other core parses the course from now on, while this process imports the rest, and
    # lints it (a large course's files are parsed beside this process either way).
    parsing = reading.start(Path(content_dir), lint=not checking, sizes=decks)
    try:
        return _build(content_dir, dist_dir, targets, cache_dir, strict, write_lock, state_dir, options, parsing,
                      checking)
    finally:
        if parsing is not None:
            parsing.close()
        gc.unfreeze()  # what _long_lived kept out of the collector's way is the caller's to collect now


@contextmanager
def _long_lived():
    """Work whose objects (the course, its parses, its notes) live as long as the build: the cyclic
    garbage collector is off meanwhile, and what it made is frozen afterwards, so no later collection
    scans it again. A 10,000-note course allocates millions of them; with the collector on, each of
    its passes rescans them (0.13 s of the build's 2 s; peak memory no higher). Figures are drawn
    outside: matplotlib's garbage is cyclic."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _build(content_dir: Path, dist_dir: Path, targets: tuple[str, ...], cache_dir: Path | None, strict: bool,
           write_lock: bool, state_dir: Path | None, options: dict, parsing, checking: bool) -> BuildReport:
    def start_server() -> None:
        from .checks.runner import start_server

        start_server()

    # At once means before anything imports pydantic (checks.verify does), so the other core starts early.
    if checking:
        start_server()
    from .checks.verify import will_run
    from . import markup
    from .checks.verify import verify
    from .content.load import load_course

    times: dict[str, float] = {}
    start = time.perf_counter()
    if parsing is not None and parsing.lints:
        _prepare_render(targets)
    with _long_lived():
        course = load_course(content_dir, read=lambda exercises: will_run(exercises) and start_server(),
                             parsing=parsing)
    times["load"] = time.perf_counter() - start
    # The checks run in worker processes while this one draws the figures: both cores at work.
    # A worker that runs out of checks takes figures from the back of the same queue.
    from .diagrams.shared import FigureQueue

    figures = FigureQueue()
    with ThreadPoolExecutor(max_workers=1) as pool:
        start = time.perf_counter()
        checking = pool.submit(_timed, lambda: verify(course, figures=figures))
        svgs = render_figures(course, cache_dir, queue=figures)
        times["figures"] = time.perf_counter() - start
        verification, times["verify"] = checking.result()
    verification.raise_on_failure()
    from .lifecycle import guards

    lock_path = Path(content_dir) / LOCK_NAME
    clock = now()
    lock = read_lock(lock_path, clock)
    start = time.perf_counter()
    # a reused or kind-changed id stops the build in there, before any output exists
    with _long_lived():
        outputs, items_stored, guard, read = render_outputs(
            course, verification, svgs, targets, Path(dist_dir), lock_path, lock, clock,
            lambda: guards.guard_course(course, Path(content_dir), lock),
            lambda: _store_quiz_items(content_dir, course, state_dir),
            lambda written: _inputs(content_dir, options, lock_path, written if write_lock else {}))
    report = BuildReport(course, verification, seconds=times, warnings=[*course.warnings, *guard.warnings])
    if not write_lock:
        new_lock = outputs.pop(lock_path, None)
        if new_lock is not None and (not lock_path.is_file() or lock_path.read_bytes() != new_lock):
            report.warnings.append(Problem(SourceLocation(display_path(lock_path)), "the bundled course's lock "
                                           "is out of date (not written: the package is read-only)"))
    markup.forget()  # every page is rendered: the parses and conversions are no longer needed
    times["render"] = time.perf_counter() - start
    if strict and report.warnings:
        raise ContentError(report.warnings)
    start = time.perf_counter()
    report.written = commit(outputs)  # everything or nothing, the lock included
    _remove_stale_figures(Path(dist_dir) / FIGURES_DIR, keep={figure_file(name) for name in svgs})
    figures_dir = Path(dist_dir) / FIGURES_DIR
    report.outputs = sorted(p for p in outputs if p.name != LOCK_NAME and not p.is_relative_to(figures_dir))
    times["write"] = time.perf_counter() - start
    report.summary = {
        "decks": len(course.decks), "exercises": len(course.exercises()),
        "notes": sum(1 + len(ex.cards) for _, ex in course.exercises()), "checks": len(verification.items),
        "arithmetic": sum(check.arithmetic for _, check, _ in verification.items),
        "outputs": [p.relative_to(dist_dir).as_posix() for p in report.outputs],
        "warnings": [[w.location.file, w.location.line, w.location.column, w.message] for w in report.warnings],
    }
    _after_success(content_dir, dist_dir, options, outputs, lock_path, report, state_dir, read)
    if not items_stored:
        _store_quiz_items(content_dir, course, state_dir)
    return report


def _prepare_render(targets: tuple[str, ...]) -> None:
    """What rendering imports, done while the other core lints the course (it would otherwise take it
    the first fields and leave the rest to this process): the child that makes the pages starts with
    Jinja loaded. It compiles the templates itself: the build process is the longer side of the load,
    the child has time to spare (compiling them here cost 10 ms at 100 notes, 30 ms at 10,000)."""
    from .quiz import cache  # noqa: F401 - the quiz's items, made beside the pages

    if "html" in targets:
        from .export import html  # noqa: F401
    if "anki" in targets:
        from . import libraries
        from .export import anki  # noqa: F401

        libraries.genanki()


def _mentions_checks(content_dir: Path, files: dict[Path, int] | None = None) -> bool:
    """Whether any deck file contains the word ``checks``: a hint for when to start the checks'
    workers, nothing more (the loader decides). It reads the files the loader would read, by the
    loader's own rules (content/files.py: no symlink out of content/, no FIFO, none too large)."""
    from .content.files import readable_deck_files

    for path in readable_deck_files(content_dir) if files is None else files:
        try:
            if b"checks" in path.read_bytes():
                return True
        except OSError:
            continue
    return False


def _timed(fn, *args):
    """``fn(*args)`` and its wall time: the checks' own time, not the wait for the figures."""
    start = time.perf_counter()
    return fn(*args), time.perf_counter() - start


def _inputs(content_dir: Path, options: dict, lock_path: Path, outputs: dict[Path, bytes]) -> str:
    """The digest of what this build read, with the lock it writes (if it writes one). Taken while the child
    makes the pages, where this process would otherwise wait (a tenth of the render step at 1,000 notes)."""
    from . import fingerprint

    return fingerprint.inputs(content_dir, options, {lock_path: outputs[lock_path]} if lock_path in outputs else None)


def _after_success(content_dir: Path, dist_dir: Path, options: dict, outputs: dict[Path, bytes], lock_path: Path,
                   report: BuildReport, state_dir: Path | None, read: str) -> None:
    """Remember this build (``read``: its inputs' digest): the next no-op costs file hashes only."""
    from . import fingerprint

    fingerprint.remember(content_dir, dist_dir, read, {Path(p).resolve(): b for p, b in outputs.items()},
                         report.summary, state_dir)
    outputs.clear()  # written and hashed: the quiz's items need the memory more (peak RSS at 10k notes)


def _store_quiz_items(content_dir: Path, course: Course, state_dir: Path | None) -> None:
    """Hand the quiz this course's items, so the first quiz after the build starts at once."""
    from .quiz.cache import store_items

    try:
        store_items(content_dir, course, None if state_dir is None else Path(state_dir))
    except ContentError:  # a course the quiz cannot use; `rgann-cards quiz` says why when it loads it
        pass
