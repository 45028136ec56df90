# kpilot: `make demo` serves the demo company on the embedded SQLite database; `make test` runs the tests.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PACKAGES := core kpi forecasting assistant workflows demo api cli eval
# mypy --strict (pyproject.toml) checks every package and the tests
TYPED := $(PACKAGES) tests

.PHONY: demo test test-security test-all install lint typecheck bench-forecast eval clean

$(STAMP): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "kpilot needs Python 3.11 ($(PYTHON) not found); set PYTHON=/path/to/python3.11"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/kpilot demo

test: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow"

test-security: $(STAMP)  # the attacker's cases alone (they also run in `make test`)
	$(BIN)/python -m pytest -q tests/security

test-all: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy $(TYPED)

typecheck: $(STAMP)
	$(BIN)/mypy $(TYPED)

bench-forecast: $(STAMP)
	$(BIN)/kpilot eval forecast

eval: $(STAMP)
	$(BIN)/kpilot eval forecast && $(BIN)/kpilot eval weights && $(BIN)/kpilot eval cascade

clean:
	rm -rf $(VENV) var .pytest_cache
