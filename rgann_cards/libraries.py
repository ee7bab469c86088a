"""Installed library versions, for the keys of what a build caches (its record, checks, figures);
and genanki, imported without what it does not need.

importlib.metadata would answer too, but importing it costs 20 ms (it parses metadata as e-mail
messages) and every question scans sys.path again, while a build asks a dozen times. An
installer names each package's metadata directory ``<name>-<version>.dist-info``, so one listing
of the directories on sys.path gives every version; importlib.metadata is asked only about a
name that is not there (an egg, a zip, an unusual layout). The first match along sys.path wins,
as it does for importlib.metadata.
"""

from __future__ import annotations

import functools
import os
import re
import sys
import types

_SUFFIX = ".dist-info"


def version(name: str) -> str:
    """The installed version of the distribution ``name``, or "none" if it is not installed."""
    found = _listed().get(_canonical(name))
    if found is not None:
        return found
    import importlib.metadata

    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "none"


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()  # what importlib.metadata compares


@functools.cache
def _listed() -> dict[str, str]:
    versions: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:  # a zip, a file, a directory that is gone
            continue
        for directory in names:
            if directory.endswith(_SUFFIX):
                project, _, found = directory[: -len(_SUFFIX)].rpartition("-")  # a version has no "-"
                if project and found:
                    versions.setdefault(_canonical(project), found)
    return versions


def genanki():
    """The genanki module, imported without asyncio.

    genanki takes ``cached_property`` from the PyPI backport of that name, which imports asyncio (with
    ssl, sockets and subprocess: 13-25 ms of a build) to serve coroutine properties genanki never has.
    For genanki's import, that name is functools.cached_property, which caches the same way (in the
    instance's ``__dict__``); anything imported later still gets the real backport. A genanki that
    wants more of the backport than this gets all of it.
    """
    if "genanki" in sys.modules or "cached_property" in sys.modules:
        import genanki

        return genanki
    standin = types.ModuleType("cached_property")
    standin.cached_property = functools.cached_property
    sys.modules["cached_property"] = standin
    try:
        import genanki
    except ImportError:
        del sys.modules["cached_property"]
        import genanki
    finally:
        if sys.modules.get("cached_property") is standin:
            del sys.modules["cached_property"]
    return genanki
