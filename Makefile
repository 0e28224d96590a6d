# The two commands of the README: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app server

.PHONY: setup run test lint pwa clean

setup: $(STAMP) pwa

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The caseworker app is plain files served by Flask; it has no build step yet.
pwa:
	@test -f pwa/index.html && test -f pwa/manifest.webmanifest

run: setup
	$(FLASK) db upgrade
	$(FLASK) demo-data --if-empty
	@echo "Open http://127.0.0.1:5000 and sign in with one of the accounts above."
	$(FLASK) run --host 127.0.0.1 --port 5000

test: setup
	$(BIN)/pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache
