"""dist/rgann.json: the whole validated course with check results, for other tools."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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


def test_the_encoder_writes_random_documents_as_json_dumps_does():
    """jsontext writes a container of scalars with the C encoder and the rest itself: on random nested
    documents (scalars of every kind, empty and nested containers, text keys and others, subclasses)
    its text is json.dumps's at every indent."""
    import enum
    import random

    from rgann_cards.jsontext import dumps

    class Text(str):
        pass

    class Number(enum.IntEnum):
        ONE = 1

    rng = random.Random(14)
    texts = ["", "a", "é\u2028\"\\\n\x00\t", "\U0001f600", "{}", "[1]"]
    scalars = texts + [0, -7, 10**30, True, False, None, 2.5, -0.0, 1e300, Text("sub"), Number.ONE]

    def value(depth):
        roll = rng.random()
        if depth > 3 or roll < 0.45:
            return rng.choice(scalars)
        items = [value(depth + 1) for _ in range(rng.randint(0, 4))]
        if roll < 0.6:
            return items if rng.random() < 0.7 else tuple(items)
        keys = [rng.choice(texts + ["k", "z", "b"]) if rng.random() < 0.95 else rng.choice([1, None, True])
                for _ in items]
        return dict(zip(keys, items))

    flat = 0
    for _ in range(3000):
        document = value(0)
        for indent in (1, 2):
            assert dumps(document, indent=indent, allow_nan=True) == json.dumps(document, ensure_ascii=False,
                                                                               indent=indent), document
        flat += isinstance(document, (list, tuple, dict)) and all(
            type(v) in (str, int, bool, type(None)) for v in (document.values() if isinstance(document, dict)
                                                              else document))
    assert flat > 100  # the C encoder's containers came up often


@pytest.mark.parametrize("who", ["the build", "the child", "no one: the child took it and died"])
def test_the_json_is_the_same_whoever_makes_it(tmp_path: Path, monkeypatch, who: str):
    """The course JSON goes to whichever process is free first (outputs.render_outputs): made by the build,
    by the pages' child, or again by the build when the child took it and died, every output is the
    bytes of a build in one process, committed in the same order."""
    import os
    import time

    from conftest import FIXTURES, copy_tree
    from rgann_cards import build as building
    from rgann_cards import forked, outputs

    def run(name: str, *, fork: bool) -> tuple[dict, list]:
        project = tmp_path / name
        copy_tree(FIXTURES / "valid", project / "content")
        with monkeypatch.context() as m:
            m.setenv("SOURCE_DATE_EPOCH", "1750000000")
            m.setattr(forked, "can_fork", lambda: fork)
            report = building.build(project / "content", project / "dist", cache_dir=None,
                                    state_dir=project / "state")
        files = {p.relative_to(project).as_posix(): p.read_bytes() for p in sorted(project.rglob("*"))
                 if p.is_file() and "state" not in p.parts}
        return files, [p.relative_to(project).as_posix() for p in report.written]

    serial = run("serial", fork=False)
    made_by = tmp_path / "made-by"
    real_json, real_pages, real_anki = outputs.render_json, outputs._html_pages, outputs._anki_outputs

    def render_json(*args):
        with made_by.open("a") as out:
            out.write("child\n" if forked.in_child() else "build\n")
        if forked.in_child() and who.startswith("no one"):
            os._exit(3)
        return real_json(*args)

    def slow_pages(*args):  # the child is late: the build is free first
        if forked.in_child():
            time.sleep(1.0)
        return real_pages(*args)

    def slow_anki(*args):  # the build is late: the child is free first
        time.sleep(1.0)
        return real_anki(*args)

    monkeypatch.setattr(outputs, "render_json", render_json)
    monkeypatch.setattr(outputs, "_html_pages" if who == "the build" else "_anki_outputs",
                        slow_pages if who == "the build" else slow_anki)
    assert run("forked", fork=True) == serial
    expected = {"the build": ["build"], "the child": ["child"]}.get(who, ["child", "build"])
    assert made_by.read_text().split() == expected


def test_lists_of_flat_dicts_are_written_as_json_dumps_writes_them():
    """A list of dicts of scalars and empty containers (an exercise's cards) is written by one C encoder
    call and cut apart between dicts: on random such lists (text with braces, commas, quotes and
    newlines; empty lists and dicts as values; some with a value that sends them the long way) its
    text is json.dumps's at every indent."""
    import random

    from rgann_cards import jsontext
    from rgann_cards.jsontext import dumps

    rng = random.Random(21)
    texts = ["", "a", "}", "{", "},\n  {", '"},{"', "\\", "\n", "é\u2028", "\U0001f600", ", ", ": {"]
    values = texts + [0, -3, 10**20, True, False, None, [], {}, ()]
    odd = [[1], {"k": 1}, 2.5, ("t",)]

    def card():
        keys = rng.sample(texts + ["id", "kind", "tags", "figure"], rng.randint(1, 6))
        return {k: rng.choice(odd if rng.random() < 0.02 else values) for k in keys}

    batched = 0
    for _ in range(3000):
        cards = [card() for _ in range(rng.randint(1, 9))]
        document = rng.choice([cards, {"cards": cards}, [{"cards": cards, "x": [1]}]])
        for indent in (1, 2, 4):
            assert dumps(document, indent=indent, allow_nan=False) == json.dumps(document, ensure_ascii=False,
                                                                                indent=indent), document
        batched += jsontext._flat_dicts(cards)
    assert 1500 < batched < 3000
