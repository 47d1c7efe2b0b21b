# Community Workbench: `make demo` then `make test` on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DB ?= data/demo.duckdb
REPORTS ?= reports

.PHONY: demo test test-fast setup browser gexf-reader bench lint clean help

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

# The independent GEXF reader of tests/test_gexf_reader.py (graphology-gexf, pinned in its package-lock.json).
gexf-reader:
	@if command -v npm >/dev/null; then npm ci --prefix tests/gexf_reader --no-audit --no-fund --silent \
	|| echo "npm ci failed: tests/test_gexf_reader.py's reader test will skip"; \
	else echo "no npm: tests/test_gexf_reader.py's reader test will skip"; fi

demo: setup
	$(VENV)/bin/workbench demo --db $(DB) --out $(REPORTS)

test: setup browser gexf-reader
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
