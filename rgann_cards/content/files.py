"""Which files under content/ the loader reads, and which it refuses before reading a byte.

An editor leaves lock and backup files beside the YAML; a checkout can hold
symlinks, directories with a ``.yaml`` name or FIFOs; a hostile (or careless)
course can link to ``/etc/shadow`` or hold a 50 MB answer. Everything here is
decided from the directory entry and ``stat`` alone: a file is opened only
once it is known to be a regular file inside content/ within the size limits.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import ProblemCollector, SourceLocation, display_path

KB, MB = 1000, 1000 * 1000
# The files and directories of content/ that hold no decks.
COURSE_FILE = "course.yaml"
REFERENCES_FILE = "references.yaml"
DIAGRAMS_DIR = "diagrams"  # a course's declarative diagrams; media/ holds its images (content/media.py)

MAX_FILE_BYTES = 5 * MB  # the largest shipped file is 41 KB; 5 MB parses in well under a second
MAX_COURSE_BYTES = 20 * MB  # every file of a course together (the shipped course: 0.13 MB)
MAX_TEXT_BYTES = 100 * KB  # one text field (the longest shipped answer is ~6 KB); see yamlsource


def size_text(n: int) -> str:
    """``5 MB``, ``100 KB``, ``5.2 MB``: how limits and sizes appear in messages."""
    for unit, name in ((MB, "MB"), (KB, "KB")):
        if n >= unit:
            return f"{n / unit:.1f}".removesuffix(".0") + f" {name}"
    return f"{n} bytes"


def is_editor_file(name: str) -> bool:
    """Emacs locks (``.#x.yaml``, often dangling symlinks) and autosaves, ``x.yaml~`` backups, Vim swap files."""
    return (name.startswith(".#") or name.endswith("~") or (name.startswith("#") and name.endswith("#"))
            or (name.startswith(".") and name.endswith((".swp", ".swo", ".swx"))))


def inside(path: Path, root: Path) -> bool:
    """Whether ``path`` (resolved through every symlink) lies inside ``root`` (resolved)."""
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop on older Pythons
        return False
    return True


def readable(path: Path, root: Path, problems: ProblemCollector) -> int | None:
    """The size of ``path`` if the loader may read it, else None with the reason reported at ``path``.

    Symlinks are followed only when they resolve inside ``root``; the target is never opened otherwise.
    """
    where = SourceLocation(display_path(path))
    if path.is_symlink() and not inside(path, root):
        problems.add(where, "symlink points outside the content directory; it was not read")
        return None
    try:
        info = path.stat()
    except FileNotFoundError:
        problems.add(where, "broken symlink (its target does not exist)")
        return None
    except OSError as exc:
        problems.add(where, f"cannot read this file: {exc.strerror or exc}")
        return None
    if stat.S_ISDIR(info.st_mode):
        problems.add(where, "is a directory, not a YAML file; rename it (deck files end in .yaml)")
        return None
    if not stat.S_ISREG(info.st_mode):
        problems.add(where, "is not a regular file (a FIFO, socket or device); it was not read")
        return None
    if info.st_size > MAX_FILE_BYTES:
        problems.add(where, f"file is {size_text(info.st_size)}; the limit per file is {size_text(MAX_FILE_BYTES)}")
        return None
    return info.st_size


def deck_files(content_dir: Path, reserved: set[str], skip_dirs: tuple[str, ...],
               problems: ProblemCollector) -> list[Path]:
    """Deck files in course order (sorted by their path below content/), each checked by ``readable``.

    ``reserved`` files (course.yaml, references.yaml) and the top-level ``skip_dirs`` (media/, diagrams/)
    hold no decks.

    Editor files are skipped with a note, ``*.yml`` files with a warning. Directory symlinks are
    not followed: one that leads out of content/ is an error, one that stays inside is redundant.
    """
    found: list[Path] = []
    for top, dirs, files in os.walk(content_dir, followlinks=False):
        base = Path(top)
        if base == content_dir:
            dirs[:] = [d for d in dirs if d not in skip_dirs]
        for name in sorted(dirs):
            path = base / name
            if path.is_symlink():
                dirs.remove(name)
                if not inside(path, content_dir):
                    problems.add(SourceLocation(display_path(path)),
                                 "symlink points outside the content directory; it was not read")
                elif name.endswith(".yaml"):
                    readable(path, content_dir, problems)  # reports "is a directory"
                else:
                    problems.warn(SourceLocation(display_path(path)),
                                  "symlinked directory inside content/ is not followed; its files are read where "
                                  "they are")
            elif name.endswith(".yaml"):
                readable(path, content_dir, problems)  # a directory named x.yaml: reported, then walked
        for name in sorted(files):
            path = base / name
            shown = SourceLocation(display_path(path))
            if is_editor_file(name):
                if ".yaml" in name:
                    problems.warn(shown, "ignored: an editor's lock or backup file")
                continue
            if name.endswith(".yml"):
                problems.warn(shown, "ignored: did you mean .yaml? (only *.yaml files are read)")
                continue
            if name.endswith(".yaml") and path.relative_to(content_dir).as_posix() not in reserved:
                found.append(path)
    return sorted(found, key=lambda p: p.relative_to(content_dir).as_posix())


def course_deck_files(content_dir: Path, problems: ProblemCollector) -> list[Path]:
    """The deck files of a course: every YAML file but course.yaml and references.yaml, outside diagrams/ and media/."""
    from .media import MEDIA_DIR

    return deck_files(content_dir, {COURSE_FILE, REFERENCES_FILE}, (DIAGRAMS_DIR, MEDIA_DIR), problems)


def readable_deck_files(content_dir: Path) -> dict[Path, int]:
    """The deck files the loader would read, with their sizes, by its own rules (for the build's
    early start); what they refuse is left for the loader to report."""
    scratch = ProblemCollector()
    sizes: dict[Path, int] = {}
    for path in course_deck_files(content_dir, scratch):
        try:
            size = readable(path, content_dir, scratch)
        except OSError:
            continue
        if size is not None:
            sizes[path] = size
    return sizes
