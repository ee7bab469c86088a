"""Run many checks in worker processes, each under a time limit.

Worker processes exist so that a hanging check (an endless SymPy simplify, a
loop in a named check) can be killed: threads cannot be. Workers are reused
across checks because importing SymPy costs more than most checks. A worker
that overruns its check's deadline is killed and replaced; the call itself
never waits longer than the slowest deadline.
"""

from __future__ import annotations

import multiprocessing
import time
from collections import deque
from multiprocessing.connection import wait

from .result import CheckResult
from .worker import CheckSpec, FigureTask, Resolver, execute, worker_main

# The clock for a check starts when its worker is ready; a worker gets this long to start up.
STARTUP_GRACE = 60.0
# Workers that die before they are ready usually all die the same way (most often: a script
# without a main guard, which every spawned worker re-imports); after this many, stop trying.
_MAX_FAILED_STARTS = 2
_START_FAILURE = ("a worker process failed to start (its error is on stderr); a script that calls "
                  "run_checks needs an `if __name__ == \"__main__\":` guard")
# Imported once by the fork server, so each worker forks with SymPy, NumPy and the check modules
# loaded (warm.py limits BLAS threads before NumPy loads).
_PRELOAD = [f"{__package__}.warm"]
# How much lower the workers' priority is while the caller draws figures (worker.worker_main).
# Shipped cold build, 2 cores, medians of 9, with the fork server started before pydantic loads:
# 2.75 s before both changes, 2.66 s with both; the earlier start alone was slower (2.69 -> 2.86 s).
YIELD = 5


def run_checks(checks: list, *, timeout: float = 20.0, jobs: int = 2, figures=None,
               _resolve: Resolver | None = None) -> list[CheckResult]:
    """Run every check, ``jobs`` at a time; results come back in input order, each with ``seconds``.

    A check running longer than ``timeout`` seconds gets status "timeout". With ``figures`` (a
    ``diagrams.shared.FigureQueue``), one worker that has run out of checks draws figures from its
    back while the caller draws from its front. ``_resolve`` replaces the registry lookup (tests use
    it to run checks that must not ship); it must be picklable.
    """
    if not checks:
        return []
    pool = _Pool(min(max(1, jobs), len(checks)), timeout, _resolve, nice=0 if figures is None else YIELD)
    try:
        return pool.run(list(checks), figures)
    finally:
        pool.close()
        if figures is not None:
            figures.close()  # a figure still out is drawn by the caller


