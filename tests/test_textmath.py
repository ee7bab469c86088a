"""LaTeX -> readable Unicode for the terminal: targeted rules, and every formula of the shipped course."""

from __future__ import annotations

import io
import re

import pytest
from rich.cells import cell_len
from rich.console import Console

from conftest import FIXTURES, REPO
from rgann_cards.content.load import load_course
from rgann_cards.quiz import render
from rgann_cards.quiz.items import items_of
from rgann_cards.quiz.textmath import BOLD_OFF, BOLD_ON, MARK_OFF, MARK_ON, MathError, to_marked, to_unicode

CASES = [
    # Greek, distinct phi/epsilon variants
    (r"\alpha + \beta", "α + β"),
    (r"\phi \ne \varphi", "ϕ ≠ φ"),
    (r"\epsilon, \varepsilon", "ϵ, ε"),
    # scripts: Unicode only when every character has one, else _x / _(...)
    (r"x^2 + y_1", "x² + y₁"),
    (r"s_c^{t-1}", "s_cᵗ⁻¹"),
    (r"\sum_{n=1}^{N}", "∑ₙ₌₁ᴺ"),
    (r"\sum_{c=1}^{D}", "∑_(c=1)ᴰ"),
    (r"y_\varphi^t", "yᵩᵗ"),
    (r"y_\iota^t", "y_ιᵗ"),
    (r"p_{\text{data}}", "p_(data)"),
    (r"W^\top x", "Wᵀx"),
    (r"f'(x) + h^\prime", "f′(x) + h′"),
    (r"D^*(x)", "D*(x)"),
    (r"\nabla_\phi f", "∇_ϕ f"),
    (r"\log_2 x", "log₂ x"),
    # fractions: parentheses exactly around operands that are not single tokens
    (r"\frac{1}{2}", "1/2"),
    (r"\frac{a+b}{2}", "(a+b)/2"),
    (r"\frac{1}{2\pi}", "1/(2π)"),
    (r"\frac{\partial E}{\partial \mathrm{net}_\varphi^t}", "∂E/∂netᵩᵗ"),
    (r"\frac{p(x)}{p(x) + q(x)}", "p(x)/(p(x) + q(x))"),
    (r"\frac{1}{2}\left(a + b\right)", "1/2 (a + b)"),
    (r"\frac{\lambda}{2}\|w\|^2", "λ/2 ‖w‖²"),
    (r"\ln\frac{a}{b}", "ln(a/b)"),
    (r"\sum_x P(x) \log \frac{P(x)}{Q(x)}", "∑ₓ P(x) log(P(x)/Q(x))"),
    (r"\sqrt{2\pi}", "√(2π)"),
    (r"\sqrt{x}", "√x"),
    # operator names, relations, binary operators
    (r"\log D(x)", "log D(x)"),
    (r"\log(1 - D)", "log(1 - D)"),
    (r"-\log 4 + 2 \operatorname{JSD}(p \| q)", "-log 4 + 2 JSD(p ‖ q)"),
    (r"\operatorname{tr}\Sigma + \mu^\top\mu", "tr Σ + μᵀμ"),
    (r"x \to 0", "x → 0"),
    (r"z \sim \mathcal{N}(\mu, \sigma^2)", "z ∼ 𝒩(μ, σ²)"),
    (r"p(x \mid z)", "p(x | z)"),
    (r"a \pm b", "a ± b"),
    (r"\pm 1", "±1"),
    (r"(\pm g)", "(±g)"),
    (r"\Delta = 20", "Δ = 20"),
    (r"x \in \mathbb{R}^D", "x ∈ ℝᴰ"),
    (r"\mathbb{E}_{x \sim p}\left[\log D(x)\right]", "𝔼_(x ∼ p)[log D(x)]"),
    (r"\min_{G} \max_{D} V(D, G)", "min_G max_D V(D, G)"),
    (r"\left. x\right|_{x=0}", "x|ₓ₌₀"),
    (r"c = 1, \dots, D", "c = 1, …, D"),
    (r"a \cdot b \odot c", "a · b ⊙ c"),
    # fonts and accents
    (r"\mathbf{x} + \boldsymbol{\mu}", "x + μ"),
    (r"\mathrm{net}_c", "net_c"),
    (r"\hat{x} \approx \tilde{x}", "x̂ ≈ x̃"),
    (r"\overleftarrow{h}^t", "h⃖ᵗ"),
    (r"\text{as } x \to 0", "as x → 0"),
    (r"a \quad b", "a   b"),
    (r"\{\iota, \varphi\}", "{ι, φ}"),
]


@pytest.mark.parametrize("latex, expected", CASES)
def test_rules(latex, expected):
    assert to_unicode(latex, strict=True) == expected


def test_aligned_environment_aligns_the_relations():
    latex = r"\begin{aligned} s_c^t &= y_\varphi^t\, s_c^{t-1} \\ y &= h(s_c^t). \end{aligned}"
    assert to_unicode(latex, strict=True) == "s_cᵗ = yᵩᵗ s_cᵗ⁻¹\n   y = h(s_cᵗ)."


def test_bold_is_marked_for_the_renderer_and_dropped_in_plain_text():
    assert to_marked(r"\mathbf{w}_1") == f"{BOLD_ON}w{BOLD_OFF}₁"
    assert to_unicode(r"\mathbf{w}_1") == "w₁"


def test_cloze_marks_pass_through():
    latex = f"a = {{{MARK_ON}\\text{{[...]}}{MARK_OFF}}} + b"
    assert to_unicode(latex, strict=True) == f"a = {MARK_ON}[...]{MARK_OFF} + b"


