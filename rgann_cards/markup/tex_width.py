"""How wide a TeX formula comes out in MathJax, estimated without a browser.

MathJax 3 never breaks an inline formula, so one wider than a phone's column
makes the whole card scroll sideways. Lint warns about those, and the Anki
export breaks wide cloze formulas over lines, both before anything is
rendered. The estimate walks the TeX once with approximate glyph widths of
MathJax's TeX fonts (in em) and TeX's spacing rules for operators and
relations; tests/test_anki_phone.py measures every formula of the shipped
course in Chromium and holds the estimate to it.
"""

from __future__ import annotations

import re

from .cloze import _PH_OPEN, PLACEHOLDER
from .markdown import inline_formulas

# MathJax scales its fonts so their x-height matches the text's; for the sans-serif faces of the card
# (Roboto, Helvetica, Arial, DejaVu Sans) that makes one TeX em about 1.2 text em.
MATH_SCALE = 1.2
CARD_FONT_PX = 19.0    # templates/anki/cards.css: .card font-size
PHONE_COLUMN_PX = 320  # the narrowest column worth supporting (a 360 px phone minus the card's padding)

_TOKEN = re.compile(r"\\[A-Za-z]+\*?|\\.|[{}^_&]|\s+|.", re.S)
_SCRIPT = 0.71      # first-level sub/superscripts and text-style fractions
_THIN, _MEDIUM, _THICK = 0.167, 0.222, 0.278
# relations and binary operators: glyph width; TeX puts a thick (relation) or medium (binary) space each side
_RELATIONS = {"=": 0.78, "<": 0.78, ">": 0.78, ":": 0.28, "\\mid": 0.28, "\\in": 0.67, "\\notin": 0.67,
              "\\coloneqq": 1.06, "\\ll": 1.0, "\\gg": 1.0} | {f"\\{name}": 0.78 for name in (
    "le leq ge geq ne neq approx sim simeq equiv propto subset subseteq").split()} | {f"\\{name}": 1.0 for name in (
    "leftarrow rightarrow to gets mapsto Leftarrow Rightarrow iff implies").split()}
_BINARIES = {"+": 0.78, "-": 0.78, "*": 0.5} | {f"\\{name}": 0.78 for name in (
    "pm mp times odot oplus otimes setminus").split()} | {"\\cdot": 0.28, "\\circ": 0.5}
_BIG_OPERATORS = {"\\sum": 1.06, "\\prod": 0.94, "\\int": 0.56, "\\bigcup": 0.83, "\\bigcap": 0.83}
_FUNCTIONS = set("log ln exp det min max sup inf lim arg tr sin cos tanh sigmoid Pr dim ker".split())
_SPACES = {"\\,": _THIN, "\\:": _MEDIUM, "\\;": _THICK, "\\!": -_THIN, "\\ ": 0.25, "~": 0.25,
           "\\quad": 1.0, "\\qquad": 2.0, "\\enspace": 0.5}
_WIDE_SYMBOLS = {"\\infty": 1.0, "\\nabla": 0.83, "\\partial": 0.57, "\\top": 0.78, "\\bot": 0.78, "\\|": 0.5,
                 "\\Vert": 0.5, "\\vert": 0.28, "\\ldots": 1.17, "\\cdots": 1.17, "\\dots": 1.17, "\\forall": 0.56,
                 "\\exists": 0.56, "\\emptyset": 0.5, "\\prime": 0.28, "\\ell": 0.42}
_ZERO = {"\\left", "\\right", "\\big", "\\Big", "\\bigg", "\\Bigg", "\\displaystyle", "\\textstyle",
         "\\limits", "\\nolimits", "\\mathstrut"}
_FONTS = {"\\mathrm": 0.5, "\\operatorname": 0.5, "\\text": 0.5, "\\textrm": 0.5, "\\mathbf": 0.6,
          "\\boldsymbol": 0.62, "\\mathbb": 0.72, "\\mathcal": 0.8, "\\mathit": 0.55, "\\mathsf": 0.5,
          "\\mathtt": 0.52}
_ACCENTS = {"\\hat", "\\bar", "\\tilde", "\\vec", "\\dot", "\\ddot", "\\widehat", "\\widetilde", "\\overline",
            "\\underline", "\\overleftarrow", "\\overrightarrow", "\\mathring", "\\check", "\\breve"}


def _char_width(ch: str) -> float:
    if ch.isdigit():
        return 0.5
    if ch in "ijlt'|!.,;":
        return 0.32
    if ch in "fr":
        return 0.45
    if ch in "mwMW":
        return 0.9
    if ch.isupper():
        return 0.75
    if ch in "()[]/":
        return 0.39 if ch != "/" else 0.5
    if ch.isalpha():
        return 0.55 if ch.isascii() else 0.6  # Latin italic; Greek and other letters
    return 0.6


