"""libraries.version: the versions the build's cache keys hold are importlib.metadata's, read faster; and
what a build without checks never reads."""

from __future__ import annotations

import importlib.metadata
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rgann_cards import libraries
from rgann_cards.fingerprint import _LIBRARIES


@pytest.mark.parametrize("name", sorted({*_LIBRARIES, "sympy", "numpy", "matplotlib", "rgann-cards", "PyYAML",
                                         "markdown_it_py", "Jinja2"}))
def test_every_version_is_the_one_importlib_metadata_gives(name):
    assert libraries.version(name) == importlib.metadata.version(name)


def test_a_library_that_is_not_installed_is_none():
    assert libraries.version("surely-not-installed-anywhere") == "none"


def test_a_name_the_listing_misses_is_asked_of_importlib_metadata(monkeypatch):
    monkeypatch.setattr(libraries, "_listed", lambda: {})
    assert libraries.version("numpy") == importlib.metadata.version("numpy")


def test_the_first_copy_along_sys_path_wins(tmp_path, monkeypatch):
    for where, number in (("first", "2.0"), ("second", "1.0")):
        (tmp_path / where / f"demo_pkg-{number}.dist-info").mkdir(parents=True)
        (tmp_path / where / f"demo_pkg-{number}.dist-info" / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: demo-pkg\nVersion: {number}\n", "utf-8")
    monkeypatch.setattr(sys, "path", [str(tmp_path / "first"), str(tmp_path / "second"), *sys.path])
    libraries._listed.cache_clear()
    try:
        assert libraries.version("demo-pkg") == importlib.metadata.version("demo-pkg") == "2.0"
    finally:
        libraries._listed.cache_clear()


def test_a_course_without_checks_never_reads_the_check_registry(tmp_path):
    """Reading every check module's source costs 40 ms of a 0.4 s build: only a course that names a check needs it."""
    content = tmp_path / "content"
    shutil.copytree(Path(__file__).resolve().parent / "fixtures" / "valid", content)
    (content / "sheet01" / "task01-basics.yaml").unlink()  # the one deck file with checks
    assert "checks:" not in "".join(p.read_text("utf-8") for p in content.rglob("*.yaml"))
    code = ("import sys, pathlib; from rgann_cards.build import build; a = [pathlib.Path(p) for p in sys.argv[1:]];"
            "build(a[0], a[1], cache_dir=None, state_dir=a[2]); from rgann_cards.checks import registry;"
            "print(registry.catalogue.cache_info().currsize, registry.check_modules.cache_info().currsize)")
    out = subprocess.run([sys.executable, "-c", code, str(content), str(tmp_path / "dist"), str(tmp_path / "state")],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["0", "0"]
