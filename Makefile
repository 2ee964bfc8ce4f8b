# The two set-up commands of the README, and the steps they are made of.
#   make run   installs reechain and runs the main job on the bundled data
#   make test  installs what the tests need and runs the whole suite
# Both work on a fresh machine that has only Python 3.11, pip and root.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DATASET ?= sample
PYTEST_ARGS ?=
LINTED := $(wildcard src tests benchmarks scripts)

.PHONY: run test install install-test lint typecheck pytest benchmarks clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet --constraint constraints.txt --editable .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet --constraint constraints.txt --editable ".[test]"

run: install
	$(BIN)/reechain data import $(DATASET) --replace
	$(BIN)/reechain data summary $(DATASET)

lint:
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

typecheck:
	$(BIN)/mypy

pytest:
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

test: install-test lint typecheck pytest

benchmarks: install-test
	$(BIN)/python benchmarks/bench_load.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
