"""A check worker with no checks left draws figures from the back of the build's queue: the same bytes."""

from __future__ import annotations

from rgann_cards.checks.runner import run_checks
from rgann_cards.content.model import Check
from rgann_cards.diagrams import render
from rgann_cards.diagrams.shared import FigureQueue


def test_an_idle_worker_draws_the_preferred_then_the_last_figures_and_leaves_one_for_the_caller():
    queue = FigureQueue()
    queue.add(["birnn", "kl_asymmetry", "vae"], {"birnn", "kl_asymmetry", "vae"}, {"kl_asymmetry"})
    results = run_checks([Check(claim="c", function="kl.discrete_asymmetry")], jobs=1, figures=queue)
    assert [r.status for r in results] == ["pass"]
    assert queue.taken() == ["kl_asymmetry", "vae"]  # a check's figure first, then from the back
    assert queue.take_front() == "birnn" and queue.take_front() is None
    for name in queue.taken():
        assert queue.result(name) == render.draw_svg(name)


def test_a_figure_the_worker_cannot_draw_comes_back_as_none():
    queue = FigureQueue()
    queue.add(["birnn", "no_such_figure"], {"birnn", "no_such_figure"})
    run_checks([Check(claim="c", function="kl.discrete_asymmetry")], jobs=1, figures=queue)
    assert queue.taken() == ["no_such_figure"]
    assert queue.result("no_such_figure") is None


def test_declarative_diagrams_stay_with_the_caller():
    queue = FigureQueue()
    queue.add(["autoencoder", "gan"], set())  # not shareable: they are drawn from the course model
    assert queue.take_back() is None
    assert [queue.take_front(), queue.take_front(), queue.take_front()] == ["autoencoder", "gan", None]


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"/>'


def _stealing_queue(svg: bytes | None) -> FigureQueue:
    """A queue on which a 'worker' takes a figure as soon as there is one, and delivers ``svg``."""
    queue = FigureQueue()
    add = queue.add

    def add_then_take(*args):
        add(*args)
        queue.deliver(queue.take_back(), svg)

    queue.add = add_then_take
    return queue


def test_render_figures_uses_what_a_worker_drew(tmp_path, monkeypatch):
    drawn = []
    monkeypatch.setattr(render, "draw_svg", lambda name: drawn.append(name) or SVG)
    mark = b'<svg xmlns="http://www.w3.org/2000/svg"><title>from the worker</title></svg>'
    svgs = render.render_figures(["birnn", "vae"], tmp_path, queue=_stealing_queue(mark))
    assert drawn == ["birnn"]
    assert list(svgs) == ["birnn", "vae"] and b"from the worker" in svgs["vae"]
    assert render.render_figures(["vae"], tmp_path)["vae"] == svgs["vae"]  # cached like any drawing


def test_render_figures_draws_what_a_worker_failed_to(tmp_path, monkeypatch):
    drawn = []
    monkeypatch.setattr(render, "draw_svg", lambda name: drawn.append(name) or SVG)
    svgs = render.render_figures(["birnn", "vae"], tmp_path, queue=_stealing_queue(None))
    assert drawn == ["birnn", "vae"]
    assert list(svgs) == ["birnn", "vae"]


def test_the_caller_leaves_the_preferred_figures_for_last():
    queue = FigureQueue()
    queue.add(["gradient_depth", "kl_asymmetry", "vae"], {"gradient_depth", "kl_asymmetry", "vae"},
              {"gradient_depth", "kl_asymmetry"})
    assert [queue.take_front() for _ in range(4)] == ["vae", "gradient_depth", "kl_asymmetry", None]
