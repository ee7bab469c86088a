"""Work beside this process, on the second core: a forked child computes while this process computes.

The build's large steps split into parts that depend only on data already in
memory (the files to parse and the fields to lint, which the two processes take
in turn: Tickets; the HTML pages while the Anki package is made). Fork is the
cheapest way to run one part elsewhere: the child starts at once with
everything loaded and needs no arguments sent. Its result comes back pickled
(Beside: one; Stream: several), through an in-memory file, the pipe carrying only where.

Forking is used only where it is safe (Linux, no other threads running: a lock
held by a thread that does not exist in the child would deadlock it). If the
child fails in any way, ``result`` runs the part here, so a bug shows up as the
same exception a serial run would raise and the output never depends on how
the work was split.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import struct
import sys
import threading
from typing import Callable, Generic, Iterator, TypeVar

T = TypeVar("T")
I = TypeVar("I")


_in_child = False  # set in a Beside child: work that must know where it runs asks in_child()


def in_child() -> bool:
    """True inside a Beside child; False in the parent, also when it does the work itself after all."""
    return _in_child


def parts(items: list[I], count: int) -> list[list[I]]:
    """``items`` cut into at most ``count`` runs of consecutive items, of as equal length as can be."""
    count = max(1, min(count, len(items)))
    size, extra = divmod(len(items), count)
    cuts = [i * size + min(i, extra) for i in range(count + 1)]
    return [items[a:b] for a, b in zip(cuts, cuts[1:]) if b > a]


class Tickets:
    """Numbered parts of one job, which this process and a forked child take in turn, each the next
    one as soon as it is free: neither waits while the other still has a queue, however unequal the
    parts, and however late one of the two starts.

    A pipe holds one byte per part, written before the fork: a read of one byte from a pipe is
    atomic, so each part goes to exactly one process. Iterating takes parts until none is left.
    """

    LIMIT = 255  # one byte each

    def __init__(self, count: int):
        if not 0 <= count <= self.LIMIT:
            raise ValueError(f"1..{self.LIMIT} parts, not {count}")
        self._local: list[int] = []
        try:
            self._reader, writer = os.pipe()
        except OSError:  # no descriptor left: this process takes every part, and no child is forked
            self._reader, self._local = -1, list(range(count - 1, -1, -1))
            return
        try:
            os.write(writer, bytes(range(count)))  # far below a pipe's capacity: never blocks
        finally:
            os.close(writer)  # once every part is taken, a read finds the end

    @property
    def shared(self) -> bool:
        """Whether a forked child can take parts too (fork only then)."""
        return self._reader >= 0

    def __iter__(self):
        while self._local:
            yield self._local.pop()
        while self._reader >= 0:
            taken = os.read(self._reader, 1)
            if not taken:
                return
            yield taken[0]

    def close(self) -> None:
        if self._reader >= 0:
            os.close(self._reader)
            self._reader = -1


def can_fork() -> bool:
    """Whether this process can fork safely right now (macOS frameworks are not fork-safe at all)."""
    return sys.platform.startswith("linux") and hasattr(os, "fork") and threading.active_count() == 1


class Beside(Generic[T]):
    """``work()`` running in a forked child (or, where forking is not possible, later in this process).

    A pipe holds 64 KiB: a child that sent a large result through it would wait until this process
    read it, and the copy through the pipe would then be on this process's time. So the result goes
    into an anonymous file in memory (memfd) as soon as the child has it, and the pipe carries only
    where it is (without a memfd, the result goes through the pipe).
    """

    _NOTICE = struct.Struct("=QQ")  # start and length of a result in the file

    def __init__(self, work: Callable[[], T], *, fork: bool | None = None):
        self._work = work
        self._pid = 0
        self._reader = -1
        self._store = -1
        if fork if fork is not None else can_fork():
            self._store = _memfd()
            self._start()

    def _start(self) -> None:
        try:
            reader, writer = os.pipe()
        except OSError:  # no descriptor left: the work is done here
            self._close_store()
            return
        # Frozen, the parent's objects are never visited by the child's garbage collector, which
        # would otherwise copy every page of the heap it inherited (copy-on-write) just to scan it.
        gc.freeze()
        try:
            pid = os.fork()
        except OSError:  # no process or memory left for a child: the work is done here
            gc.unfreeze()
            os.close(reader)
            os.close(writer)
            self._close_store()
            return
        if pid:
            gc.unfreeze()
        if pid == 0:  # the child: the work, its result, then gone without cleanup
            global _in_child
            _in_child = True
            os.close(reader)
            code = 1
            try:
                with os.fdopen(writer, "wb") as out:
                    self._send(out)
                code = 0
            finally:
                os._exit(code)  # never return into the parent's code, never run its exit handlers
        os.close(writer)
        self._pid, self._reader = pid, reader

    def _send(self, out) -> None:
        if self._store < 0:
            pickle.dump(self._work(), out, protocol=pickle.HIGHEST_PROTOCOL)
            return
        with open(f"/proc/self/fd/{self._store}", "wb") as store:  # its own offset: the parent reads meanwhile
            self._put(self._work(), store, out)

    def _put(self, item, store, out) -> None:
        """One result into the file, then where it is into the pipe."""
        start = store.tell()
        pickle.dump(item, store, protocol=pickle.HIGHEST_PROTOCOL)
        store.flush()
        out.write(self._NOTICE.pack(start, store.tell() - start))
        out.flush()  # the parent may be waiting for it

    def _take(self):
        """The next result the child put into the file (EOFError: it ended before it sent one)."""
        notice = os.read(self._reader, self._NOTICE.size)
        if len(notice) != self._NOTICE.size:
            raise EOFError
        start, length = self._NOTICE.unpack(notice)
        with open(f"/proc/self/fd/{self._store}", "rb") as store:
            store.seek(start)
            item = pickle.load(store)  # streamed from the file: never held here as bytes
            if store.tell() != start + length:
                raise pickle.UnpicklingError("the result is not where the notice says")
        return item

    @property
    def forked(self) -> bool:
        """Whether a child runs the work (until its result is taken or it is cancelled)."""
        return bool(self._pid)

    def result(self) -> T:
        """The child's result; the work done here instead if there was no child or it failed."""
        if not self._pid:
            return self._work()
        received, ok = None, False
        try:
            if self._store >= 0:
                try:
                    received, ok = self._take(), True
                except (EOFError, OSError, pickle.UnpicklingError):  # it died before it had sent everything
                    pass
            else:
                with os.fdopen(self._take_reader(), "rb") as channel:
                    try:
                        received = pickle.load(channel)  # streamed: the whole message is never held as bytes
                        ok = True
                    except (EOFError, pickle.UnpicklingError):  # it died before it had sent everything
                        pass
            _, status = os.waitpid(self._pid, 0)
            self._pid = 0
            ok = ok and os.waitstatus_to_exitcode(status) == 0
        finally:
            self.cancel()
        return received if ok else self._work()

    def finish(self) -> None:
        """Let a running child end its work, reading and dropping its result (the work is never done here)."""
        if not self._pid:
            return
        try:
            with os.fdopen(self._take_reader(), "rb") as channel:
                while channel.read(1 << 16):  # a result larger than the pipe would block the child
                    pass
            os.waitpid(self._pid, 0)
            self._pid = 0
        finally:
            self.cancel()

    def _take_reader(self) -> int:
        reader, self._reader = self._reader, -1
        return reader

    def cancel(self) -> None:
        """Stop the child if it is still running (this process was interrupted, or gave up on it)."""
        if self._pid:
            os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            self._pid = 0
        if self._reader >= 0:  # never read: close our end of the pipe
            os.close(self._take_reader())
        self._close_store()

    def _close_store(self) -> None:
        if self._store >= 0:
            os.close(self._store)
            self._store = -1

    def __enter__(self) -> Beside[T]:
        return self

    def __exit__(self, *exc) -> None:
        self.cancel()


class Lost(Exception):
    """A Stream's child ended before it sent the message asked for."""


class Stream(Beside):
    """A forked child that sends several results, one at a time as it has them: ``work()`` is a
    generator, and ``receive()`` gives its next item here (or raises Lost), so this process can use
    the first while the child computes the next. Nothing is ever done here in the child's place:
    the caller does what a Lost message would have brought. Without a memfd there is no child.
    """

    def _start(self) -> None:
        if self._store >= 0:  # a child whose results could only go through the pipe would block on it
            super()._start()

    def _send(self, out) -> None:
        with open(f"/proc/self/fd/{self._store}", "wb") as store:  # its own offset: the parent reads meanwhile
            for item in self._work():
                self._put(item, store, out)

    def receive(self):
        if not self._pid:
            raise Lost("no child")
        try:
            return self._take()
        except (EOFError, OSError, pickle.UnpicklingError):
            self.cancel()
            raise Lost("the child ended early") from None


def _memfd() -> int:
    """An anonymous file in memory for a child's results, or -1 (no memfd here, or no descriptor left)."""
    try:
        return os.memfd_create("rgann-cards-result", os.MFD_CLOEXEC)
    except (OSError, AttributeError):
        return -1

