"""Is dist/ up to date? The record of the last successful build, and the test that makes a rebuild a no-op.

A build whose inputs all match the last successful build's (every content file,
every template, every package source, the library versions and the build's
options) and whose outputs are all still there with the bytes that build wrote
does nothing. Deleting or editing a file in dist/ therefore rebuilds, and so does
any edit to the content, the templates or the code. Hashing these files takes a
few milliseconds; the build it saves takes seconds.

The record lives in the user cache directory, one file per (content, dist) pair.
A missing or damaged record means "build"; failing to write one is not an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

from .libraries import version
from .paths import templates_dir

PACKAGE_DIR = Path(__file__).resolve().parent  # the code whose change must rebuild

FORMAT = "1"
_LIBRARIES = ("genanki", "jinja2", "pyyaml", "sympy", "numpy", "matplotlib", "markdown-it-py", "mdit-py-plugins",
              "pydantic", "latex2mathml", "nh3", "platformdirs")
_ENVIRONMENT = ("SOURCE_DATE_EPOCH", "RGANN_TEMPLATES")  # they change what a build writes


def _tree(directory: Path, pattern: str = "*") -> list[tuple[str, str]]:
    """Every entry the loader could meet, by name: files by content; links, directories and the rest by
    what they are (never read through a link), so a new directory or link named *.yaml is a change too."""
    entries = []
    for p in sorted(directory.rglob(pattern)):
        if "__pycache__" in p.parts:
            continue
        if p.is_symlink():
            entries.append((p.relative_to(directory).as_posix(), "link " + os.readlink(p)))
        elif p.is_file():
            entries.append((p.relative_to(directory).as_posix(), _digest(p.read_bytes())))
        elif pattern == "*":
            entries.append((p.relative_to(directory).as_posix(), "dir" if p.is_dir() else "other"))
    return entries


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def inputs(content_dir: Path, options: dict, replaced: dict[Path, bytes] | None = None) -> str:
    """A digest of everything a build reads; ``replaced`` gives files by the bytes the build just wrote."""
    content_dir = Path(content_dir).resolve()
    content = dict(_tree(content_dir))
    for path, data in (replaced or {}).items():
        content[Path(path).resolve().relative_to(content_dir).as_posix()] = _digest(data)
    state = {
        "format": FORMAT, "python": sys.version, "options": options,
        "content": sorted(content.items()), "templates": _tree(templates_dir()), "code": _tree(PACKAGE_DIR, "*.py"),
        "libraries": {name: version(name) for name in _LIBRARIES},
        "environment": {name: os.environ.get(name) for name in _ENVIRONMENT},
    }
    return _digest(json.dumps(state, sort_keys=True, default=str).encode())


def _record_path(content_dir: Path, dist_dir: Path, cache_dir: Path | None) -> Path:
    if cache_dir is None:
        from platformdirs import user_cache_path

        cache_dir = user_cache_path("rgann-cards", appauthor=False) / "builds"
    where = _digest(f"{Path(content_dir).resolve()}\n{Path(dist_dir).resolve()}".encode())[:16]
    return Path(cache_dir) / f"build-{where}.json"


def up_to_date(content_dir: Path, dist_dir: Path, options: dict, cache_dir: Path | None = None) -> dict | None:
    """The last build's record if nothing changed since (inputs and outputs), else None."""
    try:
        record = json.loads(_record_path(content_dir, dist_dir, cache_dir).read_text("utf-8"))
        if record.get("inputs") != inputs(content_dir, options):
            return None
        for name, digest in record["outputs"].items():
            if _digest(Path(name).read_bytes()) != digest:
                return None
        return record
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def remember(content_dir: Path, dist_dir: Path, read: str, outputs: dict[Path, bytes], summary: dict,
             cache_dir: Path | None = None) -> None:
    """Record a successful build: ``read``, its inputs' digest (``inputs``, with the lock it wrote), its
    outputs' hashes and its summary."""
    record = {"inputs": read, "summary": summary,
              "outputs": {str(path): _digest(data) for path, data in sorted(outputs.items(), key=lambda i: str(i[0]))}}
    path = _record_path(content_dir, dist_dir, cache_dir)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(record, sort_keys=True), "utf-8")
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
