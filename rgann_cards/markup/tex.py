"""The one TeX allow-list: every string that can reach MathJax (Anki) or MathML (the HTML) passes it.

Anki's reviewer loads MathJax ``tex-chtml-full``, which includes ``\\href``,
``\\class``, ``\\style``, ``\\cssId``, ``\\require``, ``\\unicode`` and the
``html`` extension: TeX that reaches it can add links, styles and ids to a
card. Three walls keep content from doing that:

1. ``forbidden``: the commands in ``FORBIDDEN`` are an error in *every* string of
   the course (math, running text, code, cloze hints, labels, sources, deck names,
   reference fields), wherever they stand. It is a regex over the text, so it is
   cheap enough to run on everything.
2. ``math_problems``: inside math, every command and environment must be on the
   allow-list (what the MathML converter renders; Anki's MathJax knows all of it).
   It works on tokens, never converts, and is what lint runs on every formula.
3. ``literal``: text outside math can still look like math to MathJax (Anki
   configures the ``\\(..\\)`` and ``\\[..\\]`` delimiters). In Anki fields such a
   delimiter written by an author is broken with an empty ``<span></span>``:
   MathJax looks for delimiters within one run of text, and any element ends a run,
   so the text shows as written and is never typeset.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Commands MathJax (tex-chtml-full) would turn into links, attributes, styles or loaded code.
FORBIDDEN = ("href", "url", "class", "style", "cssId", "data", "require", "unicode", "bbox", "mmlToken", "toggle",
             "mathtip", "texttip", "actiontype", "tooltip", "csname")
_FORBIDDEN = re.compile(r"\\(html[A-Za-z]*|" + "|".join(FORBIDDEN) + r")(?![A-Za-z])")
FORBIDDEN_REASON = "MathJax in Anki would turn it into links, styles or loaded code"

# Inside math: commands that latex2mathml knows but that cannot print faithfully, with the reason.
UNSUPPORTED = {
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
# Environments rendered, under the names authors use (mathml maps the aliases).
ENVIRONMENTS = frozenset({"aligned", "align", "align*", "split", "matrix", "pmatrix", "bmatrix", "Bmatrix",
                          "vmatrix", "Vmatrix", "array", "cases", "smallmatrix"})
# One-character commands: spacing, escaped specials and the line break. `\(` `\)` `\[` `\]` are
# not among them: inside a formula they would end Anki's MathJax math early.
_SYMBOL_COMMANDS = frozenset(",;:! \n{}|\\#%&_$>")

_COMMAND = re.compile(r"\\(?:([A-Za-z]+)|(.))", re.S)  # eats '\\' whole: a line break then 'b' is no '\b'
_NAME = re.compile(r"\\([A-Za-z]+|.)", re.S)  # _COMMAND's two groups as one: a name or a symbol
_BEGIN_END = re.compile(r"\\(begin|end)\s*\{([^{}]*)\}")
_INNERMOST_ENV = re.compile(r"\\begin\s*\{[^{}]*\}(?:(?!\\begin\s*\{).)*?\\end\s*\{[^{}]*\}", re.S)
# What Anki's MathJax would start typesetting at, in text outside our own math.
_DELIMITER = re.compile(r"\\(?=[(\[]|begin\{)")


def forbidden(text: str) -> list[str]:
    """A message for each forbidden command in ``text`` (any string of the course), in order of appearance."""
    if "\\" not in text or _FORBIDDEN.search(text) is None:  # nearly every string: nothing to report
        return []
    names = dict.fromkeys(m.group(1) for m in _FORBIDDEN.finditer(text))
    return [f"forbidden TeX command '\\{name}' ({FORBIDDEN_REASON})" for name in names]


_STRAY_AMPERSAND = re.compile(r"(?<!\\)&")


def math_problems(latex: str) -> list[str]:
    """What keeps ``latex`` off the allow-list: unknown or unsupported commands and environments, stray '&'."""
    if "\\" not in latex and "&" not in latex:  # no command, no environment, no '&': nothing to find
        return []
    if ("&" not in latex and "\\begin" not in latex and "\\end" not in latex
            and _allowed().issuperset(_NAME.findall(latex))):
        return []  # most formulas: every command allowed, and no environment or '&' to look at
    return _looked_at(latex)


def _looked_at(latex: str) -> list[str]:
    """math_problems, command by command (tests hold the shortcut above to it)."""
    found = []
    known = _known_commands()
    for name, symbol in dict.fromkeys(_COMMAND.findall(latex)):
        if symbol:
            if symbol not in _SYMBOL_COMMANDS:
                found.append(f"unknown LaTeX command '\\{symbol}'")
        elif name in UNSUPPORTED:
            found.append(f"unsupported LaTeX command '\\{name}' ({UNSUPPORTED[name]})")
        elif _FORBIDDEN.fullmatch("\\" + name):
            found.append(f"forbidden TeX command '\\{name}' ({FORBIDDEN_REASON})")
        elif name not in known and name not in ("begin", "end"):
            found.append(f"unknown LaTeX command '\\{name}'")
    for _, env in _BEGIN_END.findall(latex):
        if env not in ENVIRONMENTS:
            found.append(f"unsupported environment '{env}' (use one of: aligned, array, cases, pmatrix, ...)")
    outside = latex if "&" in latex else ""  # the environments are taken out only to find a stray '&'
    while (inner := _INNERMOST_ENV.sub(" ", outside)) != outside:
        outside = inner
    if _STRAY_AMPERSAND.search(outside.replace("\\\\", "  ")):
        found.append("'&' outside an aligned environment (write \\& for an ampersand)")
    return list(dict.fromkeys(found))


def literal(html: str) -> str:
    """Escaped text for an Anki field, with every math delimiter broken so that MathJax leaves it alone."""
    return _DELIMITER.sub(r"\\<span></span>", html) if "\\" in html else html


@lru_cache(maxsize=1)
def _allowed() -> frozenset[str]:
    """Every name or symbol math_problems lets pass, so that a formula of only these needs no closer look."""
    names = {n for n in _known_commands() if n not in UNSUPPORTED and not _FORBIDDEN.fullmatch("\\" + n)}
    return frozenset(names | _SYMBOL_COMMANDS | {"begin", "end"})


@lru_cache(maxsize=1)
def _known_commands() -> frozenset[str]:
    """Every command name latex2mathml handles: its symbol table plus its command constants."""
    from latex2mathml import commands
    from latex2mathml.symbols_parser import SYMBOLS

    names = set(SYMBOLS)
    for value in vars(commands).values():
        items = value if isinstance(value, (tuple, dict)) else (value,)
        names.update(v for v in items if isinstance(v, str) and v.startswith("\\"))
    return frozenset(n[1:] for n in names if re.fullmatch(r"\\[A-Za-z]+\*?", n))
