"""Corrections to latex2mathml's element tree, so Chromium (MathML Core) lays formulas out as TeX would.

- ``mathvariant`` is not in MathML Core: ``\\mathbf{\\mu}`` becomes Unicode
  math alphanumerics; capital Greek is set upright, as TeX does;
- ``columnalign``/``columnspacing`` and named spaces are not either: they become
  CSS hooks (classes) that print.css lays out;
- operators: latex2mathml picks ``<mo>`` by code-point range, so ``\\pm`` is an
  identifier; TeX's class from the symbol table decides here instead;
- spacing: operator words (``\\log``, ``\\max``, ``\\operatorname``) get TeX's thin
  spaces, operators in scripts none, unary signs none, nothing at a row's ends;
- a prime in a superscript is moved to the base (Chromium does not use the
  script-size prime), or, under a subscript, kept stacked at full size, ``\\left(`` stays normal-size around short content, and
  ``\\max_D`` in display puts its limit below.
"""

from __future__ import annotations

import re
import unicodedata
from html import unescape
from xml.etree.ElementTree import Element

from latex2mathml.symbols_parser import SYMBOLS_FILE


def _tex_operators() -> frozenset[str]:
    """Characters TeX treats as operators (bin, rel, punct, ...), from the symbol table's class column.

    latex2mathml picks <mo> by code-point range instead, so it makes '±' and '⟶' identifiers.
    """
    classes = {"mathbin", "mathrel", "mathpunct", "mathop", "mathopen", "mathclose"}
    with open(SYMBOLS_FILE, encoding="utf-8") as table:
        rows = (line.split("^") for line in table if not line.startswith("#"))
        return frozenset(row[1] for row in rows if len(row) > 5 and row[5] in classes and len(row[1]) == 1)


_TEXT_ESCAPES = re.compile(r"\\([&%$#_{}])")  # \text{a \& b}: latex2mathml keeps the backslash
_ROWS = {"math", "mrow", "mtd", "msqrt", "mstyle", "mpadded", "mphantom", "menclose"}
_SCRIPTED = {"msub", "msup", "msubsup", "munder", "mover", "munderover"}
_DIACRITICS = set("\u00b4\u00af\u02d8\u02c7\u02d9\u00a8\u20db\u20dc`^\u02da~\u2015")
_ARROWS = set("\u2190\u2192\u2194")
_OPEN, _CLOSE = set("([{\u27e8\u230a\u2308"), set(")]}\u27e9\u230b\u2309")
_NAMED_SPACES = {"thinmathspace": "0.1667em", "mediummathspace": "0.2222em", "thickmathspace": "0.2778em"}
_THIN = "0.1667em"
_PRIMES = "\u2032\u2033\u2034\u2057"
_SIGNS = set("+-\u2212\u00b1\u2213")
_OPERATOR_CHARS = _tex_operators()
_LIMIT_WORDS = {"max", "min", "lim", "sup", "inf", "det", "gcd", "Pr", "argmax", "argmin", "liminf", "limsup"}


def fix(tree: Element, display: bool) -> None:
    """Correct ``tree`` (from latex2mathml.convert_to_element) in place."""
    for el in tree.iter():
        el.text = unescape(el.text) if el.text else el.text  # it stores '&#x1D53C;' strings as text
        el.tail = None
    for el in tree.iter():
        _fix_node(el)
    for el in list(tree.iter()):
        if el.tag in _SCRIPTED:
            _fix_scripts(el, display)
    for el in list(tree.iter()):
        if el.tag == "mrow" and len(el) > 1 and el[0].get("form") == "prefix" and not _tall(list(el)[1:-1]):
            # TeX's \left( keeps the normal size unless the content is clearly taller
            # (\delimitershortfall); Chromium stretches past any subscript and picks a wider glyph.
            for fence in el.iter("mo"):
                if fence.get("fence") == "true" and fence.get("stretchy") == "true":
                    fence.set("stretchy", "false")
        if el.tag in _ROWS:
            _merge_upright(el)
            _space_words(el)
            _space_signs(el)
        if el.tag == "mtd" and len(el) > 1:
            # Chromium aligns a cell's content only to its start or centre; print.css right-aligns
            # a cell by making it right-to-left, which must not reverse the content: one ltr row.
            row = Element("mrow")
            row.extend(list(el))
            el[:] = [row]


