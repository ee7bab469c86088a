"""Launch-to-first-question time of `rgann-cards quiz` on the shipped course, in a real pseudo-terminal.

Measured side by side with two baselines in the same run, so the number means
something on any machine: a bare interpreter (`python -c pass`) and
`rgann-cards --version` (interpreter + our CLI, no course). Each command runs
REPEAT times; the median is reported. Target: quiz <= 0.5 s.

Three quiz starts are timed: the usual one, where the course's items come from
the quiz cache (quiz/cache.py); one after a content edit followed by
`rgann-cards build` (which writes the quiz cache; goal <= 0.3 s); and a cold one
with an empty cache directory, as after an edit without a build, which loads and
validates the whole course.

    python bench/quiz_startup.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bytecode import compile_packages

import pexpect

REPO = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 0.5
FIRST_QUESTION = r"show answer.*quit"


def time_until(argv: list[str], pattern: str | None, env: dict, cwd: Path = REPO) -> float:
    """Seconds from spawn until ``pattern`` appears (or the process exits, if pattern is None)."""
    start = time.perf_counter()
    child = pexpect.spawn(argv[0], argv[1:], env=env, cwd=str(cwd), encoding="utf-8", dimensions=(24, 80),
                          timeout=30)
    try:
        child.expect(pattern if pattern is not None else pexpect.EOF)
        return time.perf_counter() - start
    finally:
        child.terminate(force=True)
        child.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    compile_packages(REPO)
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "NO_COLOR": "1", "TERM": "xterm", "COLUMNS": "80", "RGANN_NOW": "2025-03-01T09:00:00Z",
               "XDG_CACHE_HOME": str(Path(tmp) / "cache")}
        db = str(Path(tmp) / "progress.sqlite3")
        commands = {
            "python -c pass": ([python, "-c", "pass"], None),
            "rgann-cards --version": ([python, "-m", "rgann_cards.cli", "--version"], None),
            "rgann-cards quiz (first question)": ([python, "-m", "rgann_cards.cli", "quiz", "--db", db],
                                                  FIRST_QUESTION),
            "  ... after a content edit and a build": ([python, "-m", "rgann_cards.cli", "quiz", "--db", db],
                                                       FIRST_QUESTION),
            "  ... cold, after a content edit": ([python, "-m", "rgann_cards.cli", "quiz", "--db", db],
                                                 FIRST_QUESTION),
        }
        edited = Path(tmp) / "edited"
        shutil.copytree(REPO / "content", edited / "content")
        time_until(*commands["rgann-cards quiz (first question)"], env)  # warm the file cache, create the db
        samples: dict[str, list[float]] = {name: [] for name in commands}
        for run in range(args.repeat):  # interleaved, so a noisy moment hits every command alike
            for name, (argv, pattern) in commands.items():
                cold = {"XDG_CACHE_HOME": str(Path(tmp) / f"cold-cache-{run}")} if "cold" in name else {}
                cwd = REPO
                if "build" in name:  # edit one deck file (a new byte), build (untimed), then start the quiz
                    deck = next((edited / "content").rglob("task01*.yaml"))
                    deck.write_text(deck.read_text("utf-8") + "\n", "utf-8")
                    subprocess.run([python, "-m", "rgann_cards.cli", "build"], cwd=edited, env=env, check=True,
                                   stdout=subprocess.DEVNULL)
                    cwd = edited
                samples[name].append(time_until(argv, pattern, {**env, **cold}, cwd))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    base = medians["python -c pass"]
    print(f"median of {args.repeat} runs, shipped course, 80x24 pty")
    for name, value in medians.items():
        print(f"  {name:36s} {value * 1000:7.0f} ms   {value / base:5.1f}x python")
    quiz = medians["rgann-cards quiz (first question)"]
    verdict = "ok" if quiz <= TARGET_SECONDS else "TOO SLOW"
    print(f"quiz start {quiz:.3f} s (target <= {TARGET_SECONDS} s): {verdict}; "
          f"{quiz - medians['rgann-cards --version']:.3f} s above `rgann-cards --version`; "
          f"after an edit and a build {medians['  ... after a content edit and a build']:.3f} s (goal <= 0.3 s); "
          f"cold start {medians['  ... cold, after a content edit']:.3f} s")
    return 0  # numbers, not a test


if __name__ == "__main__":
    sys.exit(main())
