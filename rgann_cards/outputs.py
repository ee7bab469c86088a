"""Every output's bytes, made on both cores: the identity guards, the quiz's items and the HTML pages in a
forked child, the Anki package in the build's process, the course JSON by whichever is free first.

Nothing here writes a file: build.py commits what this returns, all or nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .content.media import figure_file
from .errors import ContentError

if TYPE_CHECKING:
    from .checks.verify import Verification
    from .content.model import Course

STUDY_SHEET_NAME = "study-sheet.html"
QUIZ_NAME = "quiz.html"
ANSWER_KEY_NAME = "answer-key.html"
FIGURES_DIR = "figures"
CHANGES_NAME = "CHANGES.md"


def render_json(course: Course, verification: Verification) -> bytes:
    from .export.json import course_json

    return course_json(course, verification.results)


def render_outputs(course: Course, verification: Verification, svgs: dict[str, bytes], targets: tuple[str, ...],
                   dist_dir: Path, lock_path: Path, lock, clock: int, guard_course: Callable[[], tuple],
                   store_items: Callable[[], None],
                   meanwhile: Callable[[dict[Path, bytes]], str]) -> tuple[dict[Path, bytes], bool, object, str]:
    """Every output's bytes by path (and the lock's), nothing written; whether ``store_items`` ran; the
    identity guard's result (``guard_course`` raises ContentError for an id the lock forbids); and what
    ``meanwhile`` returned, called with this process's outputs while the child finishes its own.

    A forked child (forked.py) runs the guards, then makes the quiz's items and the HTML pages, while
    this process makes the Anki package (its notes need no guard: only the lock's stamps wait for it),
    and the JSON by whichever of the two is done first: both cores at work, the same bytes as one after
    the other. Without a child (a Stream has none without a memfd) this process does it all, the guards
    first, and the items are left to the caller.
    """
    from . import forked

    json_path = dist_dir / course.identity.json_name
    # The JSON goes to whichever process is free first: the child after the pages, or this one after
    # the package (its one ticket is taken by one of them); how long each side takes varies with the course.
    json_ticket = forked.Tickets(1 if "json" in targets else 0)

    def json_if_free(outputs: dict[Path, bytes]) -> None:
        for _ in json_ticket:
            outputs[json_path] = render_json(course, verification)

    def pages() -> dict[Path, bytes]:
        outputs = _html_pages(course, verification, svgs, dist_dir) if "html" in targets else {}
        json_if_free(outputs)
        return outputs

    def beside():  # the child's messages: the guards' verdict first (this process waits for it), the pages
        verdict, facts = guarded_here(course, guard_course)
        yield verdict
        if facts is not None:
            yield facts  # the records, which this process needs only once the package is started
        store_items()  # the course validated and its checks passed: its items are right whatever follows
        if facts is not None:  # first the items, so their memory is free again before the pages (peak RSS)
            yield pages()

    child = forked.Stream(beside, fork=None if "anki" in targets else False)
    try:
        guard = _Guard(child, course, guard_course)
        outputs = _anki_outputs(course, verification, svgs, targets, dist_dir, lock_path, lock, clock, guard)
        done_meanwhile = meanwhile(outputs)
        if child.forked:
            json_if_free(outputs)
        rendered, stored = guard.pages(pages)
    finally:
        child.cancel()  # a failure here: the pages are not wanted
        json_ticket.close()
    merged = {**outputs, **rendered}
    if "json" in targets:  # last, whoever made it: the order of the commit never depends on who did
        made = merged.pop(json_path, None)
        # none: the child took the ticket and then failed (the rest of its work was redone here)
        merged[json_path] = made if made is not None else render_json(course, verification)
    return merged, stored, guard.result, done_meanwhile


def guarded_here(course: Course, guard_course: Callable[[], tuple]) -> tuple[tuple, tuple | None]:
    """What a child sends of the guards: ("passed", their result, the notes' GUIDs) and records.facts_of
    their records, or ("stopped", the errors) and None; any other exception ends the child, and the
    build process runs them itself."""
    from .export.anki import note_guids
    from .lifecycle.records import facts_of

    try:
        result, records = guard_course()
    except ContentError as error:
        return ("stopped", error.problems), None
    return ("passed", result, note_guids(course)), facts_of(course, records)


class _Guard:
    """The identity guards' result and records, and the notes' GUIDs, from the child's messages (in
    their order); without a child, or when it fails, the guards run here (at once without a child,
    before anything else, as in a build in one process)."""

    def __init__(self, child, course: Course, guard_course: Callable[[], tuple]):
        self._child, self._course, self._guard_course = child, course, guard_course
        self.result = self.guids = self._records = None
        if not child.forked:
            self.result, self._records = guard_course()

    def wait(self):
        """The guards' result; raises their ContentError, once the child has stored the items."""
        from . import forked

        if self.result is None:
            try:
                verdict = self._child.receive()
            except forked.Lost:  # the child failed: its exception, if it was the guards', is raised here too
                verdict = ("here",)
            if verdict[0] == "stopped":
                self._child.finish()  # the pages are not wanted, but the item cache must not be cut off mid-write
                raise ContentError(verdict[1])
            if verdict[0] == "passed":
                self.result, self.guids = verdict[1], verdict[2]
            else:
                self.result, self._records = self._guard_course()
        return self.result

    def records(self) -> list:
        """The records the guards compared (after wait)."""
        from . import forked
        from .lifecycle.records import remade

        if self._records is None:
            try:
                records = remade(self._course, self._child.receive())
            except forked.Lost:
                records = None
            self._records = records if records is not None else self._guard_course()[1]
        return self._records

    def pages(self, pages: Callable[[], dict]) -> tuple[dict, bool]:
        """The child's pages, and whether it stored the items; made here (not stored) if it failed."""
        from . import forked

        if self._child.forked:
            self.records()  # the message before them
            try:
                return self._child.receive(), True
            except forked.Lost:
                pass
        return pages(), False


def _html_pages(course: Course, verification: Verification, svgs: dict[str, bytes], dist_dir: Path) -> dict:
    from .export.html import render_answer_key, render_quiz, render_study_sheet, select, shared_rendering

    everything = select(course)  # the full sheet in course order; `quiz-sheet` makes seeded ones
    with shared_rendering():  # the three pages share their exercise views and fragments
        return {dist_dir / STUDY_SHEET_NAME: render_study_sheet(course, verification, svgs),
                dist_dir / QUIZ_NAME: render_quiz(course, everything),
                dist_dir / ANSWER_KEY_NAME: render_answer_key(course, verification, everything, svgs)}


def _anki_outputs(course: Course, verification: Verification, svgs: dict[str, bytes], targets: tuple[str, ...],
                  dist_dir: Path, lock_path: Path, lock, clock: int, guard: _Guard) -> dict[Path, bytes]:
    from . import markup
    from .lifecycle import tombstones

    # the quiz shows (and can open) these files; they are the same bytes Anki and the HTML get
    outputs = {dist_dir / FIGURES_DIR / figure_file(name): svg for name, svg in svgs.items()}
    if "anki" not in targets:
        guard.wait()
        return outputs
    from .export.anki import Media, build_notes, start_package
    from .export.anki_tombstones import tombstone_notes
    from .export.changes import render_changes
    from .lifecycle.changes import release_notes

    verified = {ex.id: verification.verified_line(ex.id, course.info.language) for _, ex in course.exercises()}
    media = {name: Media.from_bytes(data, Path(figure_file(name)).suffix) for name, data in
             {**course.media, **svgs}.items()}
    try:  # while the child runs the guards (10,000 notes: 37 ms); they read nothing the notes change
        notes = build_notes(course, verified, media)
    except Exception:
        guard.wait()  # the guards' error first, as in one process
        raise
    # The fields' parses and conversions are no longer needed here (the pages are made beside, from
    # the child's copy): freed before the package and the pages' bytes arrive (peak memory at 10k notes).
    markup.forget()
    previous = lock.copy()
    tombstones.retire_removed(lock, guard.wait())
    notes += tombstone_notes(lock, course.info)
    # zipped on a thread meanwhile
    package = start_package(course, notes, list(media.values()), lock, clock, guard.guids)
    records = guard.records()
    tombstones.remember(lock, records)
    changes = release_notes(previous, lock, records)
    outputs[dist_dir / CHANGES_NAME] = render_changes(changes, course.info)
    outputs[lock_path] = lock.to_bytes()
    outputs[dist_dir / course.identity.apkg_name] = package()
    return outputs
