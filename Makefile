# One entry point for a fresh machine: every target creates the virtual environment and
# installs the project (pinned by constraints.txt) on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run nightly test lint typecheck unit bench clean messages

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

## The main job, through Prefect with nothing to start by hand: plan all of Finland, sync the
## status store (SQLite in var/), export the calendar feeds and the status report. Then serve
## the pages, feeds and API on http://127.0.0.1:8080 until Ctrl-C. For this local demo the
## pair, municipality and county feeds are public, so that they can be subscribed without a
## key; a real installation lists its public feeds itself (none by default).
run: export YHDYSPINTA_PUBLIC_FEEDS ?= ["pair-*","municipality-*","region-*"]
run: $(STAMP)
	$(BIN)/yhdyspinta nightly
	$(BIN)/yhdyspinta serve

## The main job alone (no server): what a scheduler runs.
nightly: $(STAMP)
	$(BIN)/yhdyspinta nightly

## Everything CI checks: lint, types, tests. pytest's exit 5 (no tests ran) is a failure.
test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	@scripts/test-system-deps
	@[ tests/js/node_modules/.stamp -nt tests/js/package-lock.json ] || \
	  (cd tests/js && npm ci --silent --no-audit --no-fund && touch node_modules/.stamp)
	@$(BIN)/pytest; rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$rc

bench: $(STAMP)
	$(BIN)/python bench/plan_bench.py
	$(BIN)/python bench/sync_bench.py
	$(BIN)/python bench/feeds_bench.py
	$(BIN)/python bench/notify_bench.py
	$(BIN)/python bench/prefect_bench.py
	$(BIN)/python bench/pages_bench.py
	$(BIN)/python bench/write_bench.py
	$(BIN)/python bench/cli_bench.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis

## The words: extract every message id from the code and the templates (babel.cfg), bring
## the fi, sv and en catalogues up to date (new ids get an empty text, which
## tests/unit/test_catalogue.py refuses until it is written) and compile the .mo files.
LOCALE := obligations/locale
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --no-location --no-wrap --sort-output -o $(LOCALE)/yhdyspinta.pot .
	$(BIN)/pybabel update -i $(LOCALE)/yhdyspinta.pot -d $(LOCALE) -D yhdyspinta --no-wrap --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d $(LOCALE) -D yhdyspinta
	rm $(LOCALE)/yhdyspinta.pot
