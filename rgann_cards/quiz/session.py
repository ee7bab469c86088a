"""The interactive loop: ask, reveal, grade, store. Each answer is committed before the next question.

Keys: any key reveals the answer (q quits); 1-4 grade Again/Hard/Good/Easy.
In key-points mode the user first ticks the key points they recalled (1-9, 0,
then letters), presses Enter, and accepts the suggested rating with Enter or
picks another with 1-4. q quits and Ctrl-C interrupts; both print the summary,
and every answer given so far is already on disk.

On a terminal that can move the cursor the screens go through the pager
(paged.py, pager.py); on a plain stream (a pipe, TERM=dumb) they are printed
one after another. Progress reads "done/planned": planned is fixed when the
session starts, and cards that come back (Again, learning steps) show as
"+N again".
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable

from rich.console import Console, Group, RenderableType

from . import screens
from . import typed as typed_answer
from .items import Item
from .keys import ENTER, QUIT, KeyReader
from .paged import ask_paged
from .pager import Pager
from .scheduler import Scheduling, comes_back
from .store import CardState, Review, Store, StoreError
from ..content.media import figure_file


@dataclass(frozen=True)
class Options:
    key_points: bool = False
    open_figures: bool = False
    cram: bool = False
    figures_dir: Path = Path("dist") / "figures"


@dataclass
class Outcome:
    """What happened in a session, for the summary and the exit code."""

    counts: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    interrupted: bool = False
    left: int = 0
    failure: str | None = None  # why an answer could not be saved; the session stopped there


def suggested_rating(recalled: int, total: int) -> int:
    """Self-grading from key points: all or nearly all -> Good, most -> Hard, fewer than half -> Again.

    Easy is never suggested; it stays the user's call.
    """
    if total <= 0:
        return 3
    share = recalled / total
    return 3 if share >= 0.8 else 2 if share >= 0.5 else 1


@contextmanager
def deferred_interrupt():
    """Hold Ctrl-C while an answer is written, then raise it: an answer is stored whole or not at all."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if received:
            raise KeyboardInterrupt


