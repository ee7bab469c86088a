"""Reading and modelling a course: YAML with positions -> validated, frozen model; the anki.lock file."""
