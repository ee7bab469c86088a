"""Anki's reviewer, as far as a card's looks depend on it, in headless Chromium: the page shell, the reviewer
CSS, MathJax 3.2.2 configured as Anki configures it, and the measurements the phone tests assert on.

Sources (ankitects/anki): ``ts/mathjax/index.ts`` (the MathJax configuration), ``ts/reviewer/index.ts``
(``_updateQA``: set ``#qa``'s HTML, ``MathJax.typesetClear()``, ``typesetPromise([qa])``; the body's classes),
``qt/aqt/theme.py`` (``card cardN`` plus ``nightMode night_mode`` in night mode), ``ts/reviewer/reviewer.scss``
(the rules below), ``ts/lib/sass/_vars.scss`` (canvas and text colours).
"""

from __future__ import annotations

import json
import mimetypes
import os
from pathlib import Path

import pytest

from conftest import CHROMIUM, CHROMIUM_ARGS, ON_CI, REPO, require_chromium

MATHJAX_VERSION = "3.2.2"  # what Anki pins (package.json of ankitects/anki); .ci/run installs exactly this
# `npm install --prefix tests/.mathjax mathjax@3.2.2` (see .ci/run); RGANN_MATHJAX may point elsewhere
MATHJAX_DIR = Path(os.environ.get("RGANN_MATHJAX", REPO / "tests" / ".mathjax" / "node_modules" / "mathjax"))
ORIGIN = "https://anki.invalid"  # served by page.route, never the network

# ts/mathjax/index.ts, verbatim apart from the path
MATHJAX_CONFIG = {
    "tex": {
        "displayMath": [["\\[", "\\]"]],
        "processEscapes": False,
        "processEnvironments": False,
        "processRefs": False,
        "packages": {"[+]": ["noerrors", "mathtools"], "[-]": ["textmacros"]},
    },
    "loader": {"load": ["[tex]/noerrors", "[tex]/mathtools"], "paths": {"mathjax": f"{ORIGIN}/_anki/js/vendor/mathjax"}},
    "startup": {"typeset": False},
}

# ts/reviewer/reviewer.scss (the rules that shape a card) with the colours of ts/lib/sass/_vars.scss
REVIEWER_CSS = """
:root { --canvas: #f5f5f5; --fg: #020202; }
:root.night-mode, body.nightMode { --canvas: #2c2c2c; --fg: #fcfcfc; }
hr { background-color: #737373; margin: 1em 0; border: none; height: 1px; }
body { margin: 20px; overflow-wrap: break-word; }
body.nightMode { background-color: var(--canvas); color: var(--fg); }
img { max-width: 100%; max-height: 95vh; }
li { text-align: start; }
pre { text-align: left; }
"""

SHELL = f"""<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<style>{REVIEWER_CSS}</style>
<script>window.MathJax = {json.dumps(MATHJAX_CONFIG)};</script>
<script src="{ORIGIN}/_anki/js/vendor/mathjax/tex-chtml-full.js"></script>
</head><body class="card card1"><div id="qa" dir="auto"></div></body></html>"""

