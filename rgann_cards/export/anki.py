"""Course -> dist/<course>.apkg, byte-reproducible and safe to re-import over a student's collection.

Identity rules (see docs/design.md): GUID from the course id and the YAML id,
note-type and deck ids from the course id (rgann_cards/identity.py), per-note modification times from content/anki.lock, course order as
``due``, media named by content hash, fixed zip metadata.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import sqlite3
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Callable

from .. import libraries, markup
from ..i18n import messages
from ..lifecycle.identity import note_guid_maker
from ..lifecycle.lock import Lock, content_hash, note_hash
from .images import anki_images
from ..content.model import Course, Deck, Exercise, Reference
from ..content.numeric import with_answer
from .anki_cloze import cloze_field, without_own_bbox
from .anki_figures import phone_width_px
from .anki_notetypes import SORT_FIELD, NoteTypeSpec, notetype_specs
from .anki_rows import Row, card_ordinals, write_collection

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can store; any fixed value would do
IMAGE_START = '<img src="media/'  # what every match of markup.images.IMG_TAG starts with


@dataclass(frozen=True)
class Media:
    """A file shipped in the package, named by its content hash so edits never collide with old copies."""

    filename: str
    data: bytes

    @classmethod
    def from_bytes(cls, data: bytes, suffix: str) -> "Media":
        return cls(f"rgann-{hashlib.sha256(data).hexdigest()[:16]}{suffix}", data)


@dataclass(frozen=True)
class NoteData:
    """One Anki note, fully rendered: what goes into the package for a YAML exercise or card."""

    yaml_id: str
    kind: str  # exercise | basic | cloze
    deck: str
    fields: tuple[str, ...]
    tags: tuple[str, ...]

    def digest(self) -> str:
        return note_hash(self.kind, self.fields, self.tags)


_new = object.__new__


def _note(yaml_id: str, kind: str, deck: str, fields: tuple[str, ...], tags: tuple[str, ...]) -> NoteData:
    """``NoteData(...)`` without the frozen dataclass's ``__init__`` and its ``object.__setattr__`` per
    field (10,000 notes: 5 -> 2 ms), as frozen and equal (tests/test_anki_package.py)."""
    note = _new(NoteData)
    note.__dict__.update({"yaml_id": yaml_id, "kind": kind, "deck": deck, "fields": fields, "tags": tags})
    return note


def _references_html(keys: list[str], refs: dict[str, Reference]) -> str:
    items = []
    for key in keys:
        ref = refs[key]
        link = ref.link()
        ident = f"doi:{ref.doi}" if ref.doi else f"arXiv:{ref.arxiv}" if ref.arxiv else link
        linked = f' <a href="{escape(link)}">{_text(ident)}</a>' if link else ""
        items.append(
            f"<li>{_text(', '.join(ref.authors))} ({ref.year}). <i>{_text(ref.title)}</i>. "
            f"{_text(ref.venue)}.{linked}</li>"
        )
    return f"<ol>{''.join(items)}</ol>" if items else ""


def _answer_html(ex: Exercise, render, t) -> str:
    """The Answer field: the exam-length model answer first, then the full answer as its explanation.

    Both live in the one Answer field, because adding a field would change the note type's schema.
    """
    # the number belongs to the exam answer
    model = with_answer(ex.model_answer, ex.answer_value, ex.tol, ex.unit, t.numeric_answer)
    return (f'<div class="model-answer"><div class="heading">{escape(t.model_answer)}</div>{render(model)}</div>'
            f'<div class="explanation"><div class="heading">{escape(t.explanation)}</div>{render(ex.answer)}</div>')


def _text(plain: str) -> str:
    """A plain string as field HTML: escaped, and never typeset by Anki's MathJax (markup.literal)."""
    return markup.literal(escape(plain))


def _checked(note: NoteData) -> NoteData:
    """The last wall before Anki: lint rejects forbidden TeX in every source string, so none can be here.

    The fields are searched as one text (a command cannot reach across the NUL between two), once per
    note instead of once per field; the cloze highlight's ``\\bbox`` is ours, not content's, and is taken
    out of the joined text too (its pattern holds no NUL either: 83,000 calls -> 10,000)."""
    found = markup.forbidden(without_own_bbox("\0".join(note.fields)))
    if found:
        raise AssertionError(f"forbidden TeX reached note {note.yaml_id}: {found[0]}")
    return note


