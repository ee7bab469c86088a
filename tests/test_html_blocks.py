"""split_first_block: the fast scan over our serializers' tags cuts every fragment where html.parser does."""

from __future__ import annotations

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