# One card side: what _updateQA does, then the measurements.
SHOW_AND_MEASURE = r"""
async ({html, bodyclass}) => {
  await MathJax.startup.promise;
  const qa = document.getElementById('qa');
  MathJax.typesetClear();
  qa.innerHTML = html;
  document.body.className = bodyclass;
  document.documentElement.classList.toggle('night-mode', bodyclass.includes('nightMode'));
  window.scrollTo(0, 0);
  await MathJax.typesetPromise([qa]);
  await Promise.all([...qa.querySelectorAll('img')].map(img => img.decode().catch(() => null)));
  await document.fonts.ready;
  const vw = window.innerWidth;
  const errors = [...qa.querySelectorAll('mjx-merror')].map(e =>
      (e.getAttribute('data-mjx-error') || e.getAttribute('title') || '') + ' in ' + e.textContent.slice(0, 60));
  // TeX that MathJax never saw (a delimiter broken by HTML, say) is an error too
  for (const f of document.fonts) if (f.status === 'error') errors.push('font failed to load: ' + f.family);
  const walker = document.createTreeWalker(qa, NodeFilter.SHOW_TEXT);
  for (let n; (n = walker.nextNode());) {
    if (!n.parentElement.closest('mjx-container, style') && /\\[(\[]|\\[)\]]/.test(n.data)) {
      errors.push('untypeset TeX: ' + n.data.trim().slice(0, 60));
    }
  }
  const probe = document.createElement('span');
  probe.style.color = 'var(--cloze)';
  qa.appendChild(probe);
  const clozeColor = getComputedStyle(probe).color;
  probe.remove();
  const textColor = getComputedStyle(qa).color;
  // the visible box of an element: its rect clipped by every scrolling ancestor and the screen
  const visibleBox = (el) => {
    const r = el.getBoundingClientRect();
    let left = Math.max(r.left, 0), right = Math.min(r.right, vw);
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const ov = getComputedStyle(p).overflowX;
      if (ov !== 'visible') {
        const pr = p.getBoundingClientRect();
        left = Math.max(left, pr.left); right = Math.min(right, pr.right);
      }
    }
    return {width: r.width, height: r.height, visible: right - left, full: r.width > 0 && right - left >= r.width - 0.5};
  };
  // highlighted answers: Anki's span.cloze in text; inside math, glyphs drawn in the cloze colour
  const marked = [];
  for (const el of qa.querySelectorAll('.cloze, mjx-container *')) {
    if (el.closest('mjx-assistive-mml')) continue;  // the hidden copy for screen readers
    if (el.closest('mjx-container')) {
      // the outermost element of the math drawn in the cloze colour
      if (getComputedStyle(el).color !== clozeColor) continue;
      if (getComputedStyle(el.parentElement).color === clozeColor) continue;
    }
    const box = visibleBox(el);
    if (box.width > 0 && box.height > 0) {
      marked.push({text: el.textContent.slice(0, 40), inMath: !!el.closest('mjx-container'), full: box.full,
                   front: el.hasAttribute('data-cloze'), coloured: getComputedStyle(el).color !== textColor});
    }
  }
  // inline formulas that cannot fit the line they sit on (MathJax never breaks one)
  const inlineTooWide = [...qa.querySelectorAll('mjx-container:not([display="true"])')]
      .filter(m => !m.closest('mjx-container[display="true"]') &&
                   m.getBoundingClientRect().width > m.parentElement.closest('p, li, div, td').clientWidth)
      .map(m => ({width: m.getBoundingClientRect().width, em: m.getBoundingClientRect().width /
                  parseFloat(getComputedStyle(m.parentElement).fontSize), text: m.textContent.slice(0, 50)}));
  const display = [...qa.querySelectorAll('mjx-container[display="true"]')].map(m => ({
      scrolls: m.scrollWidth > m.clientWidth + 1,
      cue: getComputedStyle(m).backgroundImage.includes('gradient'),
      overflowX: getComputedStyle(m).overflowX,
      text: m.textContent.slice(0, 40)}));
  const contentWidth = (el) => {  // the drawing itself, without the panel's padding and border
    const cs = getComputedStyle(el);
    return el.getBoundingClientRect().width - ['paddingLeft', 'paddingRight', 'borderLeftWidth',
        'borderRightWidth'].reduce((sum, k) => sum + parseFloat(cs[k]), 0);
  };
  const figures = [...qa.querySelectorAll('.figure img')].map(img => ({
      src: img.getAttribute('src'), width: contentWidth(img), outer: img.getBoundingClientRect().width,
      // the figure's panel stays in the column; the drawing may scroll inside it
      inColumn: img.closest('.figure').getBoundingClientRect().right <= qa.getBoundingClientRect().right + 0.5 &&
                (visibleBox(img).full || getComputedStyle(img.closest('.figure')).overflowX === 'auto')}));
  return {errors, overflow: document.documentElement.scrollWidth - vw, marked, inlineTooWide, display, figures,
          blankText: qa.innerText.includes('[...]'), formulas: qa.querySelectorAll('mjx-container').length};
}
"""

