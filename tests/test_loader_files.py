"""Issue 10, items 5 and 6: the files the loader meets, and the size limits.

These cases need things a fixture tree in git cannot hold or copy (dangling symlinks, a FIFO, a
symlink to /etc, a 6 MB file), so each test makes them in a fresh copy of the valid course. Each
checks the exact message, exit code 1 (or 0 with a warning), no traceback and no change to dist/.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from conftest import run_cli

DECKS = Path("content") / "sheet01"
SECRET = "postgres:!:20593:::::"


def _digest(directory: Path) -> dict[str, str]:
    return {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.fixture
def built(project: Path) -> Path:
    """The valid course, built once, so each test can check that a refused build changed nothing."""
    assert run_cli("build", cwd=project).returncode == 0
    return project


def _refused(project: Path, expected: str) -> None:
    before = _digest(project / "dist")
    for command in ("lint", "build"):
        result = run_cli(command, cwd=project, timeout=60)
        assert (result.returncode, result.stderr) == (1, expected), command
        assert "Traceback" not in result.stdout + result.stderr
    assert _digest(project / "dist") == before


def test_files_that_are_not_yaml_text_are_refused_unread(built: Path, tmp_path: Path):
    decks = built / DECKS
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "shadow").write_text(f"{SECRET}\n", "utf-8")
    (decks / "zz.yaml").symlink_to(outside / "shadow")       # a symlink out of content/
    (decks / "etc").symlink_to(outside)                       # a directory symlink out of content/
    (decks / "x.yaml").mkdir()                                # a directory with a .yaml name
    (decks / "nul.yaml").write_bytes(b"deck: a\nsheet: 1\0\n")  # a NUL byte
    (decks / "gone.yaml").symlink_to("missing.yaml")          # a dangling symlink inside content/
    os.mkfifo(decks / "pipe.yaml")                            # would block a reader forever
    _refused(built, "content/sheet01/etc: symlink points outside the content directory; it was not read\n"
                    "content/sheet01/gone.yaml: broken symlink (its target does not exist)\n"
                    "content/sheet01/nul.yaml:2:9: NUL byte in file (is it a binary file?); content files are "
                    "UTF-8 text\n"
                    "content/sheet01/pipe.yaml: is not a regular file (a FIFO, socket or device); it was not read\n"
                    "content/sheet01/x.yaml: is a directory, not a YAML file; rename it (deck files end in .yaml)\n"
                    "content/sheet01/zz.yaml: symlink points outside the content directory; it was not read\n"
                    "6 problems found; nothing was written.\n")


def test_a_symlinked_course_file_outside_content_is_not_read(built: Path, tmp_path: Path):
    (tmp_path / "elsewhere.yaml").write_text(f"{SECRET}: 1\n", "utf-8")
    references = built / "content" / "references.yaml"
    references.unlink()
    references.symlink_to(tmp_path / "elsewhere.yaml")
    result = run_cli("lint", cwd=built)
    assert (result.returncode, result.stderr) == (
        1, "content/references.yaml: symlink points outside the content directory; it was not read\n"
           "content/sheet01/task01-basics.yaml:22:18: unknown reference 'hochreiter1997' (not in references.yaml)\n"
           "content/sheet01/task01-basics.yaml:44:18: unknown reference 'kullback1951' (not in references.yaml)\n"
           "3 problems found; nothing was written.\n")
    assert SECRET not in result.stderr


def test_editor_files_are_ignored_with_a_note_and_yml_with_a_warning(built: Path):
    decks = built / DECKS
    (decks / ".#task01-basics.yaml").symlink_to("root@host.12345:1700000000")  # an Emacs lock: dangling
    (decks / "task01-basics.yaml~").write_text("deck: [broken\n", "utf-8")
    (decks / ".task02-more.yaml.swp").write_bytes(b"b0VIM 9.0\0\0\0")
    (decks / "task03.yml").write_text("deck: Misnamed\n", "utf-8")
    result = run_cli("lint", cwd=built)
    assert result.returncode == 0
    assert result.stderr == (
        "content/sheet01/.#task01-basics.yaml: warning: ignored: an editor's lock or backup file\n"
        "content/sheet01/.task02-more.yaml.swp: warning: ignored: an editor's lock or backup file\n"
        "content/sheet01/task01-basics.yaml~: warning: ignored: an editor's lock or backup file\n"
        "content/sheet01/task03.yml: warning: ignored: did you mean .yaml? (only *.yaml files are read)\n")
    strict = run_cli("lint", "--strict", cwd=built)
    assert strict.returncode == 1 and "Traceback" not in strict.stderr


def test_size_limits_are_checked_before_parsing(built: Path):
    decks = built / DECKS
    deck = (decks / "task02-more.yaml").read_text("utf-8")
    # one text field over 100 KB
    (decks / "task02-more.yaml").write_text(deck.replace("answer: Backpropagation through time.",
                                                         "answer: " + "x" * 150_000), "utf-8")
    # one file over 5 MB: a comment, so only the size check can object
    (decks / "task09-huge.yaml").write_text("# " + "y" * 6_000_000 + "\n", "utf-8")
    _refused(built, "content/sheet01/task02-more.yaml:9:13: text is 150 KB; the limit per text field is 100 KB\n"
                    "content/sheet01/task09-huge.yaml: file is 6 MB; the limit per file is 5 MB\n"
                    "2 problems found; nothing was written.\n")


def test_a_course_over_the_total_limit_is_refused_before_any_file_is_read(built: Path):
    decks = built / DECKS
    for n in range(5):  # 5 x 4.5 MB: each file within its limit, the course over 20 MB
        (decks / f"task1{n}-padding.yaml").write_text("# " + "z" * 4_500_000 + "\n", "utf-8")
    _refused(built, "content: the course is 22.5 MB; the limit for a whole course is 20 MB\n"
                    "1 problem found; nothing was written.\n")


def test_a_file_name_with_control_characters_is_printed_escaped(built: Path):
    (built / DECKS / "x\x1b]52;c;cm0g\x07.yaml").mkdir()
    _refused(built, "content/sheet01/x\\x1b]52;c;cm0g\\x07.yaml: is a directory, not a YAML file; rename it "
                    "(deck files end in .yaml)\n1 problem found; nothing was written.\n")
