"""markup/batch.py: linting on two cores gives what linting on one gives, and survives its child failing."""

from __future__ import annotations

import os

import pytest

from rgann_cards import forked
from rgann_cards.markup import batch, field_lint, markdown, mathml

FIELDS = [
    ("What is $\\alpha_{1} + \\beta$ for item 1?", False, False),
    ("It is $\\frac{a}{2}$, as shown in **lecture 2**.", False, False),
    ("Its derivative is $f'' \\ge 0$,\n\n$$\n\\int_0^1 f(x)\\,dx = \\frac{1}{3}\n$$\n\nso *it is* convex.", False, True),
    ("The value is {{c1::$\\sum_{k=1}^{3} k^2$}} in case 1.", True, False),
    ("In math: ${{c1::x}}^2$ and {{c2::text **bold**}}.", True, True),
    ("- a list item with $a + b + c + d + e + f + g + h + i + j + k + l + m + n + o + p + q$", False, False),
    ("broken $\\frac{a$ braces", False, True),
    ("a forbidden $\\href{x}{y}$ command", False, False),
    ("a stray $ dollar", False, True),
    ("$\\text{\\alpha}$ echoed", False, True),
    ("{{c1::unclosed", True, False),
] * 3 + [(f"Field {i} with $x_{{{i}}}^2 + \\sqrt{{y_{i}}}$ and **bold {i}**.", False, i % 3 == 0) for i in range(300)]


def _state():
    parsed = {key: (p.printed, dict(p.rendered)) for key, p in markdown._PARSED.items()}
    # a field no page prints comes back from the child as its Anki HTML alone: all that is asked of it
    parsed.update({key: (False, {(markdown.anki_math, None): html}) for key, html in markdown._ANKI_ONLY.items()
                   if key not in parsed})
    return parsed, dict(mathml._CONVERTED)


def _lint(parallel: bool):
    markdown.forget()
    results = batch.lint(FIELDS, parallel=parallel)
    return results, _state()


def test_two_cores_and_one_give_the_same_results_and_caches():
    serial, serial_state = _lint(False)
    parallel, parallel_state = _lint(True)
    assert parallel == serial
    assert any(errors for errors, _ in serial) and any(warnings for _, warnings in serial)  # the fields do find things
    # the child's parses and conversions were adopted: the pages and Anki reuse them
    assert parallel_state[1] == serial_state[1]
    assert set(parallel_state[0]) == set(serial_state[0])
    for key, (printed, rendered) in serial_state[0].items():
        assert parallel_state[0][key][0] == printed
        assert parallel_state[0][key][1] == rendered
    # and what is rendered after linting is the same bytes
    after = [markdown.render(text, mathml.to_mathml if printed else markdown.anki_math, cloze=cloze)
             for (text, cloze, printed), (errors, _) in zip(FIELDS, parallel) if not errors]
    _lint(False)
    assert after == [markdown.render(text, mathml.to_mathml if printed else markdown.anki_math, cloze=cloze)
                     for (text, cloze, printed), (errors, _) in zip(FIELDS, serial) if not errors]


def test_a_failing_child_leaves_its_share_to_the_parent(monkeypatch):
    serial, _ = _lint(False)
    parent = os.getpid()
    real = field_lint.lint  # what each field's lint calls (markup/batch._one)

    def broken_in_the_child(*args, **kwargs):
        if os.getpid() != parent:
            raise RuntimeError("a bug that only the child meets")
        return real(*args, **kwargs)

    monkeypatch.setattr(field_lint, "lint", broken_in_the_child)
    markdown.forget()
    assert batch.lint(FIELDS, parallel=True) == serial


