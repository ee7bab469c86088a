"""Cloze deletions inside math, in the form Anki's own cloze filter and MathJax can show.

Anki (rslib/src/cloze.rs) replaces a deletion by ``<span class="cloze">[hint]</span>`` on the front and
by its text on the back, then strips every HTML tag between ``\\(``/``\\[`` and ``\\)``/``\\]``. Inside a
formula the highlight span is therefore lost and the front shows a bare ``[...]``, easily read as brackets
of the formula. So each deletion inside math is emitted as

    \\bbox{{cN::[<answer style>]{content}::<blank style>]{<blank>}\\vphantom}}

Back: ``\\bbox[<answer style>]{content}``. Its colour and background are the CSS variables
``--cloze-aN`` / ``--cloze-bN``, which the note type's CSS sets only on card N (Anki puts ``cardN`` on the
body), so the revealed deletion is marked and the other deletions of the note stay plain; night mode swaps
the variables. Front: ``\\bbox[<blank style>]{<blank>}\\vphantom]`` (Anki's brackets become the bbox's
option bracket and the argument of a zero-width phantom): a dashed box with "?" or the author's hint.

Every formula that holds a deletion is set as display math, and one wider than a phone's column is broken
over lines (``aligned``) before its relations, ``+``/``-`` or ``\\quad`` gaps, so a revealed answer is never
off-screen. Deletions in running text keep Anki's own span, styled by the CSS.
"""

from __future__ import annotations

import re
from html import escape, unescape

from ..markup import split_clozes
from ..markup.tex_width import PHONE_COLUMN_PX, width_px

MAX_HIGHLIGHTED = 20  # deletions c1..c20 get an answer colour inside math (see ordinal_css)
# Anki's own pattern for math in a field (cloze.rs, MATHJAX)
_MATH = re.compile(r"\\([(\[])(.*?)\\([)\]])", re.S)
_CLOZE_IN_MATH = re.compile(r"\{\{c\d+::")
# estimates run up to 15 % short of MathJax, and the answer must fit whole: break below the column
_BUDGET_PX = 0.85 * PHONE_COLUMN_PX
_BLANK = r"\mathord{\;?\;}"  # an ordinary symbol, so a relation before it keeps its space
_BLANK_STYLE = "3px,border:2px dashed var(--cloze);color:var(--cloze)"
_TOKEN = re.compile(r"\ue000\d+\ue001|\\[A-Za-z]+|\\.|\s+|.", re.S)
_RELATIONS = {"=", "<", ">", r"\le", r"\leq", r"\ge", r"\geq", r"\approx", r"\sim", r"\leftarrow", r"\to",
              r"\ne", r"\neq", r"\equiv", r"\propto", r"\coloneqq"}
_BINARIES = {"+", "-", r"\pm", r"\times", r"\cdot"}
_QUADS = {r"\quad", r"\qquad"}


def ordinal_css() -> str:
    """The rules that give the deletion of card N its answer colour inside math (cloze note type only)."""
    rules = [f".card{n}{{--cloze-a{n}:var(--cloze);--cloze-b{n}:var(--cloze-bg)}}" for n in
             range(1, MAX_HIGHLIGHTED + 1)]
    return "\n/* rgann_cards/export/anki_cloze.py: answer colour of deletion N inside math, on card N only */\n" + \
        "\n".join(rules) + "\n"


# The one \bbox this module writes (content may never use \bbox: markup/tex.py forbids it), as stored in
# the field and as Anki renders either side of the card; the Anki writer's last wall (and the tests) remove
# exactly these forms before they look for forbidden TeX.
OWN_BBOX = re.compile(r"\\bbox(?:\{\{c\d+::)?\[(?:2px,color:var\(--cloze-a\d+\);background-color:var\(--cloze-b\d+\)"
                      r"|" + re.escape(_BLANK_STYLE) + r")\]")


def without_own_bbox(field: str) -> str:
    return OWN_BBOX.sub("", field) if "\\bbox" in field else field  # the test first: most fields have none


def cloze_field(html: str) -> str:
    """A rendered cloze field (``markup.render(..., cloze=True)``) rewritten for Anki and MathJax."""
    def formula(m: re.Match) -> str:
        latex = m.group(2)
        if not _CLOZE_IN_MATH.search(latex):
            return m.group(0)
        body, clozes = split_clozes(unescape(latex))
        return "\\[" + escape(_rebuild(body, clozes), quote=False) + "\\]"

    return _MATH.sub(formula, html)


