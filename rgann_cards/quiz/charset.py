"""ASCII fallbacks for a terminal that cannot show Unicode (a C or Latin-1 locale, an old console).

Whether to use them: the locale (LC_ALL, then LC_CTYPE, then LANG) names a
character set other than UTF-8, or CARDS_ASCII=1 (alias RGANN_ASCII) asks for it. Python itself
may still write UTF-8 (PEP 538/540 coerce the C locale), so the terminal, not
Python, decides (Python's PEP 538 coercion sets LC_CTYPE=C.UTF-8 for itself
when the locale is C or unusable; that value says nothing about the terminal
and is skipped, so LANG decides; CARDS_ASCII=0 overrides). Every character written goes through ``to_ascii``: math reads
as a reader would type it (``x_1``, ``t^(t-1)``, ``alpha``, ``<=``, ``->``),
box lines become ``-`` and ``|``, and nothing non-ASCII is left.
"""

from __future__ import annotations

import io
import os
import unicodedata
from functools import lru_cache

from ..env import getenv
from .symbols import GREEK, SUBSCRIPTS, SUPERSCRIPTS

_SUP = {v: k for k, v in SUPERSCRIPTS.items()}
_SUB = {v: k for k, v in SUBSCRIPTS.items()}
_NAMES = {v: k for k, v in GREEK.items()}
_TABLE = {
    "─": "-", "━": "-", "═": "=", "│": "|", "┃": "|", "┌": "+", "┐": "+", "└": "+", "┘": "+", "├": "+", "┤": "+",
    "┬": "+", "┴": "+", "┼": "+", "╭": "+", "╮": "+", "╰": "+", "╯": "+", "█": "#", "▏": "|", "⎡": "[", "⎤": "]",
    "⎣": "[", "⎦": "]", "⎢": "|", "⎥": "|", "⎛": "(", "⎞": ")", "⎝": "(", "⎠": ")", "⎜": "|", "⎟": "|",
    "⎧": "/", "⎨": "{", "⎩": "\\", "⎪": "|", "⎫": "\\", "⎬": "}", "⎭": "/", "⎰": "/", "⎱": "\\",
    "…": "...", "⋯": "...", "⋮": ":", "⋱": "\\", "•": "*", "›": ">", "‹": "<", "·": "*", "×": "x", "÷": "/",
    "±": "+/-", "∓": "-/+", "−": "-", "–": "-", "—": "--", "‖": "||", "′": "'", "″": "''", "∗": "*", "⋆": "*",
    "≤": "<=", "≥": ">=", "≠": "!=", "≈": "~=", "∼": "~", "≃": "~=", "≅": "~=", "≡": "==", "∝": "~",
    "→": "->", "←": "<-", "↔": "<->", "⇒": "=>", "⇐": "<=", "⇔": "<=>", "⟹": "==>", "⟸": "<==", "⟺": "<=>",
    "↦": "|->", "⟶": "-->", "⟵": "<--", "↑": "^", "↓": "v", "∈": "in", "∉": "not in", "⊂": "subset",
    "⊆": "subseteq", "∪": "u", "∩": "n", "∖": "\\", "∅": "{}", "∀": "for all", "∃": "exists", "¬": "not ",
    "∧": "and", "∨": "or", "∑": "sum", "∏": "prod", "∫": "int", "∮": "oint", "∂": "d", "∇": "grad",
    "√": "sqrt", "∞": "inf", "⊙": "(.)", "⊗": "(x)", "⊕": "(+)", "∘": "o", "⊤": "T", "⊥": "_|_", "∥": "||",
    "⟨": "<", "⟩": ">", "⌊": "floor(", "⌋": ")", "⌈": "ceil(", "⌉": ")", "✓": "v", "□": "[]", "△": "/\\",
    "ℓ": "l", "ℏ": "hbar", "ϵ": "epsilon", "ε": "epsilon", "ϕ": "phi", "φ": "phi", "ϑ": "theta", "ϱ": "rho",
    "ς": "sigma", "ϖ": "pi", "¹": "1", "²": "2", "³": "3", "\u00a0": " ", "«": "<<", "»": ">>", "’": "'",
    "‘": "'", "“": '"', "”": '"', "„": '"', "ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue",
    "ß": "ss",
}
_ACCENTS = {"\u0302": "^", "\u0303": "~", "\u0304": "-", "\u0305": "-", "\u20d7": "->", "\u20d6": "<-",
            "\u0307": ".", "\u0308": ".."}


def wanted(environ=os.environ) -> bool:
    """True if the terminal should get ASCII only (see the module docstring)."""
    forced = (getenv("ASCII", environ) or "").strip().lower()  # CARDS_ASCII, or the alias RGANN_ASCII
    if forced:
        return forced not in ("0", "false", "no", "off")
    names = ["LC_ALL", "LC_CTYPE", "LANG"]
    if not environ.get("LC_ALL") and environ.get("LC_CTYPE") == "C.UTF-8":
        names.remove("LC_CTYPE")  # what Python's coercion of the C locale (PEP 538) sets: not the terminal's
    for name in names:
        value = environ.get(name)
        if value:
            return "utf-8" not in value.lower() and "utf8" not in value.lower()
    return False


@lru_cache(maxsize=4096)
def _char(c: str) -> str:
    if c in _TABLE:
        return _TABLE[c]
    if c in _NAMES:
        return _NAMES[c]
    folded = "".join(x for x in unicodedata.normalize("NFKD", c) if not unicodedata.combining(x))
    if folded.isascii() and folded:
        return folded
    return "?"


def to_ascii(text: str) -> str:
    """``text`` with every non-ASCII character replaced by a readable ASCII stand-in."""
    if text.isascii():
        return text
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        table = _SUP if c in _SUP else _SUB if c in _SUB else None
        if table is not None:  # a run of script characters: ^2, ^(t-1), _(c=1)
            j = i
            while j < n and text[j] in table:
                j += 1
            body = to_ascii("".join(table[x] for x in text[i:j]))
            out.append(("^" if table is _SUP else "_") + (body if j - i == 1 else f"({body})"))
            i = j
            continue
        if "\ue000" <= c <= "\uf8ff":  # the renderer's private markers (bold, cloze) pass through
            out.append(c)
        elif unicodedata.combining(c):
            out.append(_ACCENTS.get(c, ""))
        elif c.isascii():
            out.append(c)
        else:
            stand_in = _char(c)
            # a Greek name or word-like symbol next to a letter would fuse with it ("alphax")
            after = text[i + 1] if i + 1 < n else ""
            if stand_in.isalpha() and len(stand_in) > 1 and (after.isascii() and after.isalnum()):
                stand_in += " "
            out.append(stand_in)
        i += 1
    return "".join(out)


class AsciiStream(io.TextIOBase):
    """A text stream that writes ``to_ascii`` of everything to ``stream`` (for rich's Console)."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(to_ascii(text))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    @property
    def encoding(self) -> str:
        return "ascii"
