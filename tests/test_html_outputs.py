"""Study sheet, quiz and answer key: selection, safety and bytes here; layout in real headless Chromium.

Screenshots and PDFs land in tests/artifacts/html/ (gitignored): look at them.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import CHROMIUM, CHROMIUM_ARGS, REPO, copy_tree, require_chromium, run_cli
from rgann_cards.errors import UsageError
from rgann_cards.export import html
from rgann_cards.export.html_safe import inline_svg, sanitize

ARTIFACTS = REPO / "tests" / "artifacts" / "html"
QUIZ_ARGS = ("quiz-sheet", "--seed", "7", "--count", "6", "--shuffle")
QUIZ_CODE = "128738"  # the selection code of QUIZ_ARGS: it names the pair of files
PAGES = ("study-sheet", "quiz", "answer-key")
MARGIN_MM = 16  # left and right @page margin in print.css
PAPER_MM = {"A4": 210.0, "Letter": 215.9}


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    """The shipped course, its checks run once, and its figures drawn once."""
    from rgann_cards.build import load_and_verify
    from rgann_cards.diagrams.render import render_figures

    course, verification = load_and_verify(REPO / "content")
    names = {ex.figure for _, ex in course.exercises() if ex.figure}
    return course, verification, render_figures(names, cache_dir=tmp_path_factory.mktemp("figures"))


@pytest.fixture(scope="module")
def pages(shipped, tmp_path_factory) -> dict[str, Path]:
    """The three pages as a user gets them: the quiz pair from the real command, the sheet from the library."""
    course, verification, figures = shipped
    work = tmp_path_factory.mktemp("pages")
    copy_tree(REPO / "content", work / "content")
    result = run_cli(*QUIZ_ARGS, cwd=work, timeout=300)
    assert result.returncode == 0, result.stderr
    (work / "dist" / "study-sheet.html").write_bytes(html.render_study_sheet(course, verification, figures))
    names = {"study-sheet": "study-sheet", "quiz": f"quiz-{QUIZ_CODE}", "answer-key": f"answer-key-{QUIZ_CODE}"}
    return {name: work / "dist" / f"{names[name]}.html" for name in PAGES}


def text_of(page: bytes | str) -> str:
    """Visible text of a page or fragment, whitespace collapsed (tags stripped, entities decoded)."""
    page = page.decode() if isinstance(page, bytes) else page
    page = re.sub(r"<(style|svg|math)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", page)).split())


def phrases(markdown: str) -> list[str]:
    """Runs of plain prose in an answer's source (no math, no markup), long enough to be distinctive."""
    plain = re.sub(r"\$\$.*?\$\$|\$[^$]*\$", "|", markdown, flags=re.S)
    return [p.strip() for p in re.findall(r"[A-Za-z][A-Za-z ,;()'-]{40,}", plain)]


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def elements(page: bytes | str) -> list[tuple[str, dict]]:
    parser = _Elements()
    parser.feed(page.decode() if isinstance(page, bytes) else page)
    return parser.tags


def assert_inert(page: bytes | str) -> None:
    """No script, no event handler, no javascript: URL anywhere in the page."""
    for tag, attrs in elements(page):
        assert tag not in ("script", "iframe", "object", "embed"), tag
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        assert not any(str(v).strip().lower().startswith("javascript:") for v in attrs.values()), (tag, attrs)


def exercise_ids(page: bytes) -> list[str]:
    return re.findall(rb'data-exercise="([^"]+)"', page)


# --------------------------------------------------------------------------- selection


def test_selection_is_deterministic_and_honours_every_option(shipped):
    course = shipped[0]
    everything = [e.id for _, e in course.exercises()]
    assert [e.id for _, e in html.select(course)] == everything
    first = html.select(course, seed=7, count=5, shuffle=True)
    assert first == html.select(course, seed=7, count=5, shuffle=True)
    assert len(first) == 5 and len({e.id for _, e in first}) == 5
    in_order = [e.id for _, e in html.select(course, seed=7, count=5)]
    assert in_order == [i for i in everything if i in in_order]  # without --shuffle: course order
    assert len({tuple(e.id for _, e in html.select(course, seed=s, count=5, shuffle=True)) for s in range(6)}) > 1
    assert all("lstm" in e.tags for _, e in html.select(course, tag="lstm"))
    assert all(d.task == 2 for d, _ in html.select(course, tag="task02"))  # automatic deck tags work too
    assert {d.task for d, _ in html.select(course, deck="RGANN::Sheet 02::Task 4*")} == {4}


