"""The loader's shortcuts, each held to what it replaces: a document the reading child sent with packed
positions (content/sent.py) finds every position, and every key's, that the document parsed here finds,
also after the loader stamped its models; the fields lint takes, and where a message finds them; a
numeric answer's check."""

from __future__ import annotations

import pickle
import shutil
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from rgann_cards import forked
from rgann_cards.content import reading
from rgann_cards.content.load import _stamp, deck_files, load_course
from rgann_cards.content.sent import SentDoc, pack
from rgann_cards.content.yamlsource import read_yaml
from rgann_cards.errors import ContentError, ProblemCollector, display_path

REPO = Path(__file__).resolve().parent.parent

_keys = st.sampled_from(["id", "deck", "figure", "exercises", "cards", "checks", "front", "loc", "x"])
_scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 500), st.text("ab $\n\\", max_size=6))
_values = st.recursive(_scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                         st.dictionaries(_keys, inner, max_size=4)), max_leaves=25)
_documents = st.one_of(_values, st.fixed_dictionaries(
    {"deck": st.text("ab", max_size=3), "exercises": st.lists(st.dictionaries(_keys, _values, max_size=5), max_size=3)}))


def _paths(data, path=()):
    """Every path of ``data``, and some below and beside it that it does not have."""
    yield path
    yield path + ("absent",)
    yield path + (7,)
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, path + (key,))
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield from _paths(item, path + (i,))


def _both(tmp_path: Path, data, style: bool):
    (tmp_path / "d.yaml").write_text(yaml.safe_dump(data, default_flow_style=style, allow_unicode=True), "utf-8")
    here = read_yaml(tmp_path / "d.yaml", "d.yaml")
    return here, SentDoc(*pickle.loads(pickle.dumps(pack(here))))


@settings(max_examples=150, deadline=None)
@given(data=_documents, style=st.booleans(), stamp_first=st.booleans())
def test_a_sent_document_finds_every_position_the_parsed_one_finds(tmp_path_factory, data, style, stamp_first):
    here, sent = _both(tmp_path_factory.mktemp("sent"), data, style)
    keys = SentDoc(*pickle.loads(pickle.dumps(pack(here))))  # asked for keys first: that unpacks everything
    paths = list(_paths(here.data))
    if stamp_first:  # the loader stamps its models before most messages ask for a position
        children = {"exercises": {"checks": {}, "cards": {}}}
        for doc in (here, sent, keys):
            _stamp(doc, doc.data, (), children, ProblemCollector())
        assert sent.data == here.data
    assert [sent.loc(p) for p in paths] == [here.loc(p) for p in paths]
    assert [keys.key_loc(p) for p in paths] == [here.key_loc(p) for p in paths]
    assert (sent.positions, sent.key_positions, sent.invisible) == \
           (here.positions, here.key_positions, here.invisible)


def test_a_clean_load_finds_its_positions_at_hand(tmp_path):
    data = {"deck": "A", "exercises": [{"id": "e", "figure": "f", "cards": [{"id": "c", "figure": "g"}],
                                        "checks": [{"expr": "1"}]}]}
    _, sent = _both(tmp_path, data, False)
    _stamp(sent, sent.data, (), {"exercises": {"checks": {}, "cards": {}}}, ProblemCollector())
    for path in [("deck",), ("exercises", 0, "figure"), ("exercises", 0, "cards", 0, "figure")]:
        sent.loc(path)
    assert sent._packed is not None  # nothing unpacked
    sent.loc(("exercises", 0, "id"))
    assert sent._packed is None


