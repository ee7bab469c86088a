"""The in-memory course. Frozen and strict: unknown keys and wrong types never get past the loader.

These classes double as the schema of the YAML files. The loader attaches a
``loc`` (a SourceLocation) to every object so later stages -- checks, markup,
exports -- can still report ``path:line`` for what they find.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.json_schema import SkipJsonSchema

from ..errors import Problem, SourceLocation
from ..identity import CourseIdentity, identity

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*[a-z0-9]$"
TAG_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_:.-]*$"
CLOZE_RE = re.compile(r"\{\{c(\d+)::")
# A built-in figure or course diagram by name, or a file under media/ (checked in content/media.py).
FIGURE_PATTERN = r"^(?:[a-z][a-z0-9_]*|media/\S+)$"
# Anki's cloze numbers: rslib/src/cloze.rs parses N as a u16 (c65536 and up are not clozes at all),
# ignores c0, and rslib/src/notetype/cardgen.rs makes card ordinal min(N - 1, 499), so c501 and up
# would all share card 500. genanki writes ordinal N - 1 unclamped, and Anki's importer then fails
# on the whole package (IntegralValueOutOfRange for c70000). Hence c1..c500.
MAX_CLOZE = 500
# An 'approx' check's tolerance is at most this fraction of |approx| (MAX_ZERO_TOL when approx is 0):
# a larger one would let a value of the wrong size pass, making the check vacuous.
MAX_RELATIVE_TOL = 0.01
MAX_ZERO_TOL = 1e-6


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


# The pattern only informs the JSON Schema (editors); validation is _not_blank, with its own message.
Text = Annotated[str, AfterValidator(_not_blank), Field(json_schema_extra={"pattern": r"\S"})]
Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=80)]
Tag = Annotated[str, Field(pattern=TAG_PATTERN, max_length=60)]
ParamValue = bool | int | float | str


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, arbitrary_types_allowed=True)

    loc: SkipJsonSchema[SourceLocation] = SourceLocation("<unknown>")  # set by the loader, never by YAML


class Reference(_Strict):
    """One entry of content/references.yaml. The key is how exercises cite it."""

    key: Id
    authors: list[Text] = Field(min_length=1)
    year: int = Field(ge=1800, le=2100)
    title: Text
    venue: Text
    doi: str | None = Field(default=None, pattern=r"^10\.\d{4,9}/\S+$")
    arxiv: str | None = Field(default=None, pattern=r"^\d{4}\.\d{4,5}$|^[a-z-]+(\.[A-Z]{2})?/\d{7}$")
    url: str | None = Field(default=None, pattern=r"^https://\S+$")

    @model_validator(mode="after")
    def _has_identifier(self) -> "Reference":
        if not (self.doi or self.arxiv or self.url):
            raise ValueError("needs at least one of doi, arxiv or url")
        return self

    def short(self) -> str:
        """``Hochreiter & Schmidhuber (1997)`` / ``van den Oord et al. (2017)``."""
        last = [_surname(a) for a in self.authors]
        if len(last) == 1:
            who = last[0]
        elif len(last) == 2:
            who = f"{last[0]} & {last[1]}"
        else:
            who = f"{last[0]} et al."
        return f"{who} ({self.year})"

    def link(self) -> str | None:
        if self.doi:
            return f"https://doi.org/{self.doi}"
        if self.arxiv:
            return f"https://arxiv.org/abs/{self.arxiv}"
        return self.url


_PARTICLES = {"van", "von", "den", "der", "de", "di", "da", "del", "le", "la", "du"}


def _surname(name: str) -> str:
    """Last name with its lowercase particles: 'Aaron van den Oord' -> 'van den Oord'."""
    words = name.split()
    start = len(words) - 1
    while start > 0 and words[start - 1] in _PARTICLES:
        start -= 1
    return " ".join(words[start:])


class Check(_Strict):
    """A claim in an answer and the code that verifies it: an expression, or a named Python check."""

    claim: Text
    claim_md: Text | None = None  # the claim as Markdown + $math$, for the printed outputs; JSON keeps `claim`
    expr: Text | None = Field(default=None, max_length=2000)
    equals: Text | int | None = None
    approx: float | None = None
    tol: float | None = Field(default=None, gt=0)
    function: str | None = Field(default=None, pattern=r"^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$")
    params: dict[str, ParamValue] = Field(default_factory=dict)
    # "arithmetic": the check only recomputes a stated number; outputs show it as computed, not as verified
    kind: Literal["arithmetic"] | None = None

    @model_validator(mode="after")
    def _one_form(self) -> "Check":
        if (self.expr is None) == (self.function is None):
            raise ValueError("a check needs exactly one of 'expr' or 'function'")
        if self.expr is not None:
            if (self.equals is None) == (self.approx is None):
                raise ValueError("an 'expr' check needs exactly one of 'equals' or 'approx'")
            if self.tol is not None and self.approx is None:
                raise ValueError("'tol' only applies to 'approx'")
            if self.params:
                raise ValueError("'params' only applies to 'function' checks")
        elif self.equals is not None or self.approx is not None or self.tol is not None:
            raise ValueError("'equals', 'approx' and 'tol' only apply to 'expr' checks")
        if self.tol is not None and self.approx is not None:
            bound = MAX_RELATIVE_TOL * abs(self.approx) if self.approx else MAX_ZERO_TOL
            if self.tol > bound:
                limit = f"1% of |approx| = {bound:g}" if self.approx else f"{MAX_ZERO_TOL:g} when approx is 0"
                raise ValueError(f"'tol' {self.tol:g} is too loose: at most {limit}, or the check proves nothing")
        return self

    @property
    def form(self) -> Literal["expr", "function"]:
        return "expr" if self.expr is not None else "function"

    @property
    def arithmetic(self) -> bool:
        """True for a check that recomputes a number rather than verifying a claim."""
        return self.kind == "arithmetic"


class NumericAnswer(_Strict):
    """An optional typed numeric answer (``answer_value``, ``tol``, ``unit``): the quiz asks for the number
    and grades it; the other outputs show it. See numeric.py for the rules."""

    answer_value: float | int | None = None
    tol: float | int | None = None
    unit: Annotated[str, Field(min_length=1, max_length=24, pattern=r"^[^\s$\\{}][^$\\{}]*$")] | None = None

    @model_validator(mode="after")
    def _numeric(self) -> "NumericAnswer":
        if self.answer_value is None and self.tol is None and self.unit is None:
            return self  # what check_numeric accepts at once, without the import per card (11,000: 5 ms at 10k)
        from .numeric import check_numeric

        check_numeric(self.answer_value, self.tol, self.unit)
        return self


class Card(NumericAnswer):
    """An atomic recall card: front/back, or a cloze text with {{c1::...}} deletions."""

    id: Id
    front: Text | None = None
    back: Text | None = None
    cloze: Text | None = None
    extra: Text | None = None
    figure: str | None = Field(default=None, pattern=FIGURE_PATTERN)
    tags: list[Tag] = Field(default_factory=list)

    @field_validator("cloze")
    @classmethod
    def _cloze_numbers(cls, text: str | None) -> str | None:
        for digits in sorted(set(CLOZE_RE.findall(text or "")), key=lambda d: (len(d), d)):
            if len(digits) > 3 or not 1 <= int(digits) <= MAX_CLOZE:  # never int() of a 5000-digit string
                shown = digits if len(digits) <= 12 else digits[:12] + "…"
                raise ValueError(f"cloze number c{shown} is out of range: Anki numbers deletions c1 to c{MAX_CLOZE}")
        return text

    @model_validator(mode="after")
    def _one_form(self) -> "Card":
        if self.cloze is not None:
            if self.front is not None or self.back is not None:
                raise ValueError("a card is either 'front'/'back' or 'cloze', not both")
            if not CLOZE_RE.search(self.cloze):
                raise ValueError("cloze card has no {{c1::...}} deletion")
        else:
            if self.front is None or self.back is None:
                raise ValueError("a card needs both 'front' and 'back' (or a 'cloze')")
            if self.extra is not None:
                raise ValueError("'extra' only applies to cloze cards")
        if self.cloze is not None and self.answer_value is not None:
            raise ValueError("'answer_value' only applies to front/back cards and exercises")
        return self

    @property
    def kind(self) -> Literal["basic", "cloze"]:
        return "cloze" if self.cloze is not None else "basic"


class Exercise(NumericAnswer):
    """One question of an exercise sheet with its reference answer, evidence and recall cards."""

    id: Id
    label: Text
    points: int = Field(default=1, ge=1, le=100)
    tags: list[Tag] = Field(default_factory=list)
    question: Text
    model_answer: Text  # what a strong student writes in the exam; at most ~40 words per point (lint warns)
    answer: Text  # the full explanation
    key_points: list[Text] = Field(min_length=1)
    figure: str | None = Field(default=None, pattern=FIGURE_PATTERN)
    answer_space: Literal["lines", "box", "drawing"] | None = None  # the printed quiz's; default from the wording
    sources: list[Text] = Field(default_factory=list)
    references: list[Id] = Field(default_factory=list)
    checks: list[Check] = Field(default_factory=list)
    cards: list[Card] = Field(default_factory=list)


class Deck(_Strict):
    """One content file: a subdeck of the root deck, e.g. ``Sheet 02::Task 1 · Gated memory``."""

    deck: Text
    sheet: int | None = Field(default=None, ge=1, le=99)
    task: int | None = Field(default=None, ge=1, le=99)
    exercises: list[Exercise] = Field(min_length=1)

    @property
    def auto_tags(self) -> list[str]:
        """``sheet02``, ``task01``: only for the numbers the deck file gives."""
        tags = [f"sheet{self.sheet:02d}"] if self.sheet is not None else []
        return tags + ([f"task{self.task:02d}"] if self.task is not None else [])


class CourseInfo(_Strict):
    """content/course.yaml: course-wide settings."""

    id: Id  # stable forever: every Anki id, output name and the progress database derive from it
    title: Text
    language: Literal["en", "de"] = "en"  # of the UI strings in every output (rgann_cards/i18n)
    root_deck: Annotated[str, Field(pattern=r"^[^:\s][^:]*$")]


class Course(BaseModel):
    """The whole validated course, in course order (files sorted by path, items in file order)."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    info: CourseInfo
    decks: tuple[Deck, ...]
    references: dict[str, Reference]
    warnings: tuple[Problem, ...] = ()  # located, sorted; printed by lint and build, errors under --strict
    diagrams: dict[str, Any] = Field(default_factory=dict)  # name -> Diagram (content/diagrams/NAME.yaml)
    media: dict[str, bytes] = Field(default_factory=dict)  # "media/x.png" -> checked (and, for SVG, safe) bytes

    @property
    def identity(self) -> CourseIdentity:
        """GUID namespace, note-type and deck ids, output names, progress database (rgann_cards/identity.py)."""
        return identity(self.info.id)

    def full_deck_name(self, deck: Deck) -> str:
        return f"{self.info.root_deck}::{deck.deck}"

    def exercises(self) -> list[tuple[Deck, Exercise]]:
        return [(d, e) for d in self.decks for e in d.exercises]

    def exercise(self, exercise_id: str) -> Exercise:
        for _, ex in self.exercises():
            if ex.id == exercise_id:
                return ex
        raise KeyError(exercise_id)
