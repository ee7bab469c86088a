"""The one TeX allow-list (markup/tex.py): no string of the course brings MathJax commands into Anki.

Anki's reviewer runs MathJax tex-chtml-full, which would turn `\\href`, `\\class`, `\\style`, `\\cssId`,
`\\require`, `\\unicode` or the html extension into links, attributes and loaded code.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES, copy_tree, require_module, run_cli, import_package
from rgann_cards.export.anki_cloze import without_own_bbox
from rgann_cards.markup import forbidden, problems, render, tex

REASON = "(MathJax in Anki would turn it into links, styles or loaded code)"
HOSTILE = r"""deck: "Sheet 01::Task 3 · Hostile \\(\\href{javascript:alert(1)}{d}\\)"
sheet: 1
task: 3
exercises:
  - id: fx-t3a-hostile
    label: '3(a) \(\href{javascript:alert(1)}{x}\)'
    question: What is $x$?
    model_answer: It is $x$.
    answer: |
      Click \\(\href{javascript:alert(1)}{x}\\) now.
    key_points:
      - '&#92;(&#92;cssId{a}{x}&#92;)'
    sources: ['\(\style{color:red}{s}\)']
    cards:
      - id: fx-t3a-hint
        cloze: '$x = {{c1::y::\href{javascript:alert(1)}{h}}}$'
      - id: fx-t3a-math
        front: 'What is $\class{a}{x}$ or $\require{html}$?'
        back: 'It is $\(x\)$.'
"""


def _project(tmp_path: Path, deck: str) -> Path:
    copy_tree(FIXTURES / "valid", tmp_path / "content")
    (tmp_path / "content" / "sheet01" / "task03-hostile.yaml").write_text(deck, "utf-8")
    return tmp_path


def test_the_issue_repro_and_every_other_place_is_a_path_line_error(tmp_path: Path):
    project = _project(tmp_path, HOSTILE)
    for command in ("lint", "build"):
        result = run_cli(command, cwd=project)
        assert result.returncode == 1, result.stdout
        assert "Traceback" not in result.stderr
        at = "content/sheet01/task03-hostile.yaml"
        assert result.stderr.splitlines() == [
            f"{at}:1:7: forbidden TeX command '\\href' {REASON}",  # deck name
            f"{at}:6:12: forbidden TeX command '\\href' {REASON}",  # label
            f"{at}:9:13: forbidden TeX command '\\href' {REASON}",  # the issue's repro, in an answer
            f"{at}:12:9: forbidden TeX command '\\cssId' {REASON}",  # written as entities
            f"{at}:13:15: forbidden TeX command '\\style' {REASON}",  # a source
            f"{at}:16:16: forbidden TeX command '\\href' {REASON}",  # a cloze hint inside math
            f"{at}:18:16: forbidden TeX command '\\class' {REASON}",
            f"{at}:18:16: forbidden TeX command '\\require' {REASON}",
            f"{at}:19:15: unknown LaTeX command '\\(' in math '$\\(x\\)$'",  # would end Anki's math early
            f"{at}:19:15: unknown LaTeX command '\\)' in math '$\\(x\\)$'",
            "10 problems found; nothing was written.",
        ]
    assert not (project / "dist").exists()


def test_reference_fields_are_checked(tmp_path: Path):
    project = _project(tmp_path, HOSTILE.split("  - id: fx-t3a-hostile")[0].replace(
        r"Hostile \\(\\href{javascript:alert(1)}{d}\\)", "Fine") + """  - id: fx-t3a-fine
    label: 3(a)
    question: Q?
    model_answer: A.
    answer: A.
    key_points: [k]
