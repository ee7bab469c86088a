"""Every kind of author mistake gives its exact path:line:col message, exit code 1, no traceback, no writes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from conftest import FIXTURES, copy_tree, run_cli

CASES = sorted(p.name for p in (FIXTURES / "invalid").iterdir() if p.is_dir())


def _digest(directory: Path) -> dict[str, str]:
    return {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def test_there_are_at_least_twelve_kinds_of_invalid_content():
    assert len(CASES) >= 12


@pytest.mark.parametrize("case", CASES)
def test_invalid_content_is_reported_exactly(project: Path, case: str):
    # A good build first: its outputs must survive the failed one byte for byte.
    assert run_cli("build", cwd=project).returncode == 0
    before = _digest(project / "dist")
    lock_before = (project / "content" / "anki.lock").read_bytes()

    case_dir = FIXTURES / "invalid" / case
    copy_tree(case_dir, project / "content")
    (project / "content" / "expected.txt").unlink()
    expected = (case_dir / "expected.txt").read_text("utf-8")

    result = run_cli("build", cwd=project)
    assert result.returncode == 1
    assert result.stderr == expected
    assert "Traceback" not in result.stderr + result.stdout
    assert _digest(project / "dist") == before
    assert (project / "content" / "anki.lock").read_bytes() == lock_before
    assert not (project / "pwned").exists()  # the !!python tag case must not have run anything

    lint = run_cli("lint", cwd=project)
    if case == "wrong-claim":  # lint only validates; build and verify run the checks
        assert lint.returncode == 0
    else:
        assert (lint.returncode, lint.stderr) == (1, expected)


def test_lint_ok(project: Path):
    result = run_cli("lint", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ok: 2 decks, 3 exercises, 5 cards, 2 references\n"


def test_problems_from_all_files_are_sorted(project: Path):
    copy_tree(FIXTURES / "invalid" / "many-problems", project / "content")
    lines = run_cli("lint", cwd=project).stderr.splitlines()[:-1]
    keys = [(line.split(":")[0], int(line.split(":")[1])) for line in lines]
    assert keys == sorted(keys) and len({k[0] for k in keys}) == 2


def test_missing_content_directory_is_reported(tmp_path: Path):
    result = run_cli("lint", "--content", "nowhere", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("nowhere: content directory not found\n")
