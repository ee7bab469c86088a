"""Markdown + TeX: one dialect, rendered for MathJax (Anki) or MathML (HTML); the terminal's Unicode math lives in quiz/."""

from .field_lint import problems
from .markdown import PLACEHOLDER, Cloze, MarkupError, MathRenderer, anki_math, dialect, forget, render, split_clozes
from .tex import forbidden, literal

__all__ = ["PLACEHOLDER", "Cloze", "MarkupError", "MathRenderer", "anki_math", "dialect", "forbidden", "forget",
           "literal", "problems", "render", "split_clozes"]