def test_unknown_command_is_an_error_only_when_strict():
    with pytest.raises(MathError, match=r"unknown LaTeX command \\foo"):
        to_unicode(r"\foo{x}", strict=True)
    assert to_unicode(r"a + \foo") == r"a + \foo"  # shown as written rather than dropped or crashing


def test_broken_latex_never_crashes_a_session():
    assert to_unicode(r"\frac{a}{") in (r"\frac{a}{", "a/")


def _math_spans(text: str) -> list[str]:
    spans = []
    for token in render._parser().parse(text):
        for child in token.children or [token]:
            if child.type.startswith("math_"):
                spans.append(child.content)
    return spans


def _fields(item) -> list[str]:
    return [item.front, item.back, item.extra or "", *item.key_points]


@pytest.fixture(scope="module", params=["shipped", "fixture"])
def course_items(request):
    root = REPO / "content" if request.param == "shipped" else FIXTURES / "valid"
    return items_of(load_course(root))


def test_every_formula_of_the_course_renders(course_items):
    spans = sorted({span for item in course_items for field in _fields(item) for span in _math_spans(field)})
    assert spans, "no math found"
    for latex in spans:
        text = to_unicode(latex, strict=True)  # strict: an unknown command fails here
        assert not re.search(r"\\[A-Za-z]", text), f"{latex!r} -> {text!r}"
        assert "_{" not in text and "^{" not in text, f"{latex!r} -> {text!r}"
        assert not re.search("[\ue000-\uf8ff]", text.replace(MARK_ON, "").replace(MARK_OFF, "")), text


def test_every_item_renders_in_80_columns_without_latex(course_items):
    console = Console(width=80, record=True, color_system=None, file=io.StringIO())
    for item in course_items:
        for field in _fields(item):
            console.print(render.markdown(field))
    out = console.export_text()
    assert not re.search(r"\\(frac|mathbf|sum|left|right|text|operatorname|[A-Za-z]{2,})\b", out)
    assert max(cell_len(line.rstrip()) for line in out.splitlines()) <= 80  # combining accents take no cell
    assert "$" not in out.replace("\\$", "")


def test_markdown_layout_in_80_columns():
    text = ("**Bold** and *em* with $x_1$ and `code` and [a link](https://example.org).\n\n"
            "1. first item that is long enough to wrap around the eighty column limit of the terminal, surely\n"
            "2. second\n   - nested $\\alpha$\n\n"
            "$$\n\\frac{1}{N} \\sum_{n=1}^{N} x_n\n$$\n\n"
            "| a | b |\n|---|---|\n| $\\mu$ | 2 |\n\n> quoted\n\n<script>alert(1)</script>\n")
    console = Console(width=80, record=True, color_system=None, file=io.StringIO())
    console.print(render.markdown(text))
    out = console.export_text()
    lines = [line.rstrip() for line in out.splitlines()]
    assert lines[0] == "Bold and em with x₁ and code and a link (https://example.org)."
    assert lines[2].startswith("1. first item") and lines[3] == "   terminal, surely"  # hanging indent
    assert "   • nested α" in lines
    assert "    1/N ∑ₙ₌₁ᴺ xₙ" in lines
    assert any(line.split() == ["μ", "2"] for line in lines)
    assert "<script>alert(1)</script>" in out  # raw HTML is shown as text, never interpreted


@pytest.mark.parametrize("latex, expected", [
    (r"A = \begin{pmatrix} 2 & 1 \\ 1 & 3 \end{pmatrix}", "A = ⎛ 2  1 ⎞\n    ⎝ 1  3 ⎠"),
    (r"\begin{bmatrix} 3 & -1 \\ -1 & 2 \end{bmatrix}", "⎡  3  -1 ⎤\n⎣ -1   2 ⎦"),
    (r"\begin{vmatrix} a & b \\ c & d \end{vmatrix} = ad - bc", "│ a  b │ = ad - bc\n│ c  d │"),
    (r"\begin{matrix} 1 \end{matrix}", "1"),
    (r"f = \begin{cases} 0 & x < 0 \\ 1 & x = 0 \\ x & x > 0 \end{cases}",
     "    ⎧ 0  x < 0\nf = ⎨ 1  x = 0\n    ⎩ x  x > 0"),
    (r"\frac{1}{2}\begin{bmatrix} a \\ b \\ c \end{bmatrix}", "    ⎡ a ⎤\n1/2 ⎢ b ⎥\n    ⎣ c ⎦"),
    (r"\frac{\begin{pmatrix} 1 \\ 2 \end{pmatrix}}{2}", " ⎛ 1 ⎞\n ⎝ 2 ⎠\n───────\n   2"),
])
def test_two_dimensional_math(latex, expected):
    assert "\n".join(line.rstrip() for line in to_unicode(latex, strict=True).split("\n")) == expected


def test_two_dimensional_math_leaves_the_paragraph():
    console = Console(width=80, record=True, color_system=None, file=io.StringIO())
    console.print(render.markdown("Let $A = \\begin{pmatrix} 1 & 0 \\\\ 0 & 1 \\end{pmatrix}$ be given, and\n$$\n"
                                  "x = 1\n$$\nafter. Inline $x_1$ stays."))
    lines = [line.rstrip() for line in console.export_text().splitlines()]
    assert lines == ["Let", "    A = ⎛ 1  0 ⎞", "        ⎝ 0  1 ⎠", "be given, and", "    x = 1",
                     "after. Inline x₁ stays."]
