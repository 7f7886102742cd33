# Developer commands. `make` (or `make help`) lists them.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
MAKEFLAGS += --warn-undefined-variables
.DEFAULT_GOAL := help
.PHONY: help install system-packages hooks lock check fmt test test-unit test-all coverage validate-sample run-sample samples suites tracker-template report-templates template-docs corpus-docs benchmark benchmark-steps sheets-reads-limit server deploy notifications worker clean

VENV := .venv
BIN := $(VENV)/bin
PREFECT_LOCAL_API := http://127.0.0.1:4200/api
PREFECT_LOCAL_UI := http://127.0.0.1:4200
NOTIFY_KIND ?= webhook
# Where the deployments' runs start: this checkout, unless given (docs/operations.md).
STC_CHECKOUT ?= $(CURDIR)

$(VENV): pyproject.toml constraints.txt
	python3 -m venv $(VENV)
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	touch $(VENV)

## help: list the commands
help:
	@grep -E '^## ' $(MAKEFILE_LIST) | sed -e 's/^## //' \
		| awk '{ i = index($$0, ": "); printf "%-18s %s\n", substr($$0, 1, i - 1), substr($$0, i + 2) }'

## install: create .venv with the project and its dev tools, at the versions in constraints.txt
install: $(VENV)

## system-packages: install what the tests need beyond pip (PostgreSQL, for the scale-out test; root, apt-get)
system-packages:
	tools/install-system-packages.sh

## hooks: install the git pre-commit hooks (ruff, format, mypy, import-linter from .venv)
hooks: $(VENV)
	$(BIN)/pre-commit install

## lock: re-resolve the dependencies in a fresh venv and rewrite constraints.txt
lock:
	rm -rf .lock-venv
	python3 -m venv .lock-venv
	.lock-venv/bin/pip install -q -e '.[dev]'
	{ echo "# Pinned versions of every dependency: byte-identical outputs need the same libraries."; \
	  echo "# Regenerate with \`make lock\` (resolves afresh), then check the figures are unchanged."; \
	  .lock-venv/bin/pip freeze --exclude-editable; } > constraints.txt
	rm -rf .lock-venv

## check: lint, type-check and the import contract (no Prefect in the domain package)
check: $(VENV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

## fmt: format and auto-fix
fmt: $(VENV)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## test: unit and contract tests (no Prefect server; about 2-3 min, the unit tier alone is seconds)
test: $(VENV)
	$(BIN)/python -m pytest -m "unit or contract"

## test-unit: the unit tier alone (no Great Expectations, no Prefect, a few seconds)
test-unit: $(VENV)
	$(BIN)/python -m pytest -m unit

## test-all: every tier, integration and end-to-end included, with the coverage floor (as CI)
test-all: $(VENV)
	$(BIN)/python -m pytest

## coverage: every tier, then the coverage report by file and as HTML in htmlcov/
coverage: test-all
	$(BIN)/coverage report
	$(BIN)/coverage html

## validate-sample: check the sample trackers and print what to fix
validate-sample: $(VENV)
	$(BIN)/stc-report validate

## run-sample: run the monthly-report flow on the sample trackers into out/
run-sample: $(VENV)
	$(BIN)/stc-report run --as-of 2021-10-31

## samples: regenerate data/sample/ from tools/generate_samples.py
samples: $(VENV)
	$(BIN)/python -m tools.generate_samples

## suites: regenerate expectations/*.json from stc_reporting/contract/tabs.py
suites: $(VENV)
	$(BIN)/python -m stc_reporting.contract.suites

## tracker-template: regenerate templates/tracker-template.xlsx from the contract
tracker-template: $(VENV)
	$(BIN)/python -m tools.tracker_template

## report-templates: bootstrap first versions of the Word report templates (OVERWRITES edits made in Word)
report-templates: $(VENV)
	$(BIN)/python -m tools.make_report_templates
	$(BIN)/python -m tools.make_report_templates --language es

## template-docs: regenerate docs/template-variables.md from the report context's models
template-docs: $(VENV)
	$(BIN)/python -m tools.make_template_docs

## corpus-docs: rewrite the bad-input corpus's table in docs/reliability.md from tests/bad_input_corpus.py
corpus-docs: $(VENV)
	$(BIN)/python -m tests.bad_input_corpus --docs

## benchmark: issue 13's B1-B5 (docs/performance.md; B2 at 500 takes many minutes), JSON in out/benchmarks/
benchmark: $(VENV)
	$(BIN)/python benchmarks/sheets_requests.py --json out/benchmarks/sheets_requests.json
	$(BIN)/python benchmarks/end_to_end.py --sizes 50 500 --json out/benchmarks/end_to_end.json
	$(BIN)/python benchmarks/sheets_quota.py --trackers 500 --quota 60 --faults 5 --json out/benchmarks/sheets_quota.json
	$(BIN)/python benchmarks/checks_gx_vs_pandas.py --trackers 500 --json out/benchmarks/checks_gx_vs_pandas.json
	$(BIN)/python benchmarks/quick_start.py --runs 3 --json out/benchmarks/quick_start.json

## benchmark-steps: time each domain step on scaled-up samples, rendering alone, and the write step
benchmark-steps: $(VENV)
	$(BIN)/python benchmarks/run_pipeline.py
	$(BIN)/python benchmarks/render_reports.py
	$(BIN)/python benchmarks/quality_report.py --sizes 50 500
	$(BIN)/python benchmarks/write_step.py --collaboratives 50
	$(BIN)/python benchmarks/xlsx_read.py --sizes 50 500 --json out/benchmarks/xlsx_read.json

## server: start the Prefect server and UI on http://127.0.0.1:4200 (notifications link there)
server: $(VENV)
	PREFECT_SERVER_ANALYTICS_ENABLED=false PREFECT_UI_URL=$(PREFECT_LOCAL_UI) \
		$(BIN)/prefect server start --host 127.0.0.1

## deploy: create the work pool and the deployments in prefect.yaml, runs starting in STC_CHECKOUT (default: here)
deploy: $(VENV)
	PREFECT_API_URL=$(PREFECT_LOCAL_API) $(BIN)/prefect work-pool create stc-reporting --type process || true
	STC_CHECKOUT=$(STC_CHECKOUT) PREFECT_API_URL=$(PREFECT_LOCAL_API) $(BIN)/prefect --no-prompt deploy --all

## notifications: notify STC_NOTIFY_URL of failed, crashed, late runs (NOTIFY_KIND=webhook|slack|teams; server up)
notifications: $(VENV)
	PREFECT_API_URL=$(PREFECT_LOCAL_API) $(BIN)/python -m tools.setup_notifications --kind $(NOTIFY_KIND)

## sheets-reads-limit: create the Prefect limit all workers' Sheets reads share (60 a minute; server up)
sheets-reads-limit: $(VENV)
	PREFECT_API_URL=$(PREFECT_LOCAL_API) $(BIN)/prefect gcl create sheets-reads --limit 60 --slot-decay-per-second 1

## worker: start a worker for the stc-reporting pool from this folder
worker: $(VENV)
	PREFECT_API_URL=$(PREFECT_LOCAL_API) $(BIN)/prefect worker start --pool stc-reporting

## clean: remove outputs and caches
clean:
	rm -rf out .pytest_cache .mypy_cache .ruff_cache .hypothesis .coverage htmlcov
