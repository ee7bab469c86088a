"""What a build remembers: the no-op rebuild, cached check results and the quiz's item cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli
from rgann_cards.checks import cache as check_cache
from rgann_cards.checks.result import CheckResult
from rgann_cards.checks.verify import verify
from rgann_cards.content.load import load_course
from rgann_cards.content.model import Check


@pytest.fixture
def env(tmp_path: Path) -> dict:
    return {"XDG_CACHE_HOME": str(tmp_path / "xdg-cache")}


def _build(project: Path, env: dict):
    result = run_cli("build", cwd=project, env=env)
    assert result.returncode == 0, result.stderr
    return result


def test_an_unchanged_build_is_a_no_op_that_says_so(project: Path, env: dict):
    _build(project, env)
    apkg = project / "dist" / "rgann.apkg"
    before = apkg.stat().st_mtime_ns
    again = _build(project, env)
    assert again.stdout.startswith("Up to date: nothing changed since the last build (2 decks, 3 exercises, 8 notes;")
    assert "  dist/rgann.apkg (unchanged)\n" in again.stdout and "time:" not in again.stdout
    assert apkg.stat().st_mtime_ns == before


@pytest.mark.parametrize("write_lock", [True, False])
def test_the_record_holds_the_lock_on_disk(project: Path, tmp_path: Path, write_lock: bool):
    """A build that writes the lock records the bytes it wrote; one that may not (the bundled course) the
    lock as it is: either way the next build is a no-op, and one after an edit of the lock is not."""
    from rgann_cards.build import build

    lock = project / "content" / "anki.lock"
    lock.unlink(missing_ok=True)
    options = dict(cache_dir=None, state_dir=tmp_path / "state", write_lock=write_lock)
    first = build(project / "content", project / "dist", **options)
    assert not first.up_to_date and lock.is_file() == write_lock
    assert build(project / "content", project / "dist", **options).up_to_date
    if write_lock:
        lock.write_bytes(lock.read_bytes() + b" ")
        assert not build(project / "content", project / "dist", **options).up_to_date


@pytest.mark.parametrize("change", ["delete dist", "edit an output", "delete one output", "edit content", "option"])
def test_any_change_to_inputs_or_outputs_builds_again(project: Path, env: dict, change: str):
    _build(project, env)
    first = {p: p.read_bytes() for p in (project / "dist").rglob("*") if p.is_file()}
    args = ["build"]
    if change == "delete dist":
        for path in first:
            path.unlink()
    elif change == "edit an output":
        (project / "dist" / "quiz.html").write_text("edited", "utf-8")
    elif change == "delete one output":
        (project / "dist" / "rgann.json").unlink()
    elif change == "edit content":
        deck = project / "content" / "sheet01" / "task02-more.yaml"
        deck.write_text(deck.read_text("utf-8") + "\n", "utf-8")  # same course, new bytes
    else:
        args.append("--strict")
    result = run_cli(*args, cwd=project, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Built ")
    assert {p: p.read_bytes() for p in (project / "dist").rglob("*") if p.is_file()} == first


def test_build_writes_the_quiz_item_cache(project: Path, env: dict, monkeypatch):
    _build(project, env)
    from rgann_cards.quiz import cache as quiz_cache

    from rgann_cards.quiz.items import items_of

    monkeypatch.chdir(project)  # as the build saw the files: deck_file is shown relative to it
    expected = items_of(load_course(project / "content"))
    monkeypatch.setattr(quiz_cache, "_load", lambda content: pytest.fail("the quiz loaded the course"))
    items = quiz_cache.load_items(project / "content", Path(env["XDG_CACHE_HOME"]) / "rgann-cards")
    assert len(items) >= 8
    assert items == expected  # every field, its type too (tags a frozenset, key points a tuple)
    assert all(type(a.tags) is frozenset and type(a.key_points) is tuple for a in items)


@pytest.mark.parametrize("change", ["a field more", "fields in another order", "a short row"])
def test_a_cache_of_other_fields_is_not_used(project: Path, env: dict, change: str, monkeypatch):
    _build(project, env)
    from rgann_cards.quiz import cache as quiz_cache

    (path,) = (Path(env["XDG_CACHE_HOME"]) / "rgann-cards").glob("quiz-items-*.json")
    data = json.loads(path.read_text("utf-8"))
    if change == "a field more":
        data["fields"].append("new")
        for row in data["items"]:
            row.append(None)
    elif change == "fields in another order":
        data["fields"][1], data["fields"][2] = data["fields"][2], data["fields"][1]
    else:
        data["items"][0].pop()
    path.write_text(json.dumps(data), "utf-8")
    loaded, real = [], quiz_cache._load
    monkeypatch.setattr(quiz_cache, "_load", lambda content: loaded.append(1) or real(content))
    items = quiz_cache.load_items(project / "content", Path(env["XDG_CACHE_HOME"]) / "rgann-cards")
    assert loaded == [1] and len(items) >= 8


def _check(**fields) -> Check:
    return Check(claim="c", **fields)


def test_the_check_key_covers_definition_code_and_versions(monkeypatch):
    base = _check(expr="1 + 1", equals="2")
    assert check_cache.key(base) == check_cache.key(_check(expr="1 + 1", equals="2"))
    assert check_cache.key(base) != check_cache.key(_check(expr="1 + 1", equals="3"))
    named = _check(function="kl.kl_asymmetry", params={"n": 1})
    assert check_cache.key(named) != check_cache.key(_check(function="kl.kl_asymmetry", params={"n": 2}))
    keys = {check_cache.key(base), check_cache.key(named)}
    monkeypatch.setattr(check_cache, "_versions", lambda: "sympy=0 numpy=0")
    assert not keys & {check_cache.key(base), check_cache.key(named)}
    monkeypatch.undo()
    monkeypatch.setattr(check_cache, "_source_digest", lambda name: name.encode() + b"-edited")
    assert not keys & {check_cache.key(base), check_cache.key(named)}


def test_a_cached_pass_is_used_and_only_passes_are_stored(project: Path, tmp_path: Path):
    course = load_course(project / "content")
    checks = [c for _, ex in course.exercises() for c in ex.checks]
    directory = tmp_path / "checks"
    first = verify(course, cache_dir=directory)
    assert all(r.ok for _, _, r in first.items)
    assert len(list(directory.glob("*.json"))) == len({check_cache.key(c) for c in checks})
    # a stored result is what verify reports, without running the check
    marked = CheckResult("pass", "from the cache", "SymPy", "stored")
    (directory / f"{check_cache.key(checks[0])}.json").write_text(json.dumps(marked.__dict__), "utf-8")
    assert verify(course, cache_dir=directory).items[0][2] == marked
    assert verify(course, cache=False).items[0][2].measured != "from the cache"
    failing = CheckResult("fail", "1", "SymPy", "wrong")
    check_cache.store(_check(expr="1", equals="2"), failing, directory)
    assert check_cache.load(_check(expr="1", equals="2"), directory) is None


def test_a_build_stopped_by_the_identity_guard_leaves_no_half_written_cache(project: Path, tmp_path: Path,
                                                                            monkeypatch):
    """The guard runs beside the forked child that writes the quiz's item cache: the build waits for it
    rather than cutting it off, so the cache holds whole files only, and dist/ is untouched."""
    import os
    import time

    from rgann_cards import forked
    from rgann_cards.build import build
    from rgann_cards.errors import ContentError
    from rgann_cards.quiz import cache as quiz_cache

    state = tmp_path / "state"
    build(project / "content", project / "dist", state_dir=state)
    before = {p: p.read_bytes() for p in (project / "dist").rglob("*") if p.is_file()}
    deck = project / "content" / "sheet01" / "task01-basics.yaml"
    text = deck.read_text("utf-8")
    old = "        front: What is the maximum of $\\sigma'(x)$?\n        back: $\\frac{1}{4}$, at $x = 0$.\n"
    assert old in text
    deck.write_text(text.replace(old, "        cloze: \"The maximum of $\\\\sigma'(x)$ is {{c1::$\\\\frac{1}{4}$}}.\"\n"),
                    "utf-8")
    real_write = quiz_cache._write_rows  # what store_items writes the rows with

    def slow_write(path, key, rows):  # in the child: the guard fails while this is under way
        if forked.in_child():
            path.with_name(path.name + ".tmp").write_text("half", "utf-8")
            time.sleep(0.5)
            os.replace(path.with_name(path.name + ".tmp"), path.with_name(path.name + ".done"))
        real_write(path, key, rows)

    monkeypatch.setattr(quiz_cache, "_write_rows", slow_write)
    monkeypatch.setattr(forked, "can_fork", lambda: True)
    with pytest.raises(ContentError, match="was a basic card and is now a cloze card"):
        build(project / "content", project / "dist", state_dir=state)
    assert {p: p.read_bytes() for p in (project / "dist").rglob("*") if p.is_file()} == before
    assert not list(state.rglob("*.tmp")) and list(state.rglob("*.done"))


def test_a_build_in_this_process_hands_back_the_collector_as_it_found_it(project: Path, tmp_path: Path):
    """build() switches the cyclic collector off while it loads and renders, and freezes what it
    made; a caller that builds (tests, an editor plugin) gets a normal heap back, failed build or not."""
    import gc

    from rgann_cards.build import build
    from rgann_cards.errors import ContentError

    assert gc.isenabled() and gc.get_freeze_count() == 0
    build(project / "content", tmp_path / "dist", cache_dir=None, state_dir=tmp_path / "state")
    assert gc.isenabled() and gc.get_freeze_count() == 0
    (project / "content" / "sheet01" / "bad.yaml").write_text("deck: [unclosed\n", "utf-8")
    with pytest.raises(ContentError):
        build(project / "content", tmp_path / "dist", cache_dir=None, state_dir=tmp_path / "state")
    assert gc.isenabled() and gc.get_freeze_count() == 0
