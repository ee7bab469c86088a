"""Course + check results -> dist/rgann.json, the machine-readable course for other tools.

Texts stay Markdown+math source, so each consumer renders them for its own medium.
"""

from __future__ import annotations

from ..checks.result import CheckResult
from ..content.model import Card, Check, Course
from ..jsontext import dumps

FORMAT = "rgann-cards/1"


def _check(check: Check, result: CheckResult) -> dict:
    data: dict = {"claim": check.claim, "kind": check.form,
                  "evidence": "computed" if check.arithmetic else "verified"}
    if check.claim_md is not None:  # the typeset form, beside the plain one other tools match on
        data["claim_md"] = check.claim_md
    if check.expr is not None:
        data["expr"] = check.expr
        data["equals" if check.equals is not None else "approx"] = check.equals if check.equals is not None else check.approx
        if check.tol is not None:
            data["tol"] = check.tol
    else:
        data["function"] = check.function
        data["params"] = dict(sorted(check.params.items()))
    return {**data, **result.to_json()}


def _card(card: Card) -> dict:
    # each kind's dict made at once, not merged from three (9,000 cards at 10,000 notes)
    if card.kind == "cloze":
        data = {"id": card.id, "kind": "cloze", "cloze": card.cloze, "extra": card.extra, "figure": card.figure,
                "tags": card.tags}
    else:
        data = {"id": card.id, "kind": "basic", "front": card.front, "back": card.back, "figure": card.figure,
                "tags": card.tags}
    if card.answer_value is not None:
        data.update(_numeric(card))
    return data


def _numeric(item) -> dict:
    """The typed numeric answer, only where there is one (other entries stay as they were)."""
    if item.answer_value is None:
        return {}
    return {"numeric_answer": {"value": item.answer_value, "tol": item.tol, "unit": item.unit}}


def course_json(course: Course, results: dict[str, list[CheckResult]]) -> bytes:
    """The whole validated course as UTF-8 JSON, in course order."""
    exercises = []
    for deck, ex in course.exercises():
        exercises.append({
            "id": ex.id,
            "label": ex.label,
            "deck": course.full_deck_name(deck),
            "sheet": deck.sheet,
            "task": deck.task,
            "points": ex.points,
            "tags": sorted({*deck.auto_tags, *ex.tags}),
            "question": ex.question,
            "model_answer": ex.model_answer,
            "answer": ex.answer,
            "key_points": ex.key_points,
            "references": ex.references,
            "sources": ex.sources,
            "figure": ex.figure,
            "checks": [_check(c, r) for c, r in zip(ex.checks, results.get(ex.id, []))],
            "cards": [_card(c) for c in ex.cards],
            **_numeric(ex),
        })
    references = {
        key: ref.model_dump(exclude={"loc", "key"}, exclude_none=True) for key, ref in sorted(course.references.items())
    }
    data = {
        "format": FORMAT,
        "course": {"id": course.info.id, "title": course.info.title, "root_deck": course.info.root_deck,
                   "language": course.info.language},
        "references": references,
        "exercises": exercises,
    }
    return (_dumps(data) + "\n").encode("utf-8")


def _dumps(data) -> str:
    # strict JSON: NaN and Infinity are not JSON (the loader rejects them; this is the last wall)
    return dumps(data, indent=2, allow_nan=False)
