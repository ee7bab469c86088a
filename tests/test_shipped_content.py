"""The shipped course: every sheet-02 question exactly once, complete, cited, checked, and consistent."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from conftest import REPO
from rgann_cards.content.length import budget, words
from rgann_cards.content.load import load_course

# The sheet's questions per task (Task 4 is printed as a second "Task 03" on the sheet).
SHEET02 = {1: "abc", 2: "abcd", 3: "abcdefg", 4: "ab"}
DERIVATIONS = {"1(b)", "2(d)", "3(c)", "3(d)", "3(g)", "4(a)", "4(b)", "2(b)"}


@pytest.fixture(scope="module")
def course():
    return load_course(REPO / "content")


def test_every_sheet02_question_is_present_exactly_once(course):
    labels = Counter(ex.label for deck, ex in course.exercises() if deck.sheet == 2)
    expected = {f"{task}({letter})" for task, letters in SHEET02.items() for letter in letters}
    assert set(labels) == expected
    assert all(count == 1 for count in labels.values())


def test_counts_per_task(course):
    per_task = Counter(deck.task for deck, ex in course.exercises() if deck.sheet == 2)
    assert per_task == {task: len(letters) for task, letters in SHEET02.items()}


def test_each_exercise_is_complete(course):
    for _, ex in course.exercises():
        assert 3 <= len(ex.key_points) <= 7, ex.id
        assert ex.references, ex.id
        assert len(ex.cards) >= 3, ex.id


def test_enough_atomic_cards_with_cloze_for_key_equations(course):
    cards = [card for _, ex in course.exercises() for card in ex.cards]
    assert len(cards) >= 55
    cloze_text = " ".join(c.cloze for c in cards if c.kind == "cloze")
    # LSTM cell update, forget-gate gradient, BN transform, residual Jacobian, ELBO,
    # reparameterization, KL of Gaussians, GAN minimax objective
    for marker in [r"s_c^t =", r"\delta_\varphi^t =", r"\hat{x}_i =", r"\partial \mathbf{x}}\left(\mathbf{x} + F",
                   "ELBO", "Reparameterization", r"\ln\det\Sigma", r"\min_{G} \max_{D}"]:
        assert marker in cloze_text, marker


def test_every_derivation_exercise_has_a_check(course):
    checked = {ex.label for _, ex in course.exercises() if ex.checks}
    assert DERIVATIONS <= checked


def test_required_named_checks_are_wired(course):
    used = {(ex.label, c.function) for _, ex in course.exercises() for c in ex.checks if c.function}
    for required in [("1(b)", "lstm.forget_gate_gradient"), ("1(b)", "lstm.forget_gate_chain_rule"),
                     ("3(c)", "kl.discrete_asymmetry"), ("3(c)", "kl.nonnegativity"),
                     ("3(g)", "gaussian.kl_standard_normal_1d"), ("3(g)", "gaussian.kl_standard_normal_diagonal"),
                     ("3(g)", "gaussian.kl_standard_normal_full_covariance"),
                     ("3(d)", "reparam.pathwise_gradient"), ("3(d)", "reparam.variance_ratio"),
                     ("2(d)", "residual.jacobian_identity"), ("2(d)", "residual.gradient_norm_depth"),
                     ("4(a)", "gan.optimal_discriminator"), ("4(a)", "gan.equilibrium_value"),
                     ("4(a)", "gan.jsd_identity"), ("1(b)", "sigmoid.derivative_bound"),
                     ("2(d)", "sigmoid.derivative_bound"), ("4(b)", "gan.generator_gradient_saturation"),
                     ("2(b)", "batchnorm.normalized_statistics"), ("2(b)", "batchnorm.inference_running_statistics")]:
        assert required in used, required


def test_every_reference_is_cited_and_every_citation_resolves(course):
    cited = {key for _, ex in course.exercises() for key in ex.references}
    assert cited == set(course.references)


def test_sheet_errata_are_pointed_out(course):
    forget = course.exercise("s02-t1b-forget-gate-gradient")
    assert "s_t^{t-1}" in forget.answer and "typo" in forget.answer.lower()
    gan = course.exercise("s02-t4a-gan-structure")
    assert re.search(r'"Task 03" a second time', gan.answer)
    mislabel_mentions = sum('"Task 03"' in ex.answer for _, ex in course.exercises())
    assert mislabel_mentions == 1  # mentioned once, not on every card


def test_ids_are_stable_and_namespaced(course):
    for deck, ex in course.exercises():
        prefix = f"s{deck.sheet:02d}-t{deck.task}"
        assert ex.id.startswith(prefix), ex.id
        for card in ex.cards:
            assert card.id.startswith(ex.id.split("-")[0] + "-" + ex.id.split("-")[1]), card.id


def test_lock_file_is_committed_and_current(shipped_build):
    """A clean build of the shipped content must not need to change content/anki.lock."""
    assert (shipped_build / "content" / "anki.lock").read_bytes() == (REPO / "content" / "anki.lock").read_bytes()


def test_every_model_answer_keeps_to_the_length_guide(course):
    """What a strong student writes in the exam: at most 40 words per point, a formula counting as one word."""
    for _, ex in course.exercises():
        assert 0 < words(ex.model_answer) <= budget(ex.points), (ex.label, words(ex.model_answer), ex.points)
        assert words(ex.model_answer) < words(ex.answer), ex.label  # shorter than the explanation
    assert not [w for w in course.warnings if "model answer" in w.message]