class Session:
    """One quiz session over ``queue``; ``states`` (the stored card states) is updated as answers are stored."""

    def __init__(self, console: Console, keys: KeyReader, store: Store, scheduling: Scheduling,
                 queue: list[Item], states: dict[int, CardState], clock: Callable[[], datetime], options: Options):
        self.console, self.keys, self.store, self.scheduling = console, keys, store, scheduling
        self.queue, self.states, self.clock, self.options = list(queue), states, clock, options
        self.outcome = Outcome()
        self._planned = len(self.queue)  # fixed at the start, so the count never grows under the student
        self._answered: set[int] = set()
        self._clears = console.is_terminal and not console.is_dumb_terminal
        self.pager = Pager(console, keys) if self._clears and keys.interactive else None

    def progress(self) -> str:
        """'done/planned' and '+N again' for the header."""
        again = sum(1 for i in self.queue if i.card_id in self._answered)
        return screens.progress(len(self._answered), self._planned, again)

    def current_state(self, item: Item) -> CardState | None:
        """The card's state as stored now (another session may have answered it)."""
        state = self.store.state(item.card_id)
        if state is None:
            self.states.pop(item.card_id, None)
        else:
            self.states[item.card_id] = state
        return state

    def figure_of(self, item: Item) -> tuple[Path | None, bool]:
        figure = self.options.figures_dir / figure_file(item.figure) if item.figure else None
        return figure, figure is not None and figure.is_file()

    def run(self) -> Outcome:
        """Ask until the queue is empty, the user quits, or Ctrl-C; the outcome says which."""
        started = time.monotonic()
        try:
            while self.queue:
                item = self.queue[0]  # it leaves the queue only once its answer is stored
                rating, duration_ms = ask_paged(self, item) if self.pager else self._ask(item)
                if rating is None:
                    break
                self._answer(item, rating, duration_ms)
        except KeyboardInterrupt:
            self.outcome.interrupted = True
        except StoreError as exc:  # full disk, lock, file replaced: stop; every earlier answer is saved
            self.outcome.failure = str(exc)
        finally:
            if self.pager:
                self.pager.close()
        self.outcome.seconds = time.monotonic() - started
        self.outcome.left = len(self.queue)
        return self.outcome

    # -- one item -----------------------------------------------------------------------------------
    def _ask(self, item: Item) -> tuple[int | None, int]:
        shown_at = time.monotonic()
        now = self.clock()
        state = self.current_state(item)
        head = screens.header(item, self.progress(), state, now)
        front = Group(head, screens.question(item))
        self._clear()
        self.console.print(front)
        self.console.print()
        verdict, suggestion = None, None
        if item.answer_value is not None:
            typed = self._type_number()
            if typed is None:
                return None, 0
            suggestion, verdict = typed_answer.grade(item, typed)
        else:
            self.console.print(screens.legend(("space", screens.T.quiz_show_answer), ("q", screens.T.quiz_quit)))
            if self.keys.read() == QUIT:
                return None, 0
        figure, figure_ready = self.figure_of(item)
        use_points = self.options.key_points and bool(item.key_points)
        checklist = [False] * len(item.key_points) if use_points else None
        def back() -> RenderableType:  # the checklist is ticked in place; a redraw shows its state
            return screens.answer(item, figure=figure, figure_ready=figure_ready, checklist=checklist)

        if self._clears:  # redraw without the legend; a plain stream just continues below it
            self._clear()
            self.console.print(front)
        if verdict is not None:
            self.console.print(verdict)
        self.console.print(back())
        self.console.print()
        if figure_ready and self.options.open_figures:
            self.open_figure(figure)
        intervals = self.scheduling.preview(item, state, now)
        if checklist is not None:
            if not self._tick(item, front, back, checklist):
                return None, 0
            suggestion = suggested_rating(sum(checklist), len(checklist))
            self.console.print(screens.suggestion(sum(checklist), len(checklist), suggestion))
        explain = item.explanation is not None
        self.console.print(screens.grade_legend(intervals, suggestion, explain))
        while True:
            key = self.keys.read()
            if key == QUIT:
                return None, 0
            if key == screens.EXPLAIN_KEY and explain:  # once: then the legend no longer offers it
                explain = False
                self.console.print(screens.explanation(item))
                self.console.print()
                self.console.print(screens.grade_legend(intervals, suggestion, explain))
            if key in ("1", "2", "3", "4"):
                return int(key), int((time.monotonic() - shown_at) * 1000)
            if key == ENTER and suggestion is not None:
                return suggestion, int((time.monotonic() - shown_at) * 1000)

    def _type_number(self) -> str | None:
        """Read a typed number on a plain stream, echoing it; None if the student quit."""
        self.console.print(typed_answer.prompt(""))
        typed = ""
        while True:
            key = self.keys.read()
            if key == QUIT and not typed:
                return None
            if key == ENTER:
                self.console.print(f"Your answer: {typed}" if typed else "")
                return typed
            edited = typed_answer.edit(typed, key)
            if edited is not None:
                typed = edited

    def _tick(self, item: Item, front: RenderableType, back: Callable[[], RenderableType],
              checklist: list[bool]) -> bool:
        """Let the user tick recalled key points until Enter; False if they quit."""
        count = len(checklist)
        t = screens.T
        legend = screens.legend((screens.point_keys_label(count), t.quiz_tick), ("enter", t.quiz_done),
                                ("q", t.quiz_quit))
        self.console.print(legend)
        while True:
            key = self.keys.read()
            if key == QUIT:
                return False
            if key == ENTER:
                return True
            index = screens.point_index(key, count)
            if index is None:
                continue
            checklist[index] = not checklist[index]
            if self._clears:
                self._clear()
                self.console.print(front)
                self.console.print(back())
                self.console.print()
            else:
                self.console.print(screens.key_points(item, checklist))
            self.console.print(legend)

    def _answer(self, item: Item, rating: int, duration_ms: int) -> None:
        now = self.clock()

        def apply(before: CardState | None) -> tuple[CardState, Review]:
            # ``before`` is read inside the write lock: the answer applies to the card as it is now
            after = self.scheduling.answer(item, before, rating, now)
            return after, Review(card_id=item.card_id, key=item.key, rating=rating, reviewed_at=now,
                                 duration_ms=duration_ms, state_before=before.state if before else None,
                                 state_after=after.state, due_after=after.due, cram=self.options.cram)

        with deferred_interrupt():
            after, _ = self.store.apply(item.card_id, apply)
            self.states[item.card_id] = after
            self.outcome.counts[rating] += 1
            self.queue.pop(0)
            self._answered.add(item.card_id)
        if comes_back(after, now):
            self.queue.append(item)

    # -- helpers ------------------------------------------------------------------------------------
    def _clear(self) -> None:
        if self._clears:
            self.console.clear()

    def open_figure(self, path: Path) -> None:
        """Show the figure in the system viewer, detached, so the quiz keeps the terminal."""
        try:
            if os.name == "nt":  # pragma: no cover
                os.startfile(path)  # type: ignore[attr-defined]
                return
            opener = "open" if sys.platform == "darwin" else "xdg-open"
            subprocess.Popen([opener, str(path)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
        except OSError as exc:
            self.console.print(f"(could not open the figure: {exc.strerror or exc})", style="muted")


def next_due(states: dict[int, CardState], ids: set[int], now: datetime,
             due: Callable[[int, CardState], datetime] | None = None) -> tuple[datetime, int] | None:
    """The earliest due time among the given reviewed cards, and how many fall due within 24 hours.
    ``due`` gives a card's due time (exam mode brings some forward); default: the stored one."""
    dues = sorted(due(cid, s) if due else s.due for cid, s in states.items() if cid in ids)
    if not dues:
        return None
    return dues[0], sum(1 for d in dues if d <= now + timedelta(days=1))