def _course_with_errors(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    deck = content / "sheet02" / "task04-gans.yaml"
    text = deck.read_text("utf-8").replace("    question: ", "    questoin: x\n    question: broken $\\frac{a$ and ", 1)
    deck.write_text(text.replace("    label:", "    unknown_key: 1\n    label:", 1), "utf-8")
    linted = content / "sheet02" / "task03-autoencoders-vaes.yaml"  # a valid exercise's fields are linted
    text = linted.read_text("utf-8").replace("    question: ", "    question: broken $\\frac{a$ and ", 1)
    linted.write_text(text.replace("front: ", "front: a stray $ dollar, \u200b", 1), "utf-8")
    first = content / "sheet02" / "task01-gated-memory.yaml"
    first.write_text(first.read_text("utf-8").replace("    points: ", "    points: many #", 1), "utf-8")
    return content


def _problems(content: Path, parsing=None) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_course(content, parsing=parsing)
    return [str(p) for p in caught.value.problems]


def test_a_course_the_child_parsed_reports_what_a_serial_load_reports(tmp_path, monkeypatch):
    content = _course_with_errors(tmp_path)
    serial = _problems(content)
    assert any("questoin" in p for p in serial) and any("unknown_key" in p for p in serial)
    assert any("stray '$'" in p for p in serial) and any("'points'" in p for p in serial)
    monkeypatch.setattr(forked, "can_fork", lambda: True)
    made = []
    real = SentDoc.__init__
    monkeypatch.setattr(SentDoc, "__init__", lambda self, *a: made.append(a[0]) or real(self, *a))
    parsing = reading.start(content, lint=True)
    time.sleep(0.5)  # the child takes every file: this process gets there only after it has parsed them all
    assert _problems(content, parsing) == serial
    assert len(made) == len(deck_files(content))  # every deck file came from the child
    good = tmp_path / "good"
    shutil.copytree(REPO / "content", good)
    parsing = reading.start(good, lint=True)
    time.sleep(0.5)
    with_child = load_course(good, parsing=parsing)
    assert with_child == load_course(good) and with_child.warnings == load_course(good).warnings


_texts = st.one_of(st.none(), st.text("ab $![", max_size=4))


@settings(max_examples=200, deadline=None)
@given(question=_texts, model_answer=_texts, answer=_texts, points=st.lists(_texts, max_size=3),
       claims=st.lists(_texts, max_size=2), cards=st.lists(st.tuples(_texts, _texts, _texts, _texts), max_size=3))
def test_the_fields_lint_takes_are_text_fields_made_directly(question, model_answer, answer, points, claims, cards):
    from rgann_cards.content.fields import lint_fields, text_fields
    from rgann_cards.content.model import Card, Check, Exercise

    exercise = Exercise.model_construct(
        question=question, model_answer=model_answer, answer=answer, key_points=points,
        checks=[Check.model_construct(claim_md=c) for c in claims],
        cards=[Card.model_construct(front=f, back=b, extra=e, cloze=c) for f, b, e, c in cards])
    assert lint_fields(exercise) == [(text or "", cloze, printed)
                                     for _, text, cloze, printed in text_fields(exercise, getattr)]


def test_the_loader_finds_where_each_field_is_that_has_a_message(tmp_path):
    """A message on a field of every kind, at that field (the loader finds a field's path again only
    for a message)."""
    from rgann_cards.content.fields import text_fields, spelled

    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    deck = content / "sheet02" / "task01-gated-memory.yaml"
    data = yaml.safe_load(deck.read_text("utf-8"))
    exercise = next(ex for ex in data["exercises"] if ex.get("checks") and ex.get("cards"))
    exercise["question"] = "a stray $ " + exercise["question"]
    exercise["key_points"][-1] = "a stray $ " + exercise["key_points"][-1]
    for item in exercise["checks"] + exercise["cards"]:
        for name in ("claim_md", "front", "back", "cloze", "extra"):
            if isinstance(item.get(name), str):
                item[name] = "a stray $ " + item[name]
    deck.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    at = ("exercises", data["exercises"].index(exercise))
    doc = read_yaml(deck, display_path(deck))
    wanted = {str(doc.loc(at + below)) for below, text, _, _ in text_fields(exercise, spelled)
              if isinstance(text, str) and text.startswith("a stray $")}
    found = {p.split(": ", 1)[0] for p in _problems(content) if "stray '$'" in p}
    assert found == wanted and len(wanted) >= 5


@pytest.mark.parametrize("value", [None, 1.0, 0, True])
@pytest.mark.parametrize("tol", [None, 1e-3, 5.0])
@pytest.mark.parametrize("unit", [None, "m"])
def test_a_numeric_answer_is_accepted_as_check_numeric_accepts_it(value, tol, unit):
    """model.NumericAnswer answers three Nones at once, without asking numeric.check_numeric."""
    from pydantic import ValidationError

    from rgann_cards.content.model import NumericAnswer
    from rgann_cards.content.numeric import check_numeric

    data = {name: v for name, v in (("answer_value", value), ("tol", tol), ("unit", unit)) if v is not None}
    try:
        check_numeric(value, tol, unit)
        rule = True
    except ValueError:
        rule = False
    try:
        NumericAnswer.model_validate(data)
        model = True
    except ValidationError:
        model = False
    assert model == rule


@settings(max_examples=150, deadline=None)
@given(data=_documents, style=st.booleans())
def test_the_loaders_shortcuts_parse_what_the_full_resolver_parses(tmp_path_factory, data, style):
    """yamlsource's resolver shortcuts (a tag remembered per text, no path resolver to descend into)
    against PyYAML's own methods: the same documents, positions and all."""
    from rgann_cards.content import yamlsource

    path = tmp_path_factory.mktemp("full") / "d.yaml"
    path.write_text(yaml.safe_dump(data, default_flow_style=style, allow_unicode=True), "utf-8")
    fast = [read_yaml(path, "d.yaml") for _ in range(2)]  # the second from the remembered tags
    with pytest.MonkeyPatch.context() as patch:
        for name in ("resolve", "descend_resolver", "ascend_resolver"):
            patch.setattr(yamlsource._Loader, name, getattr(yaml.resolver.BaseResolver, name))
        full = read_yaml(path, "d.yaml")
    for doc in fast:
        assert (doc.data, doc.positions, doc.key_positions) == (full.data, full.positions, full.key_positions)


@settings(max_examples=100, deadline=None)
@given(data=_documents, style=st.booleans(), anchor=st.booleans())
def test_a_file_without_an_ampersand_is_read_as_when_aliases_are_looked_for(tmp_path_factory, data, style, anchor):
    """yamlsource looks for aliases only in a file with an '&' (no anchor, no alias): the same documents
    and the same errors as when it looks in every file."""
    from rgann_cards.content import yamlsource

    text = yaml.safe_dump(data, default_flow_style=style, allow_unicode=True)
    if anchor:  # an anchor and its alias, or an '&' that is only text
        text = f"{{a: &x [1], b: *x, c: {text!r}}}" if style else f"a: '&' \nb: {text!r}\n"
    path = tmp_path_factory.mktemp("alias") / "d.yaml"
    path.write_text(text, "utf-8")

    def read():
        try:
            doc = read_yaml(path, "d.yaml")
            return doc.data, doc.positions, doc.key_positions
        except ContentError as exc:
            return [str(p) for p in exc.problems]

    fast = read()
    with pytest.MonkeyPatch.context() as patch:
        real = yamlsource._Converter.__init__
        patch.setattr(yamlsource._Converter, "__init__", lambda self, file, anchors=True: real(self, file, True))
        assert read() == fast


def test_an_alias_is_refused(tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text("a: &x [1]\nb: *x\n", "utf-8")
    with pytest.raises(ContentError) as caught:
        read_yaml(path, "d.yaml")
    assert [str(p) for p in caught.value.problems] == \
           ["d.yaml:1:4: YAML anchors and aliases are not allowed (the anchor is here)"]


class _NeverClean(set):
    def __contains__(self, key) -> bool:
        return False


@settings(max_examples=100, deadline=None)
@given(keys=st.lists(st.sampled_from(["a", "b\x1b", "c", "d\x7f", "é"]), min_size=1, max_size=6))
def test_a_key_is_judged_as_when_every_key_is_searched(tmp_path_factory, keys):
    """yamlsource remembers the keys without a control character: keys with one are refused all the
    same, wherever and however often they come."""
    from rgann_cards.content import yamlsource

    path = tmp_path_factory.mktemp("keys") / "d.yaml"
    path.write_text(yaml.safe_dump([{key: i} for i, key in enumerate(keys)] + [dict.fromkeys(keys, 1)]), "utf-8")

    def read():
        try:
            return read_yaml(path, "d.yaml").data
        except ContentError as exc:
            return [str(p) for p in exc.problems]

    fast = [read(), read()]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(yamlsource, "_CLEAN_KEYS", _NeverClean())
        assert [read(), read()] == fast
