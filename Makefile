# OpsDesk: `make demo` serves it with demo data; `make test` runs every check. Both work on a fresh Debian
# machine with only python3, make and git (missing system packages are installed with apt when run as root).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
TOOLS := .tools
BIN := $(VENV)/bin
UV := $(TOOLS)/bin/uv
UV_VERSION := 0.13.9
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
DEMO_TICKETS ?= 5000
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: demo test setup lint types contracts migrations-check i18n-check test-databases test-sqlite test-postgres test-e2e bench messages clean

# The static files are collected while the demo data is seeded (after migrate, which makes the data folder's key).
demo: setup
	$(BIN)/opsdesk migrate
	@$(BIN)/opsdesk collectstatic & collect=$$!; \
		$(BIN)/opsdesk seed-demo --tickets $(DEMO_TICKETS) --if-empty; seeded=$$?; \
		wait $$collect && exit $$seeded
	$(BIN)/opsdesk demo --host $(HOST) --port $(PORT)

setup: $(VENV)/.synced opsdesk/locale/.compiled

$(UV):
	@scripts/bootstrap.sh "$(PYTHON)" "$(TOOLS)" "$(UV_VERSION)"

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python "$$(command -v $(PYTHON))"
	@touch $@

opsdesk/locale/.compiled: $(VENV)/.synced $(wildcard opsdesk/locale/*/LC_MESSAGES/django.po)
	$(BIN)/python scripts/i18n.py compile
	@touch $@

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: setup
	$(BIN)/mypy

contracts: setup
	$(BIN)/lint-imports

migrations-check: setup
	OPSDESK_DATA_DIR=$$(mktemp -d) $(BIN)/python manage.py makemigrations --check --dry-run

i18n-check: setup
	$(BIN)/python scripts/i18n.py check

test-sqlite: setup
	@scripts/ensure_dovecot.sh
	OPSDESK_REDIS_PREFIX=opsdesk-test-sqlite $(BIN)/pytest -q -p no:cacheprovider opsdesk

test-postgres: setup
	@scripts/ensure_dovecot.sh
	@if scripts/pg_ready.sh "$(PG_URL)"; then \
		DATABASE_URL="$(PG_URL)" OPSDESK_REDIS_PREFIX=opsdesk-test-postgres OPSDESK_DATA_DIR=$$(mktemp -d) \
			$(BIN)/pytest -q -p no:cacheprovider opsdesk; \
	elif [ "$$CI" = "true" ]; then echo "PostgreSQL is not reachable at $(PG_URL); CI requires it." >&2; exit 1; \
	else echo "PostgreSQL is not reachable at $(PG_URL): skipping the PostgreSQL run (CI fails here)."; fi

test-e2e: setup
	@scripts/ensure_chromium.sh
	@scripts/ensure_dovecot.sh
	$(BIN)/pytest -q -p no:cacheprovider e2e

# The two database runs share nothing (own data folder, own Redis names), so they run side by side; each one's
# output is shown when it ends.
test-databases: setup
	@scripts/ensure_dovecot.sh
	@$(MAKE) --no-print-directory --output-sync=target -j2 test-sqlite test-postgres

test: lint types contracts migrations-check i18n-check test-databases test-e2e
	@echo "All checks passed."

bench: setup
	$(BIN)/python bench/run.py
	$(BIN)/python bench/language_accuracy.py

messages: setup
	$(BIN)/python scripts/i18n.py extract

clean:
	rm -rf $(VENV) $(TOOLS) opsdesk/locale/.compiled
