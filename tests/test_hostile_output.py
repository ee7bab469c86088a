"""Issue 10, items 2 and 4, output side: nothing dangerous reaches the terminal, the HTML or the JSON.

The loader refuses control characters (tests/fixtures/invalid/control-character); these tests cover
the second walls: invisible characters in answers are flagged, the quiz strips control sequences
from everything it prints (shown with a forged quiz cache, a road that bypasses the loader), the
built outputs hold no raw control character and the JSON is strict, and messages quote content
only as a short escaped excerpt.
"""

from __future__ import annotations

import io
import json
import os
import re
import sys
from pathlib import Path

import pytest

from conftest import require_module, run_cli, import_package

OSC52 = "\x1b]52;c;cm0gLXJmIH4K\x1b\\"  # writes "rm -rf ~" to the clipboard in terminals that honour it
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


def test_invisible_characters_in_answers_are_flagged(project: Path):
    deck = project / "content" / "sheet01" / "task02-more.yaml"
    _replace(deck, "answer: Backpropagation through time.", 'answer: "Backpropagation\\u200b through time."')
    result = run_cli("lint", cwd=project)
    assert result.returncode == 0
    assert result.stderr == ("content/sheet01/task02-more.yaml:9:13: warning: invisible character U+200B "
                             "(ZERO WIDTH SPACE) in text: it displays differently from what it is; remove it "
                             "unless it is intended\n")
    assert run_cli("lint", "--strict", cwd=project).returncode == 1


def test_messages_quote_content_only_as_a_short_escaped_excerpt(project: Path):
    deck = project / "content" / "sheet01" / "task02-more.yaml"
    _replace(deck, "    label: \"2(a)\"\n", "    label: \"2(a)\"\n    " + "k" * 300 + ": 1\n")
    result = run_cli("lint", cwd=project)
    assert result.returncode == 1
    assert result.stderr == ("content/sheet01/task02-more.yaml:7:5: unknown key '" + "k" * 40 + "…' (allowed: "
                             "answer_value, tol, unit, id, label, points, tags, question, model_answer, answer, "
                             "key_points, figure, answer_space, sources, references, checks, cards)\n1 problem found; nothing was written.\n")


def test_built_outputs_hold_no_control_characters_and_the_json_is_strict(project: Path):
    assert run_cli("build", cwd=project).returncode == 0
    for path in sorted((project / "dist").glob("*.html")) + [project / "dist" / "rgann.json"]:
        assert not CONTROL.search(path.read_text("utf-8")), path

    def refuse(constant: str):
        raise AssertionError(f"not JSON: {constant}")

    json.loads((project / "dist" / "rgann.json").read_text("utf-8"), parse_constant=refuse)


def test_strip_controls_removes_whole_escape_sequences():
    from rgann_cards.quiz.sanitize import strip_controls

    assert strip_controls(f"1(a){OSC52}") == "1(a)"
    assert strip_controls("a\x1b[2Jb\x1b[31mc") == "abc"
    assert strip_controls("x\x9b31my\x07z\x00") == "x31myz"  # 8-bit CSI, BEL, NUL
    assert strip_controls("keeps\ttab and\nnewline, ünïcode and $\\frac{a}{b}$") == (
        "keeps\ttab and\nnewline, ünïcode and $\\frac{a}{b}$")


def test_the_quiz_prints_no_control_sequence_even_from_a_forged_cache(project: Path):
    pexpect = require_module("pexpect")
    env = {**os.environ, "NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "80", "LINES": "24",
           "RGANN_NOW": "2025-03-01T09:00:00+00:00", "RGANN_FUZZ": "0", "XDG_CACHE_HOME": str(project / "cache"),
           "XDG_DATA_HOME": str(project / "data")}

    def quiz() -> str:
        child = pexpect.spawn(sys.executable, ["-m", "rgann_cards.cli", "quiz", "--db", str(project / "p.sqlite3")],
                              cwd=str(project), env=env, encoding="utf-8", dimensions=(24, 80), timeout=30)
        child.logfile_read = io.StringIO()
        child.expect("show answer")
        child.send("q")
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0
        return child.logfile_read.getvalue()

    quiz()  # validates the course and caches its items
    caches = list((project / "cache").rglob("*.json"))
    assert len(caches) == 1
    data = json.loads(caches[0].read_text("utf-8"))
    label, front = data["fields"].index("label"), data["fields"].index("front")
    for item in data["items"]:  # the content is unchanged, so the forged cache is used as it is
        item[label] = f"1(a){OSC52}"
        item[front] = f"What?\x07\x1b[2J{item[front]}"
    caches[0].write_text(json.dumps(data, ensure_ascii=False), "utf-8")

    shown = quiz()
    assert "1(a)" in shown and "What?" in shown
    assert "\x1b" not in shown and "\x07" not in shown  # TERM=dumb, NO_COLOR: rich itself sends no escapes


def test_the_largest_allowed_cloze_number_imports_into_anki(project: Path, tmp_path: Path):
    # Item 3: lint allows c1..c500 (c0 and c501+ are refused: fixtures/invalid/cloze-number-out-of-range).
    require_module("anki.collection")
    from anki.collection import Collection

    deck = project / "content" / "sheet01" / "task02-more.yaml"
    _replace(deck, "        front: BPTT unrolls the network in ...?\n        back: time",
             '        cloze: "BPTT unrolls the network in {{c500::time}}"')
    result = run_cli("build", cwd=project)
    assert result.returncode == 0, result.stderr
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        import_package(col, project / "dist" / "rgann.apkg")
        (card_id,) = col.find_cards('"ID:fx-t2a-bptt-card"')
        card = col.get_card(card_id)
        assert card.ord == 499
        assert "[...]" in card.question() and "time" in card.answer()
    finally:
        col.close()


def test_a_plain_fragment_skips_nh3_only_where_nh3_would_return_it_unchanged():
    """html_safe.sanitize returns a fragment without any of _NOT_PLAIN's characters as it is: nh3 returns each
    other character of Unicode unchanged at the start of a fragment and inside one (in runs of 512), and
    random strings of them, with spaces, newlines and the renderer's private-use markers; each character
    of the set is one that nh3 does change somewhere, so none may leave it."""
    import random

    from rgann_cards.export import html_safe

    clean = html_safe._CLEANER.clean
    plain = [chr(c) for c in range(0x110000)
             if not 0xD800 <= c < 0xE000 and not html_safe._NOT_PLAIN.match(chr(c))]
    for char in plain:
        assert clean(char + "x") == char + "x", hex(ord(char))
    for start in range(0, len(plain), 512):
        run = "".join(plain[start:start + 512])
        assert html_safe.sanitize(run) == run == clean(run) == clean("x" + run)[1:], start
    rng = random.Random(2)
    pool = plain[:600] + [" ", "\n", "\t", "\ue004", "\ue005", "\ue012", "\u2028", "\U0001d538"] * 20
    for _ in range(3000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 30)))
        assert html_safe.sanitize(text) == clean(text) == text
    for char in html_safe._NOT_PLAIN.pattern[1:-1]:
        assert clean(char + "x") != char + "x" or clean(f"a{char}b") != f"a{char}b", hex(ord(char))
        assert html_safe.sanitize(f"a{char}<script>b</script>") == clean(f"a{char}<script>b</script>")