class _Walker:
    def __init__(self, latex: str):
        self.tokens = [t for t in _TOKEN.findall(latex) if not t.isspace()]
        self.pos = 0

    def next(self) -> str | None:
        if self.pos >= len(self.tokens):
            return None
        self.pos += 1
        return self.tokens[self.pos - 1]

    def group_tokens(self) -> list[str]:
        """The tokens of the next argument: a braced group, or a single token."""
        first = self.next()
        if first != "{":
            return [first] if first is not None else []
        depth, out = 1, []
        while (tok := self.next()) is not None:
            depth += (tok == "{") - (tok == "}")
            if depth == 0:
                break
            out.append(tok)
        return out

    def skip_optional(self) -> None:
        if self.pos < len(self.tokens) and self.tokens[self.pos] == "[":
            while (tok := self.next()) is not None and tok != "]":
                pass


def _width(tokens: list[str], display: bool) -> float:
    """Width in TeX em of a token list (one row)."""
    walker = _Walker("")
    walker.tokens = tokens
    total, last_was_script_base = 0.0, 0.0
    while (tok := walker.next()) is not None:
        width = 0.0
        if tok == "{":
            walker.pos -= 1
            width = _width(walker.group_tokens(), display)
        elif tok in ("^", "_"):
            script = _width(walker.group_tokens(), False) * _SCRIPT
            # a sub- and a superscript on one base stack: only the wider counts
            nxt = walker.tokens[walker.pos] if walker.pos < len(walker.tokens) else None
            if nxt in ("^", "_") and nxt != tok:
                walker.next()
                script = max(script, _width(walker.group_tokens(), False) * _SCRIPT)
            if last_was_script_base:  # limits under a display operator: as wide as the operator, or wider
                script = max(0.0, script - last_was_script_base)
            width = script
        elif tok in ("\\frac", "\\dfrac", "\\tfrac", "\\binom"):
            numerator, denominator = _width(walker.group_tokens(), display), _width(walker.group_tokens(), display)
            scale = 1.0 if tok == "\\dfrac" or (display and tok != "\\tfrac") else _SCRIPT
            width = max(numerator, denominator) * scale + 0.24
        elif tok == "\\sqrt":
            walker.skip_optional()
            width = _width(walker.group_tokens(), display) + 0.85
        elif tok in _FONTS:
            inner = walker.group_tokens()
            # the characters it sets: a script or alignment mark is none (``\\mathbf^`` sets nothing; LaTeX
            # refuses them in \\text, where MathJax prints them, a character too few at worst)
            text = "".join(t for t in inner if (not t.startswith("\\") or len(t) == 2) and t not in ("^", "_", "&"))
            width = _FONTS[tok] * len(text.replace("{", "").replace("}", ""))
            if tok == "\\operatorname":
                width += _THIN
        elif tok in _ACCENTS:
            width = max(_width(walker.group_tokens(), display), 0.5)
            if tok.startswith("\\overleft") or tok.startswith("\\overright"):
                width += 0.5  # the arrow overhangs its base
        elif tok in ("\\phantom", "\\hphantom"):
            width = _width(walker.group_tokens(), display)
        elif tok in ("\\vphantom", "\\label", "\\tag", "\\color"):
            walker.group_tokens()
        elif tok == "\\bbox":
            walker.skip_optional()
            width = _width(walker.group_tokens(), display)
        elif tok == "\\begin":
            walker.group_tokens()
            width = _environment(walker, display)
        elif tok in _BIG_OPERATORS:
            width = _BIG_OPERATORS[tok] * (1.36 if display else 1.0) + _THIN
            last_was_script_base = width if display else 0.0
            total += width
            continue
        elif tok in _RELATIONS:
            width = _RELATIONS[tok] + 2 * _THICK
        elif tok in _BINARIES:
            width = _BINARIES[tok] + 2 * _MEDIUM
        elif tok in _SPACES:
            width = _SPACES[tok]
        elif tok in _ZERO or tok in ("}", "&"):
            width = 0.0
        elif tok.startswith("\\") and tok[1:] in _FUNCTIONS:
            width = 0.5 * len(tok[1:]) + _THIN
        elif tok in _WIDE_SYMBOLS:
            width = _WIDE_SYMBOLS[tok]
        elif tok == ",":
            width = 0.28 + _THIN
        elif tok.startswith("\\") and len(tok) > 2:
            width = 0.62  # a Greek letter or another symbol
        elif tok.startswith("\\"):
            width = _char_width(tok[1])
        else:
            width = _char_width(tok)
        last_was_script_base = 0.0
        total += width
    return total


