# Two commands a newcomer needs: `make serve` and `make test`. Each creates .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# One stamp per install set: serving needs the runtime only; tests, benchmarks and evaluation add extras.
SERVE_STAMP := $(VENV)/.installed-serve
EVAL_STAMP := $(VENV)/.installed-eval
TEST_STAMP := $(VENV)/.installed-test
BENCH_STAMP := $(VENV)/.installed-bench
PIP := $(BIN)/python -m pip install --quiet -e

.PHONY: serve test bench index eval lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(SERVE_STAMP): pyproject.toml | $(BIN)/python
	$(PIP) . && touch $@

$(EVAL_STAMP): pyproject.toml | $(BIN)/python
	$(PIP) '.[eval]' && touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(PIP) '.[test,bench]' && touch $@

$(BENCH_STAMP): pyproject.toml | $(BIN)/python
	$(PIP) '.[bench]' && touch $@

serve: $(SERVE_STAMP)
	$(BIN)/qa serve --host $(HOST) --port $(PORT)

test: $(TEST_STAMP)
	$(BIN)/ruff check qa tests benchmarks
	$(BIN)/python -m pytest

bench: $(BENCH_STAMP)
	$(BIN)/python -m benchmarks

index: $(SERVE_STAMP)
	$(BIN)/qa index

eval: $(EVAL_STAMP)
	$(BIN)/qa eval

lint: $(TEST_STAMP)
	$(BIN)/ruff check qa tests benchmarks

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
