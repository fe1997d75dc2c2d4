# Portaal Samen Nieuw-West: the two commands a newcomer needs are `make run` and `make test`.
#
#   make run     local portal on http://localhost:8000 (SQLite in var/, eager Celery, demo data)
#   make test    the whole pytest suite (browser tests drive Debian's chromium)
#   make lint    ruff + a check that no migration is missing
#   make worker  Celery worker   (needs REDIS_URL)
#   make beat    Celery beat     (needs REDIS_URL)
#   make bench   every benchmark in one table -> var/bench/latest.md (BENCH_ARGS=--quick for a smoke run)
#
# Dependencies are installed into .venv from requirements.lock (every package pinned); a stamp file
# skips the install until requirements.lock or pyproject.toml changes. Debian packages are installed
# with apt-get only when running as root and they are missing; otherwise the command names them.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.samennw-installed
PYTEST_ARGS ?=

# WeasyPrint (PDF reports) needs Pango and a font; translations need gettext's msgfmt (DECISIONS 26).
RUN_DEBS := gettext libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
# Browser tests (marker e2e) drive Debian's chromium through Playwright; never `playwright install`.
TEST_DEBS := $(RUN_DEBS) chromium poppler-utils
# make bench: wrk drives the public-page load (bench_public.py falls back to a slower Python client without it).
BENCH_DEBS := $(RUN_DEBS) wrk

LOCAL_ENV := SAMENNW_DEBUG=true SAMENNW_HTTPS=false
TEST_ENV := SAMENNW_EPHEMERAL_SECRET=true SAMENNW_HTTPS=false
# With REDIS_URL set, Celery would queue tasks for a worker that tests do not run (a `.delay().get()`
# would wait for ever): tests run tasks in-process unless CELERY_TASK_ALWAYS_EAGER says otherwise.
PYTEST_ENV := $(TEST_ENV) CELERY_TASK_ALWAYS_EAGER=$${CELERY_TASK_ALWAYS_EAGER:-true}

.PHONY: help run test lint worker beat bench install debs-run debs-test debs-bench messages

help:
	@echo "make run     start the portal on http://localhost:8000 with demo data"
	@echo "make test    run the whole test suite"
	@echo "make lint    ruff check + makemigrations --check"
	@echo "make worker  Celery worker (set REDIS_URL)"
	@echo "make beat    Celery beat (set REDIS_URL)"
	@echo "make bench   every benchmark in one table, written to var/bench/latest.md (BENCH_ARGS=--quick: a smoke run)"

# --- Python -----------------------------------------------------------------------------------
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-virtualenv -r requirements.lock
	touch $@

install: $(STAMP)

# --- Debian packages --------------------------------------------------------------------------
# $(call ensure_debs,<packages>): install the missing ones as root, otherwise name them.
define ensure_debs
missing=""; \
if ! command -v dpkg-query >/dev/null 2>&1; then \
  echo "Not a Debian system: make sure these are installed: $(1)"; exit 0; \
fi; \
for p in $(1); do \
  dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
done; \
if [ -z "$$missing" ]; then exit 0; fi; \
if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
  echo "Installing Debian packages:$$missing"; \
  apt-get update -qq; \
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
else \
  echo "Missing Debian packages:$$missing"; \
  echo "  install them with:  sudo apt-get install$$missing"; \
fi
endef

debs-run:
	@$(call ensure_debs,$(RUN_DEBS))

debs-test:
	@$(call ensure_debs,$(TEST_DEBS))

debs-bench:
	@$(call ensure_debs,$(BENCH_DEBS))

# --- Translations -----------------------------------------------------------------------------
messages: $(STAMP)
	@if ! find . -name '*.po' -not -path './.venv/*' -not -path './node_modules/*' | grep -q .; then \
	  echo "No .po files yet: nothing to compile."; \
	elif ! command -v msgfmt >/dev/null 2>&1; then \
	  echo "msgfmt not found (Debian package gettext): translations not compiled."; \
	else \
	  $(TEST_ENV) $(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0; \
	fi

# --- Commands ---------------------------------------------------------------------------------
run: $(STAMP) debs-run messages
	$(LOCAL_ENV) $(BIN)/python manage.py migrate --noinput
	$(LOCAL_ENV) $(BIN)/python manage.py load_demo
	$(LOCAL_ENV) $(BIN)/python manage.py runserver 0.0.0.0:8000

# pytest exits 5 when it collects nothing; make treats that as the failure it is.
test: $(STAMP) debs-test messages
	$(PYTEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

# Not in CI: it takes minutes and its figures depend on the machine (issue 8).
bench: $(STAMP) debs-bench
	$(BIN)/python scripts/bench_all.py $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

worker: $(STAMP)
	@test -n "$${REDIS_URL:-}" || { echo "Set REDIS_URL (e.g. redis://127.0.0.1:6379/0): without it tasks run eagerly in the web process."; exit 1; }
	SAMENNW_DEBUG=$${SAMENNW_DEBUG:-true} SAMENNW_HTTPS=$${SAMENNW_HTTPS:-false} $(BIN)/celery -A samennw worker -l info

beat: $(STAMP)
	@test -n "$${REDIS_URL:-}" || { echo "Set REDIS_URL (e.g. redis://127.0.0.1:6379/0): without it there is no broker for beat."; exit 1; }
	@mkdir -p var
	SAMENNW_DEBUG=$${SAMENNW_DEBUG:-true} SAMENNW_HTTPS=$${SAMENNW_HTTPS:-false} $(BIN)/celery -A samennw beat -l info --schedule var/celerybeat-schedule
