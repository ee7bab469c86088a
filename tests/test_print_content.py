"""What the printed pages say: answer space by question, typeset claims, the page plan, and the text slips of
issue 18 (each with its own test)."""

from __future__ import annotations

import re

import pytest

from conftest import REPO
from rgann_cards.checks.verify import verify
from rgann_cards.commands.quiz_sheet import SPACES as CLI_SPACES
from rgann_cards.content.load import load_course
from rgann_cards.export import answer_space as spaces
from rgann_cards.export import html
from rgann_cards.export.quiz_layout import plan, question_mm
from rgann_cards.markup.mathml import to_mathml


@pytest.fixture(scope="module")
def course():
    return load_course(REPO / "content")


def _one(course, label):
    return next(ex for _, ex in course.exercises() if ex.label == label)


@pytest.mark.parametrize("label,kind", [("3(a)", "drawing"), ("4(a)", "drawing"), ("1(b)", "box"),
                                        ("3(c)", "box"), ("3(g)", "box"), ("3(e)", "lines"), ("2(b)", "lines")])
def test_answer_space_follows_what_the_question_asks(course, label, kind):
    assert spaces.space_kind(_one(course, label)) == kind  # 3(e)'s "drawback" is no drawing


@pytest.mark.parametrize("wording,kind", [("Skizzieren Sie das Netz.", "drawing"), ("Sketch the cell.", "drawing"),
                                          ("Leiten Sie den Gradienten her.", "box"), ("Name three.", "lines"),
                                          ("Draw the graph of $draw(x)$.", "drawing"), ("Is $f$ drawn?", "drawing")])
def test_answer_space_wording_in_english_and_german(course, wording, kind):
    assert spaces.space_kind(_one(course, "2(b)").model_copy(update={"question": wording})) == kind


def test_a_declared_answer_space_wins_and_space_scales_with_points_and_the_option(course):
    ex = _one(course, "3(a)").model_copy(update={"answer_space": "lines"})
    assert spaces.space_kind(ex) == "lines"
    heights = [spaces.answer_space(ex.model_copy(update={"points": p})).height_mm for p in (1, 3, 6)]
    assert heights == sorted(heights) and len(set(heights)) == 3
    by_option = [spaces.answer_space(ex, s).height_mm for s in spaces.SPACES]
    assert by_option == sorted(by_option) and len(set(by_option)) == 3
    assert CLI_SPACES == spaces.SPACES


def test_an_unknown_answer_space_is_a_located_error(tmp_path):
    from conftest import copy_tree, run_cli

    copy_tree(REPO / "content", tmp_path / "content")
    deck = tmp_path / "content" / "sheet02" / "task03-autoencoders-vaes.yaml"
    deck.write_text(deck.read_text().replace("    points: 3\n", "    points: 3\n    answer_space: picture\n", 1))
    result = run_cli("lint", cwd=tmp_path)
    assert result.returncode == 1
    assert re.search(r"task03-autoencoders-vaes\.yaml:\d+:\d+: 'answer_space' must be one of 'lines', 'box' or "
                     r"'drawing', got text 'picture'", result.stderr), result.stderr


def test_the_quiz_prints_a_box_for_drawings_and_derivations_and_lines_for_prose(course):
    page = html.render_quiz(course, html.select(course)).decode()
    blocks = dict(re.findall(r'data-exercise="([^"]+)">(.*?)</li>', page, re.S))
    assert 'class="answer-space box drawing"' in blocks[_one(course, "4(a)").id]
    assert 'class="answer-space box box"' in blocks[_one(course, "1(b)").id]
    assert 'class="answer-space lines"' in blocks[_one(course, "2(a)").id]


def test_the_page_plan_breaks_before_a_question_that_would_not_fit_and_grows_the_spaces():
    small = ("<p>" + "word " * 10 + "</p>", spaces.AnswerSpace("lines", 48, 6))
    big = ("<p>" + "word " * 10 + "</p>", spaces.AnswerSpace("box", 150))
    placed = plan([small, big, small, small])
    # page 1 holds the title and one small question; the big one fills page 2 alone; two small ones end it
    assert [p.new_page for p in placed] == [False, True, True, False]
    assert placed[0].space.rows > 6 and placed[1].space.height_mm > 150  # pages but the last are filled
    assert placed[2].space == placed[3].space == small[1]  # the last page keeps its base sizes
    assert question_mm("<p>x</p>") < question_mm("<p>" + "x " * 200 + "</p>") < 60


