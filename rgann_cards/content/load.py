"""YAML files -> validated Course. Collects every problem in every file, then raises once."""

from __future__ import annotations

import bisect
import itertools
from pathlib import Path
from typing import Any, Callable

from .. import forked, markup
from ..markup.tex import forbidden
from ..errors import ContentError, ProblemCollector, SourceLocation, display_path, excerpt
from ..markup import batch
from .assets import Assets
from . import fields
from .charset import IDENTIFYING_FIELDS, PATTERNED_FIELDS, describe
from .crossfile import check_deck_case, unknown_check
from .files import COURSE_FILE, MAX_COURSE_BYTES, REFERENCES_FILE, course_deck_files, readable, size_text
from .length import over_budget
from .model import Course, CourseInfo, Deck, Exercise, Reference
from .reading import Parsing, parse_all
from .validate import validate
from .yamlsource import Path_, SourceDoc, read_yaml


# Which nested lists hold which models: the loader stamps a `loc` on each of them.
_DECK_CHILDREN = {"exercises": {"checks": {}, "cards": {}}}


def deck_files(content_dir: Path, problems: ProblemCollector | None = None) -> list[Path]:
    """Deck files in course order: sorted by their path below content/ (see content/files.py)."""
    return course_deck_files(content_dir, problems if problems is not None else ProblemCollector())


def _read(path: Path, problems: ProblemCollector, parsed: SourceDoc | None = None) -> SourceDoc:
    """read_yaml (unless ``parsed`` already holds its result), then judge invisible characters by field:
    errors where text identifies, else warnings."""
    doc = parsed if parsed is not None else read_yaml(path, display_path(path))
    for where, char in doc.invisible.items():
        names = [p for p in where if isinstance(p, str)]
        field = names[-1] if names else "document"
        if field in PATTERNED_FIELDS:
            continue  # its pattern rejects the character, with the value
        if field in IDENTIFYING_FIELDS:
            problems.add(doc.loc(where), f"invisible character {describe(char)} is not allowed in '{field}'")
        else:
            problems.warn(doc.loc(where), f"invisible character {describe(char)} in text: it displays "
                                          "differently from what it is; remove it unless it is intended")
    return doc


def _stamp(doc: SourceDoc, data: Any, path: Path_, children: dict, problems: ProblemCollector) -> None:
    """Put a SourceLocation under 'loc' in every mapping that becomes a model."""
    if not isinstance(data, dict):
        return
    if "loc" in data:
        problems.add(doc.key_loc(path + ("loc",)), "unknown key 'loc'")
        return
    data["loc"] = doc.loc(path)
    for key, grandchildren in children.items():
        items = data.get(key)
        if isinstance(items, list):
            for i, item in enumerate(items):
                _stamp(doc, item, path + (key, i), grandchildren, problems)


def _load_info(path: Path, readable_files: set[Path], problems: ProblemCollector) -> CourseInfo | None:
    shown = display_path(path)
    if not (path.exists() or path.is_symlink()):
        problems.add(SourceLocation(shown), f"missing {COURSE_FILE} (course title and root deck)")
        return None
    if path not in readable_files:
        return None  # already reported (a symlink out of content/, a directory, too large)
    try:
        doc = _read(path, problems)
        _stamp(doc, doc.data, (), {}, problems)
        if not isinstance(doc.data, dict):
            problems.add(doc.loc(()), "expected a mapping with 'title' and 'root_deck'")
            return None
        for key in ("title", "root_deck"):
            value = doc.data.get(key)
            for message in forbidden(value) if isinstance(value, str) else ():
                problems.add(doc.loc((key,)), message)
        return validate(CourseInfo, doc, doc.data)
    except ContentError as exc:
        problems.extend(exc)
        return None