def start_server() -> None:
    """Start the fork server now, without waiting: it loads SymPy and the checks while the caller works.

    A build calls this first, so that its checks need not wait for the imports once the course
    is loaded. Cheap when the server already runs; nothing to do where there is no fork server.
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        from multiprocessing import forkserver

        _context()
        forkserver.ensure_running()


def run_check_inline(check, *, _resolve: Resolver | None = None) -> CheckResult:
    """Run one check in this process, without a time limit (for tests and debugging)."""
    return execute(check, _resolve)


def _context():
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:  # POSIX: workers fork from a clean, single-threaded server
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)  # only takes effect if the server is not running yet
        return context
    return multiprocessing.get_context("spawn")


def _expected_cost(check) -> int:
    """Named checks first: they hold the long symbolic proofs and simulations, while expressions are
    short, so these fill the gaps at the end and no core waits long for the last check (a stable sort
    keeps the course order within each group)."""
    return 0 if check.function is not None else 1


class _Worker:
    def __init__(self, context, resolve: Resolver | None, nice: int = 0):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=worker_main, args=(child, resolve, nice), daemon=True,
                                       name="rgann-cards-check")
        self.process.start()
        child.close()  # so that the worker's death shows up as EOF here
        self.ready = False
        self.index: int | None = None
        self.started = 0.0
        self.deadline = 0.0

    def submit(self, index: int, check, timeout: float) -> None:
        self.index = index
        self.started = time.monotonic()
        self.deadline = self.started + timeout + (0.0 if self.ready else STARTUP_GRACE)
        self.conn.send((index, check))

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class _Pool:
    def __init__(self, size: int, timeout: float, resolve: Resolver | None, nice: int = 0):
        self.context = _context()
        self.timeout = timeout
        self.resolve = resolve
        self.nice = nice
        self.workers = [_Worker(self.context, resolve, nice) for _ in range(size)]
        self.failed_starts = 0
        self.figures = None
        self.drawer: _Worker | None = None  # the one worker that draws figures: matplotlib loads once

    def run(self, checks: list, figures=None) -> list[CheckResult]:
        results: list[CheckResult | None] = [None] * len(checks)
        queue = deque(sorted(range(len(checks)), key=lambda i: _expected_cost(checks[i])))
        specs = [CheckSpec.of(check) for check in checks]
        self.figures = figures
        while True:
            if self.failed_starts >= _MAX_FAILED_STARTS:  # every new worker would die the same way
                while queue:
                    results[queue.popleft()] = CheckResult("error", "", "", _START_FAILURE)
                if not any(w.index is not None for w in self.workers):
                    break
            for position, worker in enumerate(self.workers):
                if worker.index is None and queue:
                    if not worker.process.is_alive():  # died while idle
                        worker.kill()
                        worker = self.workers[position] = _Worker(self.context, self.resolve, self.nice)
                    index = queue.popleft()
                    worker.submit(index, specs[index], self.timeout)
                elif worker.index is None and self._may_draw(worker):
                    name = figures.take_back()
                    if name is not None:
                        self.drawer = worker
                        worker.submit(name, FigureTask(name), self.timeout)
            busy = [w for w in self.workers if w.index is not None]
            if not busy:
                break
            remaining = max(0.0, min(w.deadline for w in busy) - time.monotonic())
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=remaining)
            for worker in busy:
                if worker.conn in ready or worker.process.sentinel in ready:
                    self._receive(worker, results)
                if worker.index is None:
                    continue
                elapsed = round(time.monotonic() - worker.started, 3)
                if not worker.process.is_alive():
                    code = worker.process.exitcode
                    if worker.ready:
                        message = f"the worker process died while running this check (exit code {code})"
                    else:
                        self.failed_starts += 1
                        message = _START_FAILURE
                    self._store(worker.index, CheckResult("error", "", "", message, seconds=elapsed), results)
                    self._replace(worker, bool(queue))
                elif time.monotonic() >= worker.deadline:
                    self._store(worker.index, CheckResult(
                        "timeout", "", "", f"did not finish within {self.timeout:g} s; its worker was stopped",
                        seconds=elapsed), results)
                    self._replace(worker, bool(queue))
        return results  # type: ignore[return-value]  # every slot is filled when the loop ends

    def _may_draw(self, worker: _Worker) -> bool:
        # Once a figure broke its worker, the caller draws the rest (self.drawer stays the dead one).
        return (self.figures is not None and self.failed_starts < _MAX_FAILED_STARTS
                and (self.drawer is None or self.drawer is worker))

    def _store(self, index, result, results: list) -> None:
        if isinstance(index, str):  # a figure: its SVG bytes, or None for the caller to draw it
            self.figures.deliver(index, result if isinstance(result, bytes) else None)
        else:
            results[index] = result

    def _receive(self, worker: _Worker, results: list) -> None:
        try:
            while worker.index is not None and worker.conn.poll():
                message = worker.conn.recv()
                if message == "ready":
                    worker.ready = True
                    worker.started = time.monotonic()  # a check's time starts when it can run
                    worker.deadline = worker.started + self.timeout
                    continue
                index, result = message
                self._store(index, result, results)
                worker.index = None
        except (EOFError, OSError):  # died mid-message; the caller sees the dead process
            worker.process.join(timeout=1)

    def _replace(self, worker: _Worker, needed: bool) -> None:
        worker.kill()
        worker.index = None
        position = self.workers.index(worker)
        if needed:
            self.workers[position] = _Worker(self.context, self.resolve, self.nice)
        else:
            del self.workers[position]

    def close(self) -> None:
        for worker in self.workers:
            try:
                worker.conn.send(None)
            except (OSError, ValueError):
                pass
        deadline = time.monotonic() + 2.0
        for worker in self.workers:
            worker.process.join(timeout=max(0.0, deadline - time.monotonic()))
            worker.kill()
