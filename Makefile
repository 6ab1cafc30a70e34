# Two commands matter: `make run` (the demo on http://127.0.0.1:8000) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
STAMP := $(VENV)/.installed

# The test suite always runs on PostgreSQL and Redis (never a silent SQLite fallback).
TEST_ENV := DEBUG=0 SECRET_KEY=tests-only-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz \
	DATABASE_URL=$${TEST_DATABASE_URL:-postgres://postmortems@127.0.0.1:5432/postmortems} \
	CELERY_BROKER_URL=$${TEST_BROKER_URL:-redis://127.0.0.1:6379/15}
PYTEST_ARGS ?= -n 2 --dist loadgroup

.PHONY: run test lint check-migrations services demo bench clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	@mkdir -p var
	@bash scripts/services.sh prometheus
	DEBUG=1 $(MANAGE) migrate --noinput
	DEBUG=1 $(MANAGE) load_demo
	DEBUG=1 bash scripts/run.sh

services:
	bash scripts/services.sh test

lint: $(STAMP)
	$(BIN)/ruff check .

check-migrations: $(STAMP)
	$(TEST_ENV) $(MANAGE) makemigrations --check --dry-run

test: $(STAMP) services lint check-migrations
	mkdir -p test-artifacts
	$(TEST_ENV) $(MANAGE) collectstatic --noinput --verbosity 0
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

bench: $(STAMP) services
	$(TEST_ENV) $(BIN)/python -m bench

clean:
	rm -rf $(VENV) var test-artifacts
