"""LaTeX math -> readable Unicode for the terminal, built on pylatexenc's parser.

    \\delta_\\varphi^t = f_\\varphi'(\\mathrm{net}_\\varphi^t) \\sum_{c=1}^{D} \\zeta_c^t\\, s_c^{t-1}
    δᵩᵗ = fᵩ′(netᵩᵗ) ∑_(c=1)ᴰ ζ_cᵗ s_cᵗ⁻¹

Rules, chosen so that the output reads unambiguously in any monospace font:

- A sub- or superscript becomes Unicode script characters only when *every*
  character has one (``t-1`` -> ``ᵗ⁻¹``); otherwise it is written ``_c`` for a
  single character and ``_(c=1)`` for more.
- ``\\frac{a}{b}`` is ``a/b`` when both parts are single tokens (no spaces or
  operators at the top level), else each non-token part is parenthesised:
  ``\\frac{1}{N}`` -> ``1/N``, ``\\frac{a+b}{2}`` -> ``(a+b)/2``.
- Greek letters, operators, relations and arrows become their Unicode symbols;
  ``\\phi`` (ϕ) and ``\\varphi`` (φ) stay distinct. ``\\mathbb`` and
  ``\\mathcal`` use the double-struck and script alphabets; ``\\mathrm``,
  ``\\text`` and ``\\operatorname`` give plain text; ``\\mathbf`` gives plain
  letters wrapped in the BOLD markers, which the terminal renderer turns into
  bold (``to_unicode`` drops them).
- Accents (``\\hat``, ``\\tilde``, ``\\bar``, ``\\overleftarrow``, ...) are
  combining characters. ``aligned``-style environments become aligned lines.
- Spacing follows TeX where readers need it: ``P(x) log P(x)``, ``log(x)``,
  ``x → 0``, ``a ± b`` but ``±1``; ``\\ln \\frac{a}{b}`` reads ``ln(a/b)``.

Symbol tables live in symbols.py, spacing and layout in mathlayout.py.

The private-use characters MARK_ON/MARK_OFF (a highlighted cloze deletion) pass
through untouched. With ``strict=True`` an unknown command raises MathError;
the tests run every math span of the course that way, so no ``\\command``
ever reaches the screen.
"""

from __future__ import annotations

from functools import lru_cache

from .mathlayout import (BASE, BIN, BOLD_OFF, BOLD_ON, MARK_OFF, MARK_ON, PAD, SOFT, STYLE_MARKS, WIDE, accent,
                         bracket, finish, hjoin, layout, script, stack, strip_bold, visible_width, wrap)
from .symbols import (ACCENTS, BIG_OPERATORS, BINARY, BOLD_FONTS, DELIMITER_SIZERS, DOTS, DROPPED_WITH_ARG,
                      EVERY_CHAR_ACCENTS, FUNCTIONS, GREEK, IGNORED, PASS_ARG, PLAIN_FONTS, RELATIONS, SPACES,
                      SYMBOLS, TEXT, double_struck, script_letter)

__all__ = ["BOLD_OFF", "BOLD_ON", "MARK_OFF", "MARK_ON", "MathError", "strip_bold", "to_marked", "to_unicode",
           "visible_width"]


class MathError(ValueError):
    """LaTeX this module cannot render (only raised with strict=True)."""


def to_unicode(latex: str, *, strict: bool = False) -> str:
    """Readable plain-text Unicode for a LaTeX math fragment (without the $ delimiters)."""
    return strip_bold(to_marked(latex, strict=strict))


def to_marked(latex: str, *, strict: bool = False) -> str:
    """Like to_unicode, but keeps BOLD_ON/BOLD_OFF around \\mathbf text for the renderer."""
    try:
        nodes = _parse(latex, strict)
        return finish(_Renderer(strict).seq(nodes)).replace(BASE, "")
    except MathError:
        raise
    except Exception as exc:  # pylatexenc's parse errors: show the source rather than crash a session
        if strict:
            raise MathError(f"cannot parse '{latex}': {exc}") from exc
        return latex.strip()


@lru_cache(maxsize=1)
def _context():
    from pylatexenc.macrospec import LatexContextDb, MacroSpec, SpecialsSpec

    specs = {"frac": "{{", "dfrac": "{{", "tfrac": "{{", "cfrac": "{{", "binom": "{{", "sqrt": "[{",
             "operatorname": "*{", "not": "", "\\": "*["}
    for group in (ACCENTS, EVERY_CHAR_ACCENTS, PLAIN_FONTS, BOLD_FONTS, TEXT, DROPPED_WITH_ARG, PASS_ARG,
                  {"mathbb", "mathcal"}):
        specs.update({name: "{" for name in group})
    db = LatexContextDb()
    db.add_context_category("rgann", macros=[MacroSpec(name, argspec) for name, argspec in specs.items()],
                            specials=[SpecialsSpec("&"), SpecialsSpec("~")])
    return db