def _environment(walker: _Walker, display: bool) -> float:
    """An environment (aligned, cases, matrix): as wide as its widest row."""
    depth, rows, row = 1, [], []
    while (tok := walker.next()) is not None:
        if tok == "\\begin":
            depth += 1
        elif tok == "\\end":
            depth -= 1
            if depth == 0:
                walker.group_tokens()
                break
        if tok == "\\\\" and depth == 1:
            rows.append(row)
            row = []
        else:
            row.append(tok)
    rows.append(row)
    return max(_width(r, display) for r in rows) + 0.5


def width_em(latex: str, display: bool = False) -> float:
    """Estimated width of ``latex`` in em of the surrounding text, as MathJax typesets it."""
    return _width(_Walker(latex).tokens, display) * MATH_SCALE


def width_px(latex: str, display: bool = False, font_px: float = CARD_FONT_PX) -> float:
    """Estimated width in CSS px on an Anki card."""
    return width_em(latex, display) * font_px


def _token_bound(tok: str) -> float:
    """The most one token can add to an inline formula's width in _width, wherever it stands.

    A character counts as wide as the widest font can set it (0.8 em in ``\\mathcal``) and a
    two-character command as two such characters, because a font command measures its
    argument by characters; a command's argument is bounded by its own tokens (scripts and
    fractions only shrink it, an environment is its widest row, a skipped group adds nothing).
    """
    if len(tok) == 1:
        return max(_char_width(tok), _FONTS["\\mathcal"], _RELATIONS.get(tok, 0.0) + 2 * _THICK,
                   _BINARIES.get(tok, 0.0) + 2 * _MEDIUM, 0.28 + _THIN if tok == "," else 0.0)
    if tok in _RELATIONS:
        width = _RELATIONS[tok] + 2 * _THICK
    elif tok in _BINARIES:
        width = _BINARIES[tok] + 2 * _MEDIUM
    elif tok in _BIG_OPERATORS:
        width = _BIG_OPERATORS[tok] + _THIN
    elif tok in _SPACES or tok in _WIDE_SYMBOLS:
        width = _SPACES.get(tok, _WIDE_SYMBOLS.get(tok, 0.0))
    elif tok[1:] in _FUNCTIONS:
        width = 0.5 * len(tok[1:]) + _THIN
    elif tok in _FONTS:
        width = _THIN  # the characters of its argument count themselves
    elif tok in _ACCENTS:
        width = 1.0  # at least 0.5 for an empty base, and an arrow's 0.5 overhang
    elif tok in ("\\frac", "\\dfrac", "\\tfrac", "\\binom"):
        width = 0.24
    elif tok == "\\sqrt":
        width = 0.85
    elif tok == "\\begin":
        width = 0.5
    else:
        width = 0.62
    return max(width, 2 * _FONTS["\\mathcal"]) if len(tok) == 2 else width


_BOUNDS: dict[str, float] = {}


def inline_bound_em(latex: str) -> float:
    """An upper bound of ``width_em(latex)`` (inline), from one pass over the tokens; tests hold it to that."""
    total = 0.0
    for tok in _TOKEN.findall(latex):
        bound = _BOUNDS.get(tok)
        if bound is None:
            bound = _BOUNDS[tok] = 0.0 if tok.isspace() or tok in "{}^_&" or tok in _ZERO else _token_bound(tok)
        total += bound
    return total * MATH_SCALE


LIST_INDENT_PX = 1.3 * CARD_FONT_PX  # templates/anki/cards.css: lists are indented 1.3em


def too_wide_inline(text: str, *, cloze: bool = False) -> list[str]:
    """Warnings for the inline formulas of a Markdown field that cannot fit a phone's column.

    A formula in a list item has the item's indent less room. In a cloze field a formula that holds a
    deletion is exempt: the Anki export sets it as display math and breaks it over lines.
    """
    return too_wide(inline_formulas(text, cloze=cloze))


def too_wide(formulas: list[tuple[str, int]]) -> list[str]:
    """too_wide_inline's warnings for a field's inline formulas (``markdown.inline_formulas``)."""
    found = []
    for latex, depth in formulas:
        if _PH_OPEN in latex and PLACEHOLDER.search(latex):  # a cloze deletion's placeholder
            continue
        room = PHONE_COLUMN_PX - depth * LIST_INDENT_PX
        if inline_bound_em(latex) * CARD_FONT_PX <= room:  # most formulas: provably narrow enough
            continue
        px = width_px(latex)
        if px > room:
            shown = " ".join(latex.split())
            shown = shown if len(shown) <= 40 else shown[:37] + "..."
            found.append(f"inline formula '${shown}$' is about {px:.0f} px wide, too wide for a "
                         f"{PHONE_COLUMN_PX} px phone screen: write it as display math ($$...$$)")
    return found
