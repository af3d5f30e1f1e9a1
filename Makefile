# Two commands do all the set-up on a fresh machine:
#   make demo   install into .venv and run the main job (offline-capable)
#   make test   install into .venv and run lint, types, import layers and tests
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-stamp

# The demo's offline catalog: the staged full public catalog when ../shared/data exists.
SHARED_DATA  ?= $(or $(ORBITWATCH_SHARED_DATA),../shared/data)
DEMO_CATALOG ?= $(wildcard $(SHARED_DATA)/catalog/spacetrack-3le-full-catalog-2023-09-04.tle.gz)

.PHONY: install demo test lint typecheck layers pytest bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	ORBITWATCH_DEMO_CATALOG="$${ORBITWATCH_DEMO_CATALOG:-$(DEMO_CATALOG)}" $(BIN)/orbitwatch demo

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

layers: $(STAMP)
	$(BIN)/lint-imports

pytest: $(STAMP)
	$(BIN)/python -m pytest -q

test: lint typecheck layers pytest

bench: $(STAMP)
	@echo "benchmarks are run by hand: e.g. $(BIN)/python bench/propagate.py"

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
