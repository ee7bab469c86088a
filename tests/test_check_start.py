"""When a build starts the checks' fork server: at once on an empty check cache when the course seems to have checks,
else only if a check will run."""

from __future__ import annotations

import os
from pathlib import Path

from rgann_cards.checks.cache import is_empty as cache_is_empty
from rgann_cards.checks.verify import verify, will_run
from rgann_cards.content.load import load_course


def test_the_server_is_wanted_exactly_when_a_check_is_not_cached(project: Path, tmp_path: Path):
    directory = tmp_path / "checks"
    course = load_course(project / "content")
    exercises = [ex for _, ex in course.exercises()]
    assert cache_is_empty(directory) and will_run(exercises, cache_dir=directory)
    verify(course, cache_dir=directory)  # every check passes and is stored
    assert not cache_is_empty(directory)
    assert not will_run(exercises, cache_dir=directory)
    for path in list(directory.glob("*.json"))[:1]:
        path.unlink()  # one result lost (or one check edited): that check runs again
    assert will_run(exercises, cache_dir=directory)


def test_load_course_hands_the_exercises_to_the_build_before_the_markup_is_linted(project: Path):
    seen = []
    course = load_course(project / "content", read=seen.append)
    assert [ex.id for ex in seen[0]] == [ex.id for _, ex in course.exercises()]


def test_the_early_start_hint_reads_only_regular_deck_files_inside_content(tmp_path: Path):
    from rgann_cards.build import _mentions_checks

    content = tmp_path / "content"
    (content / "sheet").mkdir(parents=True)
    (content / "sheet" / "a.yaml").write_text("exercises: []\n")
    assert not _mentions_checks(content)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "b.yaml").write_text("checks: [x]\n")
    (content / "linked").symlink_to(outside, target_is_directory=True)  # a symlinked directory: not entered
    (content / "c.yaml").symlink_to(outside / "b.yaml")  # a symlinked file: not read
    os.mkfifo(content / "d.yaml")  # a FIFO would block a reader: not opened
    assert not _mentions_checks(content)
    (content / "sheet" / "e.yaml").write_text("exercises:\n  - checks: []\n")
    assert _mentions_checks(content)
