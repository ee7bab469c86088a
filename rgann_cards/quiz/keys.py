"""Single keypresses from the terminal, without Enter.

On a POSIX terminal the reader switches to cbreak mode (no echo, no line
buffering) and leaves ISIG on, so Ctrl-C still raises KeyboardInterrupt; the
old mode is restored on exit. When stdin is not a terminal (a pipe, a test),
keys are read one character at a time from it, so ``printf ' 3q' | rgann-cards
quiz`` works too. End of input reads as "q".

The keys of the pager arrive as escape sequences and are returned by name
(UP, DOWN, PAGE_UP, PAGE_DOWN, HOME, END); a change of the terminal's size
(SIGWINCH) is returned as RESIZE, so the screen can be drawn again.
"""

from __future__ import annotations

import os
import sys

ENTER, QUIT = "\n", "q"
UP, DOWN, PAGE_UP, PAGE_DOWN, HOME, END, ESCAPE, RESIZE = (
    "<up>", "<down>", "<page-up>", "<page-down>", "<home>", "<end>", "<escape>", "<resize>")
# xterm, VT220 and the application-cursor variants of the same keys
_SEQUENCES = {
    b"[A": UP, b"OA": UP, b"[B": DOWN, b"OB": DOWN, b"[5~": PAGE_UP, b"[6~": PAGE_DOWN,
    b"[H": HOME, b"OH": HOME, b"[1~": HOME, b"[7~": HOME, b"[F": END, b"OF": END, b"[4~": END, b"[8~": END,
}


class KeyReader:
    """Use as a context manager; ``read()`` returns one key as a string ("\\n" for Enter)."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdin
        self._fd: int | None = None
        self._saved = None
        self._resized = False
        self._old_winch = None

    def __enter__(self) -> "KeyReader":
        try:
            fd = self.stream.fileno()
        except (AttributeError, OSError, ValueError):
            return self
        if os.isatty(fd):
            try:
                import termios
                import tty
            except ImportError:  # Windows: msvcrt below
                return self
            self._fd = fd
            self._saved = termios.tcgetattr(fd)
            tty.setcbreak(fd)
            self._watch_size()
        return self

    def _watch_size(self) -> None:
        import signal
        import threading

        if hasattr(signal, "SIGWINCH") and threading.current_thread() is threading.main_thread():
            self._old_winch = signal.signal(signal.SIGWINCH, self._on_resize)

    def _on_resize(self, signum, frame) -> None:
        self._resized = True

    def __exit__(self, *exc) -> None:
        self.restore()

    def restore(self) -> None:
        if self._old_winch is not None:
            import signal

            signal.signal(signal.SIGWINCH, self._old_winch)
            self._old_winch = None
        if self._fd is not None and self._saved is not None:
            import termios

            termios.tcsetattr(self._fd, termios.TCSADRAIN, self._saved)
            self._saved = None

    @property
    def interactive(self) -> bool:
        return self._fd is not None

    def read(self) -> str:
        if self._fd is not None:
            return self._read_tty()
        if os.name == "nt" and self.stream is sys.stdin and sys.stdin.isatty():  # pragma: no cover
            import msvcrt

            ch = msvcrt.getwch()
            if ch == "\x03":
                raise KeyboardInterrupt
            return ENTER if ch == "\r" else ch
        ch = self.stream.read(1)
        if not ch or ch == "\x04":
            return QUIT
        return ENTER if ch in "\r\n" else ch

    def _read_tty(self) -> str:
        import select

        while not select.select([self._fd], [], [], 0.1)[0]:  # wake up now and then to notice a resize
            if self._resized:
                self._resized = False
                return RESIZE
        self._resized = False
        data = os.read(self._fd, 1)
        if not data or data == b"\x04":  # end of input, Ctrl-D
            return QUIT
        if data == b"\x1b":  # an escape sequence: a named key, or swallowed whole
            rest = b""
            while select.select([self._fd], [], [], 0.03)[0] and len(rest) < 16:
                rest += os.read(self._fd, 1)
                if len(rest) > 1 and (rest[-1:].isalpha() or rest.endswith(b"~")):
                    break
            return _SEQUENCES.get(rest, ESCAPE)
        if data[0] >= 0xC0:  # the lead byte of a multi-byte UTF-8 character
            data += os.read(self._fd, 1 if data[0] < 0xE0 else 2 if data[0] < 0xF0 else 3)
        ch = data.decode("utf-8", "replace")
        return ENTER if ch in "\r\n" else ch
