"""One-line texts with no Markdown in them: what the parser would make of them, without the parser.

Most fields of a large course are a sentence with inline math ("What is $x$ for
$n = 2$?"). markdown-it spends about 0.1 ms on each; splitting at the dollars
costs a microsecond. ``split`` accepts a text only when the parser provably reads
it as one paragraph of plain text and inline formulas, i.e. when

- it is one line (one trailing newline allowed), with no leading or trailing space;
- outside math there are only letters, digits, spaces and ``,.?;:()'/-`` (no
  links, code, escapes, entities or HTML, and nothing a list, heading or quote
  could start with, since the first character is a letter, a ``$`` or an
  emphasis opener), and emphasis of the one simple kind below;
- every formula is ``$...$`` with content that neither starts nor ends with
  white space or ends with a backslash, no digit right before its opening or
  after its closing dollar, and no two formulas touch (``$a$$b$``), which is
  exactly where dollarmath (allow_space=False, allow_digits=False) opens and closes;
- a line that starts with ``$`` does not end with a digit (dollarmath's quirk, below).

Emphasis, ``*word*`` or ``**a few words**`` within one stretch of text, is kept
when no reading of CommonMark's delimiter rules could differ: the opener is at the
start of the line, after a space or after a formula, and is followed by a letter or
digit (so it can open and cannot close); the closer follows a letter or digit and
is followed by the end, a space or punctuation (so it can close and cannot open);
no ``*`` is inside or left over. Each pair becomes ``<em>``/``<strong>``.

``blocks`` takes such lines and display formulas (``$$``, a line of TeX, ``$$``) between blank lines, the
shape of a worked answer: markdown-it spends about 0.05 ms on each (a tenth of a 10k course's lint).

Anything else goes to markdown-it. tests/test_markup.py compares both on random texts.
"""

from __future__ import annotations

import re

_TEXT = frozenset(" ,.?;:()'/-*\ue000\ue001")  # and letters and digits; the \ue00x are cloze placeholders
_DROP_TEXT = dict.fromkeys(map(ord, _TEXT))
_ASCII_TEXT = bytes(c for c in range(128) if chr(c) in _TEXT or chr(c).isalnum())  # what ASCII text may hold
# markdown-it's isWhiteSpace, beyond what str.isspace() already covers
_SPACE = frozenset("\t\n\x0b\x0c\r \xa0\u1680\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B))))


# an emphasis pair as described above; the closer's lookahead lists the punctuation _TEXT allows
_EMPHASIS = re.compile(r"(?<![^ ])(\*\*?)([^\W_](?:[^*]*[^\W_])?)\1(?![^ ,.?;:()'/-])")
_TAGS = {"*": "em", "**": "strong"}


def split(text: str) -> list[str] | None:
    """``[html, formula, html, ...]`` when ``text`` is such a plain line, else None.

    The html pieces are the text as markdown-it renders it (only emphasis adds tags).
    """
    line = text[:-1] if text.endswith("\n") else text
    if not line or "\n" in line or "\r" in line or "\0" in line:
        return None
    first = line.lstrip("*")[:1] if line[0] == "*" else line[0]
    if not (first == "$" or first.isalpha()) or line[-1] == " ":
        return None
    pieces = line.split("$")
    if len(pieces) % 2 == 0:  # an odd number of dollars: one of them opens nothing
        return None
    if not pieces[0] and line[-1].isdigit():
        # dollarmath looks for a digit before an opening '$' at src[pos - 1]: at position 0 that
        # wraps round to the last character, so "$a$ 1" is not math to it
        return None
    # the text between the formulas, all at once: what is not in _TEXT must be letters and digits
    rest = "".join(pieces[::2])
    if rest.isascii():  # nearly always: bytes drop characters by a table (0.1 us a field, str.translate 0.7 us)
        if rest.encode().translate(None, _ASCII_TEXT):
            return None
    elif (rest := rest.translate(_DROP_TEXT)) and not rest.isalnum():
        return None
    if "" in pieces[2:-1:2]:  # `$a$$b$` would read as display math
        return None
    for i in range(1, len(pieces), 2):  # each formula: no space inside its dollars, no digit outside them
        piece = pieces[i]
        if (not piece or piece.strip() != piece or piece[0] in _SPACE or piece[-1] in _SPACE
                or piece[-1] == "\\" or pieces[i - 1][-1:].isdigit() or pieces[i + 1][:1].isdigit()):
            return None
    if "*" in line:  # emphasis, in the text between the formulas
        for i in range(0, len(pieces), 2):
            if "*" in pieces[i]:
                pieces[i] = _emphasis(pieces[i])
                if pieces[i] is None:
                    return None
    return pieces


def _emphasis(piece: str) -> str | None:
    html = _EMPHASIS.sub(lambda m: f"<{_TAGS[m.group(1)]}>{m.group(2)}</{_TAGS[m.group(1)]}>", piece)
    return None if "*" in html else html


_DISPLAY_OPEN, _DISPLAY_CLOSE = '<div class="math-display">', "</div>\n"  # markdown._parser's math_block rule


def blocks(text: str) -> tuple[list[str], list[bool]] | None:
    """Plain lines and display formulas separated by blank lines: ``(pieces, displays)`` else None.

    The pieces are ``[html, formula, html, ...]`` as markdown-it renders the text (paragraphs in ``<p>``,
    each display formula as its math_block rule gives it, between _DISPLAY_OPEN and _DISPLAY_CLOSE);
    ``displays`` flags each formula. A display formula is ``$$``, one line of TeX and ``$$``, each on a line
    of its own; the TeX line is not blank and holds no ``$``, so that dollarmath's block rule (and no other)
    reads it, to the ``$$`` below. A text of one line is split's.
    """
    body = text[:-1] if text.endswith("\n") else text
    if "\n\n" not in body or "\r" in body or "\0" in body:
        return None
    pieces, displays = [""], []
    for block in body.split("\n\n"):
        latex = block[3:-3]
        if block.startswith("$$\n") and block.endswith("\n$$") and _display_line(latex):
            pieces[-1] += _DISPLAY_OPEN
            pieces += [f"\n{latex}\n", _DISPLAY_CLOSE]
            displays.append(True)
            continue
        line = split(block) if "\n" not in block else None
        if line is None:
            return None
        pieces[-1] += "<p>" + line[0]
        pieces += line[1:]
        pieces[-1] += "</p>\n"
        displays += [False] * (len(line) // 2)
    return pieces, displays


def _display_line(latex: str) -> bool:
    return bool(latex.strip()) and "$" not in latex and "\n" not in latex  # a blank one: left to markdown-it
