"""Figures drawn from code: valid SVG with the labels they must show, byte-identical, cached, used, legible.

Every figure is also written to tests/artifacts/figures/<name>.png for a
person to look at: a figure that passes these tests can still be confusing.
"""

from __future__ import annotations

import base64
import io
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import CHROMIUM, CHROMIUM_ARGS, REPO, require_chromium, require_module
from rgann_cards.diagrams import known_figures, render

FIGURES = sorted(known_figures())
ARTIFACTS = REPO / "tests" / "artifacts" / "figures"
SVG = "{http://www.w3.org/2000/svg}"

# What each figure must show: label key -> text its title must contain (the symbols the answers use).
REQUIRED = {
    "lstm_cell": {"input-gate": "input gate ι", "forget-gate": "forget gate φ", "output-gate": "output gate ω",
                  "cell-state": "s_c", "cec": "constant error carousel", "s-previous": "s_c^(t-1)",
                  "input-product": "×", "forget-product": "×", "output-product": "×", "g": "g", "h": "h",
                  "output": "y_c", "net-c": "net_c", "net-iota": "net_ι", "net-varphi": "net_φ",
                  "net-omega": "net_ω", "equations": "s_c^t = y_φ^t s_c^(t-1) + y_ι^t g(net_c^t)"},
    "autoencoder": {"input": "x", "encoder": "encoder", "code": "code z", "bottleneck": "bottleneck",
                    "decoder": "decoder", "reconstruction": "x̂", "loss": "L(x, x̂)"},
    "vae": {"encoder": "encoder", "mu": "μ", "sigma": "σ", "reparameterization": "z = μ + σ ⊙ ε",
            "epsilon": "ε", "noise": "ε ~ N(0, I)", "decoder": "decoder", "gradient-path": "gradient path",
            "kl": "KL(q_ϕ(z | x) ‖ N(0, I))", "reconstruction-loss": "reconstruction"},
    "gan": {"z": "z", "noise": "z ~ p_z", "generator": "G", "fake": "G(z)", "real": "x ~ p_(data)",
            "discriminator": "D", "real-or-fake": "real or fake", "d-loss": "updates only D",
            "g-loss": "updates only G", "g-gradient": "through D"},
    "residual_block": {"input": "x", "weight-1": "weight layer", "weight-2": "weight layer", "nonlinearity": "ϕ",
                       "add": "+", "shortcut": "identity shortcut", "branch": "F(x)", "output": "y = x + F(x)",
                       "gradient-shortcut": "unchanged", "gradient-branch": "(∂E / ∂y) (∂F / ∂x)",
                       "gradient-sum": "∂E/∂x = ∂E/∂y(I + ∂F/∂x)"},
    "birnn": {"forward-1": "h→^t", "backward-1": "h←^t", "output-1": "ŷ^t", "x-2": "x^(t+1)", "x-3": "x^(t+2)",
              "future": "not yet seen online", "why": "depends on x^(t+1)"},
    "gradient_depth": {"plain": "plain", "residual": "residual", "x-axis": "depth", "y-axis": "∂L / ∂x_0"},
    "kl_asymmetry": {"forward": "KL(P ‖ Q)", "backward": "KL(Q ‖ P)", "forward-value": "0.0823",
                     "backward-value": "0.0872", "distributions": "P = (0.3, 0.7), Q = (0.5, 0.5)"},
}
# Figures drawn but not yet attached to any exercise (exercises have one figure field; see the report on issue 5).


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("figure-cache")


@pytest.fixture(scope="module")
def svgs(cache_dir) -> dict[str, bytes]:
    """Every figure rendered once, cold, into a fresh cache."""
    return render.render_figures(FIGURES, cache_dir)


def _titles(svg: bytes) -> dict[str, str]:
    """SVG group id -> the text of its <title>."""
    root = ET.fromstring(svg)
    return {g.get("id"): g.find(f"{SVG}title").text for g in root.iter(f"{SVG}g") if g.find(f"{SVG}title") is not None}


def test_the_issue_figures_exist():
    assert set(FIGURES) == set(REQUIRED)


