# Comptoir: `make run` serves it, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/comptoir
export COMPTOIR_VAR_DIR ?= $(CURDIR)/var
# Python writes its bytecode (an environment may forbid it): each module is
# compiled once, not again in each of the suite's subprocesses.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run install test test-deps test-sqlite test-postgres lint format chromium postgres bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

run: install
	$(BIN)/comptoir migrate --noinput
	$(BIN)/comptoir demo --if-new
	$(BIN)/comptoir serve

test-deps: $(VENV)/.installed-test chromium postgres

# Debian's Chromium drives the browser tests (never a downloaded browser).
chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in 1 2 3 4 5 6 7 8 9 10; do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: $(VENV)/.installed-test
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

test-sqlite: test-deps
	COMPTOIR_VAR_DIR=$(CURDIR)/var/test-sqlite $(BIN)/pytest -q

test-postgres: test-deps
	COMPTOIR_VAR_DIR=$(CURDIR)/var/test-postgres COMPTOIR_DATABASE_URL=$(PG_URL) $(BIN)/pytest -q

# Both databases at once, one per core (each with its own var dir and database);
# each run's output is printed whole when it ends.
test: lint test-deps
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

# Schemathesis over the whole API alone, on both databases (`make test` runs it too).
.PHONY: test-schemathesis
test-schemathesis: test-deps
	COMPTOIR_VAR_DIR=$(CURDIR)/var/test-sqlite $(BIN)/pytest -q -m schemathesis
	COMPTOIR_VAR_DIR=$(CURDIR)/var/test-postgres COMPTOIR_DATABASE_URL=$(PG_URL) $(BIN)/pytest -q -m schemathesis

bench: install
	$(BIN)/python bench/api.py

clean:
	rm -rf $(VENV) var
