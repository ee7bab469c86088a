"""The required `model_answer` field and its length guide (about 40 words per point)."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli

from rgann_cards.content.length import budget, over_budget, words

TASK = Path("content") / "sheet01" / "task01-basics.yaml"
SHORT = '    model_answer: "The short answer a student writes in the exam."\n'


def test_a_formula_counts_as_one_word():
    assert words("The gap is $\\operatorname{KL}(q \\| p) \\ge 0$, zero iff $q = p$.") == 7
    assert words("- **Dropout:** drop units.\n- $$\na + b\n$$\n") == 4
    assert words("costs \\$5 only") == 3  # an escaped dollar is not math


def test_budget_and_warning_text():
    assert budget(3) == 120
    assert over_budget("word " * 80, 2) is None
    assert over_budget("word " * 81, 2) == ("model answer has 81 words; the guide is at most 40 per point "
                                            "(80 for 2 points)")


def test_model_answer_is_required(project: Path):
    path = project / TASK
    path.write_text(path.read_text("utf-8").replace(SHORT, "", 1), "utf-8")
    result = run_cli("lint", cwd=project)
    assert result.returncode == 1
    assert result.stderr.startswith("content/sheet01/task01-basics.yaml:5:5: missing required key 'model_answer'")


def test_a_long_model_answer_is_a_warning_and_an_error_under_strict(project: Path):
    path = project / TASK
    long = '    model_answer: "' + "word " * 81 + '"\n'
    path.write_text(path.read_text("utf-8").replace(SHORT, long, 1), "utf-8")
    result = run_cli("lint", cwd=project)
    assert result.returncode == 0
    warning = ("content/sheet01/task01-basics.yaml:11:19: warning: model answer has 81 words; the guide is at most "
               "40 per point (80 for 2 points)")
    assert warning in result.stderr
    strict = run_cli("lint", "--strict", cwd=project)
    assert strict.returncode == 1
