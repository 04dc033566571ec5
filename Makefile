# The two commands of the README, and a few more for data engineers.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
DEMO   := var/demo

.PHONY: demo demo-county test lint lint-sql lint-fix ui bench bench-history venv clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,lint]"
	rm -f $(VENV)/.installed-*; touch $(STAMP)

venv: $(STAMP)

## Generate 13 monthly sample drops (a twentieth of the county) and refresh every month end to end.
demo: venv
	$(BIN)/send-warehouse sample --out $(DEMO)/drop --scale 0.05 --months 13
	$(BIN)/send-warehouse refresh --demo --drop $(DEMO)/drop --home $(DEMO)/home

## The county-scale history: 24 monthly drops at Staffordshire's real size, every month refreshed.
COUNTY := var/county
demo-county: venv
	$(BIN)/send-warehouse sample --out $(COUNTY)/drop --scale 1.0 --months 24
	$(BIN)/send-warehouse refresh --demo --drop $(COUNTY)/drop --home $(COUNTY)/home

## Run every test, a file to a core (PostgreSQL tests skip unless SEND_WAREHOUSE_TEST_POSTGRES_URL is set).
test: venv
	$(BIN)/python -m pytest -n auto --dist loadfile

## Lint the Python (ruff) and the dbt project's SQL (sqlfluff); CI runs both. docs/decisions/0014-lint.md.
lint: venv lint-sql
	$(BIN)/ruff check .

## sqlfluff's dbt templater compiles the models against a throwaway DuckDB file under var/.
LINT_ENV := SEND_WAREHOUSE_DUCKDB=$(CURDIR)/var/lint/lint.duckdb
lint-sql: venv
	mkdir -p var/lint && $(LINT_ENV) $(BIN)/sqlfluff lint dbt_project

## Apply both linters' fixes (then review the diff and run the tests).
lint-fix: venv
	$(BIN)/ruff check --fix .
	mkdir -p var/lint && $(LINT_ENV) $(BIN)/sqlfluff fix dbt_project

## The Dagster UI on the demo warehouse (http://127.0.0.1:3000).
ui: venv
	$(BIN)/send-warehouse ui --demo --drop $(DEMO)/drop --home $(DEMO)/home

## What a refresh costs at scales 1 and 10 against direct DuckDB (benchmarks/README.md); takes minutes.
bench: venv
	$(BIN)/python -m benchmarks.run --scales 1 10

## What the history costs at county scale (benchmarks/README.md): a 24-month backfill, a full month and an
## incremental month (one corrected file); results in benchmarks/results/history/; takes 15-25 minutes.
bench-history: venv
	$(BIN)/python -m benchmarks.history --scale 1 --months 24 --label history

clean:
	rm -rf var dbt_project/target dbt_project/logs
