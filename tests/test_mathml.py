"""LaTeX -> MathML: every shipped formula converts faithfully; what cannot is an error, never a wrong rendering."""

from __future__ import annotations

import re
import unicodedata
from html import unescape
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO, copy_tree, run_cli
from rgann_cards import markup
from rgann_cards.markup import markdown as markup_internals
from rgann_cards.markup import mathml
from rgann_cards.content.load import load_course

FUNCTION_WORDS = r"\\(log|ln|exp|tanh|sin|cos|max|min|det|lim|sup|inf|arg)(?![A-Za-z])"


def shipped_formulas() -> list[tuple[str, bool]]:
    """Every math span of the shipped course (questions, answers, key points and cards), once each."""
    md = markup_internals._parser(markup.anki_math)
    spans: dict[tuple[str, bool], None] = {}
    for _, ex in load_course(REPO / "content").exercises():
        texts = [ex.question, ex.answer, *ex.key_points]
        for card in ex.cards:
            texts += [t for t in (card.front, card.back, card.extra) if t]
            if card.cloze:
                body, clozes = markup.split_clozes(card.cloze)
                texts.append(re.sub("\ue000(\\d+)\ue001", lambda m: "{" + clozes[int(m.group(1))].content + "}", body))
        for text in texts:
            for token in md.parse(text):
                for child in token.children or [token]:
                    if child.type.startswith("math_"):
                        spans[(child.content, child.type in ("math_block", "math_inline_double"))] = None
    return list(spans)


FORMULAS = shipped_formulas()


def alnum(text: str) -> list[str]:
    """ASCII letters and digits, with math alphanumerics folded back (𝐰 -> w, ℝ -> R), sorted."""
    return sorted(ch for ch in unicodedata.normalize("NFKC", text) if ch.isascii() and ch.isalnum())


def source_alnum(latex: str) -> list[str]:
    latex = re.sub(r"\\(begin|end)\{[^}]*\}", " ", latex)
    latex = re.sub(FUNCTION_WORDS, r" \1 ", latex)  # \log renders the word log
    return alnum(re.sub(r"\\[A-Za-z]+", " ", latex))


def test_the_shipped_course_has_many_formulas():
    assert len(FORMULAS) > 300


@pytest.mark.parametrize("latex,display", FORMULAS)
def test_every_shipped_formula_converts_faithfully(latex: str, display: bool):
    assert mathml.problems(latex) == []
    out = mathml.to_mathml(latex, display)
    text = unescape(re.sub(r"<[^>]+>", " ", out))
    assert "\\" not in text, "a LaTeX command was echoed instead of rendered"
    # nothing lost, nothing invented: the same letters and digits, in any order (scripts reorder them)
    assert alnum(text) == source_alnum(latex)
    assert 'mathvariant="bold' not in out  # MathML Core ignores it: letters must be Unicode bold
    assert "linebreak" not in out and "<mi>&amp;</mi>" not in out


def test_aligned_becomes_an_alignment_table():
    out = mathml.to_mathml(r"\begin{aligned} a &= b, \\ c &= d. \end{aligned}", True)
    assert out.startswith('<math display="block"><mrow><mtable class="align" displaystyle="true">')
    assert out.count("<mtr>") == 2
    assert out.count('columnalign="right"') == 2 and out.count('columnalign="left"') == 2


@pytest.mark.parametrize("latex,expected", [
    (r"x \sim p", "<mo>\u223c</mo>"),  # latex2mathml maps \sim to '~' as an identifier
    (r"\mathbb{E}", "<mi>\U0001d53c</mi>"),
    (r"\mathcal{N}", "<mi>\U0001d4a9</mi>"),
    (r"\mathbf{w}", "<mi>\U0001d430</mi>"),
    (r"\mathbf{\mu}", "\U0001d6cd"),  # mathvariant on Greek, not in MathML Core
    (r"\text{ if } x", "<mtext>\u00a0if\u00a0</mtext>"),
    (r"\text{a \& b}", "<mtext>a\u00a0&amp;\u00a0b</mtext>"),
    (r"P \| Q", "\u2016"),
    (r"\mathrm{net}_c", '<mi mathvariant="normal">net</mi>'),
    (r"\Sigma", '<mi mathvariant="normal">\u03a3</mi>'),  # capital Greek is upright in TeX
    (r"a \pm b", "<mo>\u00b1</mo>"),
    (r"\overleftarrow{h}", 'stretchy="true">\u2190</mo></mover>'),
    (r"\overleftarrow{h}", '<mover accent="true">'),
    (r"\operatorname{KL}(P \| Q)", '<mo lspace="0" rspace="0">KL</mo>'),
    (r"\log x", '<mo lspace="0" rspace="0.1667em">log</mo>'),
    (r"\zeta := x", "<mo>:=</mo>"),
])
def test_converter_gaps_are_worked_around(latex: str, expected: str):
    assert expected in mathml.to_mathml(latex, False)


