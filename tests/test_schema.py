"""`rgann-cards schema`: JSON Schemas generated from the models accept every real file and reject shape errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO, require_module, run_cli
from rgann_cards.content.schema import KINDS, json_schema
from rgann_cards.content.yamlsource import read_yaml

# The invalid fixtures whose problem is the shape of a file (keys, types, patterns). The others are
# about the whole course (unknown references, duplicate ids), markup, checks or YAML itself: only lint finds them.
SHAPE_ERRORS = {"bad-id", "bad-reference", "boolean-as-text", "empty-answer", "many-problems", "missing-field",
                "unknown-key", "wrong-type"}
# the reader refuses them first (control characters too: the YAML layer checks every character)
NOT_PLAIN_YAML = {"control-character", "duplicate-key", "not-utf8", "python-tag", "reserved-character",
                  "tolerance-not-finite", "yaml-syntax"}


@pytest.fixture(scope="module")
def validators():
    jsonschema = require_module("jsonschema")
    out = {}
    for kind in KINDS:
        schema = json_schema(kind)
        jsonschema.Draft202012Validator.check_schema(schema)
        out[kind] = jsonschema.Draft202012Validator(schema)
    return out


def _kind(path: Path) -> str:
    if path.parent.name == "diagrams":
        return "diagram"
    return {"course.yaml": "course", "references.yaml": "references"}.get(path.name, "deck")


def _errors(validators, root: Path) -> dict[str, list[str]]:
    found = {}
    for path in sorted(root.rglob("*.yaml")):
        data = read_yaml(path, str(path)).data  # YAML 1.2 numbers (1e-6 is a float), as editors read them
        messages = [e.message for e in validators[_kind(path)].iter_errors(data)]
        if messages:
            found[path.relative_to(root).as_posix()] = messages
    return found


@pytest.mark.parametrize("root", [REPO / "content", FIXTURES / "valid"], ids=["shipped", "valid-fixture"])
def test_every_real_file_is_valid(validators, root: Path):
    assert len(list(root.rglob("*.yaml"))) >= 4
    assert _errors(validators, root) == {}


def test_shape_errors_are_rejected_and_only_they(validators, tmp_path: Path):
    rejected = set()
    for case in sorted(p for p in (FIXTURES / "invalid").iterdir() if p.name not in NOT_PLAIN_YAML):
        course = tmp_path / case.name
        shutil.copytree(FIXTURES / "valid", course)
        shutil.copytree(case, course, dirs_exist_ok=True)
        (course / "expected.txt").unlink()
        if _errors(validators, course):
            rejected.add(case.name)
    assert rejected == SHAPE_ERRORS


def test_the_command_prints_the_generated_schema(tmp_path: Path):
    for kind in KINDS:
        result = run_cli("schema", kind, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout) == json_schema(kind)
    default = run_cli("schema", cwd=tmp_path)
    assert json.loads(default.stdout)["title"] == "rgann-cards deck file"
    assert run_cli("schema", "nonsense", cwd=tmp_path).returncode == 2


def test_init_writes_the_schemas_its_headers_name(tmp_path: Path, validators):
    assert run_cli("init", "course", cwd=tmp_path).returncode == 0
    course = tmp_path / "course"
    for path in course.glob("*.yaml"):
        first = path.read_text("utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=schema/")
        target = course / first.split("=", 1)[1]
        assert json.loads(target.read_text("utf-8")) == json_schema(_kind(path))
    assert _errors(validators, course) == {}
