# Two commands a newcomer needs: `make serve` and `make test`. Each creates .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: serve test bench index eval lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/qa serve --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/ruff check qa tests benchmarks
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m benchmarks

index: $(STAMP)
	$(BIN)/qa index

eval: $(STAMP)
	$(BIN)/qa eval

lint: $(STAMP)
	$(BIN)/ruff check qa tests benchmarks

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