def _parse(latex: str, strict: bool):
    from pylatexenc.latexwalker import LatexWalker

    walker = LatexWalker(latex, latex_context=_context(), tolerant_parsing=not strict)
    nodes, _, _ = walker.get_latex_nodes()
    return nodes


class _Renderer:
    def __init__(self, strict: bool):
        self.strict = strict

    # -- sequences ------------------------------------------------------------------------------
    def seq(self, nodes, text: bool = False) -> str:
        items = _flatten(nodes)
        out: list[str] = []
        after_function = False  # "\ln \frac{a}{b}" must read ln(a/b), not (ln a)/b
        i = 0
        while i < len(items):
            item = items[i]
            i += 1
            if isinstance(item, str) and item.isspace():
                out.append(" ")
                continue
            name = getattr(item, "macroname", None)
            if after_function and name in _FRACTIONS:
                while out and out[-1] == " ":
                    out.pop()
                out.append(f"({self.fraction(item)}){SOFT}")
                after_function = False
                continue
            after_function = name in FUNCTIONS or name == "operatorname"
            if isinstance(item, str):
                if not text and item in "_^":
                    i, arg = _next_atom(items, i)
                    out.append(script(self.atom(arg), sup=item == "^"))
                elif item == "'" and not text:
                    out.append("′")
                else:
                    out.append(item)
                continue
            if name in DELIMITER_SIZERS:
                j, nxt = _next_atom(items, i)
                if nxt == ".":  # \left. and \right. are invisible delimiters
                    i = j
                continue
            if name == "not":
                i, arg = _next_atom(items, i)
                negated = {"=": "≠", "∈": "∉", "≡": "≢", "∼": "≁"}
                body = self.atom(arg)
                core = body.strip(PAD)
                out.append(f"{PAD}{negated[core]}{PAD}" if core in negated else body + "\u0338")
                continue
            out.append(self.node(item, text))
        return hjoin(out)

    def atom(self, item) -> str:
        if item is None:
            return ""
        if isinstance(item, str):
            return "′" if item == "'" else item
        return self.node(item, False)

    def arg(self, node, index: int, text: bool = False) -> str:
        args = node.nodeargd.argnlist if node.nodeargd else []
        if index >= len(args) or args[index] is None:
            if self.strict:
                raise MathError(f"\\{node.macroname} is missing an argument")
            return ""
        arg = args[index]
        nodes = arg.nodelist if hasattr(arg, "nodelist") and not _is_macro(arg) else [arg]
        return self.seq(nodes, text=text)

    # -- one node -------------------------------------------------------------------------------
    def node(self, node, text: bool) -> str:
        kind = type(node).__name__
        if kind == "LatexGroupNode":
            return self.seq(node.nodelist, text)
        if kind == "LatexMathNode":
            return self.seq(node.nodelist)
        if kind == "LatexCommentNode":
            return ""
        if kind == "LatexSpecialsNode":
            return " "  # '~' is a space; a stray '&' outside an environment too
        if kind == "LatexEnvironmentNode":
            return self.environment(node)
        if kind == "LatexMacroNode":
            return self.macro(node, text)
        if self.strict:
            raise MathError(f"cannot render {node.latex_verbatim()!r}")
        return node.latex_verbatim()

    def macro(self, node, text: bool) -> str:
        name = node.macroname
        if name in GREEK:
            return GREEK[name]
        if name in BIG_OPERATORS:
            return SOFT + SYMBOLS[name]
        if name in SYMBOLS:
            return SYMBOLS[name]
        if name in RELATIONS:
            return f"{PAD}{RELATIONS[name]}{PAD}"
        if name in BINARY:
            return f"{BIN}{BINARY[name]}{BIN}"
        if name in FUNCTIONS:
            return f"{SOFT}{name}{SOFT}"
        if name in SPACES:
            return SPACES[name]
        if name in IGNORED:
            return ""
        if name == "\\":
            return "\n"
        if name in _FRACTIONS:
            return f"{WIDE}{self.fraction(node)}{WIDE}"
        if name == "binom":
            return f"{SOFT}binom({finish(self.arg(node, 0))}, {finish(self.arg(node, 1))}){SOFT}"
        if name == "sqrt":
            body = finish(self.arg(node, 1))
            index = finish(self.arg(node, 0)) if node.nodeargd.argnlist[0] is not None else ""
            root = {"": "√", "3": "∛", "4": "∜"}.get(index) or script(index, sup=True) + "√"
            return f"{root}{wrap(body)}"
        if name == "operatorname":
            return f"{SOFT}{finish(self.arg(node, 1, text=True))}{SOFT}"
        if name in TEXT:
            body = self.arg(node, 0, text=True)
            return f"{BOLD_ON}{body}{BOLD_OFF}" if name == "textbf" else body
        if name in PLAIN_FONTS:
            return self.arg(node, 0)
        if name in BOLD_FONTS:
            return f"{BOLD_ON}{self.arg(node, 0, text=name == 'textbf')}{BOLD_OFF}"
        if name == "mathbb":
            return "".join(double_struck(c) for c in self.arg(node, 0))
        if name == "mathcal":
            return "".join(script_letter(c) for c in self.arg(node, 0))
        if name in ACCENTS:
            return accent(self.arg(node, 0), ACCENTS[name])
        if name in EVERY_CHAR_ACCENTS:
            mark = EVERY_CHAR_ACCENTS[name]
            return "".join(c + mark if c not in STYLE_MARKS and not c.isspace() else c
                           for c in finish(self.arg(node, 0)))
        if name in PASS_ARG:
            return self.arg(node, 0)
        if name in DROPPED_WITH_ARG:
            return ""
        if self.strict:
            raise MathError(f"unknown LaTeX command \\{name}")
        return "\\" + name + node.macro_post_space

    def fraction(self, node) -> str:
        top, bottom = self.arg(node, 0), self.arg(node, 1)
        if "\n" in top or "\n" in bottom:  # a matrix or a stacked fraction inside: stack this one too
            return stack(finish(top, final=False), finish(bottom, final=False))
        return f"{wrap(finish(top))}/{wrap(finish(bottom))}"

    def environment(self, node) -> str:
        name = node.environmentname.rstrip("*")
        rows: list[list[str]] = [[]]
        cell: list = []
        for child in node.nodelist:
            if _is_macro(child) and child.macroname == "\\":
                rows[-1].append(self.cell(cell))
                rows.append([])
                cell = []
            elif type(child).__name__ == "LatexSpecialsNode" and child.specials_chars == "&":
                rows[-1].append(self.cell(cell))
                cell = []
            else:
                cell.append(child)
        rows[-1].append(self.cell(cell))
        rows = [r for r in rows if any(c for c in r)]
        if name in ("aligned", "align", "alignat", "alignedat", "split", "eqnarray", "flalign"):
            return layout(rows, aligned=True)
        if name in ("matrix", "pmatrix", "bmatrix", "Bmatrix", "vmatrix", "Vmatrix", "smallmatrix", "array"):
            left, right = {"pmatrix": "()", "bmatrix": "[]", "Bmatrix": "{}", "vmatrix": "||",
                           "Vmatrix": "‖‖"}.get(name, ("", ""))
            return bracket(layout(rows, centred=True), left, right)
        if name in ("cases", "dcases"):
            return bracket(layout(rows), "{", "")
        if name in ("gather", "gathered", "equation", "multline", "subequations") or not self.strict:
            return layout(rows)
        raise MathError(f"unknown LaTeX environment '{node.environmentname}'")

    def cell(self, nodes) -> str:
        return finish(self.seq(nodes), final=False)