""")
    refs = project / "content" / "references.yaml"
    refs.write_text(refs.read_text("utf-8") + "evil2000:\n  authors: ['\\\\(\\\\unicode{x41}\\\\)']\n  year: 2000\n"
                    "  title: T\n  venue: V\n  url: https://example.org\n", "utf-8")
    result = run_cli("lint", cwd=project)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == f"content/references.yaml:14:13: forbidden TeX command '\\unicode' {REASON}"


@pytest.mark.parametrize("name", ["href", "url", "class", "style", "cssId", "data", "require", "unicode", "bbox",
                                  "mmlToken", "toggle", "mathtip", "texttip", "htmlData", "htmlClass", "csname"])
def test_every_forbidden_command_is_an_error_in_text_and_in_math(name: str):
    assert forbidden(f"a \\{name}{{x}} b") == [f"forbidden TeX command '\\{name}' {REASON}"]
    assert problems(f"$\\{name}{{x}}$")[0] == f"forbidden TeX command '\\{name}' {REASON}"
    assert tex.math_problems(f"\\{name}{{x}}") == [f"forbidden TeX command '\\{name}' {REASON}"] or \
        name in tex.UNSUPPORTED  # \href, \url, ...: the printable pages' own message comes first
    if not name.startswith("html"):  # \html... is forbidden as a prefix: the whole extension
        assert forbidden(f"\\{name}x") == []  # another command that merely starts the same way


def test_literal_delimiters_in_text_are_shown_not_typeset():
    assert render(r"Write \\(x\\) or \\[y\\] in $z$") == r"Write \<span></span>(x\) or \<span></span>[y\] in \(z\)"
    assert render(r"`\(x\)`") == r"<code>\<span></span>(x\)</code>"
    assert render("&#92;(x&#92;)") == r"\<span></span>(x\)"
    assert render(r"{{c1::a::\(b\)}} and $x={{c2::y}}$", cloze=True) == \
        r"{{c1::a::\<span></span>(b\)}} and \(x={{c2::y}}\)"
    assert tex.literal(r"\begin{x}") == r"\<span></span>begin{x}"


def test_the_printed_pages_keep_text_as_written():
    from rgann_cards.export.html_safe import sanitize
    from rgann_cards.markup.mathml import to_mathml

    assert render(r"Write \\(x\\)", to_mathml, sanitize=sanitize) == r"Write \(x\)"  # no MathJax on the pages


def test_nothing_dangerous_reaches_anki(tmp_path: Path):
    require_module("anki")
    from anki.collection import Collection

    benign = HOSTILE.replace(r"\\href{javascript:alert(1)}{d}", "d").replace(r"\href{javascript:alert(1)}{x}", "x")
    benign = benign.replace(r"&#92;cssId{a}{x}", "k").replace(r"\style{color:red}{s}", "s")
    benign = benign.replace(r"\href{javascript:alert(1)}{h}", "h").replace(r"\class{a}{x}", "x")
    benign = benign.replace(r"\require{html}", "y").replace(r"$\(x\)$", r"\\(x\\)")
    project = _project(tmp_path, benign)
    result = run_cli("build", cwd=project)
    assert result.returncode == 0, result.stderr
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        import_package(col, project / "dist" / "rgann.apkg")
        shown = []
        for card_id in col.find_cards('"ID:fx-t3a-*"'):
            card = col.get_card(card_id)
            shown += [card.question(), card.answer()]
        assert len(shown) == 6
        everything = "\n".join(shown)
        # the one \bbox the cloze highlight writes itself (export/anki_cloze.py) is not content's
        assert not forbidden(without_own_bbox(everything))
        # every delimiter the author wrote as text is broken; only the course's own math is typeset
        assert everything.count("\\<span></span>(") > 0
        for html in shown:
            assert html.count("\\(") == html.count("\\)") - html.count("\\<span></span>(")
    finally:
        col.close()


@pytest.mark.parametrize("fields, reached", [
    (("id", "fine", "\\(x\\)", "last \\href{u}{x}"), "href"),  # in the last field
    (("id", "\\htmlClass{a}{b}", "fine"), "htmlClass"),
    (("id", "ends \\hr", "ef starts"), None),  # no command reaches across two fields
    (("id", "\\(\\bbox[2px,color:var(--cloze-a1);background-color:var(--cloze-b1)]{x}\\)"), None),  # our own
])
def test_the_anki_export_refuses_forbidden_tex_in_any_field_of_a_note(fields, reached):
    """The last wall before Anki (export/anki._checked): lint refuses these, so none should ever get here."""
    from rgann_cards.export.anki import NoteData, _checked

    note = NoteData("n1", "basic", "D", fields, ())
    if reached is None:
        assert _checked(note) is note
    else:
        with pytest.raises(AssertionError, match=f"forbidden TeX reached note n1: forbidden TeX command '\\\\{reached}'"):
            _checked(note)


def test_the_allow_list_shortcut_finds_what_the_full_look_finds():
    """math_problems passes a formula of allowed commands without looking at each: on formulas built from
    allowed, unknown, unsupported and forbidden commands, environments (also a lone \\end) and '&', the
    result is the full look's, and the shortcut does pass the clean ones."""
    import random

    rng = random.Random(2)
    atoms = ["x", "{", "}", "^2", "_i", " ", "\\alpha", "\\frac{a}{b}", "\\sqrt", "\\,", "\\\\", "\\{", "\\;",
             "\\foo", "\\boxed", "\\href", "\\htmlClass", "\\color", "\\(", "\\@", "&", "\\&", "\\begin{cases}",
             "\\end{cases}", "\\end{foo}", "\\begin{tabular}", "\\begin {aligned}", "\\mathcal", "\\operatorname",
             "\\endash", "\\mathbb{R}", "\\newcommand", "\\unicode", "\\label"]
    clean = 0
    for _ in range(3000):
        latex = "".join(rng.choice(atoms) for _ in range(rng.randint(1, 6)))
        assert tex.math_problems(latex) == tex._looked_at(latex), latex
        clean += not tex._looked_at(latex)
    assert clean > 300  # the shortcut's own case came up often


def test_the_last_wall_takes_our_own_bbox_out_of_the_joined_fields_as_out_of_each():
    """_checked removes the cloze highlight's own \\bbox from the note's fields joined, not one by one:
    on random fields built from our \\bbox forms, pieces of them and forbidden commands, it finds
    exactly what the search over each field's own removal finds."""
    import random

    from rgann_cards.export.anki import NoteData, _checked
    from rgann_cards.export.anki_cloze import OWN_BBOX, without_own_bbox
    from rgann_cards.markup import forbidden

    own = "\\bbox[2px,color:var(--cloze-a1);background-color:var(--cloze-b1)]"
    atoms = [own, "\\bbox{{c2::[2px,color:var(--cloze-a2);background-color:var(--cloze-b2)]", "\\bbox", "[2px,",
             "color:var(--cloze-a1);", "background-color:var(--cloze-b1)]", "{x}", "\\href", "ef", "\\hr", "{{c1::",
             "]", "x", " ", "\\(", "\\)", "\0"]
    rng = random.Random(5)
    refused = 0
    for _ in range(4000):
        fields = tuple("".join(rng.choices(atoms, k=rng.randint(0, 5))) for _ in range(rng.randint(1, 4)))
        expected = forbidden("\0".join(map(without_own_bbox, fields)))
        try:
            _checked(NoteData("n", "basic", "D", fields, ()))
            assert not expected, fields
        except AssertionError as error:
            assert expected and str(error) == f"forbidden TeX reached note n: {expected[0]}", fields
            refused += 1
    assert 500 < refused < 3500 and OWN_BBOX.search(own)
