"""The shipped deck on a phone: every card side as Anki renders it, typeset by Anki's MathJax, in Chromium.

The built .apkg is imported into a real collection; every side comes from ``card.question()`` /
``card.answer()`` and is shown the way Anki's reviewer shows it (tests/anki_reviewer.py) at 360 and 400 px,
in light and night mode. Screenshots of one card of each kind land in tests/artifacts/anki-phone/ (look at
them), with summary.json holding the numbers.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from anki_reviewer import Reviewer, launch, require_mathjax
from conftest import REPO, require_chromium, require_module

ARTIFACTS = REPO / "tests" / "artifacts" / "anki-phone"
WIDTHS = (360, 400)
CONFIGS = [(w, night) for w in WIDTHS for night in (False, True)]
MIN_LABEL_PX, MIN_SCRIPT_PX = 10.0, 8.0
# one card of each kind for the screenshots: an exercise with a figure, a basic card, a cloze with two deletions
SHOWCASE = {"exercise": "s02-t3c-kl-asymmetry", "basic": "s02-t1a-peepholes",
            "cloze": "s02-t4a-gan-minimax-cloze"}


@pytest.fixture(scope="module")
def sides(shipped_build, tmp_path_factory) -> dict:
    """Every card side of the shipped package, rendered by Anki, and the collection's media folder."""
    require_module("anki")
    from anki.collection import Collection, ImportAnkiPackageRequest

    col = Collection(str(tmp_path_factory.mktemp("phone") / "collection.anki2"))
    try:
        options = col._backend.get_import_anki_package_presets()
        col.import_anki_package(ImportAnkiPackageRequest(
            package_path=str(shipped_build / "dist" / "rgann.apkg"), options=options))
        rendered = []
        for cid in sorted(col.find_cards("deck:RGANN")):
            card = col.get_card(cid)
            note = card.note()
            kind = card.note_type()["name"].removeprefix("rgann-cards ").lower()
            for side, html in (("front", card.question()), ("back", card.answer())):
                rendered.append({"id": note["ID"], "kind": kind, "ord": card.ord, "side": side, "html": html})
        return {"sides": rendered, "media": Path(col.media.dir())}
    finally:
        col.close()


@pytest.fixture(scope="module")
def measured(sides) -> dict:
    """Each side measured in each configuration: {(width, night): [result per side]}, plus the run time."""
    sync_api = require_chromium()
    require_mathjax()
    results: dict = {}
    start = time.perf_counter()
    with sync_api.sync_playwright() as p:
        browser = launch(p)
        try:
            for width, night in CONFIGS:
                reviewer = Reviewer(browser, sides["media"], width)
                results[(width, night)] = out = []
                for s in sides["sides"]:
                    out.append({**reviewer.show(s["html"], s["ord"], night), "id": s["id"], "kind": s["kind"],
                                "side": s["side"], "ord": s["ord"],
                                "delimiters": s["html"].count("\\(") + s["html"].count("\\[")})
                    if width == 360 and SHOWCASE.get(s["kind"]) == s["id"] and s["ord"] == 0:
                        mode = "night" if night else "light"
                        reviewer.screenshot(ARTIFACTS / f"{s['kind']}-{s['side']}-{width}-{mode}.png")
                reviewer.close()
        finally:
            browser.close()
    seconds = time.perf_counter() - start
    _write_summary(results, seconds)
    return results


def _write_summary(results: dict, seconds: float) -> None:
    summary = {}
    for (width, night), out in results.items():
        cloze_backs = [r for r in out if r["kind"] == "cloze" and r["side"] == "back"]
        label = [f["text"] for r in out for f in r["figure_px"]]
        script = [f["script"] for r in out for f in r["figure_px"]]
        summary[f"{width}-{'night' if night else 'light'}"] = {
            "sides": len(out),
            "mathjax_errors": sum(len(r["errors"]) for r in out),
            "formulas": sum(r["formulas"] for r in out),
            "overflowing_sides": sum(r["overflow"] > 0 for r in out),
            "max_overflow_px": max(r["overflow"] for r in out),
            "cloze_backs": len(cloze_backs),
            "cloze_backs_highlighted_visible": sum(_highlighted(r) for r in cloze_backs),
            "inline_formulas_too_wide": sum(len(r["inlineTooWide"]) for r in out),
            "display_formulas_scrolling": sum(d["scrolls"] for r in out for d in r["display"]),
            "smallest_label_px": round(min(label), 2) if label else None,
            "smallest_script_px": round(min(script), 2) if script else None,
        }
    summary["inline_too_wide_at_360"] = sorted({f"{r['id']} {r['side']}: {m['width']:.0f}px '{m['text']}'"
                                               for r in results.get((360, False), []) for m in r["inlineTooWide"]})
    summary["seconds"] = round(seconds, 1)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "summary.json").write_text(json.dumps(summary, indent=1) + "\n", "utf-8")
    print("\nphone summary:", json.dumps(summary, indent=1))


def _highlighted(result: dict) -> bool:
    """A cloze back shows its answer marked (coloured) and wholly on screen, nothing marked out of view."""
    answers = [m for m in result["marked"] if not m["front"]]
    return bool(answers) and all(m["full"] and m["coloured"] for m in answers)


