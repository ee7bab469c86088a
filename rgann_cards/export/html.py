"""Course -> three printable pages: the study sheet, a quiz and its answer key.

Pure functions: they return bytes and write nothing. Each page is one
self-contained file (CSS embedded, figures inline SVG, math MathML; no
JavaScript, no network, no external fonts), so it works from a USB stick.
Same input, same bytes: nothing depends on the clock.
"""

from __future__ import annotations

import hashlib
import random
import re
from contextlib import contextmanager
from dataclasses import dataclass, field

from markupsafe import Markup

from .. import markup
from ..errors import UsageError
from ..i18n import Messages, messages
from ..markup.mathml import to_mathml
from ..content.model import Course, Deck, Exercise, Reference
from ..content.numeric import with_answer
from ..selection import deck_matches, has_tag
from ..checks.verify import Verification
from . import images
from .answer_space import AnswerSpace, answer_space
from .html_blocks import mark_wide_displays, split_first_block
from .html_safe import inline_svg, sanitize
from .html_templates import parts_once, render as _render
from .quiz_layout import plan

Selection = list[tuple[Deck, Exercise]]

_LEAD_IN = re.compile(r"<p>(<strong>[^<]*</strong>)</p>")
_LEAD_IN_START = "<p><strong>"  # where every match of _LEAD_IN begins


@dataclass(frozen=True)
class CheckView:
    claim: Markup  # typeset from claim_md when the content has it, else the plain claim as text
    method: str
    measured: str
    computed: bool = False  # a `kind: arithmetic` check: shown as computed, not as verified


@dataclass(frozen=True)
class ExerciseView:
    """One exercise as a page shows it; answer fields stay empty on the quiz."""

    id: str
    number: int
    label: str
    deck: str
    points: int
    question: Markup
    space: AnswerSpace
    new_page: bool = False  # the quiz's page plan starts a printed page here
    model_answer: Markup | None = None
    answer: Markup | None = None
    answer_start: Markup = Markup("")  # the answer's first block, printed with the heading and question
    answer_rest: Markup = Markup("")
    key_points: list[Markup] = field(default_factory=list)
    figure: Markup | None = None
    sources: list[str] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    verified: str = ""
    checks: list[CheckView] = field(default_factory=list)
    numeric: bool = False          # a typed numeric answer: the quiz shows an answer box
    unit: str | None = None
    lead: Markup = Markup("")  # the question's first sentence, for the study sheet's table of contents


@dataclass(frozen=True)
class DeckView:
    id: str
    sheet: str
    title: str
    exercises: list[ExerciseView]


@dataclass(frozen=True)
class Page:
    """What every page's header and running head need."""

    title: str
    course: str
    subtitle: str
    running_title: str
    code: str = ""
    total_points: int = 0


def render_study_sheet(course: Course, verification: Verification, figures: dict[str, bytes]) -> bytes:
    """Every exercise with answer, key points, figure, references and checks, grouped by task.

    ``figures`` maps a figure name to its SVG; an exercise whose figure is missing is shown without it.
    """
    views = {ex.id: _view(course, deck, ex, n, verification, figures)
             for n, (deck, ex) in enumerate(course.exercises(), 1)}
    decks = [DeckView(_slug(d.deck), *_parts(d), [views[ex.id] for ex in d.exercises]) for d in course.decks]
    t = messages(course.info.language)
    subtitle = " · ".join([t.study_sheet, *_sheets(course.decks, t), t.n("exercises", len(course.exercises()))])
    page = Page(t.study_sheet, course.info.title, subtitle, f"{course.info.title} · {t.study_sheet}")
    computed = sum(check.arithmetic for _, check, _ in verification.items)
    return _render("study-sheet.html", t, page=page, decks=decks, checks=len(verification.items) - computed,
                   computed=computed)


def select(course: Course, *, seed: int | None = None, count: int | None = None, tag: str | None = None,
           deck: str | None = None, shuffle: bool = False) -> Selection:
    """The quiz's exercises: filtered by tag and deck glob, then ``count`` drawn and/or shuffled by ``seed``.

    Without ``count`` and ``shuffle`` this is every matching exercise in course order.
    The same arguments always give the same selection in the same order.
    """
    pool = [(d, e) for d, e in course.exercises()
            if (tag is None or has_tag(tag, [*e.tags, *d.auto_tags]))
            and (deck is None or deck_matches(deck, course.full_deck_name(d), d.loc.file))]
    if not pool:
        wanted = " and ".join(f for f in (tag and f"tag '{tag}'", deck and f"deck '{deck}'") if f)
        raise UsageError(f"no exercise matches {wanted or 'in the course'}")
    if count is not None and not 1 <= count <= len(pool):
        raise UsageError(f"--count must be between 1 and {len(pool)}, the number of matching exercises")
    if (count is not None or shuffle) and seed is None:
        raise UsageError("drawing or shuffling questions needs a --seed")
    rng = random.Random(seed)
    picked = sorted(rng.sample(range(len(pool)), count)) if count is not None else list(range(len(pool)))
    if shuffle:
        rng.shuffle(picked)
    return [pool[i] for i in picked]


