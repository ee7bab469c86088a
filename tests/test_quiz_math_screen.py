"""2-D math in the terminal quiz: matrices, cases, aligned and stacked fractions, checked against a golden screen.

The quiz runs in a real pty at 80x24 and its screen is read back through pyte. The golden file was reviewed by
eye: brackets as tall as the matrix, centred columns, the stacked fraction's bar on the baseline of its row.
"""

from __future__ import annotations

from pathlib import Path

from test_quiz_pager import Terminal, pyte  # noqa: F401 (a fixture)
from test_quiz_pty import pexpect  # noqa: F401 (a fixture)

CARD = r'''
      - id: fx-t2a-matrix-card
        front: |
          Let $A = \begin{pmatrix} 2 & 1 \\ 1 & 3 \end{pmatrix}$ and
          $$
          \det A = \begin{vmatrix} 2 & 1 \\ 1 & 3 \end{vmatrix} = 5.
          $$
          What is $A^{-1}$?
        back: |
          $$
          A^{-1} = \frac{1}{5}\begin{bmatrix} 3 & -1 \\ -1 & 2 \end{bmatrix},
          \qquad
          |x| = \begin{cases} x & x \ge 0 \\ -x & x < 0 \end{cases}
          $$

          $$
          \begin{aligned} y &= \frac{\begin{pmatrix} 1 \\ 2 \end{pmatrix}}{2} \\ z &= 0 \end{aligned}
          $$
'''

GOLDEN = Path(__file__).resolve().parent / "golden" / "quiz-matrix-screen.txt"  # the whole 80x24 screen


def test_matrices_render_aligned(pexpect, pyte, project: Path, tmp_path: Path):
    deck = project / "content" / "sheet01" / "task02-more.yaml"
    deck.write_text(deck.read_text("utf-8") + CARD.lstrip("\n"), "utf-8")
    term = Terminal(pexpect, pyte, project, "--ids", "fx-t2a-matrix-card", db=tmp_path / "p.sqlite3")
    term.wait(r"\[space\] show answer")
    screen = term.press(" ", r"\[4\] Easy")
    assert "\n".join(screen) + "\n" == GOLDEN.read_text("utf-8")
    term.child.send("q")
    assert term.finish() == 0
