"""Results of checks that passed, kept on disk so that an unchanged check does not run again.

The key of a check is everything that decides its result: its definition (kind,
expression, expected value, tolerance or function name and params), the source
of the module it runs in (the named check's module, or the expression engine)
with the runner's shared modules, and the SymPy and NumPy versions. Any edit to
one of these misses the cache. Only passes are stored: a failure, an error or a
timeout runs again next time, since the author is about to change something.

Files live in the user cache directory (``checks/<key>.json``). A missing or
damaged file is a miss; failing to write one is not an error.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from pathlib import Path

from .result import CheckResult

FORMAT = "1"
_HERE = Path(__file__).resolve().parent
_SHARED = ("result.py", "worker.py", "registry.py", "runner.py")  # every check runs through these
_EXPR = ("expr.py", "expr_check.py")


def default_dir() -> Path:
    """``<user cache>/rgann-cards/checks``."""
    from platformdirs import user_cache_path

    return user_cache_path("rgann-cards", appauthor=False) / "checks"


def is_empty(cache_dir: Path | None = None) -> bool:
    """True when no check result is cached at all (a first build: every check will run)."""
    try:
        return not any((cache_dir or default_dir()).iterdir())
    except OSError:
        return True


def key(check) -> str:
    """A hex digest of everything that determines the check's result."""
    if check.form == "expr":
        definition = {"expr": check.expr, "equals": check.equals, "approx": check.approx, "tol": check.tol}
        modules = _EXPR
    else:
        definition = {"function": check.function, "params": check.params}
        modules = (f"{check.function.partition('.')[0]}.py",)
    digest = hashlib.sha256(f"rgann-cards check {FORMAT}\n{_versions()}\n".encode())
    definition["kind"] = check.kind
    digest.update(json.dumps(definition, sort_keys=True, default=repr).encode())
    for name in (*modules, *_SHARED):
        digest.update(_source_digest(name))
    return digest.hexdigest()


def load(check, directory: Path) -> CheckResult | None:
    """The stored pass of ``check``, or None."""
    try:
        data = json.loads((directory / f"{key(check)}.json").read_text("utf-8"))
        result = CheckResult(**data)
    except (OSError, ValueError, TypeError):
        return None
    return result if result.ok else None


def store(check, result: CheckResult, directory: Path) -> None:
    """Keep a pass (atomically); anything else is not stored."""
    if not result.ok:
        return
    path = directory / f"{key(check)}.json"
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(result.__dict__, sort_keys=True), "utf-8")
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)


@functools.cache
def _source_digest(name: str) -> bytes:
    try:
        return hashlib.sha256((_HERE / name).read_bytes()).digest()
    except OSError:  # a named check's module that does not exist: lint reports it; never a cache hit
        return os.urandom(32)


@functools.cache
def _versions() -> str:
    """SymPy and NumPy versions, from the installed metadata (importing them would cost a second)."""
    from ..libraries import version

    return f"sympy={version('sympy')} numpy={version('numpy')}"
