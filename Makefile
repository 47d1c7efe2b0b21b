# Community Workbench: `make demo` then `make test` on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DB ?= data/demo.duckdb
REPORTS ?= reports

.PHONY: demo test test-fast setup browser bench lint clean help

help:
	@echo "make demo   - create .venv, install, load the bundled sample into $(DB), render reports into $(REPORTS)/"
	@echo "make test   - create .venv, install (with chromium for browser tests), run the test suite"
	@echo "make test-fast - unit tests only: no notebooks, browser, Spark or slow tests (a few minutes)"
	@echo "make lint   - ruff with the rule set in pyproject.toml"
	@echo "make bench  - run the benchmarks (writes benchmarks/results/)"

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev,spark]"
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	@touch $(STAMP)

setup: $(STAMP)

browser:
	@bash scripts/install-browser.sh

demo: setup
	$(VENV)/bin/workbench demo --db $(DB) --out $(REPORTS)

test: setup browser
	$(PY) -m pytest -q

test-fast: setup
	$(PY) -m pytest -q -m "not notebooks and not browser and not spark and not slow"

lint: setup
	$(VENV)/bin/ruff check .

bench: setup
	$(PY) benchmarks/ingest.py
	$(PY) benchmarks/ingest_reddit.py
	$(PY) benchmarks/pipeline.py
	$(PY) benchmarks/communities.py
	$(PY) benchmarks/roles.py
	$(PY) benchmarks/reports.py
	$(PY) benchmarks/campaigns.py
	$(PY) benchmarks/spark.py
	$(PY) benchmarks/spark.py --format twitter-v2

clean:
	rm -rf $(VENV) $(REPORTS) data/demo.duckdb data/sample .pytest_cache
