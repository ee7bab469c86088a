"""Markdown images in content text: where they point and what they say, for lint and the exports."""

from __future__ import annotations

import re
from functools import lru_cache

# How markdown-it renders an image in every output: the exports find these and put the file in.
IMG_TAG = re.compile(r'<img src="(media/[^"]*)" alt="([^"]*)">')


@lru_cache(maxsize=1)
def _parser():
    from .markdown import dialect

    return dialect()


def image_refs(text: str) -> list[tuple[str, str]]:
    """(src, alt text) of every Markdown image in ``text``, in order."""
    found: list[tuple[str, str]] = []

    def walk(tokens) -> None:
        for token in tokens:
            if token.type == "image":
                alt = "".join(child.content for child in token.children or [])
                found.append((token.attrGet("src") or "", alt))
            if token.children:
                walk(token.children)

    if "![" in text:  # cheap: most fields have no image
        walk(_parser().parse(text))
    return found
