"""Installed library versions, for the keys of what a build caches (its record, checks, figures).

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
