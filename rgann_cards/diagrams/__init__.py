"""Figures drawn from code, one module per figure. Listing them must not import matplotlib."""

from __future__ import annotations

from pathlib import Path

# Modules in this package that are infrastructure, not figures.
_NOT_FIGURES = {"style", "sizes", "render", "cache", "declarative", "svg_safe", "shared"}


def known_figures() -> set[str]:
    """Names usable as ``figure:`` in content: the figure modules present in this package."""
    here = Path(__file__).parent
    return {p.stem for p in here.glob("*.py") if not p.stem.startswith("_") and p.stem not in _NOT_FIGURES}
