# Two commands matter: `make run` (the demo on http://127.0.0.1:8000) and `make test`.
# `make run` listens on PORT; its Prometheus on PROMETHEUS_PORT, the demo workload on WORKLOAD_PORT.
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

PORT ?= 8000
PROMETHEUS_PORT ?= 9090
WORKLOAD_PORT ?= 9101
RUN_ENV := DEBUG=1 PORT=$(PORT) PROMETHEUS_PORT=$(PROMETHEUS_PORT) WORKLOAD_PORT=$(WORKLOAD_PORT) \
	PROMETHEUS_URL=$${PROMETHEUS_URL:-http://127.0.0.1:$(PROMETHEUS_PORT)}

.PHONY: run test lint check-migrations services demo bench clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	@mkdir -p var
	@bash scripts/services.sh prometheus
	$(RUN_ENV) $(MANAGE) migrate --noinput
	$(RUN_ENV) $(MANAGE) load_demo --url http://127.0.0.1:$(PORT)/
	$(RUN_ENV) bash scripts/run.sh

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
	$(TEST_ENV) $(MANAGE) collectstatic --noinput --verbosity 0
	$(TEST_ENV) $(BIN)/python -m bench

clean:
	rm -rf $(VENV) var test-artifacts
