"""The tool as a student gets it: a wheel (built from the sdist) installed into a fresh venv, no checkout.

One non-editable install per session: `python -m build` makes the sdist and
then the wheel *from that sdist*, so package data must survive both. The venv
is new and isolated (no system or test site-packages); pip resolves the
dependencies from the configured index (about 30 s with a warm pip cache, the
measured cost of doing it for real rather than seeding the venv). Every command
then runs from an empty temporary directory, with HOME and the XDG directories
inside it, so nothing of the repository or the tester's home can leak in.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from conftest import REPO, require_module

pytestmark = pytest.mark.slow


def _run(*args, cwd: Path, env: dict | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="session")
def installed(tmp_path_factory) -> dict:
    require_module("build")
    work = tmp_path_factory.mktemp("install")
    built = _run(sys.executable, "-m", "build", "--outdir", work / "pkg", REPO, cwd=work)  # not cwd=REPO: build.py
    assert built.returncode == 0, built.stdout + built.stderr
    wheel, = (work / "pkg").glob("*.whl")
    sdist, = (work / "pkg").glob("*.tar.gz")
    venv = work / "venv"
    made = _run(sys.executable, "-m", "venv", venv, cwd=work)
    assert made.returncode == 0, made.stderr
    pip = _run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", wheel, cwd=work)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    return {"wheel": wheel, "sdist": sdist, "venv": venv, "exe": venv / "bin" / "rgann-cards"}


@pytest.fixture
def anywhere(tmp_path) -> tuple[Path, dict]:
    """An empty working directory and an environment whose home and caches live inside it."""
    home = tmp_path / "home"
    home.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LANG": "C.UTF-8",
           "XDG_CACHE_HOME": str(home / "cache"), "XDG_DATA_HOME": str(home / "data"), "NO_COLOR": "1"}
    return work, env


def test_sdist_and_wheel_carry_templates_and_the_shipped_course(installed):
    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    shipped = sorted(p.relative_to(REPO / "content").as_posix() for p in (REPO / "content").rglob("*") if p.is_file())
    templates = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "templates").rglob("*") if p.is_file())
    assert {f"rgann_cards/courses/rgann/{name}" for name in shipped} <= names
    assert {f"rgann_cards/{name}" for name in templates} <= names
    with tarfile.open(installed["sdist"]) as archive:
        members = {m.name.split("/", 1)[1] for m in archive.getmembers() if m.isfile()}
    assert {f"rgann_cards/courses/rgann/{name}" for name in shipped} <= members
    assert {f"content/{name}" for name in shipped} <= members  # `make build` works from the unpacked sdist


def test_the_installed_package_is_not_the_checkout(installed, anywhere):
    work, env = anywhere
    where = _run(installed["venv"] / "bin" / "python", "-c", "import rgann_cards; print(rgann_cards.__file__)",
                 cwd=work, env=env)
    assert Path(where.stdout.strip()).is_relative_to(installed["venv"]), where.stdout + where.stderr


def test_quiz_from_anywhere_reaches_its_first_question(installed, anywhere):
    pexpect = require_module("pexpect")
    work, env = anywhere
    child = pexpect.spawn(str(installed["exe"]), ["quiz"], cwd=str(work), encoding="utf-8", dimensions=(24, 80),
                          env={**env, "TERM": "dumb", "COLUMNS": "80", "LINES": "24", "CARDS_FUZZ": "0"}, timeout=120)
    child.expect("no content/ here; using the bundled course RGANN; pass --content DIR for your own")
    child.expect("show answer")
    child.send("q")
    child.expect("Session over")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    # progress of the bundled course goes where it always went: the user data directory
    assert (Path(env["XDG_DATA_HOME"]) / "rgann-cards" / "progress.sqlite3").is_file()


def test_build_from_anywhere_writes_the_bundled_course(installed, anywhere):
    work, env = anywhere
    result = _run(installed["exe"], "build", cwd=work, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith("no content/ here; using the bundled course RGANN")
    assert "warning" not in result.stderr  # the packaged lock matches the packaged content
    assert sorted(p.name for p in (work / "dist").iterdir()) == [
        "CHANGES.md", "answer-key.html", "figures", "quiz.html", "rgann.apkg", "rgann.json", "study-sheet.html"]
    assert sorted(p.name for p in work.iterdir()) == ["dist"]  # no cache, lock or content here
    lock = next(installed["venv"].rglob("rgann_cards/courses/rgann/anki.lock"))
    assert lock.read_bytes() == (REPO / "content" / "anki.lock").read_bytes()
    stats = _run(installed["exe"], "stats", cwd=work, env=env)
    assert stats.returncode == 0, stats.stderr
    sheet = _run(installed["exe"], "quiz-sheet", "--seed", "3", "--count", "2", cwd=work, env=env)
    assert sheet.returncode == 0, sheet.stderr


def test_init_then_build_a_new_course(installed, anywhere):
    work, env = anywhere
    init = _run(installed["exe"], "init", "x", cwd=work, env=env)
    assert init.returncode == 0, init.stderr
    built = _run(installed["exe"], "build", "--content", "x", cwd=work, env=env)
    assert built.returncode == 0, built.stderr
    course_id = next(line.split()[1] for line in (work / "x" / "course.yaml").read_text().splitlines()
                     if line.startswith("id:"))
    assert (work / "dist" / f"{course_id}.apkg").is_file() and (work / "dist" / f"{course_id}.json").is_file()
    assert (work / "x" / "anki.lock").is_file()  # an author's own course keeps its lock
    again = _run(installed["exe"], "init", "x", cwd=work, env=env)
    assert again.returncode == 2 and "is not empty" in again.stderr