def _load_references(path: Path, readable_files: set[Path],
                     problems: ProblemCollector) -> tuple[dict[str, Reference], set[str]]:
    """The bibliography, plus the keys of entries that exist but are invalid (already reported)."""
    shown = display_path(path)
    if not (path.exists() or path.is_symlink()):
        problems.add(SourceLocation(shown), f"missing {REFERENCES_FILE} (the bibliography)")
        return {}, set()
    refs: dict[str, Reference] = {}
    broken: set[str] = set()
    if path not in readable_files:
        return refs, broken
    try:
        doc = _read(path, problems)
    except ContentError as exc:
        problems.extend(exc)
        return refs, broken
    if doc.data is None:
        return refs, broken
    if not isinstance(doc.data, dict):
        problems.add(doc.loc(()), "expected a mapping from reference key to reference")
        return refs, broken
    for key, entry in doc.data.items():
        if isinstance(entry, dict) and "key" in entry:
            problems.add(doc.key_loc((key, "key")), "unknown key 'key' (the mapping key is the reference key)")
            broken.add(key)
            continue
        _stamp(doc, entry, (key,), {}, problems)
        data = {"key": key, **entry} if isinstance(entry, dict) else entry
        if isinstance(entry, dict):
            for name, value in entry.items():  # shown in Anki and on the pages, next to the math
                for item, at in ([(v, (key, name, i)) for i, v in enumerate(value)] if isinstance(value, list)
                                 else [(value, (key, name))]):
                    for message in forbidden(item) if isinstance(item, str) else ():
                        problems.add(doc.loc(at), message)
        try:
            refs[key] = validate(Reference, doc, data, base=(key,))
        except ContentError as exc:
            problems.extend(exc)
            broken.add(key)
    return refs, broken


def _load_deck(path: Path, problems: ProblemCollector,
               parsed: SourceDoc | None = None) -> tuple[Deck | None, list[tuple[Path_, Exercise]], SourceDoc] | None:
    """Validate a deck file exercise by exercise, so one broken exercise does not hide the others' problems.

    Returns the deck (None if anything in the file is invalid), the valid exercises with
    their paths (for cross-file checks either way) and the source document.
    """
    try:
        doc = _read(path, problems, parsed)
    except ContentError as exc:
        problems.extend(exc)
        return None
    if not isinstance(doc.data, dict):
        problems.add(doc.loc(()), "expected a mapping with 'deck', 'sheet', 'task' and 'exercises'")
        return None
    _stamp(doc, doc.data, (), _DECK_CHILDREN, problems)
    before = len(problems.problems)
    valid: list[tuple[Path_, Exercise]] = []
    items = doc.data.get("exercises")
    if isinstance(items, list):
        for i, item in enumerate(items):
            try:
                valid.append((("exercises", i), validate(Exercise, doc, item, base=("exercises", i))))
            except ContentError as exc:
                problems.extend(exc)
    try:
        header = {**doc.data, "exercises": [e for _, e in valid] or items}
        deck = validate(Deck, doc, header)
    except ContentError as exc:
        problems.extend(exc)
        deck = None
    return (deck if len(problems.problems) == before else None), valid, doc


