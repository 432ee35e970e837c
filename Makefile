# plowshare — two commands on a fresh machine with Python 3.11+:
#   make demo   set up .venv and run the main job
#   make test   set up .venv and run lint, types and tests
#   make serve  open the policy lab on http://127.0.0.1:8765/
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SRC := src tests tools bench

.PHONY: demo test lint bench docs clean data fuzz serve

$(STAMP): pyproject.toml requirements.lock
	@$(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "plowshare needs Python 3.11 or newer; set PY=python3.11")'
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/plowshare scenarios
	$(BIN)/plowshare run at-the-limit --out out/at-the-limit
	$(BIN)/plowshare compare mcap-tax-5pct nationalisation --years 2030,2035,2040,2050
	$(BIN)/plowshare solve altman-fund --instrument mcap_tax --year 2035 --draws 2000
	$(BIN)/plowshare compare baseline bubble
	$(BIN)/plowshare compare baseline national-moratorium
	$(BIN)/plowshare compare baseline moratorium-blue-states
	$(BIN)/plowshare contest ny12-2026 --draws 2000 --equilibrium-draws 100
	$(BIN)/plowshare claims --draws 2000
	$(BIN)/plowshare brief --draws 2000 --out out/brief.html
	@echo "Results written to out/at-the-limit (summary.csv, summary.json, draws.parquet, params.csv)."
	@echo "The brief, one self-contained page with every chart and source: out/brief.html"

lint: $(STAMP)
	$(BIN)/ruff check $(SRC)
	$(BIN)/ruff format --check $(SRC)
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/bench_models.py
	$(BIN)/python bench/bench_fund.py
	$(BIN)/python bench/bench_contest.py --draws 2000 --chunk 500
	$(BIN)/python bench/bench_brief.py --draws 2000

# the policy lab on http://127.0.0.1:8765/ (PORT=... to change it; Ctrl-C stops it)
serve: $(STAMP)
	$(BIN)/plowshare serve --port $(or $(PORT),8765)

fuzz: $(STAMP)
	$(BIN)/python -m tests.fuzz.run --scenarios 2000 --races 1000 --cli 500

docs: $(STAMP)
	$(BIN)/plowshare params --markdown > docs/parameters.md

data: $(STAMP)
	$(BIN)/python tools/build_data.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache .hypothesis
