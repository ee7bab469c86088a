"""The real `rgann-cards quiz` in a pseudo-terminal (pexpect), as a student uses it.

Every run freezes the clock (RGANN_NOW), turns fuzzing off (RGANN_FUZZ=0), uses
an 80-column dumb terminal without colour, and keeps its cache and data
directories inside the test's tmp_path.
"""

from __future__ import annotations

import io
import os
import re
import signal
import sqlite3
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from rich.cells import cell_len

from conftest import FIXTURES, require_module
from rgann_cards.content.load import load_course
from rgann_cards.quiz.items import items_of

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)
KEYS = [i.key for i in items_of(load_course(FIXTURES / "valid"))]
HEADER = re.compile(r" · (?:new|learning|review|relearning)(?:, \S+ overdue)? +(\S+)\r\n")
HEAVY = ("sympy", "matplotlib", "numpy", "genanki", "jinja2")


@pytest.fixture
def pexpect():
    return require_module("pexpect")


class Quiz:
    """One running quiz process and the keys a student would press."""

    def __init__(self, pexpect, project: Path, *args: str, now: datetime = NOW, env: dict | None = None,
                 argv: list[str] | None = None, db: Path | None = None):
        self.pexpect = pexpect
        self.db = db or project / "progress.sqlite3"
        full_env = {**os.environ, "NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "80", "LINES": "24",
                    "RGANN_NOW": now.isoformat(), "RGANN_FUZZ": "0", "XDG_CACHE_HOME": str(project / "cache"),
                    "XDG_DATA_HOME": str(project / "data"), **(env or {})}
        full_env = {k: v for k, v in full_env.items() if v is not None}  # None: unset it
        argv = argv or [sys.executable, "-m", "rgann_cards.cli"]
        self.child = pexpect.spawn(argv[0], [*argv[1:], "quiz", "--db", str(self.db), *args], cwd=str(project),
                                   env=full_env, encoding="utf-8", dimensions=(24, 80), timeout=30)
        self.output = io.StringIO()
        self.child.logfile_read = self.output

    def question(self) -> str:
        """Wait for the next question; return its id from the header."""
        self.child.expect(HEADER)
        key = self.child.match.group(1)
        self.child.expect("show answer")
        return key

    def reveal(self) -> None:
        self.child.send(" ")
        self.child.expect(r"\[4\] Easy")

    def grade(self, rating: int) -> None:
        self.reveal()
        self.child.send(str(rating))

    def finish(self) -> int:
        self.child.expect(self.pexpect.EOF)
        self.child.close()
        return self.child.exitstatus

    def quit(self) -> int:
        self.child.send("q")
        self.child.expect("Session over")
        return self.finish()


