# `make build` and `make test` work on a fresh machine: the first run creates .venv.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: build test lint verify bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	touch $(STAMP)

build: $(STAMP)  ## validate, verify and build every output into dist/
	$(VENV)/bin/rgann-cards build

test: $(STAMP)  ## run the test suite
	$(VENV)/bin/python -m pytest

lint: $(STAMP)
	$(VENV)/bin/rgann-cards lint

verify: $(STAMP)
	$(VENV)/bin/rgann-cards verify

bench: $(STAMP)
	for script in bench/*.py; do $(VENV)/bin/python $$script || exit 1; done

clean:
	rm -rf dist $(VENV) .pytest_cache
