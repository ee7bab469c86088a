"""content/reading.py: parsing the deck files on two cores gives what one core gives, errors included."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from rgann_cards import forked
from rgann_cards.content import reading
from rgann_cards.content.load import deck_files, load_course
from rgann_cards.errors import ContentError

REPO = Path(__file__).resolve().parent.parent


def _course(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    return content


def _docs(content: Path, parallel: bool):
    files = deck_files(content)
    sizes = {p: p.stat().st_size for p in files}
    return reading.parse_all(files, sizes, parallel=parallel)


def test_two_cores_and_one_parse_the_same_documents(tmp_path):
    content = _course(tmp_path)
    (content / "sheet02" / "broken.yaml").write_text("deck: [unclosed\n", "utf-8")
    serial, parallel = _docs(content, False), _docs(content, True)
    assert list(serial) == list(parallel)  # file order kept
    assert parallel[content / "sheet02" / "broken.yaml"] is None  # left for the caller to raise
    for path, doc in serial.items():
        if doc is not None:
            assert (doc.data, doc.positions, doc.key_positions, doc.invisible) == \
                   (parallel[path].data, parallel[path].positions, parallel[path].key_positions,
                    parallel[path].invisible)


def _problems(content: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_course(content)
    return [str(p) for p in caught.value.problems]


def test_a_load_on_two_cores_reports_the_same_errors_in_the_same_order(tmp_path, monkeypatch):
    content = _course(tmp_path)
    (content / "sheet02" / "a-broken.yaml").write_text("deck: [unclosed\n", "utf-8")
    (content / "sheet02" / "z-broken.yaml").write_bytes(b"deck: \xff\n")
    serial = _problems(content)
    monkeypatch.setattr(reading, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(forked, "can_fork", lambda: True)  # even if another test left a thread behind
    split = []
    real_start = reading.Parsing.__init__
    monkeypatch.setattr(reading.Parsing, "__init__", lambda self, *a: split.append(1) or real_start(self, *a))
    assert _problems(content) == serial
    assert split  # the load did take the two-core path
    assert any("YAML syntax error" in p for p in serial) and any("UTF-8" in p for p in serial)


def test_a_child_that_dies_leaves_its_share_to_this_process(tmp_path, monkeypatch):
    content = _course(tmp_path)
    serial = _docs(content, False)
    real = reading._parse

    def dies_in_child(path):
        if forked.in_child():
            os._exit(3)
        return real(path)

    monkeypatch.setattr(reading, "_parse", dies_in_child)
    parallel = _docs(content, True)
    assert {p: d.data for p, d in parallel.items()} == {p: d.data for p, d in serial.items()}


def test_a_build_starts_parsing_a_large_course_before_it_loads(tmp_path, monkeypatch):
    content = _course(tmp_path)
    serial = _docs(content, False)
    assert reading.start(content) is None  # the shipped course is small: no child
    monkeypatch.setattr(reading, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(forked, "can_fork", lambda: True)
    parsing = reading.start(content)
    assert parsing is not None
    files = deck_files(content)
    early = reading.parse_all(files, {p: p.stat().st_size for p in files}, parsing=parsing)
    assert {p: d.data for p, d in early.items()} == {p: d.data for p, d in serial.items()}
    assert load_course(content, parsing=reading.start(content)).decks  # the loader takes it as it is


def test_a_parsing_nobody_asks_for_stops_its_child(tmp_path, monkeypatch):
    content = _course(tmp_path)
    monkeypatch.setattr(reading, "MIN_PARALLEL_BYTES", 0)
    parsing = reading.start(content)
    assert parsing is not None
    pid = parsing._child._pid
    parsing.close()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, 0)  # already reaped: nothing left behind


def _lint_errors(content: Path) -> Path:
    deck = content / "sheet02" / "task04-gans.yaml"
    text = deck.read_text("utf-8").replace("question: ", "question: broken $\\frac{a$ braces and ", 1)
    deck.write_text(text.replace("front: ", "front: a stray $ dollar, ", 1), "utf-8")
    return content


def _problems_with(content: Path, parsing) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_course(content, parsing=parsing)
    return [str(p) for p in caught.value.problems]


def test_the_child_that_parsed_goes_on_to_lint_and_finds_what_a_serial_load_finds(tmp_path, monkeypatch):
    from rgann_cards.markup import batch

    content = _lint_errors(_course(tmp_path))
    serial = _problems(content)
    assert any("unbalanced braces" in p for p in serial) and any("stray '$'" in p for p in serial)
    joined = []
    real = batch.Linting.__init__
    monkeypatch.setattr(batch.Linting, "__init__",
                        lambda self, *a, **k: joined.append(k.get("tickets") is not None) or real(self, *a, **k))
    monkeypatch.setattr(forked, "can_fork", lambda: True)
    parsing = reading.start(content, lint=True)  # any size: the other core is idle while the build imports
    assert parsing is not None
    assert _problems_with(content, parsing) == serial
    assert joined == [True]  # this process joined the child's linting; no second child was forked
    good = _course(tmp_path / "good")
    assert load_course(good, parsing=reading.start(good, lint=True)) == load_course(good)


def test_a_child_that_dies_while_it_lints_leaves_the_fields_to_this_process(tmp_path, monkeypatch):
    from rgann_cards.markup import batch

    content = _lint_errors(_course(tmp_path))
    serial = _problems(content)
    real = batch.lint_beside

    def dies(*args):
        os._exit(3)

    monkeypatch.setattr(batch, "lint_beside", dies)
    monkeypatch.setattr(forked, "can_fork", lambda: True)
    assert _problems_with(content, reading.start(content, lint=True)) == serial
    monkeypatch.setattr(batch, "lint_beside", real)


def test_the_resolver_shortcut_tags_what_the_full_resolver_tags():
    """yamlsource's loader answers the tag of a quoted scalar, or one whose first character no implicit
    resolver looks at, at once: on random scalars, plain and quoted, the tag is the full resolver's."""
    import random

    import yaml
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    from rgann_cards.content import yamlsource

    loader = yamlsource._Loader("")
    full = yaml.resolver.BaseResolver.resolve
    rng = random.Random(14)
    firsts = "aAbWxyYnNtTfFoO~0123456789-+.=<!&*$ é"
    tails = ["", "es", "rue", "alse", "ull", "1", ".5", "e-6", "x10", ":1", "0:30", "-01-01", "ff", " b"]
    for _ in range(5000):
        value = rng.choice(["", rng.choice(firsts) + rng.choice(tails)])
        implicit = (rng.random() < 0.7, rng.random() < 0.5)
        assert loader.resolve(ScalarNode, value, implicit) == full(loader, ScalarNode, value, implicit), (value,
                                                                                                          implicit)
    for kind in (MappingNode, SequenceNode):
        assert loader.resolve(kind, None, None) == full(loader, kind, None, None)
    loader.dispose()