@pytest.mark.parametrize("kwargs,message", [
    ({"tag": "no-such-tag"}, "no exercise matches tag 'no-such-tag'"),
    ({"deck": "*Sheet 99*"}, "no exercise matches deck '*Sheet 99*'"),
    ({"seed": 1, "count": 0}, "--count must be between 1 and"),
    ({"seed": 1, "count": 1000}, "--count must be between 1 and"),
    ({"count": 3}, "drawing or shuffling questions needs a --seed"),
])
def test_bad_selections_are_usage_errors(shipped, kwargs, message):
    with pytest.raises(UsageError, match=re.escape(message)):
        html.select(shipped[0], **kwargs)


def test_quiz_sheet_usage_errors_exit_2(tmp_path: Path):
    copy_tree(REPO / "content", tmp_path / "content")
    for args in (("--count", "0"), ("--count", "x"), ("--count", "999"), ("--tag", "nope")):
        result = run_cli("quiz-sheet", "--seed", "1", *args, cwd=tmp_path)
        assert result.returncode == 2 and result.stderr.startswith(("Error: ", "usage: ")), result.stderr
    assert not (tmp_path / "dist").exists()


# --------------------------------------------------------------------------- content of the pages


def test_the_same_seed_gives_identical_files(pages, tmp_path: Path):
    copy_tree(REPO / "content", tmp_path / "content")
    assert run_cli(*QUIZ_ARGS, "--dist", "again", cwd=tmp_path, timeout=300).returncode == 0
    for name in ("quiz", "answer-key"):
        assert (tmp_path / "again" / f"{name}-{QUIZ_CODE}.html").read_bytes() == pages[name].read_bytes()
    other = run_cli("quiz-sheet", "--seed", "8", "--count", "6", "--shuffle", "--dist", "other", cwd=tmp_path,
                    timeout=300)
    [quiz] = (tmp_path / "other").glob("quiz-*.html")
    assert other.returncode == 0 and quiz.name != pages["quiz"].name and quiz.read_bytes() != pages["quiz"].read_bytes()


def test_a_selected_quiz_is_named_by_its_code_and_a_later_build_leaves_it_alone(tmp_path: Path):
    copy_tree(REPO / "content", tmp_path / "content")
    result = run_cli(*QUIZ_ARGS, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "dist").iterdir()) == ["answer-key-128738.html", "quiz-128738.html"]
    assert result.stdout.splitlines()[1:] == ["  dist/answer-key-128738.html (written)",
                                              "  dist/quiz-128738.html (written)"]
    selected = (tmp_path / "dist" / "quiz-128738.html").read_bytes()
    assert run_cli("build", cwd=tmp_path, timeout=300).returncode == 0
    html_files = sorted(p.name for p in (tmp_path / "dist").glob("*.html"))
    assert html_files == ["answer-key-128738.html", "answer-key.html", "quiz-128738.html", "quiz.html",
                          "study-sheet.html"]
    assert (tmp_path / "dist" / "quiz-128738.html").read_bytes() == selected
    assert b"code 2C789A" in (tmp_path / "dist" / "quiz.html").read_bytes()  # the full quiz, under the plain name


def test_study_sheet_bytes_are_reproducible(shipped, pages):
    assert html.render_study_sheet(*shipped) == pages["study-sheet"].read_bytes()


def test_quiz_and_key_list_the_same_questions_in_the_same_order(pages):
    quiz, key = pages["quiz"].read_bytes(), pages["answer-key"].read_bytes()
    assert len(exercise_ids(quiz)) == 6 and exercise_ids(quiz) == exercise_ids(key)


def test_quiz_has_no_answer_and_the_key_has_every_answer(shipped, pages):
    course = shipped[0]
    quiz, key = text_of(pages["quiz"].read_bytes()), text_of(pages["answer-key"].read_bytes())
    for ident in exercise_ids(pages["quiz"].read_bytes()):
        ex = course.exercise(ident.decode())
        answer = [p for p in phrases(ex.answer) if p not in text_of(html._html(ex.question))]
        assert answer, ex.id
        assert not [p for p in answer if p in quiz], ex.id
        assert all(p in key for p in answer), ex.id
        assert all(text_of(html._html(point)) in key for point in ex.key_points)
    assert 'class="answer"' not in pages["quiz"].read_text() and "Key points" not in quiz