def log(db: Path) -> list[tuple[str, int]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT key, rating FROM review_log ORDER BY id").fetchall()


def stored_states(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT * FROM card_states ORDER BY card_id").fetchall()


def test_three_answers_are_stored_and_order_the_next_session(pexpect, project: Path):
    quiz = Quiz(pexpect, project, "--new", "5")
    shown = []
    for rating in (3, 1, 2):  # Good (due in 10 min), Again (1 min), Hard (5.5 min)
        shown.append(quiz.question())
        quiz.grade(rating)
    quiz.question()
    assert quiz.quit() == 0
    assert shown == KEYS[:3]
    assert log(quiz.db) == [(KEYS[0], 3), (KEYS[1], 1), (KEYS[2], 2)]
    assert len(stored_states(quiz.db)) == 3
    text = quiz.output.getvalue()
    assert "Answered 3 cards" in text
    assert max(cell_len(line) for line in text.replace("\r", "").split("\n")) <= 80

    later = Quiz(pexpect, project, now=NOW + timedelta(days=1))
    order = []
    for _ in range(4):
        order.append(later.question())
        later.grade(3)
    later.quit()
    assert order == [KEYS[1], KEYS[2], KEYS[0], KEYS[3]]  # due first, in due order; then the next new card
    assert len(log(quiz.db)) == 7


@pytest.mark.parametrize("stage", ["question", "answer"])
def test_ctrl_c_saves_and_summarises(pexpect, project: Path, stage: str):
    quiz = Quiz(pexpect, project)
    for _ in range(2):
        quiz.question()
        quiz.grade(3)
    quiz.question()
    if stage == "answer":
        quiz.reveal()
    quiz.child.sendintr()
    quiz.child.expect("Interrupted; progress saved.")
    quiz.child.expect("Answered 2 cards")
    quiz.child.expect(r"Good 2")
    assert quiz.finish() == 130
    assert log(quiz.db) == [(KEYS[0], 3), (KEYS[1], 3)]


def test_kill_9_loses_only_the_answer_in_flight(pexpect, project: Path):
    quiz = Quiz(pexpect, project)
    for _ in range(2):
        quiz.question()
        quiz.grade(3)
    assert quiz.question() == KEYS[2]
    quiz.reveal()
    quiz.child.kill(signal.SIGKILL)
    quiz.child.close(force=True)
    assert quiz.child.signalstatus == signal.SIGKILL
    with sqlite3.connect(quiz.db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert log(quiz.db) == [(KEYS[0], 3), (KEYS[1], 3)]

    resumed = Quiz(pexpect, project)
    assert resumed.question() == KEYS[2]  # the two answered cards are not due yet; the lost one is next
    resumed.grade(4)
    resumed.question()
    assert resumed.quit() == 0
    assert log(quiz.db) == [(KEYS[0], 3), (KEYS[1], 3), (KEYS[2], 4)]


def test_corrupt_database_is_reported_and_untouched(pexpect, project: Path):
    db = project / "progress.sqlite3"
    junk = b"SQLite format 2\x00" + bytes(range(256)) * 8
    db.write_bytes(junk)
    quiz = Quiz(pexpect, project)
    quiz.child.expect(r"Error: .*progress\.sqlite3 is not an rgann-cards progress database")
    quiz.child.expect("left untouched")
    assert quiz.finish() == 1
    assert db.read_bytes() == junk
    assert sorted(p.name for p in project.iterdir() if p.name.startswith("progress")) == ["progress.sqlite3"]


def test_scheduling_is_deterministic_with_fuzzing_off(pexpect, project: Path, tmp_path: Path):
    from fsrs import Card, Rating, Scheduler

    runs = []
    for run in ("a", "b"):
        where = tmp_path / run
        where.mkdir()
        (where / "content").symlink_to(project / "content")
        quiz = Quiz(pexpect, where)
        for rating in (4, 4, 3):  # Easy goes straight to review, where fuzz would change the interval
            quiz.question()
            quiz.grade(rating)
        quiz.question()
        quiz.quit()
        runs.append(stored_states(quiz.db))
    assert runs[0] == runs[1]
    expected, _ = Scheduler(enable_fuzzing=False).review_card(Card(due=NOW), Rating.Easy, review_datetime=NOW)
    with sqlite3.connect(tmp_path / "a" / "progress.sqlite3") as conn:
        due = conn.execute("SELECT due FROM card_states WHERE key = ?", (KEYS[0],)).fetchone()[0]
    assert datetime.fromisoformat(due) == expected.due


def test_quiz_start_imports_no_heavy_libraries(pexpect, project: Path):
    code = ("import sys; from rgann_cards.cli import main; rc = main(sys.argv[1:]); "
            f"print('HEAVY', sorted(m for m in {HEAVY!r} if m in sys.modules), 'RC', rc)")
    quiz = Quiz(pexpect, project, argv=[sys.executable, "-c", code])
    quiz.question()
    quiz.grade(3)
    quiz.question()
    quiz.child.send("q")
    quiz.child.expect(r"HEAVY \[\] RC 0")
    assert quiz.finish() == 0


def test_key_points_mode_suggests_a_rating(pexpect, project: Path):
    quiz = Quiz(pexpect, project, "--key-points", "--ids", "fx-t1a-sigmoid")
    assert quiz.question() == "fx-t1a-sigmoid"
    quiz.child.send(" ")
    quiz.child.expect(r"\[1-2\] tick what you recalled")
    quiz.child.send("1")
    quiz.child.expect(r"\[x\] 1")
    quiz.child.send("\r")
    quiz.child.expect("Recalled 1 of 2 key points: suggested Hard.")
    quiz.child.expect(r"\[enter\] Hard")
    quiz.child.send("\r")
    quiz.question()  # a learning card comes back in the same session
    assert quiz.quit() == 0
    assert log(quiz.db) == [("fx-t1a-sigmoid", 2)]


@pytest.mark.parametrize("no_color", [True, False])
def test_colour_follows_no_color(pexpect, project: Path, no_color: bool):
    env = {"TERM": "xterm-256color", "NO_COLOR": "1" if no_color else None}
    quiz = Quiz(pexpect, project, env=env)
    quiz.child.expect("show answer")
    quiz.child.send("q")
    quiz.finish()
    colours = re.findall(r"\x1b\[[0-9;]*(?:3[0-7]|38;[0-9;]+|9[0-7])m", quiz.output.getvalue())
    assert bool(colours) is not no_color


def test_figure_path_is_shown_and_opened_only_when_asked(pexpect, project: Path, tmp_path: Path):
    from rgann_cards.diagrams import known_figures

    name = sorted(known_figures())[0]
    deck = project / "content" / "sheet01" / "task02-more.yaml"
    deck.write_text(deck.read_text("utf-8").replace("    key_points: [unrolling the network in time]\n",
                                                    f"    key_points: [unrolling the network in time]\n"
                                                    f"    figure: {name}\n"), "utf-8")
    svg = project / "dist" / "figures" / f"{name}.svg"
    svg.parent.mkdir(parents=True)
    svg.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", "utf-8")
    bin_dir, opened = tmp_path / "bin", tmp_path / "opened.txt"
    bin_dir.mkdir()
    for opener in ("xdg-open", "open"):  # stand-ins for the system viewer
        script = bin_dir / opener
        script.write_text(f"#!/bin/sh\necho \"$@\" >> '{opened}'\n", "utf-8")
        script.chmod(0o755)
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}

    for flags in ((), ("--open-figures",)):
        quiz = Quiz(pexpect, project, "--ids", "fx-t2a-bptt", *flags, env=env)
        quiz.question()
        quiz.reveal()
        assert re.search(rf"Figure: dist/figures/{name}\.svg", quiz.output.getvalue().replace("\r\n", "\n"))
        quiz.child.send("q")
        quiz.finish()
    deadline = time.monotonic() + 10  # the viewer runs detached from the quiz
    while not opened.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert opened.read_text("utf-8").split() == [f"dist/figures/{name}.svg"]  # once: only with --open-figures


def test_an_exercise_shows_the_model_answer_and_the_explanation_on_request(pexpect, project: Path):
    quiz = Quiz(pexpect, project, "--new", "1")
    assert quiz.question() == KEYS[0]  # the first item is an exercise
    quiz.child.send(" ")
    quiz.child.expect("Model answer")
    quiz.child.expect("The short answer a student writes in the exam.")
    quiz.child.expect(r"\[e\] explanation")
    assert "Explanation" not in quiz.output.getvalue()
    quiz.child.send("e")
    quiz.child.expect("Explanation")
    quiz.child.expect("the maximum")  # from the full answer
    quiz.child.expect(r"\[4\] Easy")
    quiz.child.send("4")  # Easy: the card does not come back in this session
    assert quiz.finish() == 0
    assert log(quiz.db) == [(KEYS[0], 4)]
