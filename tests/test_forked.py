"""forked.Beside: work in a forked child comes back whole, or is done here when the child fails."""

from __future__ import annotations

import os
import signal
import time

import pytest

from rgann_cards import forked


def test_the_child_computes_and_the_result_comes_back():
    parent = os.getpid()
    with forked.Beside(lambda: (os.getpid(), forked.in_child(), list(range(100_000)), "é" * 10)) as child:
        pid, there, numbers, text = child.result()
    assert pid != parent and there and numbers == list(range(100_000)) and text == "é" * 10
    assert not forked.in_child()


@pytest.mark.parametrize("how", ["raises", "killed", "exits"])
def test_a_failed_child_leaves_the_work_to_this_process(how):
    parent = os.getpid()

    def work():
        if os.getpid() != parent:
            if how == "raises":
                raise RuntimeError("only in the child")
            if how == "killed":
                os.kill(os.getpid(), signal.SIGKILL)
            os._exit(3)
        return "done here"

    with forked.Beside(work, fork=True) as child:
        assert child.result() == "done here"


def test_without_fork_the_work_runs_here_when_asked():
    calls = []
    beside = forked.Beside(lambda: calls.append(forked.in_child()) or 42, fork=False)
    assert calls == []
    assert beside.result() == 42 and calls == [False]


def test_an_interrupted_parent_leaves_no_child_behind():
    with pytest.raises(KeyboardInterrupt):
        with forked.Beside(lambda: __import__("time").sleep(60), fork=True) as child:
            pid = child._pid
            raise KeyboardInterrupt
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # killed and reaped: no such child any more


def test_threads_keep_this_process_from_forking(monkeypatch):
    monkeypatch.setattr(forked.threading, "active_count", lambda: 2)
    assert not forked.can_fork()
    monkeypatch.setattr(os, "fork", lambda: pytest.fail("forked"))
    assert forked.Beside(lambda: "here").result() == "here"


def test_finish_lets_the_child_end_and_never_does_the_work_here(tmp_path):
    """What the build does when a check stops it: the child's file is written whole, nothing runs twice."""
    parent = os.getpid()
    done = tmp_path / "done"
    ran_here = []

    def work():
        if os.getpid() == parent:
            ran_here.append(1)
        done.write_text("whole")
        return "x" * 1_000_000  # more than a pipe holds: the child blocks until it is read

    child = forked.Beside(work, fork=True)
    child.finish()
    assert done.read_text() == "whole" and ran_here == []
    fds = len(os.listdir("/proc/self/fd"))
    for _ in range(20):  # neither cancel() nor finish() leaves our end of a pipe open
        forked.Beside(lambda: 1, fork=True).cancel()
        forked.Beside(lambda: 1, fork=True).finish()
    assert len(os.listdir("/proc/self/fd")) == fds


def _exited(pid: int) -> bool:
    """Whether the child has ended (a zombie until it is reaped), without reaping it."""
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rpartition(")")[2].split()[0] == "Z"


