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

# The caseworker app: plain ES modules, GOV.UK Frontend from npm, styles
# compiled with Sass and a service worker that lists every file to cache.
PWA_SOURCES := $(shell find pwa/src pwa/styles -type f) pwa/index.html pwa/sw.js \
	pwa/manifest.webmanifest pwa/icon.svg pwa/build.mjs

pwa: pwa/build/.built

pwa/node_modules/.installed: pwa/package.json pwa/package-lock.json
	cd pwa && npm ci --no-audit --no-fund --loglevel=error
	touch $@

pwa/build/.built: pwa/node_modules/.installed $(PWA_SOURCES)
	cd pwa && node build.mjs

run: setup
	$(FLASK) db upgrade
	$(FLASK) demo-data --if-empty
	@echo "Open http://127.0.0.1:5000 and sign in with one of the accounts above."
	$(FLASK) run --host 127.0.0.1 --port 5000

test: setup
	cd pwa && npx vitest run --reporter=dot
	$(BIN)/pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache pwa/node_modules pwa/build
