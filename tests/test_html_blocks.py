"""split_first_block: the fast scan over our serializers' tags cuts every fragment where html.parser does."""

from __future__ import annotations

import random
import re

import pytest

from conftest import REPO
from rgann_cards.export import html, html_blocks
from rgann_cards.export.html_blocks import split_first_block

TRICKY = [
    '<p class="lead-in"><strong>How.</strong></p>\n<p>b</p>\n<p>c</p>',
    '<p class="x lead-in">a</p><p>b</p>',
    '<p CLASS="lead-in">a</p><p>b</p>',
    '<p class="lead&#45;in">a</p><p>b</p>',
    "plain text", "", "<br><p>x</p>",
    "<!-- c --><p>x</p><p>y</p>",
    '<p title="a>b">x</p>rest',
    "<p title='q'>x</p>y",
    "<p>a < b</p><p>c</p>",
    '<svg><style>a > b {}</style><path d="m"/></svg><p>z</p>',
    '</p><p class="lead-in">a</p><p>b</p><p>c</p>',
    "<p>x\u2028y</p><p>z</p>",
    "<ul>\n<li>a</li>\n</ul>\n<p>t</p>",
    "<P>up</P>next", "<p>a</p >b", "<p a=b>x</p>y",
    '<div><img src="x"/><br/></div>rest',
    "<style>x</style><p>a</p>",
    '<p class="lead-in">only</p>',
    '<div class="math-display"><math display="block"><mi>x</mi><mspace width="1em"/></math></div>\n<p>b</p>',
    '<p\xa0class="lead-in">a</p><p>b</p><p>c</p>', '<br\xa0/><p>a</p>', '<p class="lead-in"\n>a</p>\n<p>b</p>',
    '<p a="x"b="y">a</p>z', '<p a = "x">a</p>z', "<p a=''>a</p>z", '<p>\u0130</p><x>y</x>',
]


def _by_html_parser(fragment: str) -> tuple[str, str]:
    parser = html_blocks._Ends()
    parser.feed_text(fragment)
    if not parser.ends:
        return fragment, ""
    cut = parser.ends[1 if parser.lead_in[:1] == [True] and len(parser.ends) > 1 else 0]
    return fragment[:cut], fragment[cut:].lstrip("\n")


@pytest.mark.parametrize("fragment", TRICKY)
def test_the_scan_cuts_where_html_parser_does(fragment):
    assert split_first_block(fragment) == _by_html_parser(fragment)


def test_the_scan_takes_every_fragment_of_the_shipped_course_and_cuts_it_where_html_parser_does():
    from rgann_cards.content.load import load_course

    course = load_course(REPO / "content")
    fragments = [str(html._html(text, course.media, "a"))
                 for _, ex in course.exercises() for text in (ex.question, ex.answer, *ex.key_points)]
    assert fragments
    for fragment in fragments:
        assert html_blocks._end_offsets(fragment, 2) is not None, fragment  # no fallback for our own output
        assert split_first_block(fragment) == _by_html_parser(fragment)


def test_a_lead_in_heading_is_kept_with_the_block_after_it():
    first, rest = split_first_block('<p class="lead-in"><strong>A.</strong></p>\n<p>b</p>\n<p>c</p>')
    assert (first, rest) == ('<p class="lead-in"><strong>A.</strong></p>\n<p>b</p>', "<p>c</p>")


# Pieces of LaTeX for random formulas: scripts, fractions, roots, big operators, fences, text, spaces,
# accents, alignments and matrices (mtable, mspace), escaped characters -- what the MathML writer sees.
_ATOMS = ["x", "y_{1}", "z^{2}", r"\alpha", r"\frac{a}{b}", r"\sqrt{x}", r"\sqrt[3]{y}", r"\sum_{k=1}^{n} k",
          r"\int_0^1 f(x)\,dx", r"\left( a \right)", r"\text{if } a < b", r"\mathbf{v}", r"\hat{\theta}",
          r"a \le b", r"\{ x \}", r"\quad", r"\mathbb{R}^{n}", r"\lim_{n \to \infty}", r"\binom{n}{k}",
          r"\overset{!}{=}", r"\mathrm{KL}(p \| q)", "3.5", r"\lvert x \rvert"]
_ENVS = [r"\begin{aligned} a &= @ \\ b &\le @ \end{aligned}", r"\begin{pmatrix} @ & 0 \\ 1 & @ \end{pmatrix}"]


def _formula(rng, depth: int = 0) -> str:
    parts = [rng.choice(_ATOMS) for _ in range(rng.randint(1, 4))]
    if depth < 2 and rng.random() < 0.4:
        parts.append(rf"\frac{{{_formula(rng, depth + 1)}}}{{{_formula(rng, depth + 1)}}}")
    if depth == 0 and rng.random() < 0.15:
        parts.append(rng.choice(_ENVS).replace("@", rng.choice(_ATOMS), 1).replace("@", rng.choice(_ATOMS)))
    return " + ".join(parts)


def _markdown(rng) -> str:
    """Paragraphs, lead-in headings, lists and display formulas, each with formulas in it."""
    blocks = []
    for _ in range(rng.randint(1, 4)):
        kind = rng.random()
        if kind < 0.2:
            blocks.append("**How it goes.**")
        elif kind < 0.45:
            blocks.append(f"$$\n{_formula(rng)}\n$$")
        elif kind < 0.6:
            blocks.append("\n".join(f"- item ${_formula(rng)}$" for _ in range(rng.randint(1, 3))))
        else:
            blocks.append(f"Since ${_formula(rng)}$ holds, *so* does ${_formula(rng)}$ & 1 < 2.")
    return "\n\n".join(blocks)


def _writer_fragments(count: int, seed: int) -> list[str]:
    from rgann_cards.markup.mathml import MathError

    rng, found = random.Random(seed), []
    while len(found) < count:
        try:
            found.append(str(html._make_html(_markdown(rng), {}, "a")))
        except MathError:
            continue  # a combination the allow-list refuses: not a fragment a page ever gets
    return found


def test_the_scan_jumps_over_the_writers_formulas_and_still_cuts_where_html_parser_does():
    """_math_end skips a formula's inside in one search: on 600 random answers through the real pipeline,
    every formula is skipped so (none is scanned tag by tag) and each cut is html.parser's."""
    jumps = []
    original = html_blocks._math_end

    def counted(fragment: str, start: int):
        jumps.append(original(fragment, start))
        return jumps[-1]

    html_blocks._math_end = counted
    try:
        for fragment in _writer_fragments(600, 3):
            assert html_blocks._end_offsets(fragment, 2) is not None, fragment
            split_first_block.cache_clear()
            assert split_first_block(fragment) == _by_html_parser(fragment), fragment
    finally:
        html_blocks._math_end = original
    assert len(jumps) > 600 and None not in jumps


def _mutate(fragment: str, rng) -> str:
    """One change inside a formula: a tag dropped, doubled, renamed, uppercased or moved; a void, a
    self-closed or a nested <math> tag added; quotes, spaces or a '<' put in."""
    tags = [m for m in re.finditer(r"<[^>]*>", fragment) if fragment.rfind("<math", 0, m.start()) >
            fragment.rfind("</math>", 0, m.start())]
    if not tags:
        return fragment
    m = rng.choice(tags)
    tag, name = m.group(0), re.match(r"</?([a-z]*)", m.group(0)).group(1) or "mi"
    edit = rng.choice([
        "", tag * 2, tag.upper(), tag.replace(name, "mo", 1), tag.replace(name, "none", 1),
        tag.replace(name, "mspace", 1), f"<{name}/>",
        tag + "<math>", tag + "</math>", tag.replace(">", ' class="a">', 1), tag.replace(" ", "  ", 1),
        tag + "<br>", tag + "<mspace/>", tag + "a < b", tag + "<style>", tag.replace('"', "'"),
        tag + f"</{name}>", f"<{name}>" + tag, tag + "<!-- c -->", tag + "</mspace>", tag + "<mi/ >"])
    return fragment[:m.start()] + edit + fragment[m.end():]


def test_a_formula_the_writer_could_not_have_written_is_scanned_tag_by_tag():
    """The jump holds only where _MATH_INSIDE matches all of a formula: on 3,000 writer fragments
    with one formula broken at random (unbalanced, renamed, nested, void, spaced), the cut is still
    html.parser's."""
    rng = random.Random(8)
    for fragment in _writer_fragments(300, 4):
        for _ in range(10):
            broken = _mutate(fragment, rng)
            split_first_block.cache_clear()
            assert split_first_block(broken) == _by_html_parser(broken), broken


