"""Environment variables: neutral ``CARDS_*`` names, with the first release's ``RGANN_*`` kept as aliases.

The tool compiles any course, so its settings are not named after one course.
``CARDS_X`` wins when both are set.
"""

from __future__ import annotations

import os
from typing import Mapping

PREFIX = "CARDS_"
ALIAS_PREFIX = "RGANN_"  # the names of the first release; still read


def getenv(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The value of ``CARDS_<name>``, else of ``RGANN_<name>``, else None."""
    environ = os.environ if environ is None else environ
    value = environ.get(PREFIX + name)
    return value if value is not None else environ.get(ALIAS_PREFIX + name)
