"""Printed pages, measured: real Chromium prints the full quiz, answer key and study sheet to A4 and Letter
(``page.pdf()``), and pdfplumber reads back how full each page is and where headings, questions, answers and
figures landed (see printed.py). Every page is also saved as a PNG in tests/artifacts/print/: look at them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO
from printed import PAPERS, Printed, print_page, save_pngs

ARTIFACTS = REPO / "tests" / "artifacts" / "print"
NAMES = ("quiz", "answer-key", "study-sheet")
CASES = [(name, paper) for name in NAMES for paper in PAPERS]


@pytest.fixture(scope="module")
def printed(chromium_browser, shipped_build) -> dict[tuple[str, str], Printed]:
    """The shipped build's three pages printed to both papers; a summary of pages and fill for the record."""
    results = {}
    summary = []
    for name, paper in CASES:
        page = chromium_browser.new_page()
        page.goto((shipped_build / "dist" / f"{name}.html").as_uri(), wait_until="load")
        results[name, paper] = result = print_page(page, paper)
        page.close()
        save_pngs(result, f"{name}-{paper}", ARTIFACTS)
        summary.append(f"{name} {paper}: {len(result.sheets)} pages, worst fill {result.worst_fill:.2f} "
                       f"(all: {' '.join(f'{s.fill:.2f}' for s in result.sheets)})")
    (ARTIFACTS / "page-fill.txt").write_text("\n".join(summary) + "\n", encoding="utf-8")
    return results


def _split(result: Printed, name: str) -> list[str]:
    """Blocks of one kind whose start and end are on different pages, or whose end never printed (clipped)."""
    found = []
    for i, owner, what in result.marked(name):
        try:
            pages = (result.page_of(i + "s"), result.page_of(i + "e"))
        except KeyError as missing:
            found.append(f"{owner or what}: {missing.args[0]} (clipped?)")
            continue
        if pages[0] != pages[1]:
            found.append(f"{owner or what}: pages {pages[0]}-{pages[1]}")
    return found


def test_the_full_quiz_fits_eight_a4_pages(printed):
    assert len(printed["quiz", "A4"].sheets) <= 8


@pytest.mark.parametrize("paper", PAPERS)
def test_no_quiz_page_but_the_last_is_more_than_a_third_empty(printed, paper):
    result = printed["quiz", paper]
    assert [(s.number, s.fill) for s in result.sheets[:-1] if s.fill < 2 / 3] == []


@pytest.mark.parametrize("paper", PAPERS)
def test_a_quiz_question_never_splits_across_pages(printed, paper):
    result = printed["quiz", paper]
    assert len(result.marked("quizblock")) == 16
    assert _split(result, "quizblock") == []


@pytest.mark.parametrize("name,paper", CASES)
def test_every_heading_shares_its_page_with_the_start_of_its_content(printed, name, paper):
    result = printed[name, paper]
    stranded = [f"{what!r} ({owner}) on page {result.page_of(i + 'h')}, its text on {result.page_of(i + 'c')}"
                for spec in ("head", "heading") for i, owner, what in result.marked(spec)
                if result.page_of(i + "h") != result.page_of(i + "c")]
    assert result.marked("head") and stranded == []


@pytest.mark.parametrize("name,paper", [c for c in CASES if c[0] != "quiz"])
def test_an_exercise_heading_shares_its_page_with_its_question_and_the_start_of_its_answer(printed, name, paper):
    result = printed[name, paper]
    apart = []
    for i, owner, _ in result.marked("head"):
        pages = (result.page_of(i + "h"), result.page_of_exercise("question", owner, "t"),
                 result.page_of_exercise("answer", owner, "c"))
        if len(set(pages)) != 1:
            apart.append(f"{owner}: heading, question, answer on pages {pages}")
    assert apart == []


@pytest.mark.parametrize("name,paper", [c for c in CASES if c[0] != "quiz"])
def test_key_points_display_math_and_tables_never_split(printed, name, paper):
    result = printed[name, paper]
    assert result.marked("keypoints") and result.marked("display")
    assert _split(result, "keypoints") + _split(result, "display") + _split(result, "opening") == []


@pytest.mark.parametrize("name,paper", [c for c in CASES if c[0] != "quiz"])
def test_no_figure_lands_more_than_one_page_after_its_question(printed, name, paper):
    result = printed[name, paper]
    figures = result.marked("figure")
    far = [f"{owner}: question on {result.page_of_exercise('question', owner, 't')}, figure on "
           f"{result.page_of(i + 't')}" for i, owner, _ in figures
           if not 0 <= result.page_of(i + "t") - result.page_of_exercise("question", owner, "t") <= 1]
    assert figures and far == []


@pytest.mark.parametrize("name,paper", CASES)
def test_every_page_is_saved_as_an_image(printed, name, paper):
    pngs = sorted(ARTIFACTS.glob(f"{name}-{paper}-*.png"))
    assert len(pngs) in (0, len(printed[name, paper].sheets))  # 0 only locally, without poppler-utils


@pytest.fixture(scope="module")
def variants(chromium_browser, shipped_build, tmp_path_factory) -> dict[str, Printed]:
    """The full quiz at each --space setting and the full key two-up, printed to A4."""
    from rgann_cards.build import load_and_verify, render_figures
    from rgann_cards.export import html

    course, verification = load_and_verify(shipped_build / "content")
    selection = html.select(course)
    figures = render_figures(course, cache_dir=tmp_path_factory.mktemp("figures"))
    pages = {f"quiz-{s}": html.render_quiz(course, selection, space=s) for s in ("compact", "generous")}
    pages["answer-key-two-up"] = html.render_answer_key(course, verification, selection, figures, two_up=True)
    out = tmp_path_factory.mktemp("variants")
    results = {}
    for name, data in pages.items():
        (out / f"{name}.html").write_bytes(data)
        page = chromium_browser.new_page()
        page.goto((out / f"{name}.html").as_uri(), wait_until="load")
        results[name] = print_page(page, "A4")
        page.close()
        save_pngs(results[name], f"{name}-A4", ARTIFACTS)
    return results


def test_space_settings_trade_pages_for_room_and_stay_packed(printed, variants):
    compact, normal, generous = (len(variants["quiz-compact"].sheets), len(printed["quiz", "A4"].sheets),
                                 len(variants["quiz-generous"].sheets))
    assert compact <= normal < generous
    for name in ("quiz-compact", "quiz-generous"):
        assert variants[name].worst_fill >= 2 / 3 and _split(variants[name], "quizblock") == [], name


def test_a_two_up_key_takes_fewer_pages_and_keeps_headings_with_their_text(printed, variants):
    two_up = variants["answer-key-two-up"]
    assert len(two_up.sheets) < len(printed["answer-key", "A4"].sheets)
    assert [i for i, _, _ in two_up.marked("head") if two_up.page_of(i + "h") != two_up.page_of(i + "c")] == []
    assert _split(two_up, "display") + _split(two_up, "keypoints") == []  # nothing clipped in a narrow column