def test_a_large_result_never_keeps_the_child_waiting_for_this_process():
    """The pages are megabytes: the child puts them into memory and ends, while this process still works."""
    large = "x" * (4 << 20)  # far more than a pipe holds
    with forked.Beside(lambda: large, fork=True) as child:
        deadline = time.monotonic() + 20
        while not _exited(child._pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert _exited(child._pid)
        assert child.result() == large


def test_without_a_memfd_the_result_comes_through_the_pipe(monkeypatch):
    def refuse(*args):
        raise OSError(24, "Too many open files")

    monkeypatch.setattr(os, "memfd_create", refuse)
    parent = os.getpid()
    with forked.Beside(lambda: (os.getpid(), "y" * (1 << 20)), fork=True) as child:
        assert child._store < 0 and child.forked
        pid, text = child.result()
    assert pid != parent and text == "y" * (1 << 20)
    with forked.Stream(lambda: iter([1]), fork=True) as stream:  # a stream without one has no child
        assert not stream.forked


@pytest.mark.parametrize("fault", ["fork", "pipe"])
def test_a_child_that_cannot_be_had_leaves_no_descriptor_open(monkeypatch, fault):
    def refuse(*args):
        raise OSError(11, "Resource temporarily unavailable")

    fds = len(os.listdir("/proc/self/fd"))
    monkeypatch.setattr(os, fault, refuse)
    for _ in range(5):
        child = forked.Beside(lambda: 7, fork=True)
        assert not child.forked and child.result() == 7
    assert len(os.listdir("/proc/self/fd")) == fds


def test_tickets_give_each_part_to_exactly_one_process():
    parts = forked.parts(list(range(1000)), forked.Tickets.LIMIT)
    assert len(parts) == forked.Tickets.LIMIT and sum(parts, []) == list(range(1000))
    assert max(map(len, parts)) - min(map(len, parts)) <= 1
    assert forked.parts([1, 2], 255) == [[1], [2]] and forked.parts([], 255) == []
    parts = forked.parts(list(range(1000)), 60)
    tickets = forked.Tickets(len(parts))

    def take(pause: float) -> list[int]:
        taken = []
        for i in tickets:
            taken.append(i)
            time.sleep(pause)
        return taken

    with forked.Beside(lambda: take(0.05), fork=True) as child:  # the child is slow: this process takes more
        mine = take(0.002)
        their = child.result()
    tickets.close()
    assert sorted(mine + their) == list(range(len(parts)))  # every part once, none twice
    assert their and len(mine) > len(their)
    with pytest.raises(ValueError):
        forked.Tickets(forked.Tickets.LIMIT + 1)


def test_a_stream_sends_its_results_in_order_and_never_waits_for_this_process(tmp_path):
    marker = tmp_path / "second"
    large = "x" * (4 << 20)  # far more than a pipe holds

    def work():
        yield large
        marker.write_text("the child went on before the first result was read")
        yield [1, 2, 3]

    with forked.Stream(work, fork=True) as child:
        deadline = time.monotonic() + 20
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert marker.exists()
        assert child.receive() == large
        assert child.receive() == [1, 2, 3]
        with pytest.raises(forked.Lost):
            child.receive()


def test_a_stream_whose_child_dies_is_lost_after_what_it_sent():
    def work():
        yield "first"
        os._exit(3)

    with forked.Stream(work, fork=True) as child:
        assert child.receive() == "first"
        with pytest.raises(forked.Lost):
            child.receive()
    with forked.Stream(lambda: iter(["never"]), fork=False) as nobody:
        with pytest.raises(forked.Lost):
            nobody.receive()


@pytest.mark.parametrize("fault", ["fork", "pipe", "memfd"])
def test_a_build_that_cannot_fork_does_everything_itself_and_writes_the_same_bytes(tmp_path, monkeypatch, fault):
    """No process, descriptor or memfd left (ulimit -u, ulimit -n): slower, never different, no traceback."""
    import shutil
    from pathlib import Path

    from rgann_cards.build import build
    from rgann_cards.content import reading
    from rgann_cards.markup import batch

    content = tmp_path / "content"
    shutil.copytree(Path(__file__).resolve().parent / "fixtures" / "valid", content)
    (content / "sheet01" / "task01-basics.yaml").unlink()  # no checks: the build's own children only
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # both builds stamp the same second
    monkeypatch.setattr(forked, "can_fork", lambda: True)
    monkeypatch.setattr(reading, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(batch, "MIN_PARALLEL", 0)

    def outputs(dist: Path) -> dict[str, bytes]:
        build(content, dist, cache_dir=None, state_dir=tmp_path / f"state-{dist.name}")
        (content / "anki.lock").unlink()
        return {p.name: p.read_bytes() for p in sorted(dist.iterdir()) if p.is_file()}

    normal = outputs(tmp_path / "normal")

    def refuse(*args, **kwargs):
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, {"fork": "fork", "pipe": "pipe", "memfd": "memfd_create"}[fault], refuse)
    assert outputs(tmp_path / "refused") == normal
