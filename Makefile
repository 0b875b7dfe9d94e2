# Two commands: `make demo` and `make test`. Each builds .venv from nothing when needed.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export RETAIN_TEST_PG_URL ?= postgresql://127.0.0.1:5432/test

.PHONY: demo test setup browser lint typecheck pytest-sqlite pytest-postgres docs clean fuzz

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

# schemathesis against `retain serve` on a fresh demo store, every operation but token deletion,
# run in the temporary folder (its .schemathesis cache stays there),
# with an admin token; prints the requests per status and fails on any 5xx or < 5,000 requests.
# SQLite (a temporary file) by default; `make fuzz RETAIN_DATABASE_URL=postgresql://.../scratch`
# REPLACES that database's data with the demo.
FUZZ_SECONDS ?= 600
FUZZ_EXAMPLES ?= 60
FUZZ_SEED ?= 1
fuzz: $(STAMP)
	@set -u; dir=$$(mktemp -d); \
	export RETAIN_DATABASE_URL="$${RETAIN_DATABASE_URL:-sqlite:///$$dir/fuzz.sqlite3}"; \
	echo "demo store: $$RETAIN_DATABASE_URL (logs in $$dir)"; \
	$(BIN)/retain demo --no-serve --reset --accounts 40 --months 12 --score-days 7 --seed 7 \
	  --truth $$dir/truth.json > $$dir/demo.log 2>&1 || { cat $$dir/demo.log; exit 1; }; \
	token=$$($(BIN)/retain tokens create --user admin --name fuzz | tail -1); \
	port=$$($(BIN)/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'); \
	$(BIN)/retain serve --port $$port > $$dir/serve.log 2>&1 & pid=$$!; \
	trap "kill $$pid" EXIT; \
	cd $$dir && $(CURDIR)/$(BIN)/schemathesis run http://127.0.0.1:$$port/api/openapi.json --wait-for-schema 120 \
	  -H "Authorization: Bearer $$token" --exclude-path '/api/tokens/{id}' \
	  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
	  -n $(FUZZ_EXAMPLES) --workers 2 --max-time $(FUZZ_SECONDS) --seed $(FUZZ_SEED) \
	  --report har --report-har-path $$dir/fuzz.har > $$dir/schemathesis.log 2>&1; st=$$?; \
	cd $(CURDIR) && sed -n '/SUMMARY/,$$p' $$dir/schemathesis.log; \
	$(BIN)/python tests/integration/api/fuzz_report.py $$dir/fuzz.har && exit $$st

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

docs: $(STAMP)
	$(BIN)/python -m retain.cli.reference > docs/cli.md
	$(BIN)/python -m retain.cli.reference metrics > docs/metrics.md
	$(BIN)/python -m retain.cli.reference imports > docs/imports.md