def test_space_options_change_the_quiz_and_two_up_the_key(course):
    selection = html.select(course)
    compact, generous = (html.render_quiz(course, selection, space=s) for s in ("compact", "generous"))
    assert compact.count(b'class="rule"') < generous.count(b'class="rule"')
    verification = verify(course, only={_one(course, "1(c)").id})
    key = html.render_answer_key(course, verification, selection[:3], {}, two_up=True)
    assert b'class="questions two-up"' in key
    assert b'class="questions"' in html.render_answer_key(course, verification, selection[:3], {})


def test_claims_are_typeset_from_claim_md_and_json_keeps_the_plain_claim(course):
    from rgann_cards.build import render_json
    import json

    ex = _one(course, "1(b)")
    verification = verify(course, only={ex.id})
    page = html.render_answer_key(course, verification, [(d, e) for d, e in course.exercises() if e.id == ex.id], {})
    claims = re.findall(r'<span class="claim">(.*?)</span> <span class="measured">', page.decode(), re.S)
    assert len(claims) == len(ex.checks)
    chain = next(c for c in claims if "chain rule" in c)
    assert "<math>" in chain and "net_phi" not in chain and "$" not in chain
    typed = [c for c in ex.checks if c.claim_md]
    assert typed
    data = json.loads(render_json(course, verification))
    exported = [c for e in data["exercises"] if e["id"] == ex.id for c in e["checks"]]
    assert [c["claim"] for c in exported] == [c.claim for c in ex.checks]  # the code-like form stays
    assert "claim_md" in exported[1] and "$" in exported[1]["claim_md"]


def test_a_claim_without_claim_md_prints_as_plain_text(course):
    ex = _one(course, "1(c)")
    verification = verify(course, only={ex.id})
    page = html.render_answer_key(course, verification, [(d, e) for d, e in course.exercises() if e.id == ex.id], {})
    assert ex.checks[0].claim in page.decode()


# --------------------------------------------------------------------------- text slips (issue 18)


def test_slip_one_check_is_singular(course):
    ex = next(e for _, e in course.exercises() if any(not c.arithmetic for c in e.checks))
    one = ex.model_copy(update={"checks": [next(c for c in ex.checks if not c.arithmetic)]})
    deck = next(d for d in course.decks if ex in d.exercises)
    deck = deck.model_copy(update={"exercises": [one]})
    small = course.model_copy(update={"decks": (deck,)})
    verification = verify(small)
    assert len(verification.items) == 1
    page = html.render_study_sheet(small, verification, {}).decode()
    assert "(1 check, passed)" in page and "1 checks" not in page
    assert "(2 checks, all passed)" in html.render_study_sheet(small, _twice(verification), {}).decode()


def _twice(verification):
    from dataclasses import replace

    return replace(verification, items=list(verification.items) * 2)


def test_slip_the_study_sheet_title_names_the_course_once(course):
    page = html.render_study_sheet(course, verify(course, only=set()), {}).decode()
    [title] = re.findall(r"<title>(.*?)</title>", page)
    assert title == f"Study sheet · {course.info.title}"


def test_slip_a_subscripted_prime_is_stacked_over_its_subscript():
    mathml = to_mathml(r"f_\varphi'(x)", False)
    assert re.search(r'<msubsup><mi>f</mi><mi>φ</mi><mpadded voffset="[^"]+"><mo class="prime"[^>]*>′</mo>', mathml)
    assert "<msup>" not in to_mathml("f'(x)", False)  # an unsubscripted prime still sits on the base


def test_slip_a_subscripted_prime_prints_over_its_subscript_in_chromium(chromium_browser):
    css = (REPO / "templates" / "html" / "print.css").read_text("utf-8")
    page = chromium_browser.new_page()
    formula = to_mathml(r"f_\varphi'(x)", False)
    page.set_content(f"<style>{css}</style><p>{formula}</p>")
    boxes = page.evaluate("""() => ['mi', 'mo.prime'].map(s => [...document.querySelectorAll(s)]
        .map(e => e.getBoundingClientRect()).map(r => [r.left, r.right, r.top, r.bottom]))""")
    page.close()
    f, phi = boxes[0][0], boxes[0][1]
    prime = boxes[1][0]
    assert prime[0] < phi[1] and phi[0] < prime[1]  # stacked: the prime and the subscript overlap in x
    assert prime[3] <= phi[2] + 2 and prime[2] < f[2] + (f[3] - f[2]) / 2  # the prime above, near f's top

