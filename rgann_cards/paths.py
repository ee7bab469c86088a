"""Where the package's data lives: templates and the bundled course are package data (importlib.resources).

In the repository, ``rgann_cards/templates`` and ``rgann_cards/courses/rgann``
are symlinks to ``templates/`` and ``content/``, where authors edit them; a
wheel or sdist holds real copies. Either way they are read from the installed
package, so every command works from any directory without a checkout.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from .env import getenv


def package_data(*parts: str) -> Path:
    """A file or directory shipped inside the package. Wheels install unpacked, so this is a real path."""
    return Path(str(files("rgann_cards").joinpath(*parts))).resolve()


TEMPLATES_DIR = package_data("templates")
BUNDLED_COURSE_DIR = package_data("courses", "rgann")


def templates_dir() -> Path:
    """The packaged templates, or the directory in $CARDS_TEMPLATES (alias $RGANN_TEMPLATES): restyled decks, tests."""
    override = getenv("TEMPLATES")
    return Path(override) if override else TEMPLATES_DIR


def template_text(*parts: str) -> str:
    """Read a template file (UTF-8) below the templates directory."""
    return templates_dir().joinpath(*parts).read_text("utf-8")