def test_quiz_header_has_name_date_and_points_total(shipped, pages):
    selected = {i.decode() for i in exercise_ids(pages["quiz"].read_bytes())}
    total = sum(ex.points for _, ex in shipped[0].exercises() if ex.id in selected)
    text = text_of(pages["quiz"].read_bytes())
    assert "Name Date Score" in text and f"/ {total}" in text and f"{total} points" in text


def test_study_sheet_has_everything(shipped, pages):
    course, verification, _ = shipped
    page = pages["study-sheet"].read_bytes()
    assert exercise_ids(page) == [e.id.encode() for _, e in course.exercises()]
    text = text_of(page)
    for _, ex in course.exercises():
        assert f"#{ex.id}" in page.decode()  # the table of contents links to it
        assert all(p in text for p in phrases(ex.answer))
        assert verification.verified_line(ex.id) in text
        assert all(course.references[k].title in text for k in ex.references)
    assert page.count(b'class="figure-svg"') == sum(1 for _, ex in course.exercises() if ex.figure) > 0


def test_model_answer_comes_first_in_the_study_sheet_and_the_key(shipped, pages):
    course = shipped[0]
    for name in ("study-sheet", "answer-key"):
        page = pages[name].read_text("utf-8")
        blocks = re.split(r'(?=<(?:article|li) class="[^"]*exercise[^"]*"[^>]*data-exercise=)', page)
        for block in blocks:
            ident = re.search(r'data-exercise="([^"]+)"', block)
            if not ident:
                continue
            ex = course.exercise(ident.group(1))
            text = text_of(block.encode())
            model = text_of(html._html(ex.model_answer))
            assert text.index("Model answer") < text.index(model) < text.index("Explanation"), (name, ex.id)
            assert text.index("Explanation") < text.index(phrases(ex.answer)[0]), (name, ex.id)


def test_pages_are_self_contained(pages):
    for path in pages.values():
        page = path.read_text("utf-8")
        assert_inert(page)
        links = [v for _, attrs in elements(page) for k, v in attrs.items() if k.endswith("href")]
        assert not [u for u in links if not u.startswith(("#", "https://"))]  # followed on a click, never fetched
        assert not [t for t, a in elements(page) if t in ("link", "img", "iframe") or "src" in a]
        assert "@import" not in page and "@font-face" not in page and "url(http" not in page


# --------------------------------------------------------------------------- safety


EVIL = '<script>alert(1)</script> <img src=x onerror="alert(2)"> [x](javascript:alert(3)) $\\text{<script>}$'


def test_script_and_event_handlers_in_content_never_reach_the_page(shipped):
    course, verification, _ = shipped
    deck = course.decks[0]
    ex = deck.exercises[0].model_copy(update={
        "question": EVIL, "answer": EVIL, "key_points": [EVIL], "label": "<b onmouseover=alert(4)>1</b>",
        "sources": ['"><script>alert(5)</script>']})
    deck = deck.model_copy(update={"deck": "Evil::<script>alert(6)</script>", "exercises": [ex]})
    evil = course.model_copy(update={"decks": (deck,)})
    selection = html.select(evil)
    for page in (html.render_study_sheet(evil, verification, {}), html.render_quiz(evil, selection),
                 html.render_answer_key(evil, verification, selection, {})):
        assert b"<script" not in page and b"<img" not in page
        assert_inert(page)
        assert "<script>alert(1)</script>" in text_of(page)  # shown as text, as the author wrote it


def test_sanitizer_keeps_known_markup_only():
    fragment = ('<p onclick="x()">a <a href="javascript:alert(1)">b</a> <a href="https://x.org">c</a>'
                '<style>*{}</style><svg onload="x()"><script>1</script></svg><math><mi onclick="y">z</mi></math>'
                '<td style="background:url(http://x)">d</td><iframe src="//x"></iframe><unknown>e</unknown>')
    # nh3 parses as a browser does: a <td> outside a table is no cell, only its text stays
    assert sanitize(fragment) == ('<p>a <a>b</a> <a href="https://x.org">c</a><math><mi>z</mi></math>'
                                  'de</p>')
    cell = '<table><tr><td style="background:url(http://x)">d</td><td style="text-align: center">e</td></tr></table>'
    assert sanitize(cell) == ('<table><tbody><tr><td>d</td><td style="text-align: center">e</td></tr></tbody>'
                              '</table>')


