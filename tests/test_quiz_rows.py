"""The quiz's items made as rows (quiz.items.item_rows, what the build stores) hold exactly what the items
made one keyword at a time, through Item's own __init__, hold; and the store writes the same file as
writing the items does."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

from conftest import FIXTURES
from rgann_cards.content.load import load_course
from rgann_cards.content.numeric import with_answer
from rgann_cards.errors import ContentError
from rgann_cards.markup import split_clozes
from rgann_cards.quiz import cache, items
from rgann_cards.quiz.items import FIELDS, Item, card_id, cloze_sides, item_rows, items_of

ROOT = Path(__file__).resolve().parent.parent


def _items_the_long_way(course) -> list[Item]:
    """items_of as it was written before rows: every field by keyword, through Item(...)."""
    from rgann_cards.i18n import messages

    made: list[Item] = []
    label = messages(course.info.language).numeric_answer
    for deck in course.decks:
        common = {"deck": course.full_deck_name(deck), "deck_file": deck.loc.file}
        for ex in deck.exercises:
            ex_tags = frozenset(deck.auto_tags) | frozenset(ex.tags)
            numeric = {"answer_value": ex.answer_value, "tol": ex.tol, "unit": ex.unit}
            made.append(Item(card_id=card_id(ex.id), key=ex.id, kind="exercise", order=len(made), label=ex.label,
                             exercise_id=ex.id, yaml_id=ex.id, tags=ex_tags, front=ex.question,
                             back=with_answer(ex.model_answer, ex.answer_value, ex.tol, ex.unit, label),
                             explanation=ex.answer, key_points=tuple(ex.key_points), points=ex.points,
                             figure=ex.figure, sources=tuple(ex.sources), **numeric, **common))
            for card in ex.cards:
                shared = {"label": ex.label, "exercise_id": ex.id, "yaml_id": card.id,
                          "tags": ex_tags | frozenset(card.tags), "figure": getattr(card, "figure", None), **common}
                if card.kind == "basic":
                    numeric = {"answer_value": card.answer_value, "tol": card.tol, "unit": card.unit}
                    made.append(Item(card_id=card_id(card.id), key=card.id, kind="basic", order=len(made),
                                     front=card.front, back=with_answer(card.back, card.answer_value, card.tol,
                                                                        card.unit, label), **numeric, **shared))
                    continue
                numbers = sorted({c.number for c in split_clozes(card.cloze)[1]})
                for n in numbers:
                    front, back = cloze_sides(card.cloze, n)
                    made.append(Item(card_id=card_id(f"{card.id}#c{n}"), key=f"{card.id}#c{n}", kind="cloze",
                                     order=len(made), front=front, back=back, extra=card.extra, cloze_number=n,
                                     cloze_count=len(numbers), **shared))
    return made


def _scale_course(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.syspath_prepend(str(ROOT / "bench"))  # scale.py imports its neighbours
    spec = importlib.util.spec_from_file_location("scale", ROOT / "bench" / "scale.py")
    scale = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scale)
    scale.write_course(300, tmp_path / "scale")
    return tmp_path / "scale"


@pytest.mark.parametrize("course", ["valid", "shipped", "scale"])
def test_rows_hold_what_items_made_by_keyword_hold(course, tmp_path: Path, monkeypatch):
    content = {"valid": FIXTURES / "valid", "shipped": ROOT / "content"}.get(course) \
        or _scale_course(tmp_path, monkeypatch)
    loaded = load_course(content)
    expected = _items_the_long_way(loaded)
    assert {i.kind for i in expected} == {"exercise", "basic", "cloze"}
    rows = item_rows(loaded)
    assert [dict(zip(FIELDS, row)) for row in rows] == [vars(item) for item in expected]
    # the same types too (a list for a tuple, 1.0 for 1 would be equal and still not the same item)
    assert [[type(v) for v in row] for row in rows] == [[type(getattr(i, f)) for f in FIELDS] for i in expected]
    built = items_of(loaded)
    assert built == expected and [repr(i) for i in built] == [repr(i) for i in expected]
    # the stored file is the one the items themselves write
    cache.store_items(content, loaded, tmp_path / "stored")
    cache._write(tmp_path / "written.json", cache.fingerprint(content), expected)
    stored = next((tmp_path / "stored").glob("*.json"))
    assert json.loads(stored.read_text("utf-8")) == json.loads((tmp_path / "written.json").read_text("utf-8"))


def test_a_colliding_quiz_id_is_refused_from_rows_as_from_items(monkeypatch):
    course = load_course(FIXTURES / "valid")
    monkeypatch.setattr(items, "card_id", lambda key: 7)  # every item the same id
    for make in (items_of, lambda c: items.check_rows(item_rows(c))):
        with pytest.raises(ContentError) as caught:
            make(course)
        assert len(caught.value.problems) == len(item_rows(course)) - 1
        assert re.search(r"quiz id of '.+' collides with '.+'; rename one of the YAML ids",
                         caught.value.problems[0].message)


def _sides_in_two_passes(body: str, clozes: list, number: int) -> tuple[str, str]:
    """items._sides as it was: one substitution per side."""
    from rgann_cards.markup import PLACEHOLDER
    from rgann_cards.quiz.items import _MATH_DELIMITER
    from rgann_cards.quiz.textmath import MARK_OFF, MARK_ON

    def side(revealed: bool) -> str:
        def put(m: re.Match) -> str:
            cloze = clozes[int(m.group(1))]
            if cloze.number != number:
                return cloze.content
            in_math = len(_MATH_DELIMITER.findall(body, 0, m.start())) % 2 == 1
            if revealed:
                shown = cloze.content
            else:
                blank = f"[{cloze.hint}]" if cloze.hint else "[...]"
                shown = f"\\text{{{blank}}}" if in_math else blank
            return f"{{{MARK_ON}{shown}{MARK_OFF}}}" if in_math else f"{MARK_ON}{shown}{MARK_OFF}"

        return PLACEHOLDER.sub(put, body)

    return side(False), side(True)


def test_both_sides_of_a_cloze_in_one_pass_are_the_two_passes_sides():
    """On random cloze texts (several numbers, hints, deletions in and out of $ and $$ math, \\$), every
    number's front and back are those of the substitution per side."""
    import random

    from rgann_cards.quiz.items import _sides

    rng = random.Random(9)
    pieces = ["x ", "$", "$$", "\\$", "a^", "_", " text ", "{{c1::one}}", "{{c2::two::hint}}", "{{c1::$y$}}",
              "{{c3::x^2}}", "{{c2::\\frac{a}{b}}}", "é ", "\n"]
    for _ in range(3000):
        text = "".join(rng.choices(pieces, k=rng.randint(1, 10)))
        body, clozes = split_clozes(text)
        for number in sorted({c.number for c in clozes}) + [99]:
            assert _sides(body, clozes, number) == _sides_in_two_passes(body, clozes, number), (text, number)
