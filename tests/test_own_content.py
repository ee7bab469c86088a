"""A second course with its own figure, image, diagram and check builds into every output (issue 16).

The Linear Algebra course below has an SVG figure and a PNG Markdown image under
content/media/, a declarative diagram under content/diagrams/, a matrix expression check
and a check from the pip-installed plugin of tests/fixtures/plugin-linalg. Each output is
checked with its real client: Anki's own media check, Chromium's layout, a pty.
"""

from __future__ import annotations

import io
import os
import struct
import sys
import zlib
from pathlib import Path

import pytest

from conftest import FIXTURES, require_chromium, require_module, run_cli, CHROMIUM, CHROMIUM_ARGS, import_package

PARALLELOGRAM = """\
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 220 120" width="220" height="120">
  <title>A parallelogram spanned by a and b</title>
  <polygon points="10,110 150,110 210,10 70,10" fill="#dce8f6" stroke="#111111" stroke-width="2"/>
  <text x="70" y="105" font-size="14">a</text>
  <text x="30" y="60" font-size="14">b</text>
</svg>
"""

SPAN = """\
title: "Two vectors a and b and their sum a + b"
direction: right
nodes:
  - {id: a, label: "$a$", shape: vector, cells: 2, fill: data}
  - {id: sum, label: "$a + b$", shape: circle, fill: op}
  - {id: b, label: "$b$", shape: vector, cells: 2, fill: data, at: [0, 1]}
edges:
  - {from: a, to: sum}
  - {from: b, to: sum, route: along-first}
"""

DECK = """\
deck: "Linear algebra::Determinants"
sheet: 1
task: 1
exercises:
  - id: la-det
    label: "1(a)"
    points: 2
    question: What is the area of the parallelogram spanned by $a = (2, 1)$ and $b = (1, 3)$?
    answer: |
      The absolute value of the determinant, $|\\det[a\\;b]| = |2 \\cdot 3 - 1 \\cdot 1| = 5$.

      ![A 4 by 4 grid of unit squares](media/grid.png)
    key_points: [area = $|\\det|$]
    figure: media/parallelogram.svg
    references: [kullback1951]
    checks:
      - claim: "det [a b] = 5"
        expr: "det(Matrix([[2, 1], [1, 3]]))"
        equals: "5"
      - claim: "det(AB) = det(A) det(B)"
        function: linalg.det_product
    cards:
      - id: la-det-span
        front: What does $a + b$ span with $a$ and $b$?
        back: A parallelogram whose area is $|\\det[a\\;b]|$.
        figure: span
    model_answer: $|\\det[a\\;b]| = 5$.
"""


def _png(width: int = 64, height: int = 48) -> bytes:
    """A real PNG file (grey squares), written by hand so the test needs no imaging library."""
    rows = b"".join(b"\x00" + b"".join(bytes([200 if (x + y) % 2 else 90] * 3) for x in range(width))
                    for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def make_course(root: Path) -> Path:
    content = root / "content"
    (content / "media").mkdir(parents=True)
    (content / "diagrams").mkdir()
    (content / "la").mkdir()
    (content / "course.yaml").write_text("id: linear-algebra\ntitle: Linear Algebra\nroot_deck: LA\n", "utf-8")
    (content / "references.yaml").write_bytes((FIXTURES / "valid" / "references.yaml").read_bytes())
    (content / "media" / "parallelogram.svg").write_text(PARALLELOGRAM, "utf-8")
    (content / "media" / "grid.png").write_bytes(_png())
    (content / "diagrams" / "span.yaml").write_text(SPAN, "utf-8")
    (content / "la" / "determinants.yaml").write_text(DECK, "utf-8")
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory, plugin_site) -> Path:
    root = make_course(tmp_path_factory.mktemp("linear-algebra"))
    result = run_cli("build", cwd=root, env={"PYTHONPATH": str(plugin_site), "XDG_CACHE_HOME": str(root / "cache")})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Built 1 decks, 1 exercises, 2 notes; 2 checks passed." in result.stdout
    return root


def test_figures_are_written_where_the_quiz_finds_them(built: Path):
    figures = built / "dist" / "figures"
    assert (figures / "media" / "parallelogram.svg").read_text("utf-8") == PARALLELOGRAM  # clean: bytes kept
    assert (figures / "span.svg").read_bytes().startswith(b"<?xml")


def test_anki_has_every_media_file_and_nothing_missing(built: Path, tmp_path: Path):
    require_module("anki")
    from anki.collection import Collection

    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        import_package(col, built / "dist" / "linear-algebra.apkg")
        check = col.media.check()
        assert (list(check.missing), list(check.unused)) == ([], [])
        files = sorted(os.listdir(col.media.dir()))
        assert len(files) == 3 and sorted(Path(f).suffix for f in files) == [".png", ".svg", ".svg"]
        note = col.get_note(col.find_notes('"ID:la-det"')[0])
        answer = note["Answer"]
        png = next(f for f in files if f.endswith(".png"))
        assert f'<img src="{png}" alt="A 4 by 4 grid of unit squares">' in answer
        assert "media/" not in answer  # every reference was rewritten to the packaged file
        card = col.get_card(col.find_cards('"ID:la-det-span"')[0])
        assert '<img src="' in card.answer() and ".svg" in card.answer()
    finally:
        col.close()


def test_html_images_have_a_box_in_chromium(built: Path):
    sync_api = require_chromium()
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto((built / "dist" / "study-sheet.html").as_uri())
            raster = page.query_selector_all("img.inline-figure")
            figure = page.query_selector_all("figure.figure span.inline-figure svg")
            assert len(raster) == 1 and len(figure) == 1
            for element in raster + figure:
                box = element.bounding_box()
                assert box and box["width"] > 20 and box["height"] > 20, box
            assert page.evaluate("document.querySelector('img.inline-figure').naturalWidth") == 64  # decoded
            assert errors == []
        finally:
            browser.close()


def test_the_terminal_shows_a_placeholder(built: Path, plugin_site: Path):
    pexpect = require_module("pexpect")
    env = {**os.environ, "NO_COLOR": "1", "TERM": "dumb", "XDG_CACHE_HOME": str(built / "cache"),
           "XDG_DATA_HOME": str(built / "data"), "RGANN_NOW": "2026-01-10T09:00:00", "RGANN_FUZZ": "0",
           "PYTHONPATH": str(plugin_site)}
    child = pexpect.spawn(sys.executable, ["-m", "rgann_cards.cli", "quiz", "--db", str(built / "p.sqlite3"),
                                           "--ids", "la-det"], cwd=str(built), env=env, encoding="utf-8",
                          dimensions=(40, 100), timeout=30)
    output = io.StringIO()
    child.logfile_read = output
    child.expect("show answer")
    child.send(" ")
    child.expect(r"\[4\] Easy")
    child.send("e")  # the answer's image is in the explanation, shown on request
    child.expect("Explanation")
    child.expect(r"\[4\] Easy")
    child.send("q")
    child.expect(pexpect.EOF)
    screen = output.getvalue().replace("\r\n", "\n")
    assert "[figure: A 4 by 4 grid of unit squares]" in screen
    assert "Figure: dist/figures/media/parallelogram.svg" in screen