# Text size in a figure: matplotlib draws each glyph as <use> of an outline whose em is 100 user units, so
# 100 * the <use>'s scale is its font size. Grouped by the labelled <g id> it belongs to: the largest glyph of
# a label is its text size, smaller ones are sub- and superscripts. Returned per CSS px of image width.
FIGURE_TEXT = r"""
async (svgText) => {
  const holder = document.createElement('div');
  holder.style.cssText = 'position:absolute;left:0;top:0;width:1000px;visibility:hidden';
  holder.innerHTML = svgText.replace(/^[\s\S]*?(<svg)/, '$1');
  document.body.appendChild(holder);
  const svg = holder.querySelector('svg');
  svg.setAttribute('width', '1000px'); svg.removeAttribute('height');
  const perPx = 1 / 1000;
  const labels = new Map();
  for (const use of svg.querySelectorAll('use')) {
    const m = use.getCTM();
    const size = 100 * Math.hypot(m.a, m.b) * perPx;
    const key = use.closest('g[id]').id;
    (labels.get(key) || labels.set(key, []).get(key)).push(size);
  }
  holder.remove();
  let text = Infinity, script = Infinity;
  for (const sizes of labels.values()) {
    const base = Math.max(...sizes);
    text = Math.min(text, base);
    script = Math.min(script, ...sizes);
  }
  return {text, script};
}
"""


def require_mathjax() -> Path:
    """The MathJax 3.2.2 that .ci/run installs: skip locally if missing, fail under CI=true."""
    package = MATHJAX_DIR / "package.json"
    if not (MATHJAX_DIR / "es5" / "tex-chtml-full.js").exists():
        message = f"MathJax {MATHJAX_VERSION} is not installed at {MATHJAX_DIR} (see .ci/run)"
        if ON_CI:
            pytest.fail(message)
        pytest.skip(message)
    version = json.loads(package.read_text("utf-8"))["version"]
    assert version == MATHJAX_VERSION, f"MathJax {version} at {MATHJAX_DIR}; Anki runs {MATHJAX_VERSION}"
    return MATHJAX_DIR


class Reviewer:
    """One Chromium page per screen width, showing card sides as Anki's reviewer does."""

    def __init__(self, browser, media_dir: Path, width: int):
        self.media_dir = Path(media_dir)
        self.page = browser.new_page(viewport={"width": width, "height": 740})
        self.page.route(f"{ORIGIN}/**", self._serve)
        self.page.goto(f"{ORIGIN}/reviewer.html")
        self.page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise")
        self._figure_text: dict[str, dict] = {}

    def _serve(self, route):
        path = route.request.url.removeprefix(ORIGIN + "/").split("?")[0]
        if path == "reviewer.html":
            return route.fulfill(body=SHELL, content_type="text/html")
        if path.startswith("_anki/js/vendor/mathjax/"):  # Anki ships MathJax's es5/ folder there
            file = MATHJAX_DIR / "es5" / path.removeprefix("_anki/js/vendor/mathjax/")
        else:
            file = self.media_dir / path
        if not file.is_file():
            return route.fulfill(status=404, body="")
        return route.fulfill(body=file.read_bytes(), content_type=mimetypes.guess_type(file.name)[0] or "")

    def show(self, html: str, ordinal: int, night: bool) -> dict:
        """Show one rendered side (``card.question()``/``card.answer()``), typeset it and measure it."""
        classes = f"card card{ordinal + 1} isLin" + (" nightMode night_mode" if night else "")
        result = self.page.evaluate(SHOW_AND_MEASURE, {"html": html, "bodyclass": classes})
        result["figure_px"] = [self._text_px(f["src"], f["width"]) for f in result["figures"]]
        return result

    def _text_px(self, src: str, width: float) -> dict:
        if src not in self._figure_text:
            svg = (self.media_dir / src).read_text("utf-8")
            self._figure_text[src] = self.page.evaluate(FIGURE_TEXT, svg)
        per_px = self._figure_text[src]
        return {"text": per_px["text"] * width, "script": per_px["script"] * width, "src": src}

    def screenshot(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path), full_page=True)

    def close(self):
        self.page.close()


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


__all__ = ["Reviewer", "launch", "require_chromium", "require_mathjax"]
