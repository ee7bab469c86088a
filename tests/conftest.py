"""Shared fixtures. Tools the tests need (anki, chromium, ...) must exist under CI=true: missing means fail."""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ON_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_module(name: str):
    """Import a test tool; skip locally if it is missing, but fail on CI where it must be installed."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        if ON_CI:
            pytest.fail(f"CI=true but the test tool '{name}' is not installed: {exc}")
        pytest.skip(f"'{name}' is not installed")


CHROMIUM = "/usr/bin/chromium"  # Debian's package; never a browser downloaded by Playwright
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def require_chromium():
    """Playwright's sync API, with Debian's Chromium present: skip locally if missing, fail on CI."""
    sync_api = require_module("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        if ON_CI:
            pytest.fail(f"CI=true but Chromium is not installed at {CHROMIUM}")
        pytest.skip(f"no Chromium at {CHROMIUM}")
    return sync_api


def copy_tree(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, dirs_exist_ok=True)
    return dst


@pytest.fixture(scope="session")
def plugin_site(tmp_path_factory) -> Path:
    """The plugin of tests/fixtures/plugin-linalg, pip-installed for real into its own directory.

    Commands find it when that directory is on PYTHONPATH; the test venv itself never sees it.
    """
    site = tmp_path_factory.mktemp("plugin-site")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--disable-pip-version-check",
                    "--target", str(site), str(FIXTURES / "plugin-linalg")], check=True, capture_output=True)
    assert any(site.glob("rgann_linalg_checks-*.dist-info"))
    return site


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A working directory with the valid fixture course in ./content."""
    copy_tree(FIXTURES / "valid", tmp_path / "content")
    return tmp_path


def run_cli(*args: str, cwd: Path, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the real command in a subprocess, as a user would."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "rgann_cards.cli", *args],
        cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
    )


def import_package(col, apkg: Path) -> dict[str, list[str]]:
    """Import into a real Anki collection with Anki's default options (what the import dialog preselects).

    Returns the YAML ids (first field) of the notes in each bucket of Anki's import log.
    """
    from anki.collection import ImportAnkiPackageRequest

    options = col._backend.get_import_anki_package_presets()
    log = col.import_anki_package(ImportAnkiPackageRequest(package_path=str(apkg), options=options)).log
    kinds = ("new", "updated", "duplicate", "conflicting", "first_field_match", "missing_notetype", "missing_deck",
             "empty_first_field")
    return {k: sorted(n.fields[0] for n in getattr(log, k)) for k in kinds}


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture(scope="session")
def shipped_build(tmp_path_factory) -> Path:
    """The shipped course built once per session into a scratch copy (the repo's dist/ is left alone)."""
    work = tmp_path_factory.mktemp("shipped")
    copy_tree(REPO / "content", work / "content")
    result = run_cli("build", cwd=work, timeout=300)
    assert result.returncode == 0, result.stderr
    return work


@pytest.fixture(scope="module")
def chromium_browser():
    """A headless Debian Chromium per test module (Playwright's sync API allows one at a time)."""
    sync_api = require_chromium()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