SVG = b"""<?xml version="1.0" encoding="utf-8" standalone="no"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="100pt" height="50pt"
     viewBox="0 0 100 50" onload="alert(1)">
 <metadata><date>2024-01-01</date></metadata>
 <defs><style type="text/css">*{stroke-linecap: butt}</style><clipPath id="c1"><rect width="9" height="9"/></clipPath>
 <path id="g1" d="M0 0L1 1"/></defs>
 <script>alert(2)</script>
 <g clip-path="url(#c1)"><use xlink:href="#g1"/><a href="javascript:alert(3)"><text>t</text></a></g>
</svg>"""


def test_inlined_svg_is_inert_and_its_ids_are_unique_per_occurrence():
    one, two = inline_svg(SVG, "fig1-demo"), inline_svg(SVG, "fig2-demo")
    assert one.startswith("<svg ") and "<?xml" not in one and "DOCTYPE" not in one and "metadata" not in one
    assert_inert(one)
    assert 'id="fig1-demo-c1"' in one and 'clip-path="url(#fig1-demo-c1)"' in one
    assert 'xlink:href="#fig1-demo-g1"' in one
    assert "#fig1-demo * {stroke-linecap: butt}" in one  # its CSS cannot restyle the page
    ids = re.findall(r'id="([^"]+)"', one + two)
    assert len(ids) == len(set(ids))


# --------------------------------------------------------------------------- real Chromium


