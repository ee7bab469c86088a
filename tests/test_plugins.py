"""Checks from installed plugins, matrices in expressions, and lint parsing every expression (issue 16).

The plugin is the tiny package in tests/fixtures/plugin-linalg, installed for real with pip
(``--target`` a temporary directory, which the commands then find on PYTHONPATH), so the
test venv and the other tests do not see it.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO, copy_tree, run_cli
from rgann_cards.checks import registry

LINALG_DECK = """\
deck: "Linear algebra · Determinants"
sheet: 1
task: 9
exercises:
  - id: la-det
    label: "9(a)"
    question: What is $\\det A$ for $A = \\begin{pmatrix} 2 & 1 \\\\ 1 & 3 \\end{pmatrix}$?
    answer: $\\det A = 2 \\cdot 3 - 1 \\cdot 1 = 5$.
    key_points: [ad - bc]
    checks:
      - claim: "det A = 5"
        expr: "det(Matrix([[2, 1], [1, 3]]))"
        equals: "VALUE"
      - claim: "the inverse of A"
        expr: "inverse([[2, 1], [1, 3]])"
        equals: "[[3/5, -1/5], [-1/5, 2/5]]"
      - claim: "det(AB) = det(A) det(B)"
        function: linalg.det_product
        params: {n: 4}
    model_answer: $\\det A = ad - bc = 5$.
"""


def _course(tmp_path: Path, value: str = "5") -> Path:
    copy_tree(FIXTURES / "valid", tmp_path / "content")
    (tmp_path / "content" / "sheet01" / "task09-linalg.yaml").write_text(LINALG_DECK.replace("VALUE", value), "utf-8")
    return tmp_path


def test_every_builtin_check_module_is_registered_as_an_entry_point():
    points = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]["entry-points"]
    registered = points[registry.ENTRY_POINT_GROUP]
    assert registered == {p.stem: f"rgann_cards.checks.{p.stem}" for p in registry.builtin_sources()}
    assert registry.check_modules() == registered  # the installed metadata says the same


def test_a_plugin_check_is_listed_and_runs(tmp_path, plugin_site):
    env = {"PYTHONPATH": str(plugin_site)}
    listing = run_cli("verify", "--list", cwd=tmp_path, env=env)
    assert listing.returncode == 0, listing.stderr
    assert ("linalg.det_product(n=3, seed=0)    [rgann_linalg_checks.checks]\n"
            "    det(AB) = det(A)·det(B), exactly, for random integer n×n matrices A and B (SymPy).\n") in listing.stdout
    assert "helper_not_a_check" not in listing.stdout
    project = _course(tmp_path)
    result = run_cli("verify", "--only", "la-det", cwd=project, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed, 0 failed" in result.stdout
    build = run_cli("build", cwd=project, env=env)
    assert build.returncode == 0, build.stderr
    assert "Verified: 3 checks (SymPy)" in (project / "dist" / "study-sheet.html").read_text("utf-8")


def test_without_the_plugin_the_name_is_unknown_and_the_message_says_how_to_add_one(tmp_path):
    project = _course(tmp_path)
    result = run_cli("lint", cwd=project)
    assert result.returncode == 1
    assert result.stderr == (
        "content/sheet01/task09-linalg.yaml:18:19: unknown check function 'linalg.det_product' (installed check "
        "modules: batchnorm, gan, gaussian, kl, lstm, reparam, residual, sigmoid; 'rgann-cards verify --list' shows "
        "every check; a course's own checks are a package that registers its module in the entry-point group "
        "'rgann_cards.checks', see docs/checks.md)\n"
        "1 problem found; nothing was written.\n")


def test_content_cannot_reach_a_plugin_function_that_is_not_a_named_check(plugin_site):
    code = ("from rgann_cards.checks import registry\n"
            "for name in ['linalg.helper_not_a_check', 'linalg.Random', 'linalg.sympy']:\n"
            "    try:\n        registry.resolve(name)\n    except registry.RegistryError as e:\n        print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(plugin_site), "PATH": "/usr/bin:/bin"})
    assert out.stdout.splitlines() == ["unknown check 'linalg.helper_not_a_check'", "unknown check 'linalg.Random'",
                                       "unknown check 'linalg.sympy'"]


def test_a_plugin_check_can_fail(plugin_site):
    # The plugin's own mutation: a determinant that is off by one on every matrix must fail the check.
    sys.path.insert(0, str(plugin_site))
    try:
        from rgann_linalg_checks import checks
    finally:
        sys.path.remove(str(plugin_site))
    assert checks.det_product().ok
    result = checks.det_product(det=lambda m: m.det() + 1)
    assert result.status == "fail" and "≠" in result.explanation


def test_a_wrong_matrix_value_fails_with_its_location(tmp_path, plugin_site):
    project = _course(tmp_path, value="6")
    result = run_cli("verify", "--only", "la-det", cwd=project, env={"PYTHONPATH": str(plugin_site)})
    assert result.returncode == 1
    assert ("content/sheet01/task09-linalg.yaml:11:9: check failed: det A = 5: expr = 5.0 but equals = 6.0\n"
            in result.stderr)


def test_lint_parses_expressions_without_sympy(tmp_path):
    project = _course(tmp_path)
    deck = project / "content" / "sheet01" / "task09-linalg.yaml"
    deck.write_text(deck.read_text("utf-8").replace('expr: "det(Matrix([[2, 1], [1, 3]]))"', 'expr: "2*(3"')
                    .replace("function: linalg.det_product\n        params: {n: 4}", 'expr: "1"\n        equals: "1"'),
                    "utf-8")
    code = ("import sys; from rgann_cards.cli import main; rc = main(['lint']); "
            "print(sorted(m for m in ('sympy', 'numpy') if m in sys.modules)); sys.exit(rc)")
    out = subprocess.run([sys.executable, "-c", code], cwd=project, capture_output=True, text=True)
    assert out.returncode == 1
    assert out.stderr.splitlines()[0] == ("content/sheet01/task09-linalg.yaml:12:15: invalid expression in 'expr': "
                                          "syntax error: '(' was never closed")
    assert out.stdout.strip() == "[]"