def render_quiz(course: Course, selection: Selection, *, seed: int | None = None, space: str = "normal") -> bytes:
    """Questions only, each with points and answer space; a header for name, date and score.

    ``space`` (compact, normal, generous) scales every answer space.
    """
    t = messages(course.info.language)
    questions = [_html(e.question, course.media, f"q{n}") for n, (_, e) in enumerate(selection, 1)]
    # a numeric answer's result line is one more line of text to plan for
    placed = plan([(str(q) + (f"<p>{t.numeric_answer}:</p>" if e.answer_value is not None else ""),
                    _space(e, space)) for q, (_, e) in zip(questions, selection)])
    # each view made once, with its planned space (dataclasses.replace after the plan: 4 ms at 10k notes)
    views = [ExerciseView(**_base(d, e, n, q, p.space), new_page=p.new_page)
             for n, ((d, e), q, p) in enumerate(zip(selection, questions, placed), 1)]
    return _render("quiz.html", t, page=_quiz_page(course, selection, t.quiz, seed), exercises=views)


def render_answer_key(course: Course, verification: Verification, selection: Selection,
                      figures: dict[str, bytes], *, seed: int | None = None, two_up: bool = False) -> bytes:
    """The quiz's questions in the quiz's order, with answers, key points and points; ``two_up`` sets it in
    two columns."""
    views = [_view(course, d, e, n, verification, figures) for n, (d, e) in enumerate(selection, 1)]
    t = messages(course.info.language)
    return _render("answer-key.html", t, page=_quiz_page(course, selection, t.answer_key, seed), exercises=views,
                   two_up=two_up)


def quiz_code(selection: Selection) -> str:
    """Six hex digits tying a printed key to its quiz: they change with the selection or its order."""
    return hashlib.sha256(" ".join(e.id for _, e in selection).encode()).hexdigest()[:6].upper()


def _quiz_page(course: Course, selection: Selection, kind: str, seed: int | None) -> Page:
    code = quiz_code(selection)
    points = sum(e.points for _, e in selection)
    t = messages(course.info.language)
    parts = [t.n("questions", len(selection)), t.n("points", points)]
    parts += [t.format("seed", seed=seed)] if seed is not None else []
    return Page(kind, course.info.title, " · ".join(parts), f"{course.info.title} · {kind} {code}", code, points)


# Within shared_rendering(): (kind, ...) -> a view or fragment already made for another page of this build.
_shared: dict | None = None


@contextmanager
def shared_rendering():
    """Render several pages of one course with each exercise view and fragment made once for all of them
    (the study sheet and the answer key show the same views; every page shows the questions).

    The memo lives only as long as the block, in which the course and its results stay alive, so keys
    may name them by identity.
    """
    global _shared
    outer, _shared = _shared, {}
    try:
        with parts_once():
            yield
    finally:
        _shared = outer


def _view(course: Course, deck: Deck, ex: Exercise, number: int, verification: Verification,
          figures: dict[str, bytes] | None) -> ExerciseView:
    """An exercise with its answer, as the study sheet and the answer key show it."""
    if _shared is None:
        return _make_view(course, deck, ex, number, verification, figures)
    key = ("view", id(course), id(deck), ex.id, number, id(verification), id(figures))
    view = _shared.get(key)
    if view is None:
        view = _shared[key] = _make_view(course, deck, ex, number, verification, figures)
    return view


def _make_view(course: Course, deck: Deck, ex: Exercise, number: int, verification: Verification,
               figures: dict[str, bytes] | None) -> ExerciseView:
    media = course.media
    base = _base(deck, ex, number, _html(ex.question, media, f"q{number}"), _space(ex, "normal"))
    svg = (figures or {}).get(ex.figure or "")
    results = verification.results.get(ex.id, [])
    answer = _html(ex.answer, media, f"a{number}")
    start, rest = split_first_block(str(answer))
    return ExerciseView(
        **base, model_answer=_html(with_answer(ex.model_answer, ex.answer_value, ex.tol, ex.unit,
                                                   messages(course.info.language).numeric_answer), media,
                                   f"m{number}"),
        answer=answer, answer_start=Markup(start), answer_rest=Markup(rest),
        key_points=[_html(p, media, f"k{number}-{j}") for j, p in enumerate(ex.key_points)],
        figure=_figure(ex.figure, svg, number) if svg else None,
        sources=list(ex.sources), references=[course.references[k] for k in ex.references],
        verified=verification.verified_line(ex.id, course.info.language),
        checks=[CheckView(_html(c.claim_md) if c.claim_md else Markup.escape(c.claim), r.method, r.measured,
                          c.arithmetic) for c, r in zip(ex.checks, results)],
        lead=_lead(ex.question),  # here, not added by the study sheet: the answer key then shares its views
    )


