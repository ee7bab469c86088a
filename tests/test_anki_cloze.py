"""Cloze deletions as the Anki export writes them (export/anki_cloze.py), and lint's width warning."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli
from rgann_cards import markup
from rgann_cards.export.anki_cloze import cloze_field, ordinal_css


def _field(source: str) -> str:
    return cloze_field(markup.render(source, cloze=True))


def test_a_deletion_in_math_becomes_a_bbox_cloze_in_display_math():
    out = _field("Gate: $y = {{c1::\\sigma(x)}} + b$")
    assert out == ("Gate: \\[y = \\bbox{{c1::[2px,color:var(--cloze-a1);background-color:var(--cloze-b1)]"
                   "{\\sigma(x)} ::3px,border:2px dashed var(--cloze);color:var(--cloze)]{\\mathord{\\;?\\;} }\\vphantom}} + b\\]")


def test_a_hint_is_the_blank_and_no_double_brace_ends_a_deletion_early():
    out = _field("$a = {{c2::\\frac{1}{2}::half}}$")
    assert "{{c2::[2px,color:var(--cloze-a2);background-color:var(--cloze-b2)]{\\frac{1}{2} } ::" in out
    assert "]{\\text{half} }\\vphantom}}" in out
    body = out[out.index("{{c2::") + 6 : out.rindex("}}")]
    assert "}}" not in body  # Anki ends a deletion at the first '}}'


def test_deletions_in_running_text_keep_ankis_own_markup():
    assert _field("The {{c1::forget gate}} scales $s^{t-1}$.") == \
        "The {{c1::forget gate}} scales \\(s^{t-1}\\)."


def test_a_wide_cloze_formula_is_broken_over_lines_before_its_relations():
    out = _field("$\\min_G \\max_D V = {{c1::\\mathbb{E}_{x \\sim p}[\\log D(x)]}} + "
                 "{{c2::\\mathbb{E}_{z \\sim q}[\\log(1 - D(G(z)))]}}$")
    assert out.startswith("\\[\\begin{aligned}") and out.endswith("\\end{aligned}\\]")
    assert out.count(" \\\\ ") == 2 and "&amp;= \\bbox{{c1::" in out and "&amp;\\quad + \\bbox{{c2::" in out


def test_every_card_number_has_its_answer_colour():
    css = ordinal_css()
    assert ".card1{--cloze-a1:var(--cloze);--cloze-b1:var(--cloze-bg)}" in css
    assert ".card20{--cloze-a20:" in css


def test_lint_warns_about_an_inline_formula_too_wide_for_a_phone(project: Path):
    path = project / "content" / "sheet01" / "task01-basics.yaml"
    wide = "$\\\\mathbb{E}_{z}[\\\\log(1 - D(G(z)))] = \\\\mathbb{E}_{x \\\\sim p_g}[\\\\log(1 - D(x))]$"
    text = path.read_text("utf-8").replace("back: $\\frac{1}{4}$, at $x = 0$.", f'back: "{wide}"')
    path.write_text(text, "utf-8")
    line = text.splitlines().index(f'        back: "{wide}"') + 1
    result = run_cli("lint", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stderr == (
        f"content/sheet01/task01-basics.yaml:{line}:15: warning: inline formula "
        "'$\\mathbb{E}_{z}[\\log(1 - D(G(z)))] = \\...$' is about 473 px wide, too wide for a 320 px phone "
        "screen: write it as display math ($$...$$)\n")
    assert run_cli("lint", "--strict", cwd=project).returncode == 1
