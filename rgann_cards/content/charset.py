"""Which characters content may contain.

Control characters (C0, DEL, C1) never belong in a course: ``ESC`` starts
terminal escape sequences (OSC 52 writes the clipboard), ``NUL`` marks a
binary file. Only newline and tab are allowed, in text. Bidi overrides and
zero-width characters make text display differently from what it is
("Trojan source"): they are errors where text identifies something (ids,
labels, deck names, tags) and warnings elsewhere, where a zero-width joiner
can be legitimate.
"""

from __future__ import annotations

import re
import unicodedata

# C0 except tab, newline and carriage return (line ends of CRLF files), DEL, C1 except NEL (a YAML line
# break), and the noncharacters U+FFFE/U+FFFF, which YAML's reader refuses as well
RAW_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
# in a parsed string (escapes such as "\e" included): everything but tab and newline
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# bidi embeddings/overrides/isolates, zero-width space/joiners/marks, a byte-order mark inside text
INVISIBLE = re.compile("[\u202a-\u202e\u2066-\u2069\u200b-\u200f\ufeff]")

# The private-use characters rgann-cards marks its own text with while rendering (cloze deletions,
# formulas, kept images, terminal highlighting): content that held one could pass for a marker
# (a placeholder inside a formula made lint fail with an IndexError). Refused in every string.
MARKERS = re.compile("[\ue000-\ue0ff]")

# Where invisible characters are errors: the free-text fields that name things. Ids, tags, reference
# keys, figure and function names are ASCII by their patterns already (model.py reports those).
IDENTIFYING_FIELDS = frozenset({"label", "deck", "root_deck", "title"})
PATTERNED_FIELDS = frozenset({"id", "tags", "references", "figure", "function", "doi", "arxiv", "url"})

_CONTROL_NAMES = {0x00: "NUL", 0x07: "BEL", 0x08: "BS", 0x0D: "CR", 0x1B: "ESC", 0x7F: "DEL", 0x85: "NEL",
                  0x9B: "CSI", 0x9D: "OSC"}


def describe(char: str) -> str:
    """``U+001B (ESC)``, ``U+202E (RIGHT-TO-LEFT OVERRIDE)``."""
    code = ord(char)
    name = _CONTROL_NAMES.get(code) or unicodedata.name(char, "")
    return f"U+{code:04X} ({name})" if name else f"U+{code:04X}"
