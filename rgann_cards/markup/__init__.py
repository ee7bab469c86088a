"""Markdown + TeX: one dialect, rendered for MathJax (Anki) or MathML (HTML); the terminal's Unicode math lives in quiz/."""

from .markdown import PLACEHOLDER, Cloze, MarkupError, MathRenderer, anki_math, dialect, problems, render, split_clozes

__all__ = ["PLACEHOLDER", "Cloze", "MarkupError", "MathRenderer", "anki_math", "dialect", "problems", "render",
           "split_clozes"]
