#!/usr/bin/env python3
"""Benchmark: `rgann-cards build` of a synthetic course at 1k and 10k notes, against plain genanki.

The synthetic course is 70% basic cards with inline math, 20% cloze cards and 10%
exercises, with no checks and no figures. Three programs write the same notes:

- ``rgann``: `rgann-cards build` (cold: no dist/, no lock, empty caches);
- ``genanki``: a plain genanki script that builds the notes in memory and writes the package;
- ``genanki+yaml``: the same script, but reading the notes from the YAML files first.

Rounds are interleaved (rgann, genanki, genanki+yaml, rgann, ...) and the median is printed,
with the ratios, the growth t(10k)/t(1k), each program's CPU seconds (user + system, all its processes) and
its peak RSS. Run from the repository root:
    .venv/bin/python bench/scale.py [--rounds 5] [--sizes 1000 10000] [--profile out.prof]
Numbers, not pass/fail.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bytecode import compile_packages

PER_FILE = 20  # exercises per deck file; each exercise brings 7 basic and 2 cloze cards (10 notes)
GOALS = {1000: 0.4, 10000: 2.1}


# --------------------------------------------------------------------------- the synthetic course

def course(notes: int) -> list[dict]:
    """Deck files as plain data: ``notes`` notes, one in ten an exercise."""
    decks = []
    exercises = notes // 10
    for f in range(0, exercises, PER_FILE):
        items = []
        for i in range(f, min(f + PER_FILE, exercises)):
            cards = [{"id": f"x{i}-b{j}", "front": f"What is $\\alpha_{{{i}}} + \\beta^{{{j}}}$ for item {i}?",
                      "back": f"It is $\\frac{{\\alpha_{{{i}}}}}{{{j + 1}}} + \\sqrt{{\\beta_{j}}}$, as shown in **lecture {j}**."}
                     for j in range(7)]
            cards += [{"id": f"x{i}-c{j}",
                       "cloze": f"The value of $x_{{{i}}}$ is {{{{c1::$\\sum_{{k=1}}^{{{j + 2}}} k^2$}}}} in case {j}.",
                       "extra": f"Card {j} of exercise {i}."}
                      for j in range(2)]
            items.append({
                "id": f"x{i}", "label": f"{i}(a)", "points": 2,
                "question": f"Show that $f_{{{i}}}(x) = x^{{{i % 7 + 2}}}$ is convex on $x > 0$.",
                "model_answer": f"$f''_{{{i}}}(x) \\ge 0$ on $x > 0$, so $f_{{{i}}}$ is convex.",
                "answer": f"Its second derivative is $f''_{{{i}}}(x) = {(i % 7 + 2) * (i % 7 + 1)} x^{{{i % 7}}} \\ge 0$,\n\n"
                          f"$$\n\\int_0^1 f_{{{i}}}(x)\\,dx = \\frac{{1}}{{{i % 7 + 3}}}\n$$\n\nso *it is* convex.",
                "key_points": [f"second derivative $f''_{{{i}}} \\ge 0$", "convex"],
                "references": ["ref0"], "cards": cards,
            })
        decks.append({"deck": f"Scale::File {f // PER_FILE:04d}", "sheet": 1, "task": 1 + (f // PER_FILE) % 99,
                      "exercises": items})
    return decks


def write_course(notes: int, directory: Path) -> None:
    import yaml

    (directory / "decks").mkdir(parents=True)
    (directory / "course.yaml").write_text("id: scale\ntitle: Scale\nroot_deck: SCALE\n")
    (directory / "references.yaml").write_text(
        "ref0:\n  authors: [A. Author]\n  year: 2000\n  title: A Title\n  venue: A Venue\n  url: https://example.org\n")
    for n, deck in enumerate(course(notes)):
        (directory / "decks" / f"file{n:04d}.yaml").write_text(yaml.safe_dump(deck, sort_keys=False, allow_unicode=True))


# --------------------------------------------------------------------------- the plain genanki programs

def plain_genanki(decks: list[dict], out: Path) -> None:
    """The same notes with genanki alone: fields written as they are, no rendering or validation."""
    import genanki

    exercise = genanki.Model(1607392319, "Exercise", fields=[{"name": n} for n in ("Id", "Label", "Question", "ModelAnswer", "Answer", "KeyPoints")],
                             templates=[{"name": "Card 1", "qfmt": "{{Question}}", "afmt": "{{Answer}}"}])
    basic, cloze = genanki.BASIC_MODEL, genanki.CLOZE_MODEL
    package_decks = []
    for k, d in enumerate(decks):
        deck = genanki.Deck(2059400110 + k, f"SCALE::{d['deck']}")
        for ex in d["exercises"]:
            deck.add_note(genanki.Note(exercise, [ex["id"], ex["label"], ex["question"], ex["model_answer"], ex["answer"],
                                                  "".join(ex["key_points"])], guid=genanki.guid_for(ex["id"])))
            for card in ex["cards"]:
                if "cloze" in card:
                    deck.add_note(genanki.Note(cloze, [card["cloze"], card["extra"]], guid=genanki.guid_for(card["id"])))
                else:
                    deck.add_note(genanki.Note(basic, [card["front"], card["back"]], guid=genanki.guid_for(card["id"])))
        package_decks.append(deck)
    genanki.Package(package_decks).write_to_file(out)


def child(kind: str, notes: int, work: Path) -> None:
    """One timed program (run in its own interpreter)."""
    if kind == "genanki":
        plain_genanki(course(notes), work / "plain.apkg")
    elif kind == "genanki+yaml":
        import yaml

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        decks = [yaml.load(p.read_text("utf-8"), Loader=loader) for p in sorted((work / "content" / "decks").glob("*.yaml"))]
        plain_genanki(decks, work / "plain.apkg")


# --------------------------------------------------------------------------- measuring

# A wrapper process per run, so RUSAGE_CHILDREN is the peak RSS of that one run (and its workers) only.
_WRAPPER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps([code, seconds, usage.ru_maxrss, usage.ru_utime + usage.ru_stime]))
"""


