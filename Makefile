# Two commands: `make demo` and `make test`. Each builds .venv from nothing when needed.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export RETAIN_TEST_PG_URL ?= postgresql://127.0.0.1:5432/test

.PHONY: demo test setup browser lint typecheck pytest-sqlite pytest-postgres docs clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check uv
	@$(BIN)/uv pip install -q --python $(BIN)/python -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

# The browser tests drive Debian's Chromium (Playwright's own browser download is not used).
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

demo: $(STAMP)
	$(BIN)/retain demo

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy src

pytest-sqlite: $(STAMP) browser
	RETAIN_DATABASE_URL= $(BIN)/pytest -q -p no:cacheprovider

# PostgreSQL run: skipped with a message when no server answers, except under CI=true.
pytest-postgres: $(STAMP) browser
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect(sys.argv[1], connect_timeout=5).close()" \
	    "$(RETAIN_TEST_PG_URL)" 2>/dev/null; then \
	  RETAIN_DATABASE_URL=$(RETAIN_TEST_PG_URL) RETAIN_REQUIRE_DB=postgresql \
	    $(BIN)/pytest -q -p no:cacheprovider tests/integration tests/browser; \
	elif [ "$$CI" = "true" ]; then \
	  echo "PostgreSQL is not reachable at $(RETAIN_TEST_PG_URL), and CI=true requires it." >&2; exit 1; \
	else \
	  echo "PostgreSQL is not reachable at $(RETAIN_TEST_PG_URL): PostgreSQL tests SKIPPED."; \
	fi

test: lint typecheck pytest-sqlite pytest-postgres

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

docs: $(STAMP)
	$(BIN)/python -m retain.cli.reference > docs/cli.md
	$(BIN)/python -m retain.cli.reference metrics > docs/metrics.md
	$(BIN)/python -m retain.cli.reference imports > docs/imports.md
