"""Which course a command uses: --content DIR, else ./content, else the bundled course (and it says so)."""

from __future__ import annotations

from pathlib import Path

from conftest import REPO, run_cli
from rgann_cards.content.load import load_course
from rgann_cards.content.locate import BUNDLED_NAME, locate
from rgann_cards.paths import BUNDLED_COURSE_DIR

NOTICE = "no content/ here; using the bundled course RGANN; pass --content DIR for your own\n"


def test_the_bundled_course_is_the_shipped_one():
    assert BUNDLED_COURSE_DIR.samefile(REPO / "content")  # in a checkout: the package links to content/
    assert load_course(BUNDLED_COURSE_DIR).info.root_deck == BUNDLED_NAME


def test_without_content_every_command_says_it_uses_the_bundled_course(tmp_path: Path):
    lint = run_cli("lint", cwd=tmp_path)
    assert lint.returncode == 0, lint.stderr
    assert lint.stderr == NOTICE
    assert lint.stdout.startswith("ok: 4 decks, 16 exercises")
    stats = run_cli("stats", "--db", str(tmp_path / "p.sqlite3"), cwd=tmp_path,
                    env={"XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert stats.returncode == 0 and stats.stderr == NOTICE
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache"]  # nothing written here


def test_local_content_and_content_flag_win(project: Path, tmp_path: Path):
    assert locate(None, cwd=project).path == project / "content" and not locate(None, cwd=project).bundled
    assert locate(None, cwd=tmp_path / "nowhere").bundled
    assert locate(Path("elsewhere"), cwd=project).path == Path("elsewhere")
    lint = run_cli("lint", cwd=project)
    assert lint.returncode == 0 and lint.stderr == ""
    missing = run_cli("lint", "--content", "missing", cwd=project)
    assert missing.returncode == 1
    assert missing.stderr == "missing: content directory not found\n1 problem found; nothing was written.\n"


def test_init_refuses_anything_but_a_new_or_empty_directory(tmp_path: Path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("mine")
    refused = run_cli("init", "full", cwd=tmp_path)
    assert refused.returncode == 2
    assert refused.stderr == "Error: full is not empty; init only writes into a new or empty directory\n"
    assert [p.name for p in (tmp_path / "full").iterdir()] == ["notes.txt"]
    (tmp_path / "file").write_text("x")
    assert run_cli("init", "file", cwd=tmp_path).returncode == 2
    (tmp_path / "empty").mkdir()
    made = run_cli("init", "empty", "--language", "de", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    course = load_course(tmp_path / "empty")
    assert course.info.language == "de" and course.info.id.startswith("empty-")
    exercise = course.decks[0].exercises[0]
    assert exercise.figure and exercise.checks[0].expr and exercise.references
    assert {card.kind for card in exercise.cards} == {"basic", "cloze"}
    assert (tmp_path / "empty" / "README.md").is_file()
    assert run_cli("init", "fresh", cwd=tmp_path).returncode == 0
    assert load_course(tmp_path / "fresh").info.id != course.info.id  # fresh ids, never the same twice


def test_a_read_only_lock_is_never_written_and_a_stale_one_is_reported(project: Path, tmp_path: Path):
    from rgann_cards.build import build

    content = project / "content"
    report = build(content, project / "dist", cache_dir=None, write_lock=False)  # the fixture has no lock yet
    assert not (content / "anki.lock").exists()
    assert [w.message for w in report.warnings] == [
        "the bundled course's lock is out of date (not written: the package is read-only)"]
    build(content, project / "dist", cache_dir=None)  # an author's course: the lock is written
    fresh = build(content, project / "dist", cache_dir=None, write_lock=False)
    assert fresh.warnings == []


def test_the_course_init_writes_builds_without_a_warning(tmp_path: Path):
    """The example an author starts from shows good practice: even --strict (warnings are errors) passes,
    e.g. no inline formula too wide for a phone."""
    assert run_cli("init", "mine", cwd=tmp_path).returncode == 0
    for language in ("en", "de"):
        if language == "de":
            assert run_cli("init", "meins", "--language", "de", cwd=tmp_path).returncode == 0
        built = run_cli("build", "--strict", "--content", "mine" if language == "en" else "meins", cwd=tmp_path,
                        env={"XDG_CACHE_HOME": str(tmp_path / "cache")}, timeout=300)
        assert built.returncode == 0, built.stderr
        assert "warning" not in built.stderr + built.stdout
