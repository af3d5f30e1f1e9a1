# Two commands do all the set-up on a fresh machine:
#   make demo   install into .venv and run the main job (offline-capable)
#   make test   install into .venv and run lint, types, import layers and tests
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-stamp

# The demo's offline catalog: the staged full public catalog when ../shared/data exists.
SHARED_DATA  ?= $(or $(ORBITWATCH_SHARED_DATA),../shared/data)
# make demo DEMO_SERVE=0: stop after the watch cycle (default: then serve the API and dashboard).
DEMO_SERVE   ?= 1
DEMO_CATALOG ?= $(wildcard $(SHARED_DATA)/catalog/spacetrack-3le-full-catalog-2023-09-04.tle.gz)

.PHONY: install demo test lint typecheck layers pytest bench clean web chromium

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP) web
	ORBITWATCH_DEMO_CATALOG="$${ORBITWATCH_DEMO_CATALOG:-$(DEMO_CATALOG)}" $(BIN)/orbitwatch demo \
	  $(if $(filter 0,$(DEMO_SERVE)),,--serve)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

layers: $(STAMP)
	$(BIN)/lint-imports

pytest: $(STAMP) web chromium
	$(BIN)/python -m pytest -q

test: lint typecheck layers pytest

# The dashboard (web/, TypeScript + Vite + CesiumJS) built into src/orbitwatch/server/static/.
web:
	@if command -v npm >/dev/null 2>&1; then \
		cd web && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent; \
	else echo "npm not found: the dashboard is not built (orbitwatch serve runs without it)"; fi

# Debian's chromium for the browser tests (tests/web); never a downloaded browser.
chromium:
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

bench: $(STAMP)
	@echo "benchmarks are run by hand: e.g. $(BIN)/python bench/propagate.py"

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