def _where(result: dict, config) -> str:
    width, night = config
    return f"{result['id']} c{result['ord'] + 1} {result['side']} at {width}px {'night' if night else 'light'}"


def test_every_side_of_the_deck_is_checked(sides):
    kinds = {s["kind"] for s in sides["sides"]}
    assert kinds == {"exercise", "basic", "cloze"}
    assert len(sides["sides"]) >= 125  # 16 exercises, the recall cards and one card per cloze deletion, 2 sides each


def test_no_mathjax_errors(measured):
    bad = [f"{_where(r, c)}: {e}" for c, out in measured.items() for r in out for e in r["errors"]]
    assert bad == []
    # MathJax really typeset every formula (a page where it never ran would have no errors either)
    untypeset = [_where(r, c) for c, out in measured.items() for r in out if r["formulas"] != r["delimiters"]]
    assert untypeset == []


def test_no_sideways_scrolling(measured):
    bad = [f"{_where(r, c)}: page {r['overflow']:.0f}px wider than the screen"
           for c, out in measured.items() for r in out if r["overflow"] > 0]
    assert bad == []


def test_wide_display_math_scrolls_in_its_own_box_with_a_cue(measured):
    bad = [f"{_where(r, c)}: '{d['text']}' overflow-x {d['overflowX']}, cue {d['cue']}"
           for c, out in measured.items() for r in out for d in r["display"]
           if d["scrolls"] and (d["overflowX"] not in ("auto", "scroll") or not d["cue"])]
    assert bad == []


def test_every_cloze_back_highlights_its_answer_on_screen(measured):
    bad = [f"{_where(r, c)}: marked {r['marked']}" for c, out in measured.items() for r in out
           if r["kind"] == "cloze" and r["side"] == "back" and not _highlighted(r)]
    assert bad == []


def test_every_cloze_front_shows_an_unmistakable_blank(measured):
    bad = []
    for c, out in measured.items():
        for r in out:
            if r["kind"] == "cloze" and r["side"] == "front":
                blanks = [m for m in r["marked"] if m["front"] or m["inMath"]]
                if r["blankText"] or not blanks or not all(m["full"] for m in blanks):
                    bad.append(f"{_where(r, c)}: '[...]' in text {r['blankText']}, blanks {blanks}")
    assert bad == []


def test_figure_text_is_legible_on_a_phone(measured):
    bad = []
    for c, out in measured.items():
        for r in out:
            for f in r["figure_px"]:
                if f["text"] < MIN_LABEL_PX or f["script"] < MIN_SCRIPT_PX:
                    bad.append(f"{_where(r, c)}: {f['src']} labels {f['text']:.1f}px, scripts {f['script']:.1f}px")
    assert sorted(set(bad)) == []


def test_figures_stay_inside_the_column(measured):
    bad = [f"{_where(r, c)}: {f['src']} ({f['outer']:.0f}px)" for c, out in measured.items() for r in out
           for f in r["figures"] if not f["inColumn"]]
    assert bad == []


def test_lint_width_estimate_agrees_with_mathjax():
    """Every inline formula of the course, typeset alone on a card: lint's estimate must flag each one wider
    than a 320 px column and nothing narrower than 85 % of it (tex_width is a heuristic, held to MathJax here)."""
    sync_api = require_chromium()
    require_mathjax()
    from html import escape

    from rgann_cards import markup
    from rgann_cards.content.load import load_course
    from rgann_cards.markup.tex_width import CARD_FONT_PX, PHONE_COLUMN_PX, width_px

    course = load_course(REPO / "content")
    formulas = set()
    for _, ex in course.exercises():
        texts = [ex.question, ex.answer, *ex.key_points]
        for card in ex.cards:
            texts += [card.front, card.back, card.extra]
        for token in markup.dialect().parse("\n\n".join(t for t in texts if t)):
            formulas.update(c.content for c in token.children or () if c.type == "math_inline")
    formulas = sorted(formulas)
    css = f"<style>.card {{ font-size: {CARD_FONT_PX}px }} .f {{ white-space: nowrap }}</style>"
    html = css + "".join(f'<div><span class="f">\\({escape(f, quote=False)}\\)</span></div>' for f in formulas)
    with sync_api.sync_playwright() as p:
        browser = launch(p)
        try:
            reviewer = Reviewer(browser, REPO, 3000)
            reviewer.show(html, 0, False)
            widths = reviewer.page.evaluate(
                "[...document.querySelectorAll('.f mjx-container')].map(m => m.getBoundingClientRect().width)")
        finally:
            browser.close()
    assert len(widths) == len(formulas) > 200
    missed = [(f, round(w)) for f, w in zip(formulas, widths) if w > PHONE_COLUMN_PX and width_px(f) <= PHONE_COLUMN_PX]
    false_alarms = [(f, round(w)) for f, w in zip(formulas, widths)
                    if w < 0.85 * PHONE_COLUMN_PX and width_px(f) > PHONE_COLUMN_PX]
    assert missed == [] and false_alarms == []
    # and the shipped course has none left: lint is quiet about widths
    assert not [w for w in course.warnings if "inline formula" in w.message]