def _tags(deck: Deck, *groups: list[str]) -> tuple[str, ...]:
    tags: set[str] = set(deck.auto_tags)
    for group in groups:
        tags.update(group)
    return tuple(sorted(tags))


def build_notes(course: Course, verified: dict[str, str], figures: dict[str, Media]) -> list[NoteData]:
    """Render every exercise and card of the course, in course order."""
    notes: list[NoteData] = []
    t = messages(course.info.language)
    numeric_answer = t.numeric_answer  # looked up once: each card asks for it

    def render(text: str, cloze: bool = False) -> str:
        html = markup.render(text, cloze=cloze)
        # Markdown images become media files; most fields have none, and IMG_TAG's match starts so (a
        # substitution and its closure per field skipped: 23,000 of them at 10,000 notes, 4 ms)
        return anki_images(html, figures) if IMAGE_START in html else html

    for deck in course.decks:
        deck_name = course.full_deck_name(deck)
        for ex in deck.exercises:
            shared = _shared_fields(ex, course, verified, figures)
            key_points = "".join(f"<li>{render(p)}</li>" for p in ex.key_points)
            ex_tags = _tags(deck, ex.tags)
            notes.append(_checked(_note(ex.id, "exercise", deck_name, (
                ex.id, _text(ex.label), str(ex.points), render(ex.question), _answer_html(ex, render, t),
                f"<ul>{key_points}</ul>", *shared, _text(deck.deck),
            ), ex_tags)))
            # the task's own name ("Task 1 · Gated memory and BiRNNs"), not the deck path with its "::"
            context = _text(f"{ex.label} · {deck.deck.rpartition('::')[2]}")
            for card in ex.cards:
                tags = _tags(deck, ex.tags, card.tags) if card.tags else ex_tags  # most cards: their exercise's
                kind = card.kind
                if kind == "cloze":
                    body = (cloze_field(render(card.cloze, cloze=True)), render(card.extra or ""))
                else:
                    body = (render(card.front), render(with_answer(card.back, card.answer_value, card.tol, card.unit,
                                                                    numeric_answer)))
                # a card may show its own figure instead of the exercise's
                own = _shared_fields(ex, course, verified, figures, card.figure) if card.figure else shared
                notes.append(_checked(_note(card.id, kind, deck_name, (card.id, *body, context, *own), tags)))
    return notes


def _shared_fields(ex: Exercise, course: Course, verified: dict[str, str], figures: dict[str, Media],
                   figure_name: str | None = None) -> tuple:
    """Figure, Sources, References, Verified: the same on an exercise and on its cards."""
    figure = ""
    name = figure_name or ex.figure
    if name:
        media = figures[name]
        # built-in figures get the width at which they read on a phone (the CSS uses it on narrow screens)
        width = phone_width_px(media.data) if media.filename.endswith(".svg") and not name.startswith("media/") \
            else None
        phone = f' style="--phone-width: {width}px"' if width else ""
        figure = f'<img src="{media.filename}" alt="{escape(name)}"{phone}>'
    sources = _text("; ".join(ex.sources))
    return figure, sources, _references_html(ex.references, course.references), _text(verified.get(ex.id, ""))


def _genanki_model(spec: NoteTypeSpec, mod: int):
    genanki = libraries.genanki()

    class _Model(genanki.Model):
        """A note type with its own modification time instead of the package-wide one."""

        def to_json(self, timestamp, deck_id):  # noqa: ARG002 - genanki hook
            return super().to_json(mod, deck_id)

    return _Model(
        model_id=spec.id, name=spec.name, fields=[{"name": f} for f in spec.fields],
        templates=_templates(spec), css=spec.css, sort_field_index=SORT_FIELD[spec.kind],
        model_type=genanki.Model.CLOZE if spec.is_cloze else genanki.Model.FRONT_BACK,
    )


def _templates(spec: NoteTypeSpec) -> list[dict]:
    name = "Cloze" if spec.is_cloze else "Card 1"
    return [{"name": name, "qfmt": spec.qfmt, "afmt": spec.afmt}]


