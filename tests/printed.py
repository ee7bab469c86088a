"""Print a page to PDF in real Chromium and measure what landed on which sheet of paper.

Chromium does not tell a script where it breaks pages, so before printing we plant tiny white
markers (1px text, inline, so they take no room) at the places a test cares about -- the start of a
heading, the first text after it, the start and end of a block -- and read them back out of the PDF
with pdfplumber, together with how far down each page the ink reaches.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from conftest import ON_CI, require_module

MM = 72 / 25.4  # PDF points per millimetre
MARGIN_TOP_MM, MARGIN_BOTTOM_MM = 17, 19  # @page margins in print.css
PAPERS = {"A4": (210.0, 297.0), "Letter": (215.9, 279.4)}
MARKER_SIZE = 1  # px; nothing else on a page is set this small

# Marker kinds: H a heading (suffix h) and the first text after it (c); B the start (s) and end (e) of a
# block; T the first text inside an element (t); F the start of an element, text or not (t).
_PLANT = r"""(specs) => {
  const skip = n => n.parentElement.closest('math, svg, .marker');  // text to plant before, not in
  const mark = (text) => {
    const s = document.createElement('span');
    s.className = 'marker';
    s.textContent = ' ' + text + ' ';
    s.style.cssText = 'font: 1px/0 monospace; color: #fff; letter-spacing: 0; text-transform: none; white-space: nowrap';
    return s;
  };
  // before the first text node at or after `el` in document order (outside math and figures)
  const before = (el, text, inside) => {
    const walker = document.createTreeWalker(inside ? el : document.body, NodeFilter.SHOW_TEXT);
    if (!inside) walker.currentNode = el;
    let n = inside ? walker.nextNode() : null;
    if (!inside) { n = walker.nextNode(); while (n && el.contains(n)) n = walker.nextNode(); }
    while (n && (!n.textContent.trim() || skip(n))) n = walker.nextNode();
    if (!n) return false;
    n.parentNode.insertBefore(mark(text), n);
    return true;
  };
  // beside a display formula (a block) a span would open a line of its own and push the page down,
  // so a marker there goes inside the formula, as a 1px mtext
  const inMath = (math, text, atStart) => {  // zero width, so a formula that fits its column still does
    const ns = 'http://www.w3.org/1998/Math/MathML';
    const box = document.createElementNS(ns, 'mpadded'), t = document.createElementNS(ns, 'mtext');
    box.setAttribute('width', '0');
    box.setAttribute('class', 'marker');
    t.textContent = text;
    t.style.cssText = 'font: 1px/0 monospace; color: #fff';
    box.appendChild(t);
    atStart ? math.insertBefore(box, math.firstChild) : math.appendChild(box);
  };
  const first = (el, text) => {  // the start of el itself, text or not (a figure, an answer box)
    let leaf = el;
    while (leaf.firstElementChild && !['math', 'svg'].includes(leaf.firstElementChild.localName)
           && leaf.firstElementChild.className !== 'marker') leaf = leaf.firstElementChild;
    const math = leaf.firstElementChild;
    if (math && math.localName === 'math' && math.getAttribute('display') === 'block') inMath(math, text, true);
    else leaf.insertBefore(mark(text), leaf.firstChild);
  };
  const last = (el, text) => {
    let leaf = el;
    while (leaf.lastElementChild && !['math', 'svg', 'br'].includes(leaf.lastElementChild.localName)) {
      leaf = leaf.lastElementChild;
    }
    const math = leaf.lastElementChild;
    if (math && math.localName === 'math' && math.getAttribute('display') === 'block') inMath(math, text, false);
    else leaf.appendChild(mark(text));
  };
  const out = [];
  specs.forEach(([name, kind, selector]) => {
    document.querySelectorAll(selector).forEach((el, i) => {
      const id = `${name}x${i}`;
      const owner = (el.closest('[data-exercise]') || {}).dataset?.exercise || '';
      if (kind === 'H') { first(el, 'ZQ' + id + 'h'); if (before(el, 'ZQ' + id + 'c', false)) out.push([id, owner, el.textContent.trim().slice(0, 40)]); }
      else if (kind === 'B') { first(el, 'ZQ' + id + 's'); last(el, 'ZQ' + id + 'e'); out.push([id, owner, el.className]); }
      else if (kind === 'T') { if (before(el, 'ZQ' + id + 't', true)) out.push([id, owner, el.className]); }
      else { first(el, 'ZQ' + id + 't'); out.push([id, owner, el.className]); }
    });
  });
  return out;
}"""

# What every test plants, by name: headings and what follows them, blocks that must not split, starts of things.
SPECS = [
    ("head", "H", ".exercise-head, .question-head"),  # an exercise's heading
    ("heading", "H", "h1, h2, h4, .lead-in"),
    ("quizblock", "B", ".quiz .question-block"),
    ("keypoints", "B", ".key-points"),
    ("opening", "B", ".exercise-opening"),
    ("display", "B", ".math-display, table"),
    ("question", "T", ".question"),
    ("answer", "H", ".answer > .part-title"),  # an answer's heading; its "c" marker is the answer's first text
    ("answerspace", "F", ".answer-space"),
    ("figure", "F", "figure.figure"),
]


@dataclass
class Sheet:
    """One printed page: how far down its ink reaches and the markers on it (name -> y in mm)."""

    number: int
    fill: float  # 0..1: the lowest ink between the margins, as a fraction of the area between them
    markers: dict[str, float] = field(default_factory=dict)


@dataclass
class Printed:
    paper: str
    pdf: bytes
    sheets: list[Sheet]
    planted: list[tuple[str, str, str]]  # (marker id, exercise id, what it marks)

    def marked(self, name: str) -> list[tuple[str, str, str]]:
        """The planted markers of one spec (see SPECS), in document order."""
        return [p for p in self.planted if p[0].startswith(name + "x")]

    def page_of_exercise(self, name: str, exercise: str, suffix: str) -> int:
        """The page of the first ``name`` marker inside an exercise."""
        return self.page_of(next(p[0] for p in self.marked(name) if p[1] == exercise) + suffix)

    def page_of(self, marker: str) -> int:
        for sheet in self.sheets:
            if marker in sheet.markers:
                return sheet.number
        raise KeyError(f"marker {marker} is on no page")

    @property
    def worst_fill(self) -> float:
        """The emptiest page but the last (1.0 for a one-page document)."""
        return min((s.fill for s in self.sheets[:-1]), default=1.0)


def print_page(page, paper: str) -> Printed:
    """Plant markers in the open page, print it to ``paper`` and measure every sheet. Leaves the page
    in print media with markers planted: reload it before using it for anything else."""
    page.emulate_media(media="print")
    planted = [tuple(x) for x in page.evaluate(_PLANT, [list(spec) for spec in SPECS])]
    pdf = page.pdf(format=paper)
    return Printed(paper, pdf, measure(pdf, paper), planted)


def measure(pdf: bytes, paper: str) -> list[Sheet]:
    """The fill of every page and where each marker sits, read from the PDF."""
    import io

    pdfplumber = require_module("pdfplumber")
    top_limit = MARGIN_TOP_MM * MM
    sheets = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for number, pdf_page in enumerate(doc.pages, 1):
            bottom_limit = pdf_page.height - MARGIN_BOTTOM_MM * MM
            ink = [o for o in (*pdf_page.chars, *pdf_page.rects, *pdf_page.lines, *pdf_page.curves)
                   if o.get("size", 99) > 2 and o["top"] >= top_limit - 1 and o["bottom"] <= bottom_limit + 1]
            lowest = max((o["bottom"] for o in ink), default=top_limit)
            fill = (lowest - top_limit) / (bottom_limit - top_limit)
            sheets.append(Sheet(number, round(min(max(fill, 0.0), 1.0), 3), _markers(pdf_page)))
    return sheets


def _markers(pdf_page) -> dict[str, float]:
    tiny = sorted((c for c in pdf_page.chars if c["size"] <= 2), key=lambda c: (round(c["top"], 1), c["x0"]))
    found: dict[str, float] = {}
    # a marker's glyphs share one baseline; group them by line, then read the names off each line
    lines: dict[float, list] = {}
    for c in tiny:
        lines.setdefault(round(c["top"], 1), []).append(c)
    for top, chars in lines.items():
        text = "".join(c["text"] for c in sorted(chars, key=lambda c: c["x0"]))
        for name in re.findall(r"ZQ([a-z]+x\d+[a-z])", text):
            found.setdefault(name, round(top / MM, 1))
    return found


def save_pngs(printed: Printed, stem: str, directory: Path) -> list[Path]:
    """Every page as a PNG (poppler's pdftoppm), to look at; fails under CI if the tool is missing."""
    import pytest

    if shutil.which("pdftoppm") is None:
        if ON_CI:
            pytest.fail("CI=true but pdftoppm (Debian: poppler-utils) is not installed")
        return []
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob(f"{stem}-*.png"):
        old.unlink()
    pdf_path = directory / f"{stem}.pdf"
    pdf_path.write_bytes(printed.pdf)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf_path), str(directory / stem)], check=True)
    return sorted(directory.glob(f"{stem}-*.png"))