def _deletion(cloze) -> str:
    n = cloze.number
    answer = f"[2px,color:var(--cloze-a{n});background-color:var(--cloze-b{n})]{{{cloze.content}}}"
    blank = _BLANK if cloze.hint is None else r"\text{" + re.sub(r"[{}\\]", "", cloze.hint) + "}"
    front = f"{_BLANK_STYLE}]{{{blank}}}\\vphantom"
    return f"\\bbox{{{{c{n}::{_space(answer)}::{_space(front)}}}}}"


def _space(text: str) -> str:
    """No ``}}`` inside a deletion (Anki would end it there), and none formed with the closing braces."""
    while "}}" in text:
        text = text.replace("}}", "} }")
    return text + " " if text.endswith("}") else text


def _rebuild(body: str, clozes: list) -> str:
    """The formula with its deletions in Anki's form, broken over lines if wider than a phone's column."""
    def shown(piece: str, front: bool) -> str:
        # the widest that a piece gets on either side: the answer on the back, the blank on the front
        return re.sub(r"\ue000(\d+)\ue001",
                      lambda m: "{" + (_BLANK if front else clozes[int(m.group(1))].content) + "}", piece)

    def width(piece: str) -> float:
        return max(width_px(shown(piece, False), True), width_px(shown(piece, True), True))

    def put_back(piece: str) -> str:
        return re.sub(r"\ue000(\d+)\ue001", lambda m: _deletion(clozes[int(m.group(1))]), piece)

    body = body.strip()
    if width(body) <= _BUDGET_PX:
        return put_back(body)
    lines = _fill(_pieces(body), width)
    if any(width("".join(p for _, p in line)) > _BUDGET_PX for line in lines) and "\\left" in body:
        # a \left...\right pair cannot span lines; fixed-size delimiters can
        lines = _fill(_pieces(_fixed_delimiters(body)), width)
    if len(lines) == 1:
        return put_back(body)
    has_relation = lines[0] and any(k == "rel" for k, _ in lines[0])
    rows = []
    for i, line in enumerate(lines):
        text = "".join(p for _, p in line).strip()
        if i == 0:
            if has_relation:
                at = next(j for j, (k, _) in enumerate(line) if k == "rel")
                text = "".join(p for _, p in line[:at]).strip() + " &" + "".join(p for _, p in line[at:])
            else:
                text = "&" + text
        elif line[0][0] == "rel":
            text = "&" + text
        else:  # a continued sum, or the next part after a \quad gap: indented under the first line
            text = "&\\quad " + re.sub(r"^\\q?quad\b", "", text).strip()
        rows.append(put_back(text))
    return "\\begin{aligned}" + " \\\\ ".join(rows) + "\\end{aligned}"


def _fill(pieces: list[tuple[str, str]], width) -> list[list[tuple[str, str]]]:
    """Greedy lines: each piece joins the current line unless that makes it too wide."""
    lines: list[list[tuple[str, str]]] = [[]]
    for kind, piece in pieces:
        current = lines[-1]
        if current and kind != "start" and width("".join(p for _, p in current) + piece) > _BUDGET_PX:
            lines.append([(kind, piece)])
        else:
            current.append((kind, piece))
    return lines


_LEFT_RIGHT = re.compile(r"\\(left|right)\s*(\\[{}|]|\\[lr]?[Vv]ert|[()\[\]|.])")


def _fixed_delimiters(body: str) -> str:
    """``\\left( ... \\right)`` -> ``\\bigl( ... \\bigr)`` (``\\Bigl`` around fractions and sums)."""
    tall = re.search(r"\\(d?frac|sum|prod|int)\b", body)
    size = "Big" if tall else "big"
    return _LEFT_RIGHT.sub(lambda m: f"\\{size}{'l' if m.group(1) == 'left' else 'r'}{m.group(2)}", body)


def _pieces(body: str) -> list[tuple[str, str]]:
    """The formula cut before each top-level relation, binary operator or quad: (kind, text) pairs."""
    pieces: list[tuple[str, str]] = [("start", "")]
    depth, previous = 0, None
    for tok in _TOKEN.findall(body):
        if tok in ("{", r"\left", r"\begin"):
            depth += 1
        elif tok in ("}", r"\right", r"\end"):
            depth -= 1
        kind = None
        if depth == 0 and not tok.isspace():
            unary = previous is None or previous in _RELATIONS | _BINARIES | {"(", "[", ",", r"\left"}
            if tok in _RELATIONS:
                kind = "rel"
            elif tok in _BINARIES and not unary:
                kind = "bin"
            elif tok in _QUADS:
                kind = "quad"
        if kind:
            pieces.append((kind, tok))
        else:
            k, text = pieces[-1]
            pieces[-1] = (k, text + tok)
        if not tok.isspace():
            previous = tok
    return [(k, p) for k, p in pieces if p.strip() or k == "start"]