# -- helpers ------------------------------------------------------------------------------------

_FRACTIONS = {"frac", "dfrac", "tfrac", "cfrac"}
_LETTER_LIKE = set(GREEK) | (set(SYMBOLS) - DOTS)

def _is_macro(node) -> bool:
    return type(node).__name__ == "LatexMacroNode"


def _flatten(nodes) -> list:
    """Split character runs into single characters so '_' and '^' can take the next one."""
    nodes = [n for n in nodes or [] if n is not None]
    items: list = []
    for k, node in enumerate(nodes):
        if type(node).__name__ == "LatexCharsNode":
            items.extend(node.chars)
            continue
        items.append(node)
        if _is_macro(node) and node.macro_post_space:
            # The space after "\alpha x" only ends the command name (TeX prints "αx"), but the
            # author's space in "\Delta = 20" or "\log x" is meant for the reader.
            following = nodes[k + 1] if k + 1 < len(nodes) else None
            first = following.chars[:1] if type(following).__name__ == "LatexCharsNode" else ""
            name = node.macroname
            if name in FUNCTIONS or name in DOTS or (name in _LETTER_LIKE and first and first in "=<>+-/|"):
                items.append(" ")
    return items


def _next_atom(items: list, i: int) -> tuple[int, object]:
    while i < len(items) and isinstance(items[i], str) and items[i].isspace():
        i += 1
    if i >= len(items):
        return i, None
    return i + 1, items[i]