def test_left_right_keeps_fences_and_stretches_only_around_tall_content():
    short = mathml.to_mathml(r"\left(x_i\right)", False)
    tall = mathml.to_mathml(r"\left(\frac{a}{b}\right)", False)
    assert short.count('fence="true"') == 2 and 'stretchy="true"' not in short
    assert tall.count('stretchy="true"') == 2


def test_a_prime_sits_on_the_base_not_in_a_tiny_superscript():
    out = mathml.to_mathml(r"f_\varphi'(x) + x'^2 + g^{\prime}", False)
    # under a subscript the prime stays stacked over it, at full size (class prime, print.css), not (f′)_φ
    assert '<msubsup><mi>f</mi><mi>φ</mi><mpadded voffset="-0.35em"><mo class="prime"' in out
    assert "<msup><mrow><mi>x</mi><mo" in out
    assert "<mrow><mi>g</mi><mo lspace=\"0\" rspace=\"0\">\u2032</mo></mrow>" in out


def test_limits_go_below_max_only_in_display():
    assert "<munder><mo" in mathml.to_mathml(r"\max_D V", True)
    assert "<msub><mo" in mathml.to_mathml(r"\max_D V", False)


@pytest.mark.parametrize("latex,message", [
    (r"\foo{x}", "unknown LaTeX command '\\foo'"),
    (r"\alpha + \bar{x} + \qux", "unknown LaTeX command '\\qux'"),
    (r"\boxed{x}", "unsupported LaTeX command '\\boxed' (boxes and strike-outs cannot be drawn in MathML)"),
    (r"\newcommand{\x}{y}", "unsupported LaTeX command '\\newcommand' (macros are not allowed; write the standard "
                            "commands out)"),
    (r"\href{javascript:alert(1)}{x}", "unsupported LaTeX command '\\href' (links do not belong in formulas)"),
    (r"\begin{gather} x \end{gather}", "unsupported environment 'gather' (use one of: aligned, array, cases, "
                                       "pmatrix, ...)"),
    (r"a \\ b", "line break '\\\\' outside an aligned environment"),
    (r"a & b", "'&' outside an aligned environment (write \\& for an ampersand)"),
    (r"x_1_2", "double subscript (write x_{a b} or {x_a}_b)"),
    (r"\left( x", "\\left without matching \\right (or the other way round)"),
    (r"\text{\alpha}", "LaTeX command '\\alpha' inside \\text{...} is not rendered"),
])
def test_what_cannot_render_faithfully_is_reported(latex: str, message: str):
    assert mathml.problems(latex)[0] == message
    with pytest.raises(mathml.MathError):
        mathml.to_mathml(latex, False)


def test_a_line_break_is_not_mistaken_for_a_command():
    assert mathml.problems(r"\begin{aligned} a &= 1 \\b &= 2 \end{aligned}") == []


def test_markup_in_formulas_is_escaped_never_emitted():
    out = mathml.to_mathml(r"\text{<script>alert(1)</script>} < b \,\&", False)
    assert "<script" not in out and "&lt;script&gt;" in out and "<mo>&lt;</mo>" in out and "<mi>&amp;</mi>" in out


def test_lint_reports_math_problems_in_every_field_kind():
    assert markup.problems(r"see $\foo{x}$") == ["unknown LaTeX command '\\foo' in math '$\\foo{x}$'"]
    assert markup.problems(r"$x = {{c1::\bar{y} + \qux}}$", cloze=True) == [
        "unknown LaTeX command '\\qux' in math '$x = {\\bar{y} + \\qux}$'"]
    assert markup.problems(r"{{c1::the $\boxed{z}$}}", cloze=True)[0].startswith("unsupported LaTeX command '\\boxed'")
    assert markup.problems(r"$\frac{a}{b$") == [r"unbalanced braces in math '$\frac{a}{b$'"]  # reported once


def test_anki_output_is_unchanged_by_the_mathml_checks():
    assert markup.render(r"$x \sim p$") == r"\(x \sim p\)"


def test_unknown_command_is_a_path_line_error(tmp_path: Path):
    copy_tree(FIXTURES / "valid", tmp_path / "content")
    copy_tree(FIXTURES / "invalid" / "unknown-latex-command", tmp_path / "content")
    (tmp_path / "content" / "expected.txt").unlink()
    result = run_cli("lint", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "content/sheet01/task02-more.yaml:7:15: unknown LaTeX command '\\foo' in math '$\\foo{x}$'")
