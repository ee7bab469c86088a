"""UI strings come from one catalogue per language: a German course shows no English UI words."""

from __future__ import annotations

import re
import string
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import CHROMIUM, CHROMIUM_ARGS, require_chromium, require_module, run_cli
from rgann_cards.i18n import LANGUAGES, messages

# The English words the tool itself puts around content (headings, labels, counts), as a reader sees them.
# Words that German shares ("Name", "Quiz", "Code") are not listed.
ENGLISH_UI = ["Answer", "Key points", "References", "Sources", "Lecture", "Verified", "Figure", "point", "points",
              "pt", "Study sheet", "Answer key", "Contents", "Sheet", "Sheets", "exercise", "exercises",
              "question", "questions", "seed", "Date", "Score", "check", "checks", "checked", "passed",
              "finite differences"]

GERMAN_DECK = r"""deck: "Woche 1 · KL-Divergenz"
sheet: 1
task: 1
exercises:
  - id: kl-asymmetrie
    label: "1"
    points: 2
    question: |
      Berechnen Sie $\operatorname{KL}(P \| Q)$ für $P = (0.3, 0.7)$ und $Q = (0.5, 0.5)$.
    model_answer: Etwa 0,0823 Nats; vertauscht 0,0872 Nats, also nicht symmetrisch.
    answer: |
      Ungefähr 0,0823 Nats; vertauscht ergibt sich 0,0872 Nats. Die KL-Divergenz ist nicht symmetrisch.
    key_points:
      - die Definition
      - nicht symmetrisch
    figure: kl_asymmetry
    sources: ["Vorlesung 3, Folie 4"]
    references: [kullback1951]
    checks:
      - claim: "KL(P||Q) = 0,0823 Nats"
        expr: "3/10*log(3/5) + 7/10*log(7/5)"
        approx: 0.0822829
        tol: 1.0e-6
    cards:
      - id: kl-symmetrisch
        front: Ist die KL-Divergenz symmetrisch?
        back: Nein.
      - id: kl-definition-luecke
        cloze: "$\\operatorname{KL}(P \\| Q) = {{c1::\\sum_x P(x) \\log \\frac{P(x)}{Q(x)}}}$"
        extra: Für Dichten ein Integral.
"""


def _english(text: str) -> list[str]:
    return sorted({w for w in ENGLISH_UI if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)})


def test_catalogues_have_the_same_keys_and_placeholders():
    english = messages("en")
    fields = lambda s: sorted(f for _, f, _, _ in string.Formatter().parse(s) if f)  # noqa: E731
    for language in LANGUAGES:
        t = messages(language)
        assert t.keys() == english.keys(), language
        for key in english.keys():
            assert fields(t[key]) == fields(english[key]), (language, key)
            assert t[key].strip(), (language, key)
    assert messages("de").lang == "de" and messages("de").n("points", 1) == "1 Punkt"
    assert messages("de").method("finite differences") == "finite Differenzen"
    assert messages("de").method("SymPy") == "SymPy"


@pytest.fixture(scope="module")
def german(tmp_path_factory) -> Path:
    """A German course built once: `init --language de` with a German deck file."""
    work = tmp_path_factory.mktemp("german")
    assert run_cli("init", "kurs", "--language", "de", "--title", "Ein Kurs", cwd=work).returncode == 0
    for path in (work / "kurs").glob("week*.yaml"):
        path.unlink()
    (work / "kurs" / "woche01.yaml").write_text(GERMAN_DECK, "utf-8")
    result = run_cli("build", "--content", "kurs", cwd=work)
    assert result.returncode == 0, result.stderr
    return work


def test_german_html_pages_have_no_english_ui_words(german: Path):
    sync_api = require_chromium()
    pages = ["study-sheet.html", "quiz.html", "answer-key.html"]
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            for name in pages:
                page.goto((german / "dist" / name).as_uri(), wait_until="load")
                assert page.evaluate("document.documentElement.lang") == "de", name
                # textContent, not innerText: CSS upper-cases some headings, and the words are compared as written.
                # A check's measurement ("value … is within … of …") is the check code's own output,
                # not a UI label of the page; it is not translated (yet).
                text = page.evaluate("""() => { document.querySelectorAll('.measured').forEach(e => e.remove());
                                               return document.title + '\\n' + document.body.textContent; }""")
                assert _english(text) == [], (name, text)
                assert "Punkte" in text or "Punkt" in text
        finally:
            browser.close()
    sheet = (german / "dist" / "study-sheet.html").read_text("utf-8")
    assert "Geprüft: 1 Prüfung (SymPy)" in sheet and "Kernpunkte" in sheet and "Lernblatt" in sheet


class _Visible(HTMLParser):
    """The text a card shows: everything outside <style> and <script>."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        self._hidden += tag in ("style", "script")

    def handle_endtag(self, tag):
        self._hidden -= tag in ("style", "script")

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def _visible(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(parser.parts)


def test_german_anki_cards_and_templates_have_no_english_ui_words(german: Path, tmp_path: Path):
    require_module("anki")
    from anki.collection import Collection, ImportAnkiPackageRequest

    apkg, = (german / "dist").glob("*.apkg")
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        options = col._backend.get_import_anki_package_presets()
        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(apkg), options=options))
        cards = col.find_cards('"deck:Ein Kurs"')
        assert len(cards) == 3
        for cid in cards:
            card = col.get_card(cid)
            for side in (card.question(), card.answer()):
                assert _english(_visible(side)) == [], (card.note()["ID"], _visible(side))
        answers = " ".join(_visible(col.get_card(c).answer()) for c in cards)
        assert "Kernpunkte" in answers and "Literatur" in answers and "Vorlesung" in answers
        assert "Geprüft: 1 Prüfung (SymPy)" in answers
        for model in col.models.all():
            if "(ein-kurs-" not in model["name"]:
                continue
            for template in model["tmpls"]:
                for side in (template["qfmt"], template["afmt"]):
                    shown = re.sub(r"\{\{[^}]*\}\}", " ", side)  # field references are not shown text
                    assert _english(_visible(shown)) == [], (model["name"], side)
    finally:
        col.close()


def test_the_quiz_speaks_the_course_language(german: Path):
    pexpect = require_module("pexpect")
    import os
    import sys

    env = {**os.environ, "NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "80", "LINES": "24", "CARDS_FUZZ": "0",
           "XDG_CACHE_HOME": str(german / "cache"), "XDG_DATA_HOME": str(german / "data")}
    child = pexpect.spawn(sys.executable, ["-m", "rgann_cards.cli", "quiz", "--content", "kurs"], cwd=str(german),
                          env=env, encoding="utf-8", dimensions=(24, 80), timeout=60)
    child.expect(r"\[space\] Antwort zeigen  \[q\] beenden")
    child.send(" ")
    child.expect(r"\[4\] Einfach")
    child.send("q")
    child.expect("Sitzung beendet.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert list((german / "data" / "rgann-cards").glob("progress-kurs-*.sqlite3"))  # its own progress file
