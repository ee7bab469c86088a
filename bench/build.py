#!/usr/bin/env python3
"""Benchmark: lint, verify and build of the shipped course, side by side with an interpreter-start baseline.

Prints wall times (median of N runs) and ratios. Run from the repository root:
    .venv/bin/python bench/build.py [--runs 5]
Numbers, not pass/fail: the targets from the issues are printed for comparison.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def timed(cmd: list[str], cwd: Path, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copytree(REPO / "content", work / "content")
        cli = [py, "-m", "rgann_cards.cli"]
        baseline = timed([py, "-c", "pass"], work, args.runs)
        rows = [("python -c pass (baseline)", baseline, None)]
        rows.append(("rgann-cards --version", timed(cli + ["--version"], work, args.runs), None))
        rows.append(("rgann-cards lint", timed(cli + ["lint"], work, args.runs), None))
        rows.append(("rgann-cards verify", timed(cli + ["verify"], work, args.runs), 10.0))
        shutil.rmtree(work / "dist", ignore_errors=True)
        start = time.perf_counter()
        subprocess.run(cli + ["build"], cwd=work, check=True, stdout=subprocess.DEVNULL)
        rows.append(("rgann-cards build (cold: empty dist/, cold figure cache)", time.perf_counter() - start, None))
        rows.append(("rgann-cards build (warm: outputs up to date)", timed(cli + ["build"], work, args.runs), None))
    print(f"{'command':<58} {'median s':>9} {'x baseline':>11} {'target s':>9}")
    for name, seconds, target in rows:
        ratio = seconds / baseline
        print(f"{name:<58} {seconds:9.3f} {ratio:11.1f} {target if target else '':>9}")


if __name__ == "__main__":
    main()
