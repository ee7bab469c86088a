"""`kind: arithmetic` checks only recompute a number: every output shows them as computed, never as verified."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli

from rgann_cards.checks.result import CheckResult
from rgann_cards.checks.verify import Verification
from rgann_cards.content.load import load_course
from rgann_cards.content.model import Check

TASK = Path("content") / "sheet01" / "task01-basics.yaml"
ARITHMETIC = '''      - claim: "4 * 25 = 100"
        expr: "4*25"
        equals: 100
        kind: arithmetic
'''


def _add_arithmetic_check(project: Path) -> None:
    path = project / TASK
    text = path.read_text("utf-8")
    anchor = '        equals: "1/4"\n'
    assert text.count(anchor) == 1
    path.write_text(text.replace(anchor, anchor + ARITHMETIC), "utf-8")


def _line(checks: list[Check]) -> str:
    ex = type("Ex", (), {"id": "x"})()  # verified_line only reads the exercise's id
    return Verification([(ex, c, CheckResult("pass", "1", "SymPy", "ok")) for c in checks]).verified_line("x")


def test_arithmetic_checks_are_reported_as_computed_not_verified():
    proof = Check(claim="identity", expr="x - x", equals=0)
    number = Check(claim="number", expr="2*2", equals=4, kind="arithmetic")
    assert _line([proof, number]) == "Verified: 1 check (SymPy); computed: 1 arithmetic check"
    assert _line([number, number]) == "Computed: 2 arithmetic checks"
    assert _line([proof]) == "Verified: 1 check (SymPy)"


def test_kind_accepts_only_arithmetic(project: Path):
    path = project / TASK
    text = path.read_text("utf-8")
    path.write_text(text.replace('        equals: "1/4"\n', '        equals: "1/4"\n        kind: proof\n', 1), "utf-8")
    result = run_cli("lint", cwd=project)
    assert result.returncode == 1
    assert "kind" in result.stderr and "arithmetic" in result.stderr and "task01-basics.yaml:" in result.stderr


def test_json_and_html_show_computed(project: Path):
    _add_arithmetic_check(project)
    assert load_course(project / "content").exercises()[0][1].checks[-1].arithmetic
    result = run_cli("build", cwd=project)
    assert result.returncode == 0, result.stderr
    data = json.loads((project / "dist" / "rgann.json").read_text("utf-8"))
    checks = data["exercises"][0]["checks"]
    assert [c["evidence"] for c in checks] == ["verified", "computed"]
    assert checks[-1]["kind"] == "expr"
    sheet = (project / "dist" / "study-sheet.html").read_text("utf-8")
    assert "computed: 1 arithmetic check" in sheet
    assert '<li class="computed"><span class="claim">4 * 25 = 100</span>' in sheet
    assert "A further check, marked computed, only recomputes a stated number." in sheet  # the catalogue's words
