# The two commands of the README: `make demo` and `make test`. Everything else is set-up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint services setup runtime

demo: runtime
	$(BIN)/sharenet demo

test: setup services lint
	$(BIN)/python -m pytest -n 2 --dist loadgroup

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

services:
	bash .ci/services

# `runtime` is what the product runs on, installed as a user would (all `make demo` needs);
# `setup` adds the dev set and makes the install editable, for working on the code.
runtime: $(VENV)/.runtime

setup: $(VENV)/.installed

$(VENV)/.runtime: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q .
	touch $@

$(VENV)/.installed: $(VENV)/.runtime
	$(BIN)/pip install -q -e ".[dev]"
	touch $@