@pytest.mark.parametrize("name", FIGURES)
def test_figure_is_valid_svg_with_its_labels(svgs, name):
    root = ET.fromstring(svgs[name])
    assert root.tag == f"{SVG}svg"
    assert root.get("id") == f"{name}-figure"
    assert root.find(f"{SVG}title").text == render.figure_module(name).TITLE
    assert re.fullmatch(r"[\d.]+pt", root.get("width")) and re.fullmatch(r"[\d.]+pt", root.get("height"))
    titles = _titles(svgs[name])
    for key, text in REQUIRED[name].items():
        assert f"{name}-{key}" in titles, f"{name} lacks the label '{key}'"
        assert text in titles[f"{name}-{key}"], (key, titles[f"{name}-{key}"])


@pytest.mark.parametrize("name", FIGURES)
def test_text_is_outlines_and_nothing_varies_per_run(svgs, name):
    text = svgs[name].decode("utf-8")
    assert "<text" not in text and "font-family" not in text  # glyphs as paths: no font needed to view it
    assert "dc:date" not in text and "Matplotlib v" not in text


@pytest.mark.parametrize("name", FIGURES)
def test_ids_are_namespaced_and_references_resolve(svgs, name):
    """Several figures inlined into one HTML page must not share an id, and every #reference must resolve."""
    text = svgs[name].decode("utf-8")
    ids = re.findall(r'\bid="([^"]+)"', text)
    assert len(ids) == len(set(ids))
    assert all(i.startswith(f"{name}-") for i in ids)
    assert set(re.findall(r'(?:href="|url\()#([^")]+)', text)) <= set(ids)


@pytest.mark.parametrize("name", FIGURES)
def test_two_renders_give_identical_bytes(svgs, name):
    assert render.draw_svg(name) == svgs[name]


def test_warm_build_draws_nothing_and_returns_the_same_bytes(svgs, cache_dir, monkeypatch):
    def fail(name):
        raise AssertionError(f"'{name}' was drawn although it is cached")

    monkeypatch.setattr(render, "draw_svg", fail)
    start = time.perf_counter()
    assert render.render_figures(FIGURES, cache_dir) == svgs
    assert time.perf_counter() - start <= 0.2
    assert sorted(p.name.rpartition("-")[0] for p in cache_dir.glob("*.svg")) == FIGURES


def test_cold_build_draws_each_figure_once(tmp_path, monkeypatch):
    drawn = []
    monkeypatch.setattr(render, "draw_svg", lambda name: drawn.append(name) or b'<svg xmlns="http://www.w3.org/2000/svg"/>')
    render.render_figures(FIGURES + FIGURES[:2], tmp_path)
    assert drawn == FIGURES
    render.render_figures(FIGURES, tmp_path)
    assert drawn == FIGURES


def test_changed_parameters_redraw_and_replace_the_stale_file(tmp_path, monkeypatch):
    monkeypatch.setattr(render, "draw_svg", lambda name: b'<svg xmlns="http://www.w3.org/2000/svg"/>')
    render.render_figures(["gradient_depth"], tmp_path)
    before = render.cache_key("gradient_depth")
    monkeypatch.setitem(render.figure_module("gradient_depth").PARAMS, "max_depth", 30)
    assert render.cache_key("gradient_depth") != before
    render.render_figures(["gradient_depth"], tmp_path)
    assert [p.name for p in tmp_path.glob("*.svg")] == [f"gradient_depth-{render.cache_key('gradient_depth')}.svg"]


def test_the_key_covers_the_checks_a_data_figure_plots(monkeypatch):
    before = render.cache_key("kl_asymmetry")
    original = render._read
    monkeypatch.setattr(render, "_read", lambda path: original(path) + ("#" if Path(path).name == "kl.py" else ""))
    assert render.cache_key("kl_asymmetry") != before


def test_unknown_figure_is_an_error():
    with pytest.raises(ValueError, match="unknown figure 'lstm_cel'"):
        render.render_figures(["lstm_cel"], None)