def measure(cmd: list[str], cwd: Path, env: dict) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MiB) and CPU seconds (user + system, every process it waited for) of one run."""
    out = subprocess.run([sys.executable, "-c", _WRAPPER, *cmd], cwd=cwd, env=env, capture_output=True, text=True)
    code, seconds, rss_kib, cpu = json.loads(out.stdout)
    if code != 0:
        raise SystemExit(f"{' '.join(cmd)} failed in {cwd}:\n{out.stderr}")
    return seconds, rss_kib / 1024, cpu


def cold(work: Path) -> None:
    """Forget everything a previous build left: outputs, lock, caches."""
    for path in (work / "dist", work / ".cache", work / "xdg-cache"):
        shutil.rmtree(path, ignore_errors=True)
    (work / "content" / "anki.lock").unlink(missing_ok=True)
    (work / "plain.apkg").unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--profile", type=Path, help="also write a cProfile of one cold build at the largest size")
    parser.add_argument("--before", type=Path, metavar="SRC",
                        help="also time the rgann_cards package in SRC (e.g. an export of an older commit)")
    parser.add_argument("--child", nargs=3, metavar=("KIND", "NOTES", "WORK"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), Path(args.child[2]))
        return
    compile_packages(Path(__file__).resolve().parent.parent, *([args.before] if args.before else []))
    py, me = sys.executable, str(Path(__file__).resolve())
    results: dict[tuple[int, str], list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            work = Path(tmp) / str(size)
            write_course(size, work / "content")
            env = {**os.environ, "XDG_CACHE_HOME": str(work / "xdg-cache")}
            programs = {
                "rgann": [py, "-m", "rgann_cards.cli", "build"],
                **({"rgann before": ["env", f"PYTHONPATH={args.before.resolve()}", py, "-m", "rgann_cards.cli",
                                     "build"]} if args.before else {}),
                "genanki": [py, me, "--child", "genanki", str(size), str(work)],
                "genanki+yaml": [py, me, "--child", "genanki+yaml", str(size), str(work)],
            }
            for _ in range(args.rounds):
                for name, cmd in programs.items():
                    cold(work)
                    results.setdefault((size, name), []).append(measure(cmd, work, env))
            if args.profile and size == max(args.sizes):
                cold(work)
                subprocess.run([py, "-m", "cProfile", "-o", str(args.profile.resolve()), "-m", "rgann_cards.cli", "build"],
                               cwd=work, env=env, check=True, stdout=subprocess.DEVNULL)
    med = {key: (statistics.median(s for s, _, _ in runs), max(r for _, r, _ in runs),
                 statistics.median(c for _, _, c in runs)) for key, runs in results.items()}
    # CPU seconds drift less than wall time on a shared machine, and show what both cores did
    print(f"{'notes':>6} {'program':<13} {'median s':>9} {'cpu s':>7} {'peak MiB':>9} {'x genanki':>10} "
          f"{'x gen+yaml':>11} {'goal s':>7}")
    for size in args.sizes:
        plain, with_yaml = med[(size, "genanki")][0], med[(size, "genanki+yaml")][0]
        for name in programs:
            seconds, rss, cpu = med[(size, name)]
            goal = f"{GOALS[size]:.1f}" if name == "rgann" and size in GOALS else ""
            print(f"{size:>6} {name:<13} {seconds:9.3f} {cpu:7.3f} {rss:9.1f} {seconds / plain:10.2f} "
                  f"{seconds / with_yaml:11.2f} {goal:>7}")
    if len(args.sizes) > 1:
        small, large = min(args.sizes), max(args.sizes)
        for name in programs:
            print(f"growth t({large})/t({small}) {name:<13} {med[(large, name)][0] / med[(small, name)][0]:6.2f}")
    print("goals (issue 14), each measured in this run:")
    for size, label, value, limit in _goals(med):
        print(f"  {label:<44} {value:8.3f} {'<=':>3} {limit:<7g} {'met' if value <= limit else 'NOT MET'}")


def _goals(med: dict) -> list[tuple[int, str, float, float]]:
    """(size, what, measured, limit) for each goal whose sizes were run."""
    goals = []
    for size in (10000, 1000):
        if (size, "rgann") not in med:
            continue
        seconds, rss, _ = med[(size, "rgann")]
        goals.append((size, f"{size} notes, cold build (s)", seconds, GOALS[size]))
        if size == 10000:
            goals.append((size, "10000 notes, x plain genanki", seconds / med[(size, "genanki")][0], 4))
            goals.append((size, "10000 notes, x genanki + YAML", seconds / med[(size, "genanki+yaml")][0], 2))
            goals.append((size, "10000 notes, peak RSS (MiB)", rss, 150))
    return goals


if __name__ == "__main__":
    main()