def _fix_node(el: Element) -> None:
    if el.tag == "mtext" and el.text:
        el.text = _TEXT_ESCAPES.sub(r"\1", el.text)
    if el.tag == "mi" and len(el.text or "") == 1 and "\u0391" <= el.text <= "\u03a9" and "mathvariant" not in el.attrib:
        el.set("mathvariant", "normal")  # TeX sets capital Greek upright; Chromium would slant it
    if el.tag == "mi" and el.text in _OPERATOR_CHARS:
        el.tag = "mo"  # \pm, \perp, \longrightarrow, ':' ... as identifiers they would get no spacing
    if el.tag == "mo" and el.text in ("/", ";", "\u2026", "\u22ef"):
        # TeX: a solidus and \dots sit without gaps ('1, …, D'), a semicolon is punctuation
        el.set("lspace", "0")
        el.set("rspace", _THIN if el.text == ";" else "0")
    variant = el.get("mathvariant")
    if variant and variant != "normal":
        el.text = "".join(_styled(ch, variant) for ch in el.text or "")
        del el.attrib["mathvariant"]
    if el.tag == "mover" and len(el) == 2 and el[1].tag == "mo" and (el[1].text or "") in _DIACRITICS | _ARROWS:
        el.set("accent", "true")
        if el[1].text in _ARROWS:  # \overleftarrow spans its base
            el[1].set("stretchy", "true")
    if el.tag == "mtable":
        # columnspacing/rowspacing are not MathML Core; print.css lays out these classes
        el.set("class", "align" if el.get("columnspacing") else "matrix")
        for attr in ("columnspacing", "rowspacing"):
            el.attrib.pop(attr, None)
    width = el.get("width", "")
    if el.tag == "mspace" and width.startswith("negative"):
        del el.attrib["width"]  # MathML Core has no negative space; print.css pulls back by a margin
        el.set("class", "neg-" + width[len("negative"):-len("mathspace")])
    elif el.tag == "mspace" and width in _NAMED_SPACES:
        el.set("width", _NAMED_SPACES[width])


def _fix_scripts(el: Element, display: bool) -> None:
    for script in list(el)[1:]:  # TeX drops medium and thick spaces in script styles
        for mo in script.iter("mo"):
            mo.set("lspace", "0")
            mo.set("rspace", "0")
    base = el[0]
    if display and el.tag in ("msub", "msubsup") and base.tag == "mo" and base.text in _LIMIT_WORDS:
        el.tag = {"msub": "munder", "msubsup": "munderover"}[el.tag]  # \max_D: the limit goes below
    # A Unicode prime is drawn raised already, and Chromium does not switch to the
    # script-size variant (ssty), so f' in a superscript comes out tiny and too high.
    if el.tag not in ("msup", "msubsup"):
        return
    sup = el[-1]
    parts = list(sup) if sup.tag == "mrow" else [sup]
    first = parts[0] if parts else sup
    if first.tag not in ("mi", "mo") or not first.text or set(first.text) - set(_PRIMES):
        return
    first.tag = "mo"
    first.set("lspace", "0")
    first.set("rspace", "0")
    if len(parts) == 1 and el.tag == "msubsup":
        # f_φ': the prime stays stacked over the subscript, as in TeX ((f′)_φ pushes φ out past the prime),
        # at full size (print.css: mo.prime) and lowered back to where the raised glyph belongs
        first.set("class", "prime")
        lowered = Element("mpadded", {"voffset": "-0.35em"})
        lowered.append(first)
        el[-1] = lowered
        return
    primed = Element("mrow")
    if len(parts) == 1:  # f' -> f′
        el.remove(sup)
        el.tag = "mrow" if el.tag == "msup" else "msub"
    else:  # x'^2 -> (x′)^2
        sup.remove(first)
    primed.extend([base, first])
    el.remove(base)
    el.insert(0, primed)


def _tall(nodes: list[Element]) -> bool:
    """Content a normal-size bracket cannot span: fractions, roots, tables, limits, arrows, nested scripts."""
    for node in nodes:
        for el in node.iter():
            if el.tag in ("mfrac", "msqrt", "mroot", "mtable", "munderover", "munder") or (
                    el.tag == "mover" and (el.get("accent") != "true" or el[-1].text in _ARROWS)):
                return True
            if el.tag in _SCRIPTED and any(s.tag in _SCRIPTED for child in list(el)[1:] for s in child.iter()):
                return True
    return False


