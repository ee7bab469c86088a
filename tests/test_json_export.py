"""dist/rgann.json: the whole validated course with check results, for other tools."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli


def _export(project: Path) -> dict:
    result = run_cli("export", "--format", "json", cwd=project)
    assert result.returncode == 0, result.stderr
    return json.loads((project / "dist" / "rgann.json").read_text("utf-8"))


def test_json_contains_the_whole_course(project: Path):
    data = _export(project)
    assert data["format"] == "rgann-cards/1"
    assert data["course"] == {"id": "rgann", "title": "Fixture Course", "root_deck": "FIX", "language": "en"}
    assert [e["id"] for e in data["exercises"]] == ["fx-t1a-sigmoid", "fx-t1b-kl", "fx-t2a-bptt"]
    first = data["exercises"][0]
    assert set(first) >= {"id", "label", "deck", "question", "model_answer", "answer", "key_points", "references",
                          "sources", "figure", "checks", "cards"}
    assert first["model_answer"] == "The short answer a student writes in the exam."
    assert first["deck"] == "FIX::Sheet 01::Task 1 · Basics"
    assert first["label"] == "1(a)" and first["points"] == 2
    assert first["tags"] == ["activation", "sheet01", "task01"]
    assert first["sources"] == ["Lecture 1, slide 12"] and first["references"] == ["hochreiter1997"]
    assert first["figure"] is None
    assert first["answer"].startswith("$$\n\\sigma'(x)")  # Markdown source, not HTML
    [check] = first["checks"]
    assert check["claim"] == "sigma'(0) = 1/4" and check["status"] == "pass"
    assert check["kind"] == "expr" and check["method"] and "measured" in check
    assert first["cards"] == [
        {"id": "fx-t1a-sigmoid-max", "kind": "basic", "front": "What is the maximum of $\\sigma'(x)$?",
         "back": "$\\frac{1}{4}$, at $x = 0$.", "figure": None, "tags": []},
        {"id": "fx-t1a-sigmoid-cloze", "kind": "cloze", "cloze": "$\\sigma'(x) = {{c1::\\sigma(x)\\,(1-\\sigma(x))}}$\n",
         "extra": "Follows from the quotient rule.", "figure": None, "tags": []},
    ]
    assert data["references"]["hochreiter1997"]["doi"] == "10.1162/neco.1997.9.8.1735"


def test_json_is_deterministic(project: Path):
    first = (_export(project), (project / "dist" / "rgann.json").read_bytes())
    second = (_export(project), (project / "dist" / "rgann.json").read_bytes())
    assert first[1] == second[1]


def test_the_fast_encoder_writes_what_json_dumps_writes_and_refuses_what_it_refuses():
    import pytest

    from rgann_cards.export.json import _dumps

    def stdlib(value):
        return json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False)

    plain = {"a": [], "b": {}, "c": [1, -0.0, 2.5, 1e300, 1e-7, True, False, None, "é\u2028\"\\\n\x00\t"],
             "d": [[[]], [{}], ("t", ("u",))], "": "", "nested": [{"k": {"n": [1, {"m": []}]}}], 1: "int key"}
    for value in (plain, [], {}, "x", 3, None):
        assert _dumps(value) == stdlib(value)
    for bad in ({"x": float("nan")}, [float("-inf")]):
        with pytest.raises(ValueError, match="Out of range float"):
            _dumps(bad)


def test_the_lock_s_encoder_writes_what_json_dumps_writes_with_its_indent_and_nan():
    from rgann_cards.jsontext import dumps

    value = {"entries": {"a": {"mod": 1, "cloze": {"1": "x"}, "text": "é\u2028"}, "b": {}}, "removed": {},
             "last_changes": [{"n": [1, 2.5, None, True]}, []], "x": float("nan"), "y": ["t", (1,)]}
    for data in (value, {k: v for k, v in value.items() if k != "x"}, {1: "int key"}, []):
        for indent in (1, 2, 4):
            assert dumps(data, indent=indent, allow_nan=True) == json.dumps(data, ensure_ascii=False, indent=indent)
