# Two commands: `make run` serves the app, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# `make test` runs against real PostgreSQL and Redis (started by scripts/services.sh).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/invoicing
TEST_REDIS_URL ?= redis://127.0.0.1:6379/1

.PHONY: install install-runtime setup run serve test lint format worker beat bench messages clean

# `make run` needs only the runtime lock (what the app imports); `make test` and the other
# developer targets install the dev lock (the runtime pins plus the test tools) on top.
RUNTIME_STAMP := $(VENV)/.installed-runtime
PORT ?= 8000
# pip's -qq keeps errors and hides the notices of a machine's own index configuration.
PIP_INSTALL := $(PY) -m pip install -qq --disable-pip-version-check --require-hashes

install: $(STAMP)

$(STAMP): requirements-dev.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -r requirements-dev.lock
	@touch $(STAMP)

install-runtime: $(RUNTIME_STAMP)

# A dev install newer than the runtime lock already holds every runtime pin.
$(RUNTIME_STAMP): requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@if [ ! -f $(STAMP) ] || [ requirements.lock -nt $(STAMP) ]; then \
	  echo "Installing the app's packages into $(VENV) (requirements.lock)…"; \
	  $(PIP_INSTALL) -r requirements.lock; fi
	@touch $(RUNTIME_STAMP)

# The set-up part of `make run`: install, migrate, seed, quietly. Safe to run again.
setup: install-runtime
	@echo "Preparing the database and the demo workspace…"
	@LOG_LEVEL=$${LOG_LEVEL:-WARNING} $(PY) manage.py migrate --noinput -v 0
	@LOG_LEVEL=$${LOG_LEVEL:-WARNING} $(PY) manage.py seed_demo

# Serves on PORT (default 8000); the login banner prints once the server answers.
run: setup
	@LOG_LEVEL=$${LOG_LEVEL:-WARNING} PORT=$(PORT) PY=$(PY) scripts/serve.sh

test: install
	@scripts/services.sh
	@scripts/browser.sh
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	  $(PY) -m pytest -q -n $${PYTEST_WORKERS:-auto} $(PYTEST_ARGS)
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run > /dev/null

lint: install
	$(VENV)/bin/ruff check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

worker: install
	$(VENV)/bin/celery -A invoicing worker -l info

beat: install
	$(VENV)/bin/celery -A invoicing beat -l info

# `make bench` (about 10 minutes): seeds a fresh `invoicing_bench` database on the server of
# DATABASE_URL, serves it with gunicorn and loads it with wrk; prints the table and writes
# bench/results.json. BENCH_ARGS="--invoices 1000000" for the 1M run, "--update-readme" to
# refresh README's Performance section, "--help" for the rest. Then it imports a synthetic
# 740,000-line DGII_RNC.zip twice (bench/rnc.py: time and peak memory, written to
# bench/rnc_results.json); BENCH_RNC_ARGS="--lines N" for another size. Last, the e-CF soak
# with 500 documents (ECF_SOAK_DOCUMENTS=N for another size).
bench: install
	@scripts/services.sh
	@command -v wrk >/dev/null 2>&1 || { echo "make bench needs wrk (Debian/Ubuntu: apt-get install wrk; macOS: brew install wrk)." >&2; exit 1; }
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(PY) -m bench.run $(BENCH_ARGS)
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(PY) -m bench.rnc $(BENCH_RNC_ARGS)
	@# The e-CF soak (issue 15) at full size: 500 E31 at concurrency 8 to the fake DGII with
	@# random delays, the worker killed once mid-way; `make test` runs it with 50.
	ECF_SOAK_DOCUMENTS=$${ECF_SOAK_DOCUMENTS:-500} DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} \
	  REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} $(PY) -m pytest -q -p no:randomly \
	  tests/integration/test_ecf_worker.py -k soak

messages: install
	scripts/translations.sh --compile

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