def _styled(ch: str, variant: str) -> str:
    """A letter in a math alphabet: ('w', 'bold') -> '𝐰'. Other characters stay as they are."""
    name = unicodedata.name(ch, "")
    match = re.fullmatch(r"(?:LATIN|GREEK) (CAPITAL|SMALL) LETTER (\w+)|DIGIT (\w+)|GREEK (\w+ SYMBOL)", name)
    if not match:
        return ch
    style = variant.upper().replace("SANS-SERIF-", "SANS-SERIF ").replace("BOLD-", "BOLD ")
    style = {"BOLD SANS-SERIF": "SANS-SERIF BOLD"}.get(style, style)
    case, letter, digit, symbol = match.groups()
    rest = f"{case} {letter}" if case else f"DIGIT {digit}" if digit else symbol
    # holes in the math alphabets are filled by older letterlike symbols (ℝ, ℒ, ℎ, ℭ)
    candidates = [f"MATHEMATICAL {style} {rest}", f"{style} {rest}"]
    candidates += [f"BLACK-LETTER {rest}"] if style == "FRAKTUR" else []
    candidates += ["PLANCK CONSTANT"] if (style, ch) == ("ITALIC", "h") else []
    for candidate in candidates:
        try:
            return unicodedata.lookup(candidate)
        except KeyError:
            continue
    return ch


def _merge_upright(row: Element) -> None:
    """``\\mathrm{net}`` comes as three one-letter identifiers; make it one ``<mi>net</mi>``.

    The attribute stays, so the word is not mistaken for an operator like ``log``.
    """
    children = list(row)
    for prev, el in zip(children, children[1:]):
        if el.tag == prev.tag == "mi" and el.get("mathvariant") == prev.get("mathvariant") == "normal" \
                and prev in row:
            el.text = (prev.text or "") + (el.text or "")
            row.remove(prev)


def _core(el: Element) -> Element | None:
    """The operator at the core of an embellished operator (``\\max_D`` -> ``max``), if any."""
    if el.tag in ("mo", "mi"):
        return el
    if el.tag in _SCRIPTED or (el.tag == "mrow" and len(el) == 1):
        return _core(el[0])
    return None


def _is_word(el: Element | None) -> bool:
    return el is not None and el.tag in ("mi", "mo") and "mathvariant" not in el.attrib \
        and len(el.text or "") > 1 and (el.text or "").isalpha() and (el.text or "").isascii()


def _ordinary(el: Element | None, closing: bool) -> bool:
    """An atom TeX would put a thin space next to an operator word (Ord, Op, or a close/open fence)."""
    if el is None:
        return False
    core = _core(el)
    if core is None or _is_word(core) or core.tag == "mi":
        return True
    fences = _CLOSE if closing else set()
    return core.tag == "mo" and (core.text or "") in fences


def _space_words(row: Element) -> None:
    """``\\log x``: thin spaces around operator words, none before a bracket, as TeX's Op atom has."""
    for i, el in enumerate(row):
        core = _core(el)
        if not _is_word(core):
            continue
        core.tag = "mo"  # lspace/rspace only apply to operators
        before = row[i - 1] if i else None
        after = row[i + 1] if i + 1 < len(row) else None
        core.set("lspace", _THIN if _ordinary(before, closing=True) else "0")
        core.set("rspace", _THIN if _ordinary(after, closing=False) and not _opens(after) else "0")


def _space_signs(row: Element) -> None:
    """No glue at either end of a formula or group (TeX adds none there), and a sign after an
    opening bracket, a relation or an operator is unary: ``(-1, 1)``, ``\\approx 1``."""
    kids = list(row)
    for prev, el in zip(kids, kids[1:]):
        if prev.tag == el.tag == "mo" and prev.text == ":" and el.text == "=":
            el.text = ":="  # one relation: two would each bring their spaces, ': ='
            row.remove(prev)
    kids = list(row)
    for i, el in enumerate(kids):
        if el.tag != "mo":
            continue
        prev = kids[i - 1] if i else None
        unary = prev is not None and prev.tag == "mo" and (prev.text or "") not in _CLOSE | set("|\u2016")
        if (el.text or "") in _SIGNS and unary and not el.get("lspace"):
            el.set("lspace", "0")
            el.set("rspace", "0")
        if prev is None:
            el.set("lspace", el.get("lspace", "0"))
        if i == len(kids) - 1:
            el.set("rspace", el.get("rspace", "0"))


def _opens(el: Element | None) -> bool:
    """An opening bracket, also a ``\\left(`` group: ``\\operatorname{KL}\\left(`` reads as KL(."""
    if el is not None and el.tag == "mrow" and len(el) and el[0].get("form") == "prefix":
        el = el[0]
    core = _core(el) if el is not None else None
    return core is not None and core.tag == "mo" and (core.text or "") in _OPEN | set("|\u2016")