@pytest.mark.parametrize("fragment", [
    "<p><math><mi>x</math></p><p>b</p>", "<p><math></mi><mi></math></p><p>b</p>",
    "<p><math><mi>x</mi></p><p>b</p>", "<p><math><math><mi>x</mi></math></math></p><p>b</p>",
    "<p><math><MI>x</MI></math></p><p>b</p>", "<p><MATH><mi>x</mi></MATH></p><p>b</p><p>c</p>",
    "<math><mi>x</mi></math><p>b</p>", '<p class="lead-in"><math><mn>1</mn></math></p><p>b</p><p>c</p>',
    "<p><math><mspace></mspace><none/></math></p>z", "<p><math><mi>a</mi><mi>b</mi></math>t</p>z",
    "<p><math><style></math></style></math></p>z", "<p><math><mi>a</mi>", "<p><math/><mi></p>z",
])
def test_broken_formulas_are_cut_where_html_parser_does(fragment):
    split_first_block.cache_clear()
    assert split_first_block(fragment) == _by_html_parser(fragment)


_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect id="r" width="4" height="4"/></svg>'
_IMAGED = ["**How.**\n\n![a grid](media/g.svg) and $x$", "See ![one](media/g.svg) and ![two](media/h.png).",
           "**Lead.**\n\n$$\n\\sum_{k=1}^{n} k^2 + \\frac{a}{b} + x_1 + x_2 + x_3 + x_4 + x_5 + x_6 + x_7\n$$"]


def _rendered_fragments() -> list[str]:
    """Fragments as markup.render gives them to _make_html: random answers, the shipped course's, images."""
    from rgann_cards import markup
    from rgann_cards.content.load import load_course
    from rgann_cards.markup.mathml import MathError, to_mathml

    course = load_course(REPO / "content")
    texts = [text for _, ex in course.exercises() for text in (ex.question, ex.answer, *ex.key_points)]
    rng, found = random.Random(6), []
    while len(found) < 300:
        try:
            found.append(markup.render(_markdown(rng), to_mathml, sanitize=html._sanitize_keeping_images))
        except MathError:
            continue
    return found + [markup.render(t, to_mathml, sanitize=html._sanitize_keeping_images) for t in texts + _IMAGED]


def test_substitutions_skipped_for_want_of_their_first_characters_would_have_changed_nothing():
    """mark_wide_displays and html._lead_ins skip their substitution where the characters every match begins
    with are missing; _sanitize_keeping_images puts images back only where a marker is left: on every
    fragment below, each gives what the substitution itself gives."""
    from rgann_cards.export import images

    fragments = _rendered_fragments()
    assert any(html_blocks._DISPLAY_START in f for f in fragments) and any(html._LEAD_IN_START in f for f in fragments)
    for fragment in fragments:
        assert html_blocks.mark_wide_displays(fragment) == html_blocks._DISPLAY.sub(html_blocks._classify, fragment)
        assert html._lead_ins(fragment) == html._LEAD_IN.sub(r'<p class="lead-in">\1</p>', fragment)
    for text in _IMAGED + ["Plain $x$ text.", "<img> &amp; ![x](media/g.svg)"]:
        kept: list[str] = []
        marked = images.IMG_TAG.sub(lambda m: kept.append(m.group(0)) or f"\ue012{len(kept) - 1}\ue013", text)
        full = html._KEPT.sub(lambda m: kept[int(m.group(1))], html.sanitize(marked))
        assert html._sanitize_keeping_images(text) == full


def test_a_fragment_without_images_serves_its_text_for_any_media_and_prefix():
    """Within shared_rendering, a text rendered once with no image in it is reused under another media and
    prefix; one with images is made for each: every result is what _make_html makes on its own."""
    media = [{"media/g.svg": _SVG, "media/h.png": b"\x89PNG"}, {"media/g.svg": _SVG}, {}]
    texts = _IMAGED + ["Plain $x$ text.", "**How.**\n\nSo $y_1$.", "Plain $x$ text."]
    calls = [(text, m, prefix) for text in texts for m in media for prefix in ("q1", "a2")]
    alone = [html._make_html(*call) for call in calls]
    assert len({str(a) for a in alone[:6]}) == 3  # with images, the result depends on media and prefix
    with html.shared_rendering():
        assert [html._html(*call) for call in calls] == alone
