"""Figures still to be drawn, shared between the build process and a check worker that has run out of checks.

The build process takes figures from the front of the list and draws them itself. A check
worker with nothing left to check may take a built-in figure from the back (``take_back``),
so that on two cores the last figures are not left to one process while the other idles;
it prefers the figures that plot a check's numbers, whose modules (SymPy among them) it has
loaded already while the build process has not, and the build process leaves those for last. A
declarative diagram is never handed out: it is drawn from the course's model, which the
workers do not load. Whatever a worker fails to deliver (it died, timed out or raised) the
build process draws itself, so a worker can only make the build faster, never change it.
"""

from __future__ import annotations

import threading
from collections import deque


class FigureQueue:
    """Names to draw; ``take_front`` (the build process) and ``take_back`` (a worker) never hand out one twice."""

    def __init__(self) -> None:
        self._pending: deque[str] = deque()
        self._shareable: set[str] = set()
        self._preferred: set[str] = set()
        self._lock = threading.Lock()
        self._taken: dict[str, threading.Event] = {}
        self._drawn: dict[str, bytes | None] = {}

    def add(self, names: list[str], shareable: set[str], preferred: set[str] = frozenset()) -> None:
        """Queue ``names`` in drawing order; only those in ``shareable`` may go to a worker, ``preferred`` first."""
        with self._lock:
            self._pending.extend(names)
            self._shareable |= shareable
            self._preferred |= preferred

    def take_front(self) -> str | None:
        """The next figure for the build process to draw itself, or None when none is left.

        Preferred figures come last: the longer they wait, the likelier a worker draws them.
        """
        with self._lock:
            name = next((n for n in self._pending if n not in self._preferred), None)
            if name is None:
                name = self._pending[0] if self._pending else None
            if name is not None:
                self._pending.remove(name)
            return name

    def take_back(self) -> str | None:
        """For a worker: the last preferred figure, else the last one if it may draw it; None if none is left
        but the one the build process is about to draw."""
        with self._lock:
            if len(self._pending) < 2:
                return None
            name = next((n for n in reversed(self._pending) if n in self._preferred), self._pending[-1])
            if name not in self._shareable:
                return None
            self._pending.remove(name)
            self._taken[name] = threading.Event()
            return name

    def deliver(self, name: str, svg: bytes | None) -> None:
        """A worker's drawing of ``name`` (None: it failed, so the build process draws it)."""
        with self._lock:
            self._drawn[name] = svg
        self._taken[name].set()

    def taken(self) -> list[str]:
        """The figures handed to workers so far."""
        with self._lock:
            return list(self._taken)

    def result(self, name: str, timeout: float | None = None) -> bytes | None:
        """Wait for a worker's drawing of ``name``; None if it failed or did not come in time."""
        if not self._taken[name].wait(timeout):
            return None
        with self._lock:
            return self._drawn.get(name)

    def close(self) -> None:
        """No worker will draw any more: anything taken but not delivered counts as failed."""
        with self._lock:
            undelivered = [name for name, event in self._taken.items() if not event.is_set()]
        for name in undelivered:
            self.deliver(name, None)
