"""LaTeX -> MathML for the printable HTML, built on latex2mathml; a formula renders faithfully or is an error.

latex2mathml parses; this module decides what may be rendered and serializes
the result. What it gets wrong or what Chromium's MathML Core ignores is
corrected in mathml_fixes. Three things happen here:

- unknown commands (latex2mathml echoes them as ``<mi>\\foo</mi>``) and
  commands that cannot print faithfully are reported, for lint's path:line errors;
- ``aligned``, which latex2mathml silently drops, is rendered as ``align*``,
  and ``\\sim``, which its symbol table maps to ``~``, as U+223C;
- its string output un-escapes ``<`` and ``&`` (``\\text{<b>}`` would become
  markup), so the element tree is serialized here, tags and attributes allow-listed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape
from xml.etree.ElementTree import Element

from latex2mathml import commands as _commands
from latex2mathml.converter import convert_to_element
from latex2mathml.symbols_parser import SYMBOLS

from .mathml_fixes import fix

# Environments it renders, under the names authors use. `aligned` and `align`
# become `align*`: one alignment table, never equation numbers.
_ENV_ALIASES = {"aligned": "align*", "align": "align*", "align*": "align*", "split": "split"}
SUPPORTED_ENVS = set(_ENV_ALIASES) | {
    "matrix", "pmatrix", "bmatrix", "Bmatrix", "vmatrix", "Vmatrix", "array", "cases", "smallmatrix"}
_SYMBOL_FIXES = {r"\sim": r"\thicksim"}  # same glyph (U+223C), but mapped right: a relation

_UNSUPPORTED = {
    **dict.fromkeys(("newcommand", "renewcommand", "def", "let", "DeclareMathOperator", "newenvironment"),
                    "macros are not allowed; write the standard commands out"),
    **dict.fromkeys(("href", "url"), "links do not belong in formulas"),
    **dict.fromkeys(("color", "textcolor", "colorbox", "fcolorbox", "style", "class"),
                    "colours and styles do not survive printing"),
    **dict.fromkeys(("boxed", "fbox", "cancel", "bcancel", "xcancel", "sout"),
                    "boxes and strike-outs cannot be drawn in MathML"),
    **dict.fromkeys(("tag", "label", "eqref", "ref"), "equations are not numbered"),
    "unicode": "write the character itself",
}


class MathError(ValueError):
    """A formula that would not render faithfully; the message names the command."""


def _known_commands() -> frozenset[str]:
    """Every command name latex2mathml handles: its symbol table plus its command constants."""
    names = set(SYMBOLS)
    for value in vars(_commands).values():
        items = value if isinstance(value, (tuple, dict)) else (value,)
        names.update(v for v in items if isinstance(v, str) and v.startswith("\\"))
    return frozenset(n[1:] for n in names if re.fullmatch(r"\\[A-Za-z]+\*?", n))


_KNOWN = _known_commands()
_COMMAND = re.compile(r"\\(?:([A-Za-z]+)|.)", re.S)  # eats '\\' whole: a line break then 'b' is no '\b'
_BEGIN_END = re.compile(r"\\(begin|end)\s*\{([^{}]*)\}")
_INNERMOST_ENV = re.compile(r"\\begin\s*\{[^{}]*\}(?:(?!\\begin\s*\{).)*?\\end\s*\{[^{}]*\}", re.S)
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


def problems(latex: str) -> list[str]:
    """What would keep ``latex`` from rendering faithfully as MathML (empty list when fine)."""
    return list(_analyse(latex, True)[1])


def to_mathml(latex: str, display: bool) -> str:
    """A ``markup.MathRenderer``: LaTeX -> a sanitized ``<math>`` element. Raises MathError on bad input."""
    return _render(latex, display)


@lru_cache(maxsize=4096)
def _render(latex: str, display: bool) -> str:
    tree, found = _analyse(latex, display)
    if found:
        raise MathError(found[0])
    attrs = ' display="block"' if display else ""
    return f"<math{attrs}>{''.join(_serialize(child) for child in tree)}</math>"


@lru_cache(maxsize=4096)
def _analyse(latex: str, display: bool) -> tuple[Element | None, tuple[str, ...]]:
    found = _source_problems(latex)
    if found:
        return None, tuple(found)
    try:
        tree = convert_to_element(_rewrite(latex), display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises its own error types, and at times IndexError/StopIteration
        reason = _CONVERTER_ERRORS.get(type(exc).__name__, f"cannot convert ({type(exc).__name__})")
        return None, (reason,)
    fix(tree, display)
    return tree, tuple(dict.fromkeys(_tree_problems(tree)))


def _source_problems(latex: str) -> list[str]:
    found = []
    for name in dict.fromkeys(n for n in _COMMAND.findall(latex) if n):
        if name in _UNSUPPORTED:
            found.append(f"unsupported LaTeX command '\\{name}' ({_UNSUPPORTED[name]})")
        elif name not in _KNOWN and name not in ("begin", "end"):
            found.append(f"unknown LaTeX command '\\{name}'")
    for _, env in _BEGIN_END.findall(latex):
        if env not in SUPPORTED_ENVS:
            found.append(f"unsupported environment '{env}' (use one of: aligned, array, cases, pmatrix, ...)")
    outside = latex
    while (inner := _INNERMOST_ENV.sub(" ", outside)) != outside:
        outside = inner
    if re.search(r"(?<!\\)&", outside.replace("\\\\", "  ")):
        found.append("'&' outside an aligned environment (write \\& for an ampersand)")
    return list(dict.fromkeys(found))


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