def test_listing_and_warm_builds_never_import_matplotlib(svgs, cache_dir):
    code = ("import sys; from pathlib import Path; from rgann_cards.diagrams import known_figures, render; "
            f"render.render_figures(sorted(known_figures()), Path({str(cache_dir)!r})); "
            "print('matplotlib' in sys.modules, 'numpy' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == ["False", "False"], result.stderr


def test_every_figure_inlines_into_html(svgs):
    from rgann_cards.export.html_safe import inline_svg

    for name, svg in svgs.items():
        inline = inline_svg(svg, f"fig1-{name}")
        assert inline.startswith("<svg") and "<?xml" not in inline and "DOCTYPE" not in inline, name


def test_fonts_come_from_matplotlib_itself():
    """A system copy of a font could differ in its glyphs: the outlines must come from matplotlib's own files."""
    import matplotlib
    from matplotlib import font_manager

    from rgann_cards.diagrams import style

    # The text font in each style the figures use, and the STIX fonts mathtext falls back to for symbols.
    wanted = [(style.FONT, "normal", "normal"), (style.FONT, "italic", "normal"), (style.FONT, "normal", "bold"),
              ("STIXGeneral", "normal", "normal"), ("STIXNonUnicode", "italic", "normal"),
              ("STIXSizeThreeSym", "normal", "normal")]
    with matplotlib.rc_context(style.RC):
        for family, font_style, weight in wanted:
            prop = font_manager.FontProperties(family=family, style=font_style, weight=weight)
            path = font_manager.findfont(prop, fallback_to_default=False)
            assert Path(path).is_relative_to(Path(matplotlib.get_data_path())), (family, font_style, weight, path)


def _luminance(color) -> float:
    """WCAG relative luminance of an sRGB colour given as '#rrggbb' or 0-255 channels."""
    if isinstance(color, str):
        color = [int(color[i:i + 2], 16) for i in (1, 3, 5)]
    linear = [(c / 255) / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in color]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: float, b: float) -> float:
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


@pytest.mark.parametrize("name", FIGURES)
def test_text_prints_dark_on_white(svgs, name):
    """Every glyph's fill has at least 4.5:1 contrast on white: no thin grey text."""
    root = ET.fromstring(svgs[name])
    # Text drawn as outlines is a group of <use> references to glyphs; its fill is the ink (black if unset).
    glyph_runs = [g for g in root.iter(f"{SVG}g") if g.find(f"{SVG}use") is not None]
    assert glyph_runs
    for run in glyph_runs:
        fills = re.findall(r"fill:\s*(#[0-9a-fA-F]{6})", run.get("style", "")) or ["#000000"]
        assert _contrast(_luminance(fills[0]), 1.0) >= 4.5, fills[0]


def test_every_figure_in_content_exists_and_every_figure_is_used():
    from rgann_cards.content.load import load_course

    from rgann_cards.build import used_figures

    used = used_figures(load_course(REPO / "content"))  # exercises' and cards' figures
    assert used <= set(FIGURES)
    assert set(FIGURES) == used


@pytest.mark.parametrize("name", FIGURES)
def test_png_artifact_for_review(name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    render.render_png(name, path)
    assert path.read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize("classes", ["card", "card nightMode", "card night_mode"])
def test_figures_stay_legible_in_day_and_night_mode(svgs, classes):
    """A real Chromium renders a card with the deck's CSS; the figure must be dark ink on a light panel."""
    sync_api = require_chromium()
    image = require_module("PIL.Image")
    np = require_module("numpy")
    css = (REPO / "templates" / "anki" / "cards.css").read_text("utf-8")
    uri = "data:image/svg+xml;base64," + base64.b64encode(svgs["lstm_cell"]).decode("ascii")
    page_html = (f"<!doctype html><html><head><meta charset='utf-8'><style>{css}</style></head>"
                 f"<body class='{classes}' style='margin:0'><div class='answer'>Answer text.</div>"
                 f"<div class='figure'><img id='figure' src='{uri}' alt='lstm_cell'></div></body></html>")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 900, "height": 900})
            page.set_content(page_html)
            page.wait_for_function("document.getElementById('figure').complete")
            assert page.evaluate("document.getElementById('figure').naturalWidth") > 0
            card = np.asarray(image.open(io.BytesIO(page.screenshot())).convert("RGB"))
            figure = np.asarray(image.open(io.BytesIO(page.locator("#figure").screenshot())).convert("RGB"))
        finally:
            browser.close()
    card_background = _luminance(card[-5, -5])
    assert (card_background < 0.05) == ("night" in classes.lower())  # the night palette did apply
    lum = np.vectorize(_luminance, signature="(n)->()")(figure.reshape(-1, 3)[::7])
    panel, ink = float(np.median(lum)), float(np.percentile(lum, 0.5))
    assert panel >= 0.7, f"figure panel too dark: {panel:.2f}"
    assert ink <= 0.05, f"figure ink too light: {ink:.2f}"
    assert _contrast(panel, ink) >= 7, f"contrast {_contrast(panel, ink):.1f}:1"
    assert _contrast(panel, card_background) >= 3 or "night" not in classes.lower()  # the panel stands out
