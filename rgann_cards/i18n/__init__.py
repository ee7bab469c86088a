"""UI strings of every output, one catalogue per language (``course.yaml: language``).

Content stays in the author's language; these are the words the tool adds
around it: headings, labels, counts. ``en.py`` and ``de.py`` hold the same
keys (tests/test_i18n.py keeps them so). A key ending in ``_one``/``_other``
is a count: ``t.n("points", 3)`` picks the form and fills in ``{n}``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import import_module

LANGUAGES = ("en", "de")
_PLACEHOLDER = re.compile(r"\[\[([a-z_]+)\]\]")


class Messages:
    """One language's catalogue. ``t["answer"]``, ``t.answer`` (for templates), ``t.n(key, count)``."""

    def __init__(self, language: str, table: dict[str, str], methods: dict[str, str]):
        self.language = language
        self._table = table
        self._methods = methods

    def __getitem__(self, key: str) -> str:
        return self._table[key]

    def __getattr__(self, key: str) -> str:
        if key.startswith("_"):
            raise AttributeError(key)
        try:
            return self._table[key]
        except KeyError:
            raise AttributeError(f"no UI string '{key}' in the '{self.language}' catalogue") from None

    def keys(self) -> set[str]:
        return set(self._table)

    def n(self, key: str, count: int, **values: object) -> str:
        """The singular or plural form of ``key`` with ``{n}`` (and any ``values``) filled in."""
        form = self._table[f"{key}_one" if count == 1 else f"{key}_other"]
        return form.format(n=count, **values)

    def format(self, key: str, **values: object) -> str:
        return self._table[key].format(**values)

    def method(self, name: str) -> str:
        """How a check was verified ('finite differences'), in this language; names like 'SymPy' stay."""
        return self._methods.get(name, name)

    def fill(self, template: str) -> str:
        """Replace every ``[[key]]`` in a template (Anki's own ``{{...}}`` is left alone)."""
        return _PLACEHOLDER.sub(lambda m: self._table[m.group(1)], template)


@lru_cache(maxsize=None)
def messages(language: str = "en") -> Messages:
    """The catalogue of ``language`` (one of LANGUAGES)."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language '{language}' (one of: {', '.join(LANGUAGES)})")
    module = import_module(f"{__name__}.{language}")
    return Messages(language, module.MESSAGES, module.METHODS)
