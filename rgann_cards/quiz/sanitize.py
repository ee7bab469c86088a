"""No control sequence from content ever reaches the terminal.

The loader already refuses control characters in content; this is the second
wall, for text that arrives by another road (a stale cache, a JSON file, a
future field). rich does not strip ``ESC``: an OSC 52 sequence in a label would
write the clipboard of terminals that honour it. So the quiz console runs every
renderable through ``Sanitized``, which removes escape sequences and control
characters from the *text* of each segment, while rich's own styling (the
segments' styles, and control segments such as clear-screen) is left alone.
"""

from __future__ import annotations

import re

from rich.console import Console, ConsoleOptions, RenderableType, RenderHook, RenderResult
from rich.segment import Segment

# A whole escape sequence first (CSI ... final byte; OSC/DCS/APC/PM/SOS ... BEL or ST; ESC + one char),
# so no payload such as "52;c;cm0g..." is left behind (an unterminated one loses only its introducer,
# and its payload stays as harmless text); then any remaining C0 (but tab and newline),
# DEL or C1 character, including the 8-bit CSI (U+009B) and OSC (U+009D).
_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[ -~]?"
    r"|[\x00-\x08\x0b-\x1a\x1c-\x1f\x7f-\x9f]"
)


def strip_controls(text: str) -> str:
    """``text`` without terminal escape sequences or control characters (tab and newline stay)."""
    return _SEQUENCE.sub("", text) if _SEQUENCE.search(text) else text


class Sanitized:
    """A renderable whose text segments are stripped of control sequences."""

    def __init__(self, renderable: RenderableType):
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for segment in console.render(self.renderable, options):
            if segment.control:
                yield segment  # rich's own cursor and screen commands, not content
            else:
                yield Segment(strip_controls(segment.text), segment.style)


class SanitizeHook(RenderHook):
    """Installed on the quiz console: every printed renderable goes through ``Sanitized``."""

    def process_renderables(self, renderables: list) -> list:
        return [Sanitized(r) for r in renderables]
