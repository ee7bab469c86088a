"""Hostile SVGs and bad media references: each is sanitized or rejected, and nothing of it reaches an output."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import run_cli
from rgann_cards.diagrams.svg_safe import SvgError, clean_svg
from test_own_content import make_course

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">{}</svg>'

SANITIZED = [
    ("script", SVG.format('<script>alert(1)</script><rect width="5" height="5"/>'), ["<script>"]),
    ("onload", SVG.replace("<svg ", '<svg onload="alert(1)" ').format('<rect width="5" height="5"/>'),
     ["event handler 'onload'"]),
    ("foreignObject", SVG.format('<foreignObject><div xmlns="http://www.w3.org/1999/xhtml" onclick="x()">hi</div>'
                                 '</foreignObject>'), ["<foreignObject>"]),
    ("javascript href", SVG.format('<use xlink:href="javascript:alert(1)"/><rect/>'),
     ["link out of the document ('javascript:alert(1)')"]),
    ("http href", SVG.format('<use href="http://evil.example/x.svg#a"/>'),
     ["link out of the document ('http://evil.example/x.svg#a')"]),
    ("anchor", SVG.format('<a href="http://evil.example/"><rect width="5" height="5"/></a>'), ["<a>"]),
    ("css import", SVG.format('<style>@import url(http://evil.example/x.css); rect { fill: red }</style>'),
     ["<style>: @import, expression(), javascript: or escapes"]),
    ("external url()", SVG.format('<rect style="fill: url(http://evil.example/p.svg#g)" fill="url(#local)"/>'),
     ["style 'fill: url(http://evil.example/p.svg#g)': url() out of the document"]),
    ("presentation url()", SVG.format('<rect fill="url(http://evil.example/p#g)"/>'),
     ["url() out of the document in 'fill'"]),
    ("stylesheet instruction", '<?xml-stylesheet href="http://evil.example/x.css"?>' + SVG.format("<rect/>"),
     ["processing instruction <?xml-stylesheet?>"]),
    ("animate", SVG.format('<a><animate attributeName="href" to="javascript:alert(1)"/></a>'), ["<a>"]),
    ("image", SVG.format('<image href="http://evil.example/x.png"/>'), ["<image>"]),
]


@pytest.mark.parametrize(("name", "svg", "removed"), SANITIZED, ids=[s[0] for s in SANITIZED])
def test_dangerous_parts_are_removed(name, svg, removed):
    cleaned = clean_svg(svg.encode())
    assert cleaned.removed == removed
    text = cleaned.data.decode()
    for bad in ("script", "onload", "foreignObject", "javascript", "evil.example", "@import", "<a ", "animate"):
        assert bad not in text
    clean_again = clean_svg(cleaned.data)
    assert clean_again.removed == [] and clean_again.data == cleaned.data  # the result is itself clean


XXE = ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
       + SVG.format("<text>&xxe;</text>"))
LAUGHS = ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
          '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
          + SVG.format("<text>&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;</text>"))


@pytest.mark.parametrize("svg", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
def test_entities_are_refused_not_expanded(svg):
    with pytest.raises(SvgError) as info:
        clean_svg(svg.encode())
    assert str(info.value) == ("SVG refused: it defines entities or loads external ones (EntitiesForbidden), which "
                               "can expand without limit or read local files")


def test_our_figures_pass_unchanged():
    from rgann_cards.diagrams import render

    svg = render.draw_svg("vae")
    cleaned = clean_svg(svg)
    assert cleaned.removed == [] and cleaned.data is svg


def _course(tmp_path: Path) -> Path:
    root = make_course(tmp_path)
    deck = root / "content" / "la" / "determinants.yaml"
    deck.write_text(deck.read_text("utf-8").replace("        function: linalg.det_product\n",
                                                    '        expr: "1"\n        equals: "1"\n'), "utf-8")
    return root


def _figure(root: Path, ref: str) -> None:
    deck = root / "content" / "la" / "determinants.yaml"
    deck.write_text(deck.read_text("utf-8").replace("figure: media/parallelogram.svg", f"figure: {ref}"), "utf-8")


def test_a_hostile_svg_is_sanitized_with_a_warning_and_never_reaches_an_output(tmp_path):
    root = _course(tmp_path)
    evil = SVG.replace("<svg ", '<svg onload="alert(1)" ').format(
        '<script>alert(1)</script><foreignObject><p>x</p></foreignObject><use href="http://evil.example/a"/>'
        '<rect width="5" height="5"/>')
    (root / "content" / "media" / "parallelogram.svg").write_text(evil, "utf-8")
    result = run_cli("build", cwd=root, env={"XDG_CACHE_HOME": str(root / "cache")})
    assert result.returncode == 0, result.stderr
    assert result.stderr == ("content/la/determinants.yaml:14:13: warning: image 'media/parallelogram.svg': removed "
                             "what a figure may not contain: <foreignObject>, <script>, event handler 'onload', "
                             "link out of the document ('http://evil.example/a')\n")
    for path in (root / "dist").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if path.suffix == ".apkg":
                import zipfile
                with zipfile.ZipFile(path) as z:
                    data = b"".join(z.read(n) for n in z.namelist())
            for bad in (b"alert(1)", b"onload", b"foreignObject", b"evil.example"):
                assert bad not in data, (path, bad)
    strict = run_cli("build", "--strict", cwd=root, env={"XDG_CACHE_HOME": str(root / "cache")})
    assert strict.returncode == 1


@pytest.mark.parametrize(("content", "message"), [
    (XXE, "image 'media/parallelogram.svg': SVG refused: it defines entities or loads external ones "
          "(EntitiesForbidden), which can expand without limit or read local files"),
    (LAUGHS, "image 'media/parallelogram.svg': SVG refused: it defines entities or loads external ones "
             "(EntitiesForbidden), which can expand without limit or read local files"),
    ("<svg", "image 'media/parallelogram.svg': not a well-formed SVG file: unclosed token: line 1, column 0"),
    ("<html/>", "image 'media/parallelogram.svg': not an SVG document (its root element is not <svg>)"),
], ids=["xxe", "billion-laughs", "not-xml", "not-svg"])
def test_an_unusable_svg_is_an_error_at_the_figure(tmp_path, content, message):
    root = _course(tmp_path)
    (root / "content" / "media" / "parallelogram.svg").write_text(content, "utf-8")
    before = sorted(os.listdir(root))
    result = run_cli("lint", cwd=root)
    assert (result.returncode, result.stderr) == (1, f"content/la/determinants.yaml:14:13: {message}\n"
                                                     "1 problem found; nothing was written.\n")
    assert "Traceback" not in result.stderr and sorted(os.listdir(root)) == before


def test_a_50_mb_svg_is_refused_without_reading_it(tmp_path):
    root = _course(tmp_path)
    with open(root / "content" / "media" / "parallelogram.svg", "wb") as handle:
        handle.truncate(50_000_000)  # sparse: the size alone decides
    result = run_cli("lint", cwd=root)
    assert result.stderr.splitlines()[0] == ("content/la/determinants.yaml:14:13: image 'media/parallelogram.svg' "
                                             "is 50.0 MB, over the limit of 2 MB")


@pytest.mark.parametrize(("ref", "setup", "message"), [
    ("media/nothere.svg", None, "missing image file 'media/nothere.svg' (looked in content/media)"),
    ("media/../course.yaml", None, "image path 'media/../course.yaml' leaves content/media/ (write media/NAME.svg, "
                                   ".png or .jpg)"),
    ("media/anim.gif", None, "unknown image type '.gif' for 'media/anim.gif' (use .svg, .png, .jpg, .jpeg)"),
    ("media/fake.png", "fake.png", "image 'media/fake.png' is not a PNG file, although its name says so"),
    ("media/outside.svg", "link", "image 'media/outside.svg' is a link that leaves content/; it was not read"),
])
def test_bad_media_references_are_errors(tmp_path, ref, setup, message):
    root = _course(tmp_path)
    media = root / "content" / "media"
    if setup == "fake.png":
        (media / "fake.png").write_text("<svg/>", "utf-8")
    elif setup == "link":
        (tmp_path / "secret.svg").write_text("secret", "utf-8")
        (media / "outside.svg").symlink_to(tmp_path / "secret.svg")
    _figure(root, ref)
    result = run_cli("lint", cwd=root)
    assert (result.returncode, result.stderr) == (1, f"content/la/determinants.yaml:14:13: {message}\n"
                                                     "1 problem found; nothing was written.\n")


def test_markdown_images_need_alt_text_and_a_media_file(tmp_path):
    root = _course(tmp_path)
    deck = root / "content" / "la" / "determinants.yaml"
    deck.write_text(deck.read_text("utf-8").replace("![A 4 by 4 grid of unit squares](media/grid.png)",
                                                    "![](media/grid.png) ![x](https://example.org/x.png)"), "utf-8")
    result = run_cli("lint", cwd=root)
    assert result.stderr == (
        "content/la/determinants.yaml:9:13: image 'https://example.org/x.png' is not a file under media/: images "
        "are never fetched from the network (put the file in content/media/)\n"
        "content/la/determinants.yaml:9:13: image 'media/grid.png' has no alt text: write "
        "![what it shows](media/grid.png)\n"
        "2 problems found; nothing was written.\n")