def build_package(course: Course, notes: list[NoteData], media: list[Media], lock: Lock, clock: int) -> bytes:
    """The .apkg bytes. Updates ``lock`` with the modification time of every note and note type."""
    return start_package(course, notes, media, lock, clock)()


def note_guids(course: Course) -> dict[str, str]:
    """The GUID of every note of the course by its YAML id: made beside (in the pages' child, 10 ms at
    10,000 notes) and handed to start_package."""
    ids = [note.id for deck in course.decks for ex in deck.exercises for note in (ex, *ex.cards)]
    return dict(zip(ids, map(note_guid_maker(course.info), ids)))


def start_package(course: Course, notes: list[NoteData], media: list[Media], lock: Lock,
                  clock: int, guids: dict[str, str] | None = None) -> Callable[[], bytes]:
    """build_package, with the zip compressed on a thread: zlib lets go of the interpreter while it
    deflates, so the caller's next steps run meanwhile. ``lock`` is updated when this returns; call
    the result for the bytes. ``guids``: note_guids of the course, if made already (a tombstone's is
    made here)."""
    genanki = libraries.genanki()

    ident = course.identity
    specs = notetype_specs(ident, messages(course.info.language))
    models = {
        kind: _genanki_model(spec, lock.stamp(f"notetype:{kind}", content_hash(spec.schema()), clock))
        for kind, spec in specs.items()
    }
    root = course.info.root_deck
    decks = {root: genanki.Deck(ident.root_deck_id, root, description=escape(course.info.title))}
    # a tombstone stays in its last deck, which the course may no longer have
    for full_name in dict.fromkeys([course.full_deck_name(d) for d in course.decks] + [n.deck for n in notes]):
        parts = full_name.split("::")
        for depth in range(2, len(parts) + 1):  # intermediate decks too, so none gets a random id
            name = "::".join(parts[:depth])
            if name not in decks:
                decks[name] = genanki.Deck(ident.deck_id(name), name)
    # the maker's table of base-91 pairs takes 5 ms to build: only for GUIDs not given (a tombstone's)
    guid, known = None, guids or {}
    ordinals = {kind: card_ordinals(model) for kind, model in models.items()}
    stamp = lock.stamp
    for due, note in enumerate(notes):
        yaml_id, kind, fields, tags = note.yaml_id, note.kind, note.fields, note.tags
        mod = stamp(yaml_id, note_hash(kind, fields, tags), clock)  # note.digest(), without the call
        made = known.get(yaml_id)
        if made is None:
            guid = guid or note_guid_maker(course.info)
            made = guid(yaml_id)
        decks[note.deck].add_note(Row(models[kind], made, fields, tags, mod, due, ordinals[kind](fields)))
    return _zip(list(decks.values()), media, lock.created)


def _zip(decks: list, media: list[Media], created: int) -> Callable[[], bytes]:
    """Write the collection as genanki does, then zip it deterministically (genanki's own zip is not), on a
    thread; the result waits for the bytes (and raises what the thread raised)."""
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "collection.anki2"
        conn = sqlite3.connect(db_path)
        try:
            # a scratch file: no fsync and no journal file (neither changes a byte of the database)
            conn.execute("PRAGMA synchronous=OFF")
            conn.execute("PRAGMA journal_mode=MEMORY")
            # genanki's Package.write_to_db, less its JSON parsing; ids count up from the lock's creation
            # time: stable across builds, plausible "added" dates
            write_collection(conn.cursor(), decks, created, itertools.count(created * 1000))
            conn.commit()
        finally:
            conn.close()
        db_bytes = db_path.read_bytes()
    ordered = sorted(set(media), key=lambda m: m.filename)
    entries = [("collection.anki2", db_bytes),
               ("media", json.dumps({str(i): m.filename for i, m in enumerate(ordered)}, sort_keys=True).encode())]
    entries += [(str(i), m.data) for i, m in enumerate(ordered)]
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rgann-cards-zip")
    deflated = pool.submit(_deflate, entries)
    pool.shutdown(wait=False)  # the one task still runs; its thread ends with it
    return deflated.result  # waits, and raises what the thread raised


def _deflate(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=9)
    return buffer.getvalue()

