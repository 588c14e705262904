# Two commands for a fresh machine with Python 3.11 and make:
#   make run   - create .venv, install, solve the default scenario, print a summary, write results/
#   make test  - create .venv if missing, install, run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test check app data bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,data]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/planner solve models/baseline.toml --out results/baseline

app: $(STAMP)
	$(BIN)/planner app

check: $(STAMP)
	$(BIN)/planner check models/baseline.toml

test: $(STAMP)
	$(BIN)/python -m pytest

# Rebuild data/regions/ from ../shared/data/external.
data: $(STAMP)
	$(BIN)/python scripts/build_regions.py

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_model.py

clean:
	rm -rf $(VENV) results .pytest_cache
