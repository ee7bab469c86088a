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


def _run(code: str, *args: str, env_path: str | None = None) -> str:
    env = None
    if env_path is not None:
        import os

        env = {**os.environ, "PYTHONPATH": os.pathsep.join([env_path, *sys.path])}
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_a_build_never_imports_asyncio(tmp_path):
    """genanki's cached_property backport imports asyncio (13-25 ms): a build takes genanki without it."""
    content = tmp_path / "content"
    shutil.copytree(Path(__file__).resolve().parent / "fixtures" / "valid", content)
    code = ("import sys, pathlib; from rgann_cards.build import build; a = [pathlib.Path(p) for p in sys.argv[1:]];"
            "build(a[0], a[1], cache_dir=None, state_dir=a[2]);"
            "import genanki, functools; print('asyncio' in sys.modules, 'cached_property' in sys.modules,"
            "type(genanki.Note.cards) is functools.cached_property, (a[1] / 'rgann.apkg').is_file())")
    assert _run(code, str(content), str(tmp_path / "dist"), str(tmp_path / "state")).split() == \
        ["False", "False", "True", "True"]


def test_the_real_backport_is_still_there_for_anything_else():
    code = ("from rgann_cards import libraries; libraries.genanki(); import cached_property, sys;"
            "print(hasattr(cached_property, 'threaded_cached_property'), 'asyncio' in sys.modules)")
    assert _run(code).split() == ["True", "True"]


def test_genanki_already_imported_is_taken_as_it_is():
    code = ("import genanki, sys; from rgann_cards import libraries; print(libraries.genanki() is genanki,"
            "type(genanki.Note.cards).__module__)")
    assert _run(code).split() == ["True", "cached_property"]


def test_a_genanki_that_wants_more_of_the_backport_gets_all_of_it(tmp_path):
    fake = tmp_path / "genanki"
    fake.mkdir()
    (fake / "__init__.py").write_text("from cached_property import cached_property, threaded_cached_property\n"
                                      "MARK = 'fake'\n", "utf-8")
    code = ("import sys; from rgann_cards import libraries; g = libraries.genanki();"
            "import cached_property; print(g.MARK, g.cached_property is cached_property.cached_property)")
    assert _run(code, env_path=str(tmp_path)).split() == ["fake", "True"]
