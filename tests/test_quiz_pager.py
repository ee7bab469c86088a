"""The quiz pager in a real pty at 80x24, read back through a terminal emulator (pyte) as a student sees it.

The shipped course's 1(a) answer is about 70 lines: it must page down to its last line and back, with the
header and the key line on every screen. Also: --key-points shows the question, the progress counter is
stable, a resize redraws at the new size, and a non-UTF-8 locale gets ASCII only.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, require_module
from test_quiz_pty import NOW, pexpect  # noqa: F401 (a fixture)

LONG = "s02-t1a-counting-discrete-tasks"  # 1(a)


@pytest.fixture
def pyte():
    return require_module("pyte")


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A working directory with the shipped course; its quiz items are cached once for the module."""
    work = tmp_path_factory.mktemp("course")
    shutil.copytree(REPO / "content", work / "content")
    return work


class Terminal:
    """A quiz process in a pty of ``rows`` x ``columns``, its output fed into an emulated screen."""

    def __init__(self, pexpect, pyte, work: Path, *args: str, rows: int = 24, columns: int = 80,
                 env: dict | None = None, db: Path | None = None):
        self.pyte = pyte
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.Stream(self.screen)
        full = {k: v for k, v in os.environ.items()  # the pty's own size and locale
                if k not in ("COLUMNS", "LINES", "LC_ALL", "LC_CTYPE", "RGANN_ASCII")}
        full.update({"NO_COLOR": "1", "TERM": "xterm", "LANG": "C.UTF-8", "RGANN_NOW": NOW.isoformat(),
                     "RGANN_FUZZ": "0", "XDG_CACHE_HOME": str(work / "cache"), "XDG_DATA_HOME": str(work / "data"),
                     **(env or {})})
        full = {k: v for k, v in full.items() if v is not None}
        self.db = db or work / "progress.sqlite3"
        self.child = pexpect.spawn(sys.executable, ["-m", "rgann_cards.cli", "quiz", "--db", str(self.db), *args],
                                   cwd=str(work), env=full, encoding="utf-8", dimensions=(rows, columns),
                                   timeout=60)
        self.pexpect = pexpect

    def lines(self) -> list[str]:
        return [line.rstrip() for line in self.screen.display]

    def text(self) -> str:
        return "\n".join(self.lines())

    def wait(self, pattern: str, timeout: float = 60) -> list[str]:
        """Read output until ``pattern`` (a regex) is on the screen and the output has settled."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.stream.feed(self.child.read_nonblocking(65536, timeout=0.15))
                continue  # more is coming: read it before looking
            except self.pexpect.TIMEOUT:
                pass
            except self.pexpect.EOF:
                if re.search(pattern, self.text()):
                    return self.lines()
                raise AssertionError(f"ended before {pattern!r}:\n{self.text()}")
            if re.search(pattern, self.text()):
                return self.lines()
            if time.monotonic() > deadline:
                raise AssertionError(f"no {pattern!r} on the screen:\n{self.text()}")

    def press(self, key: str, expect: str) -> list[str]:
        self.child.send(key)
        return self.wait(expect)

    def resize(self, rows: int, columns: int) -> None:
        self.screen.resize(rows, columns)
        self.child.setwinsize(rows, columns)

    def finish(self) -> int:
        self.child.expect(self.pexpect.EOF)
        self.child.close()
        return self.child.exitstatus


PAGE_DOWN, PAGE_UP, HOME, END, DOWN = "\x1b[6~", "\x1b[5~", "\x1b[H", "\x1b[F", "\x1b[B"
STATUS = re.compile(r"^─ lines (\d+)-(\d+) of (\d+) ")


def _frame(lines: list[str], progress: str = "0/1") -> tuple[int, int, int]:
    """Check the fixed parts of a screen; return the visible line range and the total."""
    assert lines[0].startswith("RGANN › Sheet 02 › Task 1 · Gated memory and BiRNNs")
    assert lines[0].endswith(progress)
    assert lines[1].startswith("1(a) · exercise · 3 points · new") and lines[1].endswith(LONG)
    assert set(lines[2]) == {"─"}
    assert lines[-1] == "[1] Again 1m  [2] Hard 6m  [3] Good 10m  [4] Easy 8d  [q] quit"
    match = STATUS.match(lines[-2])
    assert match, lines[-2]
    first, last, total = map(int, match.groups())
    assert last - first + 1 == 24 - 5  # header 3, status 1, key line 1
    return first, last, total


def test_long_answer_pages_to_its_end_and_back_with_the_header_on_every_screen(pexpect, pyte, course: Path, tmp_path: Path):

    term = Terminal(pexpect, pyte, course, "--ids", LONG, db=tmp_path / "p.sqlite3")
    question = term.wait(r"\[space\] show answer")
    assert question[3].startswith("How can LSTMs and other gated memory units learn to count")
    term.press(" ", r"\[e\] explanation")  # the model answer first; the full answer on request
    shown = term.press("e", r"Easy 8d  \[q\] quit")
    first, _, total = _frame(shown)
    assert first == 1 and total > 60
    assert shown[3] == question[3]  # the question heads the view
    assert any("Model answer" in line for line in shown)
    screens = [shown]
    while True:
        before = STATUS.match(screens[-1][-2]).group(2)
        if int(before) == total:
            break
        screens.append(term.press(PAGE_DOWN, rf"─ lines \d+-(?!{before}\b)\d+ of {total}"))
    ranges = [_frame(s)[:2] for s in screens]
    assert ranges[-1][1] == total and len(screens) >= 4
    assert all(b[0] == a[1] for a, b in zip(ranges, ranges[1:-1]))  # a page keeps one line of context
    # the explanation's last sentence ends the view
    assert " ".join(line.strip() for line in screens[-1][-5:-2]).endswith("beyond the training range it works.")
    up = term.press(PAGE_UP, rf"─ lines {ranges[-1][0] - 18}-")
    _frame(up)
    term.press(DOWN, rf"─ lines {ranges[-1][0] - 17}-")
    top = term.press(HOME, r"─ lines 1-19 ")
    assert top == shown  # Home brings the question back exactly as first shown
    term.press(END, rf"─ lines \d+-{total} of {total}")
    help_screen = term.press("?", "any key returns")
    assert help_screen[0] == shown[0] and "PgUp, PgDn    scroll one page" in help_screen
    assert term.press("x", r"\[4\] Easy")[-2].endswith("─")  # back to where we were
    term.child.send("3")
    again = term.wait(r"1/1 \+1 again")  # Good on a new card: it comes back in ten minutes
    assert again[0].endswith("1/1 +1 again")
    term.child.send("q")
    assert term.finish() == 0


def test_key_points_mode_keeps_the_question_above_the_list(pexpect, pyte, course: Path, tmp_path: Path):
    term = Terminal(pexpect, pyte, course, "--ids", LONG, "--key-points", db=tmp_path / "p.sqlite3")
    term.wait(r"\[space\] show answer")
    lines = term.press(" ", r"tick what you recalled")
    assert lines[3].startswith("How can LSTMs")
    at = lines.index("Key points — which did you recall?")
    assert lines[at + 1].startswith("[ ] 1 discrete time steps")
    lines = term.press("2", r"\[x\] 2 ")
    assert lines[3].startswith("How can LSTMs") and lines[at + 1].startswith("[ ] 1")
    lines = term.press("\r", r"suggested Again")
    assert lines[3].startswith("How can LSTMs")
    keys = " ".join(lines[-2:])  # with [e] explanation the key line wraps at 80 columns
    assert keys.startswith("[enter] Again  [1] Again 1m") and keys.endswith("explanation  [q] quit")
    term.child.send("q")
    assert term.finish() == 0


def test_progress_counts_done_of_planned(pexpect, pyte, project: Path):
    term = Terminal(pexpect, pyte, project, "--new", "3")
    seen = [term.wait(r"\[space\] show answer")[0].split()[-1]]
    for rating, expect in (("3", r"(?m) 1/3 \+1 again$"), ("4", r"(?m) 2/3 \+1 again$"),
                             ("1", r"(?m) 3/3 \+2 again$")):
        term.press(" ", r"\[4\] Easy")
        lines = term.press(rating, expect)
        seen.append(" ".join(lines[0].split()[-3:]))
    assert seen == ["0/3", "1/3 +1 again", "2/3 +1 again", "3/3 +2 again"]
    term.child.send("q")
    assert term.finish() == 0


def test_resize_redraws_at_the_new_size(pexpect, pyte, course: Path, tmp_path: Path):
    term = Terminal(pexpect, pyte, course, "--ids", LONG, db=tmp_path / "p.sqlite3")
    term.wait(r"\[space\] show answer")
    term.press(" ", r"\[e\] explanation")
    term.press("e", r"Easy 8d  \[q\] quit")  # the full answer too: a view longer than either screen
    term.resize(30, 100)
    lines = term.wait(r"─ lines 1-25 of")
    assert lines[0].endswith("0/1") and len(lines[0]) == 100
    assert lines[-1].startswith("[1] Again 1m")
    term.resize(24, 80)
    assert term.wait(r"─ lines 1-19 of")[0].endswith("0/1")
    term.child.send("q")
    assert term.finish() == 0


@pytest.mark.parametrize("env", [{"LANG": "C"}, {"LANG": "en_US.ISO-8859-1"}, {"RGANN_ASCII": "1"}])
def test_a_terminal_without_unicode_gets_ascii(pexpect, pyte, course: Path, tmp_path: Path, env: dict):
    term = Terminal(pexpect, pyte, course, "--ids", "s02-t1b-forget-gate-gradient", db=tmp_path / "p.sqlite3",
                    env=env)
    lines = term.wait(r"\[space\] show answer")
    assert lines[0].startswith("RGANN > Sheet 02 > Task 1 * Gated memory")
    assert "    delta_phi^t = f_phi'(net_phi^t) sum_(c=1)^D zeta_c^t s_c^(t-1)." in lines
    lines = term.press(" ", r"\[4\] Easy")
    assert lines[-2].startswith("- lines 1-19 of ")
    everything = term.text()
    term.child.send("q")
    assert term.finish() == 0
    assert everything.isascii(), [c for c in everything if not c.isascii()]
    assert max(len(line) for line in lines) <= 80
