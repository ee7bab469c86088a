"""LaTeX -> MathML for the printable HTML, built on latex2mathml; a formula renders faithfully or is an error.

latex2mathml parses; this module decides what may be rendered and serializes
the result. What it gets wrong or what Chromium's MathML Core ignores is
corrected in mathml_fixes. Three things happen here:

- every formula first passes the TeX allow-list (tex.math_problems); what only shows
  after conversion (latex2mathml echoes commands inside ``\\text`` as text, a line
  break outside an alignment) is reported too, for lint's path:line errors;
- ``aligned``, which latex2mathml silently drops, is rendered as ``align*``,
  and ``\\sim``, which its symbol table maps to ``~``, as U+223C;
- its string output un-escapes ``<`` and ``&`` (``\\text{<b>}`` would become
  markup), so the element tree is serialized here, tags and attributes allow-listed.
"""

from __future__ import annotations

import re
from html import escape
from typing import TYPE_CHECKING

from .mathml_shapes import Shapes
from .tex import math_problems

if TYPE_CHECKING:  # annotations only: the quiz imports markup, and ElementTree costs 2 ms
    from xml.etree.ElementTree import Element

# Environments it renders, under the names authors use. `aligned` and `align`
# become `align*`: one alignment table, never equation numbers.
_ENV_ALIASES = {"aligned": "align*", "align": "align*", "align*": "align*", "split": "split"}
_SYMBOL_FIXES = {r"\sim": r"\thicksim"}  # same glyph (U+223C), but mapped right: a relation


class MathError(ValueError):
    """A formula that would not render faithfully; the message names the command."""


_BEGIN_END = re.compile(r"\\(begin|end)\s*\{([^{}]*)\}")
_ECHO = re.compile(r"\\[A-Za-z]+")
_CONVERTER_ERRORS = {  # latex2mathml exception name -> what the author did wrong
    "DoubleSubscriptsError": "double subscript (write x_{a b} or {x_a}_b)",
    "DoubleSuperscriptsError": "double superscript (write x^{a b} or {x^a}^b)",
    "ExtraLeftOrMissingRightError": "\\left without matching \\right (or the other way round)",
    "MissingSuperScriptOrSubscriptError": "'^' or '_' without an argument",
    "NumeratorNotFoundError": "\\frac without numerator",
    "DenominatorNotFoundError": "\\frac without denominator",
    "MissingEndError": "\\begin without matching \\end",
    "NoAvailableTokensError": "a command is missing its argument",
}


def problems(latex: str, display: bool = True) -> list[str]:
    """What would keep ``latex`` from rendering faithfully as MathML (empty list when fine)."""
    return list(convert(latex, display)[1])


def to_mathml(latex: str, display: bool) -> str:
    """A ``markup.MathRenderer``: LaTeX -> a sanitized ``<math>`` element. Raises MathError on bad input."""
    html, found = convert(latex, display)
    if found:
        raise MathError(found[0])
    return html


# (latex, display) -> (MathML or "", problems): a formula is converted once per build (lint converts what the
# HTML prints, and the HTML reuses it). No cap: forget() empties it when the next course is loaded.
_CONVERTED: dict[tuple[str, bool], tuple[str, tuple[str, ...]]] = {}


def forget() -> None:
    """Drop the conversions of the previous build."""
    _CONVERTED.clear()
    _SHAPES.clear()


def convert(latex: str, display: bool) -> tuple[str, tuple[str, ...]]:
    """``(mathml, problems)`` for one formula; the MathML is empty when there are problems."""
    key = (latex, display)
    done = _CONVERTED.get(key)
    if done is None:
        done = _CONVERTED[key] = _SHAPES.convert(latex, display)
    return done


def _convert(latex: str, display: bool) -> tuple[str, tuple[str, ...]]:
    found = math_problems(latex)
    if found:
        return "", tuple(found)
    # latex2mathml costs 25 ms to import: a process that converts nothing (a build's parent, whose
    # pages are made from conversions done beside it) never loads it
    from latex2mathml.converter import convert_to_element

    from .mathml_fixes import fix

    try:
        tree = convert_to_element(_rewrite(latex), display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises its own error types, and at times IndexError/StopIteration
        return "", (_CONVERTER_ERRORS.get(type(exc).__name__, f"cannot convert ({type(exc).__name__})"),)
    fix(tree, display)
    found = tuple(dict.fromkeys(_tree_problems(tree)))
    if found:
        return "", found
    attrs = ' display="block"' if display else ""
    return f"<math{attrs}>{''.join(_serialize(child) for child in tree)}</math>", ()


_SHAPES = Shapes(_convert, math_problems)  # formulas that differ only in their numbers: converted once


def _rewrite(latex: str) -> str:
    latex = _BEGIN_END.sub(lambda m: f"\\{m.group(1)}{{{_ENV_ALIASES.get(m.group(2), m.group(2))}}}", latex)
    for wrong, right in _SYMBOL_FIXES.items():
        latex = re.sub(re.escape(wrong) + r"(?![A-Za-z])", lambda _: right, latex)
    return latex


def _tree_problems(tree: Element):
    for el in tree.iter():
        text = el.text or ""
        if el.tag in ("mi", "mo", "mn") and _ECHO.search(text):
            yield f"unknown LaTeX command '{_ECHO.search(text).group()}'"
        elif el.tag == "mtext" and _ECHO.search(text):
            yield f"LaTeX command '{_ECHO.search(text).group()}' inside \\text{{...}} is not rendered"
        elif el.tag == "mspace" and el.get("linebreak"):
            yield "line break '\\\\' outside an aligned environment"


# --------------------------------------------------------------------------- serialization

ALLOWED_TAGS = {"mi", "mn", "mo", "ms", "mtext", "mspace", "mrow", "msub", "msup", "msubsup", "munder", "mover",
         "munderover", "mfrac", "msqrt", "mroot", "mtable", "mtr", "mtd", "mstyle", "mpadded", "mphantom"}
ALLOWED_ATTRS = {"mathvariant", "stretchy", "fence", "form", "accent", "accentunder", "movablelimits", "largeop",
          "lspace", "rspace", "minsize", "maxsize", "symmetric", "separator", "linethickness", "width",
          "height", "depth", "voffset", "columnalign", "class", "displaystyle", "scriptlevel"}


def _serialize(el: Element) -> str:
    """Allow-listed tags and attributes, every text escaped: nothing in a formula can become markup."""
    tag = el.tag if el.tag in ALLOWED_TAGS else "mrow"
    attrs = "".join(f' {k}="{escape(v)}"' for k, v in sorted(el.attrib.items()) if k in ALLOWED_ATTRS)
    inner = escape(el.text or "", quote=False) + "".join(_serialize(child) for child in el)
    return f"<{tag}{attrs}>{inner}</{tag}>"
