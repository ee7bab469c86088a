"""markup/mathml_shapes.py: formulas that differ only in their numbers share one conversion, and it is
exactly the MathML each would get on its own.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rgann_cards.markup import mathml
from rgann_cards.markup.mathml_shapes import Shapes, _markers
from rgann_cards.markup.tex import math_problems

# Where digits go in a formula, '#' for a number: plain numbers, scripts with and without braces,
# fractions with digit arguments, roots, decimals, dimensions, bold digits, text, \skew, alignments.
FRAGMENTS = [
    "#", "x_#", "x_{#}", "x^#_#", "\\alpha_{#} + \\beta^{#}", "\\frac{#}{#}", "\\frac##", "\\tfrac#x",
    "\\sqrt[#]{x}", "\\sqrt{#}", "#.#", ".#", "#.", "\\mathbf{#}", "\\mathrm{x#}", "\\text{case #}",
    "\\hspace{#em}", "#\\,mm", "\\skew{#}\\hat{A}", "\\begin{aligned} a &= # \\\\[#pt] b &= #\\end{aligned}",
    "\\begin{array}{cc} # & # \\\\ # & x \\end{array}", "10^{-#}", "\\int_#^# f(x)\\,dx", "\\sum_{k=#}^{n} k^#",
    "f''_{#}(x) \\ge #", "#!", "\\overset{#}{=}", "\\binom{n}{#}", "\\left( # \\right)", "-#", "\\sigma(#x)",
    "x_{#}^{#}", "\\mathbb{R}^{#}", "{#}_{#}", "# #", "#^{#^{#}}", "\\operatorname{KL}(#)", "#\\%", "\\hat{#}",
]


def numbers(draw_digits, shape: str) -> str:
    out, parts = [], shape.split("#")
    for index, part in enumerate(parts):
        out.append(part)
        if index < len(parts) - 1:
            out.append(draw_digits())
    return "".join(out)


def direct(latex: str, display: bool):
    return mathml._convert(latex, display)


def through_shapes(formulas: list[str], display: bool) -> list:
    shapes = Shapes(direct, math_problems)
    return [shapes.convert(latex, display) for latex in formulas]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=4), st.sampled_from([" + ", " = ", "", ", "]),
       st.booleans(), st.randoms(use_true_random=False))
def test_every_formula_of_a_shape_gets_its_own_mathml(fragments, joiner, display, rng):
    shape = joiner.join(fragments)
    # lengths stay fixed per place (that is the shape); values vary, with repeats and zeros
    lengths = [rng.choice([1, 1, 1, 2, 3]) for _ in range(shape.count("#"))]
    formulas = []
    for _ in range(4):
        digits = iter("".join(rng.choice("0123456789" if rng.random() < 0.7 else "01") for _ in range(n))
                      for n in lengths)
        formulas.append(numbers(lambda: next(digits), shape))
    assert through_shapes(formulas, display) == [direct(latex, display) for latex in formulas]


@pytest.mark.parametrize("shape", FRAGMENTS)
def test_each_place_of_a_number_alone(shape):
    rng = random.Random(shape)
    formulas = [numbers(lambda: str(rng.randrange(10)), shape) for _ in range(12)]
    for display in (False, True):
        assert through_shapes(formulas, display) == [direct(latex, display) for latex in formulas]


def test_a_repeated_shape_is_converted_twice_in_all():
    calls = []

    def counting(latex, display):
        calls.append(latex)
        return direct(latex, display)

    shapes = Shapes(counting, math_problems)
    formulas = [f"\\alpha_{{{i}}} + \\frac{{{i % 7}}}{{2}}" for i in range(100, 200)]
    assert [shapes.convert(f, False) for f in formulas] == [direct(f, False) for f in formulas]
    assert len(calls) == 2  # the first formula, then the probe; the other 99 are filled in


def test_a_shape_whose_digits_are_read_elsewhere_is_converted_one_by_one():
    # \skew's width is a computed attribute, never an <mn>: no template, every formula converted
    calls = []
    shapes = Shapes(lambda latex, display: calls.append(latex) or direct(latex, display), math_problems)
    formulas = [f"\\skew{{{i}}}\\hat{{A}} + {i}" for i in range(1, 8)]
    assert [shapes.convert(f, False) for f in formulas] == [direct(f, False) for f in formulas]
    assert len(calls) == len(formulas) + 1  # one failed probe, then formula by formula


def test_the_probe_catches_a_converter_that_reads_a_value():
    """The check that makes the template safe: a (made-up) converter that also copies a number into an
    attribute passes the plain-<mn> test, and only the probe's comparison with the first formula stops it."""
    def reads_values(latex, display):
        html, found = direct(latex, display)
        return html.replace("<math>", f'<math class="n{latex[-1]}">', 1), found

    shapes = Shapes(reads_values, math_problems)
    formulas = [f"x + {n}" for n in "1234"]
    assert [shapes.convert(f, False) for f in formulas] == [reads_values(f, False) for f in formulas]


def test_a_problem_is_still_reported_for_each_formula():
    shapes = Shapes(direct, math_problems)
    assert shapes.convert("x_{1}", False) == direct("x_{1}", False)
    assert shapes.convert("x_{2}", False) == direct("x_{2}", False)
    assert shapes.convert("x_{3} \\foo", False)[1] == ("unknown LaTeX command '\\foo'",)


def test_markers_differ_from_the_numbers_they_stand_for_and_from_each_other():
    runs = ["0", "1", "0", "12", "3.5", "7"]
    markers = _markers(runs)
    assert all(len(m) == len(r) and m.find(".") == r.find(".") and all(a != b for a, b in zip(m, r) if b != ".")
               for m, r in zip(markers, runs))  # every digit differs: TeX may read one run as several numbers
    assert len(set(markers)) == len(markers)
    assert _markers([str(d) for d in range(10)] + ["5"]) is None  # eleven one-digit numbers: no room


@pytest.mark.parametrize("formulas", [
    ["0 + \\frac00", "0 + \\frac00", "0 + \\frac01"],  # found by hypothesis: \frac01 is \frac{0}{1}
    ["0 + \\frac00", "1 + \\frac23", "0 + \\frac01", "5 + \\frac10"],
    ["\\frac11", "\\frac12", "\\frac21", "\\sqrt12"],
    ["x^12_3", "x^45_6", "x^10_0"],
])
def test_a_number_that_tex_reads_as_several_is_never_filled_in_whole(formulas):
    for display in (False, True):
        assert through_shapes(formulas, display) == [direct(latex, display) for latex in formulas]


@settings(max_examples=2000, deadline=None)
@given(st.text(st.sampled_from(list("0123456789.x{}_^ \\") + ["\u0663", "\u00b2", "\uff15"]), max_size=20))
def test_a_shape_is_each_number_with_its_digits_zeroed(latex):
    """_shape zeroes every digit at once: the same as zeroing each run latex2mathml reads as a number,
    Unicode digits too (``\\d``), and a superscript two (not ``\\d``) kept."""
    from rgann_cards.markup.mathml_shapes import _RUN, _shape, _zeros

    assert _shape(latex) == _RUN.sub(_zeros, latex)
