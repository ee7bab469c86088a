"""`rgann-cards init DIR`: a new course that builds at once, with one of everything an author needs to copy.

The course gets a fresh random id: every Anki identity derives from it
(rgann_cards/identity.py), so a course made here never collides with the
shipped course or with another course made here, even if they reuse YAML ids.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from .content.schema import FILE_NAMES, schema_text
from .errors import UsageError
from .identity import SHIPPED_ID

SCHEMA_DIR = "schema"
DECK_FILE = "week01-kl-divergence.yaml"


def new_course_id(name: str) -> str:
    """``<slug of name>-<8 random hex digits>``: readable, and fresh every time."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40].strip("-") or "course"
    return f"{slug}-{secrets.token_hex(4)}"


def _header(kind: str) -> str:
    return f"# yaml-language-server: $schema={SCHEMA_DIR}/{FILE_NAMES[kind]}\n"


def course_files(course_id: str, title: str, root_deck: str, language: str) -> dict[str, str]:
    """Relative path -> text of every file of a new course."""
    if course_id == SHIPPED_ID:
        raise ValueError("a new course needs its own id")
    return {
        "course.yaml": _header("course") + _COURSE.format(id=course_id, title=_quote(title),
                                                         root_deck=_quote(root_deck), language=language),
        "references.yaml": _header("references") + _REFERENCES,
        DECK_FILE: _header("deck") + _DECK,
        "README.md": _README.format(title=title, id=course_id, deck_file=DECK_FILE),
        **{f"{SCHEMA_DIR}/{FILE_NAMES[kind]}": schema_text(kind) for kind in FILE_NAMES},
    }


def init_course(directory: Path, *, title: str | None = None, language: str = "en") -> list[Path]:
    """Write a new course into ``directory`` (absent or empty); UsageError if it holds anything."""
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory} exists and is not a directory")
    if directory.is_dir() and any(directory.iterdir()):
        raise UsageError(f"{directory} is not empty; init only writes into a new or empty directory")
    name = directory.resolve().name or "course"
    title = title or name.replace("-", " ").replace("_", " ").strip().title() or "New course"
    root_deck = re.sub(r"\s+", " ", title.replace(":", " ")).strip()
    files = course_files(new_course_id(name), title, root_deck, language)
    written = []
    for relative, text in files.items():
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
        written.append(path)
    return written


def _quote(text: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


_COURSE = """\
id: {id}  # stable forever: Anki ids, output names and your progress derive from it; never change it
title: {title}
root_deck: {root_deck}  # the top-level deck in Anki; every deck file is a subdeck
language: {language}  # of the labels in every output ("Answer", "Key points", ...): en or de
"""

_REFERENCES = """\
kullback1951:
  authors: [Solomon Kullback, Richard A. Leibler]
  year: 1951
  title: On Information and Sufficiency
  venue: The Annals of Mathematical Statistics 22(1), 79–86
  doi: 10.1214/aoms/1177729694
"""

_DECK = r"""deck: "Week 1 · KL divergence"  # a subdeck of the course's root deck
exercises:
  - id: kl-asymmetry          # stable forever: never rename or reuse an id
    label: "1"
    points: 2
    tags: [kl-divergence]
    question: |
      For $P = (0.3, 0.7)$ and $Q = (0.5, 0.5)$, compute $\operatorname{KL}(P \| Q)$ in nats.
      Is the KL divergence symmetric?
    model_answer: |           # what a strong student writes in the exam: about 40 words per point
      $$\operatorname{KL}(P \| Q) = 0.3 \ln 0.6 + 0.7 \ln 1.4 \approx 0.0823 \text{ nats},$$
      but $\operatorname{KL}(Q \| P) \approx 0.0872$ nats: the KL divergence is not symmetric.
    answer: |                 # the full explanation, shown below the model answer
      $$\operatorname{KL}(P \| Q) = \sum_x P(x) \log \frac{P(x)}{Q(x)}
        = 0.3 \log 0.6 + 0.7 \log 1.4 \approx 0.0823 \text{ nats}.$$
      Swapping the arguments gives $\operatorname{KL}(Q \| P) \approx 0.0872$ nats, so the KL
      divergence is not symmetric (and not a metric).
    key_points:
      - the definition $\sum_x P(x) \log \frac{P(x)}{Q(x)}$
      - $\operatorname{KL}(P \| Q) \approx 0.0823$ nats, $\operatorname{KL}(Q \| P) \approx 0.0872$ nats
      - not symmetric
    figure: kl_asymmetry      # a figure drawn from code (rgann-cards lint lists the available ones)
    references: [kullback1951]
    checks:                   # every build runs these; a wrong claim fails the build
      - claim: "KL(P||Q) = 0.0823 nats for P = (0.3, 0.7), Q = (0.5, 0.5)"
        expr: "3/10*log(3/5) + 7/10*log(7/5)"
        approx: 0.0822829
        tol: 1.0e-6
    cards:
      - id: kl-symmetric
        front: Is $\operatorname{KL}(P \| Q) = \operatorname{KL}(Q \| P)$ in general?
        back: No. For $P = (0.3, 0.7)$ and $Q = (0.5, 0.5)$ the two values are 0.0823 and 0.0872 nats.
      - id: kl-definition-cloze
        cloze: |
          $\operatorname{KL}(P \| Q) = {{c1::\sum_x P(x) \log \frac{P(x)}{Q(x)}}}$
        extra: For densities, replace the sum by an integral.
"""

_README = """\
# {title}

A course for [rgann-cards](https://pypi.org/project/rgann-cards/): YAML question banks with
code-verified answers, compiled to an Anki deck, printable HTML and a terminal quiz.

- `course.yaml`: the course id (`{id}`; never change it, it keeps your students' Anki
  history), title, root deck and the language of the labels (`en` or `de`).
- `{deck_file}`: one deck file with an exercise, a basic card, a cloze card, a figure and a
  check. Add more `*.yaml` files (subfolders are fine); each one is a subdeck.
- `references.yaml`: the bibliography that exercises cite.
- `schema/`: JSON Schemas for editors; the first line of each YAML file points at one
  (edit the path if you move a file into a subfolder: `../schema/...`).

```sh
rgann-cards lint --content .     # every problem as path:line:col
rgann-cards build --content .    # dist/{id}.apkg, study sheet, quiz, answer key, JSON
rgann-cards quiz --content .     # quiz yourself in the terminal
```

Commit `anki.lock` (written by `build`) with your content: it keeps Anki updates in place.
"""
