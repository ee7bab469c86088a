#!/usr/bin/env python3
"""Benchmark: lint, verify and build of the shipped course, side by side with interpreter-start baselines.

Rounds are interleaved (every command once per round, so a noisy moment hits all of them alike)
and the median of each is printed with its ratio to the baselines. Rows:

- ``python -c pass`` and ``python -c "import genanki"``: the baselines;
- ``rgann-cards lint`` and ``verify``;
- a cold build: no dist/, empty figure cache and user cache (rgann-cards' own: figures, check
  results, build record, quiz items; the lock is the committed one). Other libraries' caches stay,
  like the interpreter's .pyc files: matplotlib's font list is built once per machine, not per build;
- a first build on a fresh machine: the whole XDG cache empty, matplotlib's font list included;
- a no-op rebuild: nothing changed since the last build.

Run from the repository root:
    .venv/bin/python bench/build.py [--rounds 5]
Numbers, not pass/fail: the goals from the issues are printed beside them.
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

REPO = Path(__file__).resolve().parent.parent


def run(cmd: list[str], cwd: Path, env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--before", type=Path, metavar="SRC",
                        help="also time the cold and no-op builds of the rgann_cards package in SRC")
    args = parser.parse_args()
    compile_packages(REPO, *([args.before] if args.before else []))
    py = sys.executable
    cli = [py, "-m", "rgann_cards.cli"]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copytree(REPO / "content", work / "content")
        env = {**os.environ, "XDG_CACHE_HOME": str(work / "xdg-cache")}

        def cold() -> None:
            for path in (work / "dist", work / ".cache", work / "xdg-cache" / "rgann-cards"):
                shutil.rmtree(path, ignore_errors=True)

        def fresh() -> None:
            for path in (work / "dist", work / ".cache", work / "xdg-cache"):
                shutil.rmtree(path, ignore_errors=True)

        # name -> (command, prepare, goal in seconds or as "Nx import genanki")
        rows = {
            "python -c pass": ([py, "-c", "pass"], None, None),
            "python -c 'import genanki' (baseline)": ([py, "-c", "import genanki"], None, None),
            "rgann-cards --version": (cli + ["--version"], None, None),
            "rgann-cards lint": (cli + ["lint"], None, None),
            "rgann-cards verify": (cli + ["verify"], None, None),
            "rgann-cards build, cold (no dist/, no caches)": (cli + ["build"], cold, 3.0),
            "rgann-cards build, fresh machine (+ font cache)": (cli + ["build"], fresh, None),
            "rgann-cards build, no-op (nothing changed)": (cli + ["build"], None, "4x"),
        }
        if args.before:
            old = ["env", f"PYTHONPATH={args.before.resolve()}", *cli]
            rows["  before: build, cold"] = (old + ["build"], cold, 3.0)
            rows["  before: build, fresh machine"] = (old + ["build"], fresh, None)
            rows["  before: build, no-op"] = (old + ["build"], None, "4x")
        run(cli + ["build"], work, env)  # warms the OS file cache; the no-op row follows a cold build anyway
        samples: dict[str, list[float]] = {name: [] for name in rows}
        for _ in range(args.rounds):
            for name, (cmd, prepare, _) in rows.items():
                if prepare:
                    prepare()
                samples[name].append(run(cmd, work, env))
    med = {name: statistics.median(values) for name, values in samples.items()}
    base = med["python -c 'import genanki' (baseline)"]
    print(f"median of {args.rounds} interleaved rounds, shipped course")
    print(f"{'command':<48} {'median s':>9} {'x genanki':>10} {'goal':>14} {'met':>4}")
    for name, (_, _, goal) in rows.items():
        shown = "" if goal is None else f"<= {goal:.1f} s" if isinstance(goal, float) else f"<= {goal} ({4 * base:.2f} s)"
        limit = None if goal is None else goal if isinstance(goal, float) else 4 * base
        met = "" if limit is None else "yes" if med[name] <= limit else "NO"
        print(f"{name:<48} {med[name]:9.3f} {med[name] / base:10.2f} {shown:>14} {met:>4}")


if __name__ == "__main__":
    main()