def test_small_courses_and_threaded_callers_lint_in_this_process(monkeypatch):
    forks = []
    monkeypatch.setattr(os, "fork", lambda: forks.append(1) or pytest.fail("forked"))
    markdown.forget()
    batch.lint(FIELDS[: batch.MIN_PARALLEL - 1])
    monkeypatch.setattr(forked.threading, "active_count", lambda: 2)
    markdown.forget()
    batch.lint(FIELDS * (batch.MIN_PARALLEL // len(FIELDS) + 1))
    assert not forks


def test_fields_that_were_not_linted_beside_are_linted_here():
    serial, serial_state = _lint(False)
    markdown.forget()
    half = list(dict.fromkeys(FIELDS))[::2]
    parts = forked.parts(half, 7)
    started = batch.Linting(parts.__getitem__, len(parts))  # what the loader starts before validating
    assert batch.lint(FIELDS, started=started) == serial
    assert dict(mathml._CONVERTED) == serial_state[1]


def test_a_load_that_lints_beside_reports_what_a_serial_one_reports(tmp_path, monkeypatch):
    import shutil
    from pathlib import Path

    from rgann_cards.content.load import load_course
    from rgann_cards.errors import ContentError

    content = tmp_path / "content"
    shutil.copytree(Path(__file__).resolve().parent.parent / "content", content)
    deck = content / "sheet02" / "task04-gans.yaml"
    text = deck.read_text("utf-8")
    text = text.replace("question: ", "question: broken $\\frac{a$ braces and ", 1)
    deck.write_text(text.replace("front: ", "front: a stray $ dollar, ", 1), "utf-8")

    def problems():
        with pytest.raises(ContentError) as caught:
            load_course(content)
        return [str(p) for p in caught.value.problems]

    serial = problems()
    assert any("unbalanced braces" in p for p in serial) and any("stray '$'" in p for p in serial)
    monkeypatch.setattr(batch, "MIN_PARALLEL", 0)
    monkeypatch.setattr(forked, "can_fork", lambda: True)
    started = []
    real = batch.Linting.__init__
    monkeypatch.setattr(batch.Linting, "__init__", lambda self, *a: started.append(1) or real(self, *a))
    assert problems() == serial
    assert started  # the fields were linted beside, from the files as spelled


def _shaped_fields(rng, templates: int, instances: int) -> list[tuple[str, bool, bool]]:
    """Random fields in groups of one shape (each '@' a random ASCII digit), whose lint, if it read a digit's
    value or a digit's count, would differ within or across groups: widths at a phone's column (a digit is
    11.4 px), "1." starting a list where "2." cannot, ``\\frac12``, ``\\5``, digits beside dollars, deletions."""
    texts = ["What is", "item @", "case @@.", "*bold @*", "**lecture @**", "@", "then", "(@)", "it's", "x/y", "-"]
    formulas = ["x_{@}", "\\alpha_{@@} + \\beta^{@}", "\\frac{@}{@}", "\\frac@@", "\\hspace{@em}", "\\@",
                "a \\& b", "\\begin{matrix} @ & @ \\end{matrix}", "@ & @", "\\sqrt{@", "\\href{@}", "f'' \\ge @"]
    fitting = ["x_{@}", "\\alpha_{@@} + \\beta^{@}", "\\frac{@}{@}", "\\frac@@", "x = " + "@" * 23, "f_{@}(x) = x^{@}"]
    forms = [
        lambda: f"What is ${rng.choice(fitting)}$ for item @, *if* ${rng.choice(fitting)}$?",
        lambda: " ".join(rng.choice([rng.choice(texts), f"${rng.choice(formulas)}$"])
                         for _ in range(rng.randint(1, 6))),
        lambda: f"Value ${'x = ' + '@' * rng.randint(20, 30)}$ in case @.",
        lambda: f"Intro @\n@. $x = {'@' * 23}$",  # in a list only after "1.": 305 px, more than a list item's room
        lambda: f"${rng.choice(formulas)}$ holds for @",  # a line that starts with '$' and ends with a digit
        lambda: f"@$x$ and $y$@ and $z$",
        lambda: f"A $x_@$\n\nB @",
        lambda: f"The value of $x_{{@@}}$ is {{{{c@::${rng.choice(formulas)}$}}}} in case @.",
        lambda: f"In math ${{{{c@::@}}}}^@ + {{{{c@::y::hint @}}}}$ and {{{{c@::text @::hint}}}}.",
        lambda: f"{{{{c@::{'@' * rng.randint(1, 3)}. item}}}} and {{{{c@::${'x = ' + '@' * rng.randint(20, 30)}$}}}}",
    ]
    fields = []
    for _ in range(templates):
        template = rng.choice(forms)()
        cloze = "{{c" in template if rng.random() < 0.9 else "{{c" not in template
        printed = rng.random() < 0.2
        for _ in range(instances):
            text = "".join(str(rng.randrange(10)) if ch == "@" else ch for ch in template)
            fields.append((text, cloze, printed))
    return fields


def test_fields_of_a_shape_found_clean_are_clean_as_the_full_lint_finds(monkeypatch):
    """field_lint.lint skips every check of a field whose shape (its ASCII digits zeroed) was found clean in a
    field whose lint read no digit's value, and fills its Anki HTML in from that field's (markup/digits.py):
    on random groups of fields of one shape, each result is what a fresh lint of that field alone finds, and
    its Anki HTML the same bytes."""
    import random

    fields = _shaped_fields(random.Random(23), 400, 4)
    looked_at = []
    real = field_lint._problems
    monkeypatch.setattr(field_lint, "_problems", lambda *args: looked_at.append(1) or real(*args))

    def lint(fresh: bool):
        markdown.forget()
        results, anki = [], []
        for text, cloze, printed in fields:
            if fresh:
                markdown.forget()
            results.append(batch._one(text, cloze, printed))
            anki.append(markdown.render(text, cloze=cloze) if not results[-1][0] else None)
        return results, anki

    shortcut = lint(False)
    taken, looked_at[:] = len(looked_at), []
    full = lint(True)
    assert shortcut == full
    assert taken < len(looked_at) * 0.8  # the shortcut was taken, often
    assert any(errors for errors, _ in full[0]) and any(warnings for _, warnings in full[0])
