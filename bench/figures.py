"""Figures: cold draw (empty cache) vs warm build (every figure cached), side by side.

Each run is a fresh interpreter, so a cold run pays for importing matplotlib,
NumPy and the checks the data figures plot from, exactly like a first build.
The time is measured inside the child, from before the first import to the
last SVG byte (interpreter start-up excluded). Budgets: cold <= 4 s, warm <= 0.2 s.

    .venv/bin/python bench/figures.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

COLD_BUDGET, WARM_BUDGET = 4.0, 0.2
CHILD = """
import json, sys, time
start = time.perf_counter()
from pathlib import Path
from rgann_cards.diagrams import known_figures
from rgann_cards.diagrams.render import render_figures
svgs = render_figures(sorted(known_figures()), Path(sys.argv[1]))
print(json.dumps({"seconds": time.perf_counter() - start, "figures": len(svgs),
                  "matplotlib": "matplotlib" in sys.modules}))
"""


def _run(cache_dir: Path) -> dict:
    result = subprocess.run([sys.executable, "-c", CHILD, str(cache_dir)], capture_output=True, text=True,
                            check=True, timeout=300)
    return json.loads(result.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="cold/warm pairs to run (default 3)")
    args = parser.parse_args()
    cold, warm = [], []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            first, second = _run(Path(tmp)), _run(Path(tmp))
        assert second["figures"] == first["figures"] and not second["matplotlib"], second
        cold.append(first["seconds"])
        warm.append(second["seconds"])
    cold_s, warm_s = statistics.median(cold), statistics.median(warm)
    print(f"figures: {first['figures']}, median of {args.repeat} fresh-interpreter runs each")
    print(f"{'':6}{'cold':>10}{'warm':>10}{'cold/warm':>12}")
    print(f"{'time':6}{cold_s:>9.3f}s{warm_s:>9.3f}s{cold_s / warm_s:>11.0f}x")
    print(f"{'budget':6}{COLD_BUDGET:>9.3f}s{WARM_BUDGET:>9.3f}s")
    within = cold_s <= COLD_BUDGET and warm_s <= WARM_BUDGET
    print("within budget" if within else "OVER BUDGET")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