@pytest.fixture(scope="module")
def browser():
    sync_api = require_chromium()
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def loaded(browser, pages):
    """Each page opened once: what it logged and requested, and the open page for measuring."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "page-counts.txt").unlink(missing_ok=True)
    context = browser.new_context(viewport={"width": 1100, "height": 1400}, java_script_enabled=True)
    opened = {}
    for name, path in pages.items():
        page = context.new_page()
        log: dict[str, list] = {"console": [], "requests": [], "errors": []}
        page.on("console", lambda m, log=log: log["console"].append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e, log=log: log["errors"].append(str(e)))
        page.on("request", lambda r, log=log: log["requests"].append(r.url))
        page.goto(path.as_uri(), wait_until="load")
        page.screenshot(path=str(ARTIFACTS / f"{name}-screen.png"), full_page=True)
        opened[name] = (page, log)
    yield opened
    context.close()


@pytest.mark.parametrize("name", PAGES)
def test_no_console_errors_and_no_network(loaded, pages, name):
    page, log = loaded[name]
    assert log["console"] == [] and log["errors"] == []
    assert log["requests"] == [pages[name].as_uri()]  # the file itself, nothing else


@pytest.mark.parametrize("name", PAGES)
def test_every_formula_is_laid_out_as_mathml(loaded, name):
    page, _ = loaded[name]
    boxes = page.evaluate("""() => [...document.querySelectorAll('math')].map(m => {
        const r = m.getBoundingClientRect();
        return [r.width, r.height, getComputedStyle(m).display];
    })""")
    assert len(boxes) > (50 if name == "study-sheet" else 3)
    assert [b for b in boxes if not (b[0] > 0 and b[1] > 0 and "math" in b[2])] == []


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_prints_without_overflowing_the_page(loaded, name, paper):
    page, _ = loaded[name]
    page.emulate_media(media="print")
    width = round((PAPER_MM[paper] - 2 * MARGIN_MM) / 25.4 * 96)  # the printable width in CSS px
    page.set_viewport_size({"width": width, "height": 1400})
    try:
        overflowing = page.evaluate("""() => {
            const limit = document.documentElement.clientWidth + 0.5;
            return [...document.body.querySelectorAll('*')]
                .filter(e => e.getBoundingClientRect().right > limit)
                .map(e => e.tagName + ' ' + (e.closest('[data-exercise]') || {}).id + ' '
                          + (e.textContent || '').slice(0, 60));
        }""")
        assert overflowing == []
        pdf = page.pdf(format=paper)  # page margins, numbers and running heads come from print.css
    finally:
        page.emulate_media(media="screen")
        page.set_viewport_size({"width": 1100, "height": 1400})
    count = len(re.findall(rb"/Type\s*/Page\b", pdf))
    (ARTIFACTS / f"{name}-{paper}.pdf").write_bytes(pdf)
    with open(ARTIFACTS / "page-counts.txt", "a", encoding="utf-8") as counts:
        counts.write(f"{name} {paper}: {count} pages\n")
    assert pdf.startswith(b"%PDF") and count >= 1


def test_quiz_questions_never_split_across_pages(loaded):
    page, _ = loaded["quiz"]
    styles = page.evaluate("""() => [...document.querySelectorAll('.question-block')].map(
        e => [getComputedStyle(e).breakInside, e.getBoundingClientRect().height])""")
    letter_page_px = (279.4 - 36) / 25.4 * 96  # content height of a Letter page (the shorter paper)
    assert styles and all(s[0] == "avoid" and s[1] < letter_page_px for s in styles)


def test_pages_rendered_together_make_each_fragment_once_and_the_same_bytes(shipped, monkeypatch):
    """The build renders its three pages in html.shared_rendering(): each exercise view and fragment is made
    once for all of them, and every page has the bytes it has when rendered alone."""
    course, verification, figures = shipped
    everything = html.select(course)
    made: list[tuple] = []
    real = html._make_html
    monkeypatch.setattr(html, "_make_html", lambda text, media, prefix: made.append((text, id(media), prefix))
                        or real(text, media, prefix))

    def pages():
        return (html.render_study_sheet(course, verification, figures), html.render_quiz(course, everything),
                html.render_answer_key(course, verification, everything, figures))

    alone = pages()
    assert len(made) > len(set(made))  # rendered apart, the pages make the same fragments again
    made.clear()
    with html.shared_rendering():
        together = pages()
    assert together == alone
    assert len(made) == len(set(made))
    with html.shared_rendering():
        pass
    assert html._shared is None  # nothing kept once the block ends


def test_templates_are_compiled_once_and_the_pages_reuse_them(shipped, monkeypatch):
    """The pages' templates, and the parts they print ({% once %} gets them by name for every exercise),
    are compiled once per process: rendered again, no page compiles any template again."""
    import jinja2

    course, verification, figures = shipped
    everything = html.select(course)
    with html.shared_rendering():  # the first time: every template and part is compiled
        html.render_study_sheet(course, verification, figures)
        html.render_quiz(course, everything)
        html.render_answer_key(course, verification, everything, figures)
    monkeypatch.setattr(jinja2.Environment, "compile",
                        lambda *a, **k: pytest.fail("a page template was compiled again"))
    with html.shared_rendering():
        assert html.render_study_sheet(course, verification, figures).startswith(b"<!DOCTYPE html>")
        assert html.render_quiz(course, everything)
        assert html.render_answer_key(course, verification, everything, figures)


def test_once_prints_a_part_as_include_would_and_renders_it_once_for_both_pages(shipped, tmp_path, monkeypatch):
    """{% once %} prints _answer_start.html, _answer.html and _reference.html as {% include %} does, whitespace
    too, though a part sees only the exercise view (or the reference) and the messages; within
    shared_rendering the study sheet and the answer key print each exercise's parts, and each reference,
    from one rendering."""
    import shutil
    from collections import Counter

    from rgann_cards import paths
    from rgann_cards.export import html_templates

    course, verification, figures = shipped
    everything = html.select(course)
    real, rendered = html_templates._render_part, []
    monkeypatch.setattr(html_templates, "_render_part", lambda *a: rendered.append(a[1]) or real(*a))
    with html.shared_rendering():
        once = (html.render_study_sheet(course, verification, figures),
                html.render_answer_key(course, verification, everything, figures))
    cited = {key for _, ex in everything for key in ex.references}
    assert cited and Counter(rendered) == {"_answer_start.html": len(everything), "_answer.html": len(everything),
                                           "_reference.html": len(cited)}
    templates = tmp_path / "templates"
    shutil.copytree(paths.templates_dir(), templates)
    for page in ("study-sheet.html", "answer-key.html", "_answer.html"):
        path = templates / "html" / page
        text, count = re.subn(r'{% once ("[^"]+")(?: for \w+)? %}', r"{% include \1 %}", path.read_text("utf-8"))
        assert count == 2 or page == "_answer.html" and count == 1
        path.write_text(text, "utf-8")
    monkeypatch.setenv("CARDS_TEMPLATES", str(templates))
    included = (html.render_study_sheet(course, verification, figures),
                html.render_answer_key(course, verification, everything, figures))
    assert once == included
