"""Where the project's data lives: templates ship next to the package (editable install)."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR.parent / "templates"


def templates_dir() -> Path:
    """templates/ of this checkout, or the directory in $RGANN_TEMPLATES (restyled decks, tests)."""
    override = os.environ.get("RGANN_TEMPLATES")
    return Path(override) if override else TEMPLATES_DIR


def template_text(*parts: str) -> str:
    """Read a template file (UTF-8) below the templates directory."""
    return templates_dir().joinpath(*parts).read_text("utf-8")
