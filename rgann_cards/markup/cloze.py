"""Cloze deletions ``{{cN::content::hint}}``: found by brace balancing, lifted out before Markdown runs.

Their braces collide with LaTeX braces, so each deletion is replaced by a
placeholder of private-use characters (plain text to Markdown and LaTeX alike)
and put back after rendering. Any ``}}`` inside is spaced out to ``} }`` so
Anki does not end the deletion early.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PH_OPEN, _PH_CLOSE = "\ue000", "\ue001"  # private-use chars: plain text to Markdown and LaTeX
PLACEHOLDER = re.compile(f"{_PH_OPEN}(\\d+){_PH_CLOSE}")
_CLOZE_START = re.compile(r"\{\{c(\d+)::")
_BRACE_OR_BACKSLASH = re.compile(r"[\\{}]")


class MarkupError(ValueError):
    """Text that cannot be rendered, e.g. an unterminated cloze. Carries a message for the author."""


@dataclass(frozen=True)
class Cloze:
    number: int
    content: str
    hint: str | None


def split_clozes(text: str) -> tuple[str, list[Cloze]]:
    """Replace each ``{{cN::content[::hint]}}`` with a placeholder; braces inside content must balance."""
    out: list[str] = []
    clozes: list[Cloze] = []
    pos = 0
    while (match := _CLOZE_START.search(text, pos)) is not None:
        out.append(text[pos : match.start()])
        i, depth = match.end(), 0
        while True:
            found = _BRACE_OR_BACKSLASH.search(text, i)  # the characters between matter to no one
            if found is None:
                snippet = text[match.start() : match.start() + 30]
                raise MarkupError(f"unterminated cloze '{snippet}...': missing '}}}}'")
            i = found.start()
            ch = text[i]
            if ch == "\\":
                i += 2  # an escaped character, e.g. \{ or \}, never counts as a brace
                continue
            if ch == "{":
                depth += 1
            elif ch == "}":
                if depth == 0:
                    if text.startswith("}}", i):
                        break
                    raise MarkupError(f"unbalanced '}}' in cloze '{text[match.start():i + 1]}'")
                depth -= 1
            i += 1
        body = text[match.end() : i]
        content, hint = _split_hint(body)
        if not content.strip():
            raise MarkupError(f"empty cloze deletion '{text[match.start():i + 2]}'")
        out.append(f"{_PH_OPEN}{len(clozes)}{_PH_CLOSE}")
        clozes.append(Cloze(int(match.group(1)), content, hint))
        pos = i + 2
    out.append(text[pos:])
    return "".join(out), clozes


def _split_hint(body: str) -> tuple[str, str | None]:
    """``content::hint`` -> (content, hint); only a '::' at brace depth 0 separates a hint."""
    if "::" not in body:  # most deletions have no hint
        return body, None
    depth = 0
    for i, ch in enumerate(body):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0 and body.startswith("::", i):
            return body[:i], body[i + 2 :]
    return body, None


def _space_braces(text: str) -> str:
    """``}}`` -> ``} }`` and a trailing ``}`` -> ``} `` so the cloze's own ``}}`` stays unambiguous."""
    while "}}" in text:
        text = text.replace("}}", "} }")
    return text + " " if text.endswith("}") else text