def _base(deck: Deck, ex: Exercise, number: int, question: Markup, space: AnswerSpace) -> dict:
    """What every page shows of an exercise."""
    return dict(id=ex.id, number=number, label=ex.label, deck=_parts(deck)[1], points=ex.points, question=question,
                space=space, numeric=ex.answer_value is not None, unit=ex.unit)


def _space(ex: Exercise, space: str) -> AnswerSpace:
    """answer_space, once for the quiz and the other pages' views."""
    if _shared is None:
        return answer_space(ex, space)
    key = ("space", id(ex), space)
    found = _shared.get(key)
    if found is None:
        found = _shared[key] = answer_space(ex, space)
    return found


def _figure(name: str, data: bytes, number: int) -> Markup:
    if name.startswith("media/"):
        return images.figure_html(name, data, f"fig{number}-media", name)
    return Markup(inline_svg(data, f"fig{number}-{name}"))


_KEPT = re.compile("\ue012(\\d+)\ue013")  # private-use: plain text to the sanitizer


def _sanitize_keeping_images(fragment: str) -> str:
    """nh3 over a fragment; its Markdown images (our renderer's own tags, checked by lint) pass as they are.

    Content can never write such a tag itself (raw HTML is shown as text); images.restore embeds them.
    """
    kept: list[str] = []

    def keep(match: re.Match) -> str:
        kept.append(match.group(0))
        return f"\ue012{len(kept) - 1}\ue013"

    clean = sanitize(images.IMG_TAG.sub(keep, fragment))
    return _KEPT.sub(lambda m: kept[int(m.group(1))], clean) if "\ue012" in clean else clean


def _html(text: str, media: dict[str, bytes] | None = None, prefix: str = "img") -> Markup:
    """Markdown + math through the one pipeline; only its sanitized output (and checked images) is marked safe.

    The fragment is rendered and sanitized once per build (cached by markup), before its MathML goes in.
    """
    if _shared is None:
        return _make_html(text, media, prefix)
    html = _shared.get(("html", text))  # made before, with no image in it: the same for any media and prefix
    if html is None:
        key = ("html", text, id(media), prefix)
        html = _shared.get(key)
        if html is None:
            html = _shared[key] = _make_html(text, media, prefix)
    return html


def _make_html(text: str, media: dict[str, bytes] | None, prefix: str) -> Markup:
    lifted, found = images.lift(markup.render(text, to_mathml, sanitize=_sanitize_keeping_images))
    html = Markup(mark_wide_displays(_lead_ins(images.restore(lifted, found, media or {}, prefix))))
    if not found and _shared is not None:
        # media and prefix only place images: without one, this serves the text wherever it is printed
        # (at 10k notes the leads, which repeat their questions, and repeated key points: 2,000 of 6,000)
        _shared[("html", text)] = html
    return html


def _lead_ins(html: str) -> str:
    """'**How it is addressed.**' alone in a paragraph is a heading: print.css keeps it with what follows."""
    if _LEAD_IN_START not in html:  # most fragments: a search costs a tenth of the substitution
        return html
    return _LEAD_IN.sub(r'<p class="lead-in">\1</p>', html)


def _lead(question: str, limit: int = 110) -> Markup:
    """The question's first sentence, for the table of contents; cut at a space outside math."""
    first = " ".join(question.strip().split("\n\n")[0].split())
    in_math, space = False, None
    for i, ch in enumerate(first):
        if ch == "$" and first[i - 1 : i] != "\\":
            in_math = not in_math
        elif not in_math and ch in ".?!" and first[i + 1 : i + 2] in ("", " "):
            if i < limit + 20:
                return _html(first[: i + 1])
            break
        elif not in_math and ch == " " and i <= limit:
            space = i
    return _html(first if len(first) <= limit + 20 or space is None else first[:space] + " …")


def _parts(deck: Deck) -> tuple[str, str]:
    """'Sheet 02::Task 1 · Gated memory' -> ('Sheet 02', 'Task 1 · Gated memory')."""
    parts = deck.deck.split("::")
    return " › ".join(parts[:-1]), parts[-1]


def _sheets(decks: tuple[Deck, ...], t: Messages) -> list[str]:
    """'Sheet 02' or 'Sheets 01, 02'; nothing when no deck file gives a sheet number."""
    sheets = sorted({d.sheet for d in decks if d.sheet is not None})
    if not sheets:
        return []
    if len(sheets) == 1:
        return [t.format("sheet", number=sheets[0])]
    return [t.format("sheets", numbers=", ".join(f"{s:02d}" for s in sheets))]


def _slug(text: str) -> str:
    return "deck-" + re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
