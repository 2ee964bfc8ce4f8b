# The two set-up commands of the README, and the steps they are made of.
#   make run   installs reechain and runs the main job on the bundled data
#   make test  installs what the tests need and runs the whole suite
# Both work on a fresh machine that has only Python 3.11, pip and root.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DATASET ?= default
PORT ?= 8000
PYTEST_ARGS ?=
LINTED := $(wildcard src tests benchmarks scripts docs)

.PHONY: run test install install-test system-deps lint typecheck pytest benchmarks fuzz docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet --constraint constraints.txt --editable ".[all]"

install-test: $(BIN)/python
	$(BIN)/pip install --quiet --constraint constraints.txt --editable ".[test]"

# The main job: the headline analysis on the bundled data, stored in the embedded store,
# then the dashboard and API on http://127.0.0.1:$(PORT)/ (Ctrl-C stops it).
run: install
	$(BIN)/reechain data import $(DATASET) --replace
	$(BIN)/reechain data summary $(DATASET)
	$(BIN)/python -m reechain.server --port $(PORT)

lint:
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

typecheck:
	$(BIN)/mypy

pytest:
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

# Debian packages the tests use for real: a PostgreSQL server (started privately by the
# tests), Chromium for the dashboard's browser tests, pdftoppm to look at PDF reports.
SYSTEM_PACKAGES := postgresql chromium poppler-utils fonts-dejavu-core
system-deps:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || [ ! -x /usr/bin/chromium ] \
	    || ! command -v pdftoppm >/dev/null; then \
	    echo "installing Debian's $(SYSTEM_PACKAGES) (needs root)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	        apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; \
	fi

test: system-deps install-test lint typecheck pytest

benchmarks: install-test
	$(BIN)/python benchmarks/bench_load.py

# The generated-input suite at length: 10,000 inputs per family (the test suite runs a few
# dozen); prints inputs tried, accepted, clean errors, crashes and partial writes per family.
FUZZ_EXAMPLES ?= 10000
FUZZ_TIMEOUT ?= 1800
fuzz: install-test
	for family in csv xlsx yaml api trade; do \
	    timeout $(FUZZ_TIMEOUT) $(BIN)/python -m tests.fuzz $(FUZZ_EXAMPLES) $$family || exit 1; \
	done

# The documentation site, built offline into site/ (the tests build it too, strictly, and
# run every example in it).
docs: install-test
	$(BIN)/mkdocs build --strict --site-dir site

clean:
	rm -rf $(VENV) site build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
