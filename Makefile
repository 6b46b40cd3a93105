# Renovation platform — developer and CI entry points (GNU make).
# From a fresh clone with only Python 3.11+:  make run   |   make test

PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
MANAGE := $(PYTHON) manage.py
STAMP := $(VENV)/.installed
LOCK := requirements.lock

PORT ?= 8000
PYTEST_ARGS ?=
# Extra pip-compile flags, e.g. `make lock LOCK_ARGS=--upgrade` to bump every pin.
LOCK_ARGS ?=
# Local development defaults to DEBUG on (no secret key needed); override with DJANGO_DEBUG=0.
DJANGO_DEBUG ?= 1
DEV_ENV := DJANGO_DEBUG=$(DJANGO_DEBUG)

RUFF_PATHS ?= .

.DEFAULT_GOAL := help
.PHONY: help venv run test lint format migrate demo worker beat shell clean distclean lock messages check-python bench fuzz-nightly

help: ## List targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sort | awk 'BEGIN {FS = ":.*## "}; {printf "  %-10s %s\n", $$1, $$2}'

check-python:
	@$(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ required, got " + sys.version.split()[0] + " (set PY=...)")'

$(STAMP): $(LOCK) | check-python
	test -x $(PYTHON) || $(PY) -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet --require-hashes -r $(LOCK)
	touch $@

venv: $(STAMP) ## Create .venv and install the locked dependencies

run: venv ## Migrate, load demo data, serve on 127.0.0.1:PORT (default 8000)
	$(DEV_ENV) $(MANAGE) migrate --noinput
	$(DEV_ENV) $(MANAGE) load_demo
	$(DEV_ENV) $(MANAGE) rollup
	$(DEV_ENV) $(MANAGE) runserver 127.0.0.1:$(PORT)

test: venv ## Run the test suite (PYTEST_ARGS="-k foo -n auto")
	$(BIN)/pytest $(PYTEST_ARGS)

lint: venv ## ruff check, ruff format --check, layer contract, mypy, missing-migration check
	$(BIN)/ruff check $(RUFF_PATHS)
	$(BIN)/ruff format --check $(RUFF_PATHS)
	$(BIN)/lint-imports --no-cache
	$(DEV_ENV) $(BIN)/mypy
	$(DEV_ENV) $(MANAGE) makemigrations --check --dry-run

format: venv ## Apply ruff fixes and formatting
	$(BIN)/ruff check --fix $(RUFF_PATHS)
	$(BIN)/ruff format $(RUFF_PATHS)

migrate: venv ## Apply migrations
	$(DEV_ENV) $(MANAGE) migrate --noinput

demo: venv ## Load (idempotent) demo data, print demo accounts, compute statistics snapshots
	$(DEV_ENV) $(MANAGE) load_demo
	$(DEV_ENV) $(MANAGE) rollup

worker: venv ## Celery worker (needs REDIS_URL; without it tasks run eagerly)
	$(DEV_ENV) $(BIN)/celery -A renovation worker -l info

beat: venv ## Celery beat scheduler
	$(DEV_ENV) $(BIN)/celery -A renovation beat -l info

shell: venv ## Django shell
	$(DEV_ENV) $(MANAGE) shell

messages: venv ## makemessages (zh_Hans, en) then compilemessages; needs GNU gettext
	$(DEV_ENV) $(MANAGE) makemessages -l zh_Hans -l en --ignore='.venv*' --ignore='staticfiles/*' --ignore='artifacts/*'
	$(DEV_ENV) $(MANAGE) compilemessages --ignore='.venv*'

lock: check-python ## Re-resolve requirements.lock from pyproject.toml (pip-tools, hashes; LOCK_ARGS=--upgrade)
	test -x .venv-tools/bin/pip-compile || ($(PY) -m venv .venv-tools && .venv-tools/bin/pip install --quiet --upgrade pip pip-tools)
	.venv-tools/bin/pip-compile --quiet $(LOCK_ARGS) --strip-extras --generate-hashes --allow-unsafe \
		--no-emit-index-url --no-emit-find-links --extra dev --output-file $(LOCK) pyproject.toml

# Benchmark on PostgreSQL and Redis (DATABASE_URL's server, database BENCH_DB; REDIS_URL, default
# db 13, whose task queue it purges), e.g.
# make bench BENCH_COMPOUNDS=300000 BENCH_DB=synth300k BENCH_ARGS="--requests 200"
BENCH_COMPOUNDS ?= 3000
BENCH_DB ?= renovation_bench
BENCH_ARGS ?=
bench: venv ## Benchmark at BENCH_COMPOUNDS compounds in BENCH_DB (PostgreSQL, Redis); writes docs/benchmarks.md
	BENCH_VIA_MAKE=1 $(PYTHON) -m scripts.bench --compounds $(BENCH_COMPOUNDS) --db $(BENCH_DB) $(BENCH_ARGS)

# The API fuzzer with a bigger budget than the suite's (tests/api/fuzzing.py); e.g. nightly in CI.
FUZZ_EXAMPLES ?= 200
FUZZ_SEED ?= 17
fuzz-nightly: venv ## Schemathesis over the whole API as each role, FUZZ_EXAMPLES per operation
	API_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) API_FUZZ_SEED=$(FUZZ_SEED) API_FUZZ_STATEFUL_EXAMPLES=100 \
		$(BIN)/pytest tests/api/test_schemathesis.py tests/api/test_funding_governance_fuzz.py -s -q $(PYTEST_ARGS)

clean: ## Remove caches, collected static files and test artifacts
	find . -path ./$(VENV) -prune -o -path ./.venv-tools -prune -o -type d -name __pycache__ -print0 | xargs -0 rm -rf
	rm -rf .pytest_cache .ruff_cache staticfiles artifacts htmlcov .coverage celerybeat-schedule*

distclean: clean ## clean + remove virtualenvs and the local SQLite database
	rm -rf $(VENV) .venv-tools db.sqlite3
