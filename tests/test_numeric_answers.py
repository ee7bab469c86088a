"""Typed numeric answers (answer_value, tol, unit): validation at lint, the quiz grades them in a pty, Anki shows
them on the back inside an existing field, the printable quiz has an answer box and the key the value."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import REPO, require_module, run_cli
from rgann_cards.content.load import load_course
from rgann_cards.content.numeric import accepts
from rgann_cards.quiz.typed import parse_number
from test_quiz_pty import Quiz, log, pexpect  # noqa: F401 (a fixture)

CARD = """      - id: fx-t2a-numeric
        front: What is the maximum of the logistic sigmoid's derivative?
        back: "$1/4$, at $x = 0$."
        answer_value: 0.25
        tol: 0.01
"""
EXERCISE_FIELDS = """    answer_value: 0.5
    tol: 0.05
    unit: nats
"""


def _numeric_course(project: Path, card: str = CARD, exercise: str = EXERCISE_FIELDS) -> Path:
    deck = project / "content" / "sheet01" / "task02-more.yaml"
    text = deck.read_text("utf-8")
    text = text.replace("    key_points: [unrolling the network in time]\n",
                        "    key_points: [unrolling the network in time]\n" + exercise)
    deck.write_text(text + card, "utf-8")
    return deck


@pytest.mark.parametrize("fields, message", [
    # the YAML layer refuses NaN and infinity in every number, before the model sees them
    ("answer_value: .nan\n        tol: 0.01", "number '.nan' is not finite: NaN and infinity are not allowed"),
    ("answer_value: 0.25\n        tol: .inf", "number '.inf' is not finite: NaN and infinity are not allowed"),
    ("answer_value: 0.25", "'answer_value' needs a 'tol' (the accepted absolute error, e.g. 1e-3)"),
    ("tol: 0.01", "'tol' and 'unit' need an 'answer_value'"),
    ("answer_value: 0.25\n        tol: 0.2", "'tol' must be positive and at most 0.125 (0.5 times the value), got 0.2"),
    ("answer_value: 0.25\n        tol: -0.01", "'tol' must be positive and at most 0.125"),
])
def test_bad_numeric_answers_are_lint_errors(project: Path, fields: str, message: str):
    card = CARD.replace("answer_value: 0.25\n        tol: 0.01", fields)
    deck = _numeric_course(project, card, "")
    result = run_cli("lint", cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert re.search(rf"content/sheet01/task02-more\.yaml:\d+(:\d+)?: .*{re.escape(message)}", result.stderr), \
        result.stderr
    assert deck.exists()


def test_a_cloze_card_cannot_have_a_numeric_answer(project: Path):
    deck = project / "content" / "sheet01" / "task01-basics.yaml"
    text = deck.read_text("utf-8")
    at = text.index("        cloze:")
    deck.write_text(text[:at] + "        answer_value: 1.0\n        tol: 0.1\n" + text[at:], "utf-8")
    result = run_cli("lint", cwd=project)
    assert result.returncode == 1
    assert "'answer_value' only applies to front/back cards and exercises" in result.stderr


@pytest.mark.parametrize("typed, value", [("0.25", 0.25), ("0,25", 0.25), ("2.5e-1", 0.25), (" .25 ", 0.25),
                                          ("0.25 nats", 0.25), ("-3", -3.0), ("abc", None), ("1.2.3", None),
                                          ("", None), ("nan", None), ("inf", None)])
def test_parse_number(typed, value):
    assert parse_number(typed, "nats") == value


def test_tolerance_is_inclusive_and_finite():
    assert accepts(0.0823, 5e-4, 0.0828) and not accepts(0.0823, 5e-4, 0.0829)
    assert not accepts(0.0823, 5e-4, float("nan"))


def test_quiz_grades_a_typed_answer_right_and_wrong(pexpect, project: Path):
    _numeric_course(project)
    quiz = Quiz(pexpect, project, "--ids", "fx-t2a-numeric")
    quiz.child.expect(r"Your answer: _  \[enter\] show the answer  \[q\] quit")
    quiz.child.send("0,251\r")
    quiz.child.expect(r"Your answer 0,251 is right: 0\.25 \(± 0\.01\)\. Suggested Good\.")
    quiz.child.expect(r"Numeric answer: 0\.25 \(± 0\.01\)")
    quiz.child.expect(r"\[enter\] Good  \[1\] Again")
    quiz.child.send("\r")  # accept Good
    quiz.child.expect(r"Your answer: _")  # the learning card comes back: now answer it wrongly
    quiz.child.send("0.3\r")
    quiz.child.expect(r"Your answer 0\.3 is wrong: the answer is 0\.25 \(± 0\.01\)\. Suggested Again\.")
    quiz.child.expect(r"\[enter\] Again  \[1\] Again")
    quiz.child.send("2")  # the student overrides the suggestion
    quiz.child.expect(r"Your answer: _")
    quiz.child.send("q")
    quiz.child.expect("Session over")
    assert quiz.finish() == 0
    assert log(quiz.db) == [("fx-t2a-numeric", 3), ("fx-t2a-numeric", 2)]


def test_exercise_answer_box_on_the_quiz_and_value_in_the_key(project: Path):
    _numeric_course(project)
    result = run_cli("quiz-sheet", "--seed", "1", "--tag", "task02", cwd=project)
    assert result.returncode == 0, result.stderr
    # a selection is written under its code (issue 18): quiz-<code>.html and answer-key-<code>.html
    [quiz_file] = (project / "dist").glob("quiz-*.html")
    [key_file] = (project / "dist").glob("answer-key-*.html")
    quiz, key = quiz_file.read_text("utf-8"), key_file.read_text("utf-8")
    assert '<p class="numeric-box">Numeric answer: <span class="blank"></span> nats</p>' in quiz
    assert "0.5 nats (± 0.05)" not in quiz  # the quiz never shows the value
    assert re.search(r"<strong>Numeric answer:</strong> 0\.5 nats \(± 0\.05\)", key)


def test_json_has_the_numeric_answer_only_where_there_is_one(project: Path):
    _numeric_course(project)
    assert run_cli("build", cwd=project).returncode == 0
    data = json.loads((project / "dist" / "rgann.json").read_text("utf-8"))
    exercises = {e["id"]: e for e in data["exercises"]}
    assert exercises["fx-t2a-bptt"]["numeric_answer"] == {"value": 0.5, "tol": 0.05, "unit": "nats"}
    assert "numeric_answer" not in exercises["fx-t1a-sigmoid"]
    cards = {c["id"]: c for e in data["exercises"] for c in e["cards"]}
    assert cards["fx-t2a-numeric"]["numeric_answer"] == {"value": 0.25, "tol": 0.01, "unit": None}
    assert "numeric_answer" not in cards["fx-t2a-bptt-card"]


def test_anki_shows_the_value_on_the_back_in_an_existing_field(project: Path, tmp_path: Path):
    require_module("anki")
    from anki.collection import Collection, ImportAnkiPackageRequest

    before = run_cli("build", cwd=project)
    assert before.returncode == 0
    fields_before = _note_type_fields(project / "dist" / "rgann.apkg", tmp_path / "a")
    _numeric_course(project)
    assert run_cli("build", cwd=project).returncode == 0
    (tmp_path / "b").mkdir()
    col = Collection(str(tmp_path / "b" / "collection.anki2"))
    options = col._backend.get_import_anki_package_presets()
    col.import_anki_package(ImportAnkiPackageRequest(package_path=str(project / "dist" / "rgann.apkg"),
                                                     options=options))
    (card_id,) = col.find_cards('"ID:fx-t2a-numeric"')
    back = col.get_card(card_id).answer()
    assert "<strong>Numeric answer:</strong> 0.25 (± 0.01)" in back
    (ex_id,) = col.find_cards('"ID:fx-t2a-bptt"')
    assert "<strong>Numeric answer:</strong> 0.5 nats (± 0.05)" in col.get_card(ex_id).answer()
    fields_after = {m["name"]: [f["name"] for f in m["flds"]] for m in col.models.all()}
    col.close()
    assert fields_after == fields_before  # no note-type field was added or removed


def _note_type_fields(apkg: Path, where: Path) -> dict[str, list[str]]:
    from anki.collection import Collection, ImportAnkiPackageRequest

    where.mkdir()
    col = Collection(str(where / "collection.anki2"))
    options = col._backend.get_import_anki_package_presets()
    col.import_anki_package(ImportAnkiPackageRequest(package_path=str(apkg), options=options))
    fields = {m["name"]: [f["name"] for f in m["flds"]] for m in col.models.all()}
    col.close()
    return fields


def test_shipped_course_has_the_sheet_s_numbers():
    course = load_course(REPO / "content")
    cards = {c.id: c for _, ex in course.exercises() for c in ex.cards}
    assert (cards["s02-t3c-kl-counterexample-values"].answer_value, cards["s02-t3c-kl-counterexample-values"].unit) == (0.0823, "nats")
    assert cards["s02-t3c-kl-counterexample-reverse"].answer_value == 0.0872
    assert cards["s02-t3g-kl-worked-example"].answer_value == 0.653
    # each value agrees with the exercise's own verified check of that number
    checks = {c.claim: c for _, ex in course.exercises() for c in ex.checks}
    assert accepts(0.0823, 5e-4, checks["KL(P||Q) ≈ 0.0823 nats"].approx)
    assert accepts(0.0872, 5e-4, checks["KL(Q||P) ≈ 0.0872 nats"].approx)
    assert accepts(0.653, 1e-3, checks["example value ≈ 0.653"].approx)
