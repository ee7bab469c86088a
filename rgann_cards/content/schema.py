"""JSON Schemas of the content files, generated from the pydantic models (never written by hand).

Editors with the YAML language server read them through a first line
``# yaml-language-server: $schema=...`` and offer completion and validation
while typing. The schema describes shape only (keys, types, patterns); rules
that need the whole course (unique ids, known references, figures and check
names, markup) remain the loader's, so ``rgann-cards lint`` stays the authority.
"""

from __future__ import annotations

import json
from typing import Literal

Kind = Literal["deck", "course", "references", "diagram"]
KINDS: tuple[Kind, ...] = ("deck", "course", "references", "diagram")
_TITLES = {"deck": "rgann-cards deck file", "course": "rgann-cards course.yaml",
           "references": "rgann-cards references.yaml", "diagram": "rgann-cards diagram (diagrams/NAME.yaml)"}
FILE_NAMES = {kind: f"{kind}.schema.json" for kind in KINDS}


def json_schema(kind: Kind) -> dict:
    """The JSON Schema (draft 2020-12) of one kind of content file."""
    from .diagram_model import Diagram  # pydantic: only when a schema is wanted, not on every start
    from .model import CourseInfo, Deck, Reference

    if kind == "deck":
        body = Deck.model_json_schema()
    elif kind == "course":
        body = CourseInfo.model_json_schema()
    elif kind == "diagram":
        body = Diagram.model_json_schema()
    elif kind == "references":
        entry = Reference.model_json_schema()
        # the mapping key is the reference key, so an entry has no 'key' of its own
        key = entry["properties"].pop("key")
        entry["required"] = [name for name in entry.get("required", []) if name != "key"]
        body = {"type": ["object", "null"], "propertyNames": {k: v for k, v in key.items() if k != "title"},
                "additionalProperties": entry}
    else:
        raise ValueError(f"unknown schema '{kind}' (one of: {', '.join(KINDS)})")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **body, "title": _TITLES[kind]}


def schema_text(kind: Kind) -> str:
    """The schema as the `schema` command prints it and `init` writes it: stable key order, one trailing newline."""
    return json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n"