def _cross_check(
    loaded: list[tuple[Deck | None, list[tuple[Path_, Exercise]], SourceDoc]],
    refs: dict[str, Reference],
    broken_refs: set[str],
    assets: Assets,
    problems: ProblemCollector,
    linting: batch.Linting | None = None,
) -> None:
    """Rules that span files: unique ids and deck names, resolvable citations, figures, checks, markup.

    ``linting``: the text fields already being linted beside this process (``Parsing.linting`` or
    ``_start_linting``).
    """
    # Where things are is kept as (document, path) and made a SourceLocation only for a message:
    # a large course has over 100,000 of them, and almost none is ever shown.
    seen_ids: dict[str, tuple[SourceDoc, Path_]] = {}
    seen_decks: dict[str, SourceLocation] = {}
    seen_spellings: dict[str, tuple[str, SourceLocation]] = {}

    def claim_id(ident: str, doc: SourceDoc, path: Path_) -> None:
        first = seen_ids.get(ident)
        if first is not None:
            problems.add(doc.loc(path), f"duplicate id '{ident}' (first used at {first[0].loc(first[1])})")
        else:
            seen_ids[ident] = (doc, path)

    def check_figure(doc: SourceDoc, path: Path_, name: str | None) -> None:
        if name is not None:  # check_figure has nothing to say of no figure
            assets.check_figure(doc.loc(path + ("figure",)), name)

    def named_check(doc: SourceDoc, path: Path_, check) -> None:
        # the registry reads every check module's source: only a course that names a check pays for it
        from ..checks.registry import RegistryError, check_params, known_functions

        functions = known_functions()
        if check.function not in functions:
            problems.add(doc.loc(path + ("function",)), unknown_check(check.function, functions))
            return
        try:
            check_params(check.function, check.params)
        except RegistryError as exc:
            problems.add(doc.loc(path + ("params",)), str(exc))

    def check_expression(doc: SourceDoc, path: Path_, check) -> None:
        # Only the syntax: evaluating needs SymPy, which lint does not load.
        from ..checks.expr_syntax import ExprError, check_syntax

        for field in ("expr", "equals"):
            text = getattr(check, field)
            if isinstance(text, str):
                try:
                    check_syntax(text)
                except ExprError as exc:
                    problems.add(doc.loc(path + (field,)), f"invalid expression in '{field}': {exc}")

    # Text fields are linted together at the end (markup/batch.py: on both cores for a large course).
    # Where each is is found again only for one with a message: ``starts`` holds the index of each
    # exercise's first field, ``owners`` its document and path (a path per field cost 10 ms at 10k notes).
    texts: list[fields.Field] = []
    starts: list[int] = []
    owners: list[tuple[SourceDoc, Path_, Exercise]] = []

    def check_markup(doc: SourceDoc, at: Path_, ex: Exercise) -> None:
        starts.append(len(texts))
        owners.append((doc, at, ex))
        found = fields.lint_fields(ex)
        texts.extend(found)
        if any("![" in text for text, _, _ in found):  # check_images has nothing to say of a text without an image
            for below, text, _, _ in fields.text_fields(ex, getattr):
                if text and "![" in text:
                    assets.check_images(doc.loc(at + below), text)

    def field_at(i: int) -> tuple[SourceDoc, Path_]:
        e = bisect.bisect_right(starts, i) - 1
        doc, at, ex = owners[e]
        return doc, at + next(itertools.islice(fields.text_fields(ex, getattr), i - starts[e], None))[0]

    def check_plain(doc: SourceDoc, path: Path_, text: str | None) -> None:
        """A string shown as it is written (label, source, deck name): no TeX that MathJax would run."""
        for message in forbidden(text or ""):
            problems.add(doc.loc(path), message)

    for deck, exercises, doc in loaded:
        check_plain(doc, ("deck",), doc.data.get("deck") if isinstance(doc.data.get("deck"), str) else None)
        if deck is not None:
            if deck.deck in seen_decks:
                problems.add(doc.loc(("deck",)),
                             f"deck {excerpt(deck.deck)} is already defined at {seen_decks[deck.deck]}")
            else:
                check_deck_case(deck.deck, doc.loc(("deck",)), seen_spellings, problems)
            seen_decks.setdefault(deck.deck, doc.loc(("deck",)))
        for at, ex in exercises:
            claim_id(ex.id, doc, at + ("id",))
            for j, key in enumerate(ex.references):
                if key not in refs and key not in broken_refs:
                    problems.add(doc.loc(at + ("references", j)), f"unknown reference '{key}' (not in {REFERENCES_FILE})")
            check_figure(doc, at, ex.figure)
            for k, check in enumerate(ex.checks):
                if check.function is None:
                    check_expression(doc, at + ("checks", k), check)
                else:
                    named_check(doc, at + ("checks", k), check)
            check_plain(doc, at + ("label",), ex.label)
            for j, source in enumerate(ex.sources):
                check_plain(doc, at + ("sources", j), source)
            for k, check in enumerate(ex.checks):
                check_plain(doc, at + ("checks", k, "claim"), check.claim)
            too_long = over_budget(ex.model_answer, ex.points)
            if too_long:
                problems.warn(doc.loc(at + ("model_answer",)), too_long)
            for k, card in enumerate(ex.cards):
                card_at = at + ("cards", k)
                claim_id(card.id, doc, card_at + ("id",))
                check_figure(doc, card_at, card.figure)
            check_markup(doc, at, ex)
    # MathJax never breaks an inline formula: a wide one (a warning) makes a phone scroll sideways
    for i, (errors, warnings) in batch.findings(texts, started=linting):
        doc, path = field_at(i)
        for message in errors:
            problems.add(doc.loc(path), message)
        for message in warnings:
            problems.warn(doc.loc(path), message)


