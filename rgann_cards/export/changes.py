"""dist/CHANGES.md: what an update of the deck changes, by deck, and what students should do about it."""

from __future__ import annotations

from ..content.model import CourseInfo
from ..lifecycle.changes import Change, Changes
from ..lifecycle.identity import removed_tag
from ..lifecycle.records import KINDS


def _kind(change: Change) -> str:
    return KINDS.get(change.kind, "a note").split(" ", 1)[1]


def _line(change: Change) -> str:
    text = f"- `{change.id}` ({_kind(change)})"
    if change.summary:
        text += f": {change.summary}"
    if change.removed_cloze:
        numbers = ", ".join(f"c{n}" for n in change.removed_cloze)
        text += f" (deletion {numbers} removed)"
    if change.replaced_by:
        text += f", replaced by `{change.replaced_by}`"
    if change.old_deck:
        text += f", from '{change.old_deck}'"
    return text


def _sections(changes: Changes, deck: str) -> list[str]:
    out: list[str] = []
    groups = (
        ("New cards", changes.added),
        ("Changed cards (updated in place; your reviews are kept)", changes.updated),
        ("Removed cards (they stay in your collection, marked as removed)", changes.removed),
        ("Moved to this deck (Anki keeps your existing cards in their old deck)", changes.moved),
    )
    for title, group in groups:
        lines = [_line(c) for c in group if c.deck == deck]
        if lines:
            out += ["", f"{title}:", "", *lines]
    return out


def render_changes(changes: Changes, info: CourseInfo) -> bytes:
    """The release notes as Markdown (English for now; content stays in the author's language)."""
    out = [f"# Changes to {info.title}", ""]
    if changes.first_release:
        count = changes.first_release
        out.append(f"First release: {count} note{'s' if count != 1 else ''}.")
        return ("\n".join(out) + "\n").encode("utf-8")
    if changes.empty():
        out.append("No changes to the cards since the previous build.")
        return ("\n".join(out) + "\n").encode("utf-8")
    counts = [(len(changes.added), "new"), (len(changes.updated), "changed"), (len(changes.removed), "removed"),
              (len(changes.moved), "moved to another deck")]
    out.append("In the latest update: " + ", ".join(f"{n} {what}" for n, what in counts if n) + ".")
    for old, new in sorted(changes.renamed_decks.items()):
        out += ["", f"Deck renamed: '{old}' is now '{new}'."]
    for deck in changes.decks():
        out += ["", f"## {deck}", *_sections(changes, deck)]
    todo = []
    if changes.removed:
        todo.append(f"- Removed cards: in Anki's browser, search `tag:{removed_tag(info)}`, then delete "
                    f"them, or suspend them to keep their review history.")
    if any(c.removed_cloze for c in changes.updated):
        todo.append("- Removed cloze deletions: Tools > Empty Cards deletes the cards they leave empty.")
    if changes.moved:
        todo.append("- Moved cards: Anki never moves cards you already have. Select them in the browser "
                    "(Browse > Change Deck) to move them, or rename a renamed deck in Anki.")
    if changes.updated:
        todo.append("- Changed cards arrive with Anki's default import option (update notes: if newer), unless "
                    "you edited, tagged or marked them in Anki after this release was built; "
                    "`rgann-cards diff --collection` lists those before you import.")
    if todo:
        out += ["", "## What to do", "", *todo]
    return ("\n".join(out) + "\n").encode("utf-8")
