"""Which fields of an exercise are Markdown, and how to lint them beside this process before they
are validated.

The loader lints every text field (markup/batch.py). On a large course, or while the build
still imports, a forked child starts on the fields as the files spell them: strict models keep
every string as written, so these are the texts validation accepts. A field that differs after
all (a course with errors) is linted when the validated ones are.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

from .. import forked

Field = tuple[str, bool, bool]  # (text, cloze, printed): markup/batch.py's


def text_fields(exercise, get: Callable[[Any, str], Any]) -> Iterator[tuple[tuple, Any, bool, bool]]:
    """Every Markdown field of an exercise, as (path below it, text, cloze, printed): of a validated
    one (``get=getattr``), or of one as its file spells it (``get=spelled``)."""
    for field in ("question", "model_answer", "answer"):  # the printed pages show these: MathML as well
        yield (field,), get(exercise, field), False, True
    for j, point in enumerate(_listed(get(exercise, "key_points"))):
        yield ("key_points", j), point, False, True
    for k, check in enumerate(_listed(get(exercise, "checks"))):
        yield ("checks", k, "claim_md"), get(check, "claim_md"), False, True
    for k, card in enumerate(_listed(get(exercise, "cards"))):
        for field in ("front", "back", "extra"):
            yield ("cards", k, field), get(card, field), False, False
        yield ("cards", k, "cloze"), get(card, "cloze"), True, False


def lint_fields(exercise) -> list[Field]:
    """The Markdown fields of a validated exercise as lint takes them: ``(text or "", cloze, printed)``
    for each of text_fields(exercise, getattr), in its order, made without the generator (41,000
    fields at 10,000 notes: 8 ms less; tests/test_content_sent.py holds the two equal)."""
    found = [(exercise.question or "", False, True), (exercise.model_answer or "", False, True),
             (exercise.answer or "", False, True)]
    found += [(point or "", False, True) for point in exercise.key_points]
    found += [(check.claim_md or "", False, True) for check in exercise.checks]
    for card in exercise.cards:
        found += ((card.front or "", False, False), (card.back or "", False, False),
                  (card.extra or "", False, False), (card.cloze or "", True, False))
    return found


def spelled(mapping, key: str):
    """A key of a mapping as the file spells it (None where the file has something else)."""
    return mapping.get(key) if isinstance(mapping, dict) else None


def spelled_fields(exercises: list) -> list[Field]:
    """The text fields of exercises as their files spell them (None as "", not a string: left out)."""
    return [(text or "", cloze, printed) for ex in exercises for _, text, cloze, printed in text_fields(ex, spelled)
            if text is None or isinstance(text, str)]


def spelled_exercises(datas: list) -> list[dict]:
    """The exercises of deck files' parsed data, in file order (anything malformed left out)."""
    return [ex for data in datas if isinstance(data, dict) for ex in _listed(data.get("exercises"))
            if isinstance(ex, dict)]


def parts(exercises: list[dict]) -> tuple[Callable[[int], list[Field]], int]:
    """The exercises cut into forked.Tickets parts: part i's fields, and how many parts there are.
    Two processes that hold the same data cut it the same way."""
    cut = forked.parts(exercises, forked.Tickets.LIMIT)
    return (lambda i: spelled_fields(cut[i])), len(cut)


def estimate(exercises: list[dict]) -> int:
    """About how many text fields the exercises have (without walking them all)."""
    return sum(5 + 4 * len(_listed(ex.get("cards"))) for ex in exercises)


def _listed(value) -> list | tuple:
    return value if isinstance(value, (list, tuple)) else ()
