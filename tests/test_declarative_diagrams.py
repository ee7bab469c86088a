"""Declarative diagrams: validated with path:line, drawn deterministically, and enough for our own figures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import REPO, run_cli
from rgann_cards.content.load import load_course
from rgann_cards.diagrams import render
from test_own_content import make_course

ARTIFACTS = REPO / "tests" / "artifacts" / "diagrams"


def _titles(svg: bytes) -> set[str]:
    """The plain text of every label (the <title> of each labelled group), the figure's own title excepted."""
    return set(re.findall(r"<g id=\"[^\"]+\">\s*<title>([^<]*)</title>", svg.decode("utf-8")))


@pytest.fixture(scope="module")
def shipped():
    return load_course(REPO / "content")


@pytest.mark.parametrize("name", ["autoencoder", "gan"])
def test_the_data_version_says_what_the_code_version_said(shipped, name):
    data = render.draw_diagram_svg(name, shipped.diagrams[name])
    code = render.draw_svg(name)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)  # both versions side by side, to be looked at
    render.render_png(name, ARTIFACTS / f"{name}-data.png", diagram=shipped.diagrams[name])
    render.render_png(name, ARTIFACTS / f"{name}-code.png")
    lost = _titles(code) - _titles(data)
    # The code version wrote one long formula (V = E[log D(x)] + ...) and a gradient caption of its own;
    # the data version keeps the minimax and says the same in one caption. Nothing else may be lost.
    allowed = {"gan": {"V = E[log D(x)] + E[log(1 - D(G(z)))]", "back through D (held fixed) into G"}}
    assert lost <= allowed.get(name, set()), lost
    assert render.draw_diagram_svg(name, shipped.diagrams[name]) == data  # deterministic


def test_diagrams_are_cached_by_their_data(shipped, tmp_path):
    diagrams = {"autoencoder": shipped.diagrams["autoencoder"]}
    first = render.render_figures(["autoencoder"], tmp_path, diagrams)
    assert [p.name for p in tmp_path.iterdir()] == [f"autoencoder-{render.diagram_key('autoencoder', diagrams['autoencoder'])}.svg"]
    assert render.render_figures(["autoencoder"], tmp_path, diagrams) == first
    moved = shipped.diagrams["autoencoder"].model_copy(update={"loc": None})
    assert render.diagram_key("autoencoder", moved) == render.diagram_key("autoencoder", diagrams["autoencoder"])


@pytest.mark.parametrize(("text", "messages"), [
    ("title: t\nnodes:\n  - {id: a, label: A}\nedges:\n  - {from: a, to: b}\n",
     ["content/diagrams/span.yaml:5:19: unknown node 'b'"]),
    ("title: t\nnodes:\n  - {id: a, label: A}\n  - {id: a, label: B}\n",
     ["content/diagrams/span.yaml:4:10: duplicate node id 'a'"]),
    ("title: t\ndirection: down\nnodes:\n  - {id: a, label: A, shape: funnel}\n",
     ["content/diagrams/span.yaml:4:30: a funnel needs 'direction: right'"]),
    ("title: t\nnodes:\n  - {id: a, label: A, shap: box}\n",
     ["content/diagrams/span.yaml:3:23: unknown key 'shap' (did you mean 'shape'?)"]),
    ("title: t\nnodes:\n  - {id: a, label: \"$x\"}\n",
     ["content/diagrams/span.yaml:3:20: unbalanced '$' in a label (math is $...$)"]),
    ("title: t\nnodes:\n  - {id: a, label: A}\ngroups:\n  - {nodes: [a, c]}\n",
     ["content/diagrams/span.yaml:5:17: unknown node 'c'"]),
])
def test_diagram_mistakes_are_located(tmp_path, text, messages):
    root = make_course(tmp_path)
    (root / "content" / "diagrams" / "span.yaml").write_text(text, "utf-8")
    result = run_cli("lint", cwd=root)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if "span.yaml" in line]
    assert lines == messages
    assert "Traceback" not in result.stderr


def test_a_card_can_name_a_course_diagram_and_unknown_names_list_them(tmp_path):
    root = make_course(tmp_path)
    deck = root / "content" / "la" / "determinants.yaml"
    deck.write_text(deck.read_text("utf-8").replace("figure: span", "figure: spam"), "utf-8")
    result = run_cli("lint", cwd=root)
    assert "content/la/determinants.yaml:26:17: unknown figure 'spam' (did you mean 'span'?)\n" in result.stderr
    deck.write_text(deck.read_text("utf-8").replace("figure: spam", "figure: xyzzy"), "utf-8")
    assert ("content/la/determinants.yaml:26:17: unknown figure 'xyzzy' (available: autoencoder, birnn, gan, "
            "gradient_depth, kl_asymmetry, lstm_cell, residual_block, span, vae; or a file media/NAME.svg, .png or "
            ".jpg)\n") in run_cli("lint", cwd=root).stderr