def _start_linting(docs: list[SourceDoc]) -> batch.Linting | None:
    """A large course's text fields, linted beside this process from before they are validated
    (content/fields.py)."""
    exercises = fields.spelled_exercises([doc.data for doc in docs])
    if fields.estimate(exercises) < batch.MIN_PARALLEL or not forked.can_fork():
        return None
    return batch.Linting(*fields.parts(exercises))


def load_course(content_dir: Path, *, read: Callable[[list[Exercise]], None] | None = None,
                parsing: Parsing | None = None) -> Course:
    """Read and validate everything under ``content_dir``; raise ContentError listing every problem.

    ``read`` is called with every exercise once the files are read and validated, before the
    cross-file rules and the markup are checked (the build starts the checks' workers there).
    ``parsing``: the deck files already being parsed beside this process (content/reading.start).
    """
    content_dir = Path(content_dir)
    if not content_dir.is_dir():
        raise ContentError.at(SourceLocation(display_path(content_dir)), "content directory not found")
    markup.forget()  # the previous course's parses and conversions
    problems = ProblemCollector()
    files = deck_files(content_dir, problems)
    # Every file is checked from its directory entry before any is read: symlinks out of content/,
    # directories, FIFOs and files over the size limits are refused unread.
    special = [content_dir / COURSE_FILE, content_dir / REFERENCES_FILE]
    sizes = {p: readable(p, content_dir, problems) for p in special + files if p.exists() or p.is_symlink()}
    total = sum(n for n in sizes.values() if n)
    if total > MAX_COURSE_BYTES:
        problems.add(SourceLocation(display_path(content_dir)), f"the course is {size_text(total)}; "
                     f"the limit for a whole course is {size_text(MAX_COURSE_BYTES)}")
        problems.raise_if_any()
    ok = {p for p, n in sizes.items() if n is not None}
    info = _load_info(content_dir / COURSE_FILE, ok, problems)
    refs, broken_refs = _load_references(content_dir / REFERENCES_FILE, ok, problems)
    if not files:
        problems.add(SourceLocation(display_path(content_dir)), "no deck files (*.yaml) found")
    readable_decks = [f for f in files if f in ok]
    # The files parsed here are validated while the child sends its own (problems are sorted when raised).
    here = parsing.parse_here() if parsing is not None else {}
    validated = {f: _load_deck(f, problems, here[f]) for f in readable_decks if here.get(f) is not None}
    parsed = parse_all(readable_decks, sizes, parsing=parsing)  # on both cores for a large course
    linting = (parsing.linting() if parsing is not None else None) \
        or _start_linting([doc for doc in parsed.values() if doc is not None])
    try:
        loaded = [result for result in (validated[f] if f in validated else _load_deck(f, problems, parsed[f])
                                        for f in readable_decks) if result is not None]
        if read is not None:
            read([ex for _, exercises, _ in loaded for _, ex in exercises])
        assets = Assets(content_dir, problems)
        _cross_check(loaded, refs, broken_refs, assets, problems, linting)
    finally:
        if linting is not None:
            linting.cancel()
    problems.raise_if_any()
    assert info is not None  # a missing course.yaml is a problem raised above
    return Course(info=info, decks=tuple(deck for deck, _, _ in loaded if deck), references=refs,
                  warnings=problems.sorted_warnings(), diagrams=assets.diagrams,
                  media={ref: media.data for ref, media in sorted(assets.media.items())})
