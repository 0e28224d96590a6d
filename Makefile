# The two commands of the README: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app server

.PHONY: setup run test test-dates lint pwa clean translations

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

# PORT chooses the port: `make run PORT=8080` or `PORT=8080 make run`.
PORT ?= 5000
run: setup
	$(FLASK) db upgrade
	$(FLASK) demo-data --if-empty
	@echo "Open http://127.0.0.1:$(PORT) and sign in with one of the accounts above."
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# The Python suite runs in parallel, one pytest-xdist worker a core (at most 4),
# each with its own database and Redis db (tests/conftest.py): `make test
# TEST_WORKERS=0` runs it in one process. A worker that is free takes tests
# still waiting for a busy one, so a few slow tests do not hold up the end.
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ "$$n" -gt 4 ] && n=4; echo $$n)
test: setup
	cd pwa && npx vitest run --reporter=dot
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# The whole suite once at each moment of tests/fixtures/moments.json (a leap
# day, both clock changes, a month's end at midnight, New Year's Eve). `make
# test` already spreads its tests over them; this runs every test at every one.
TEST_MOMENTS := leap-day clocks-forward month-end-midnight clocks-back year-end
test-dates: setup
	@for moment in $(TEST_MOMENTS); do \
		echo "== the suite at $$moment"; \
		TEST_CLOCK=$$moment $(MAKE) --no-print-directory test || exit 1; \
	done

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	cd pwa && npx eslint .
	cd pwa && npx tsc -p . && npx tsc -p tsconfig.sw.json

# Welsh: gather every message into the templates (.pot), merge them into the
# Welsh catalogues for a translator to fill in (any PO editor), and compile the
# server's. The app's catalogue is compiled to JSON by pwa/build.mjs.
PYBABEL := $(BIN)/pybabel
translations: setup
	$(PYBABEL) -q extract -F babel.cfg -k translatable --no-location --sort-output \
		-o server/translations/messages.pot .
	$(PYBABEL) -q update -i server/translations/messages.pot -d server/translations -l cy
	$(PYBABEL) -q compile -d server/translations -l cy
	cd pwa && ../$(PYBABEL) -q extract -F babel.cfg -k t -k tn:1,2 --no-location --sort-output \
		-o locales/messages.pot .
	$(PYBABEL) -q update -i pwa/locales/messages.pot -o pwa/locales/cy.po -l cy

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache pwa/node_modules pwa/build
