# rarevoices: the front door. On a fresh machine `make demo` or `make test` is the only command needed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CONFIG ?= config/study.yml
DEMO_POSTS ?= 20000
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export MPLBACKEND := Agg

.PHONY: help setup chromium demo demo-data ingest batch test lint lab bench clean

help:
	@echo "make demo   set up .venv, generate the demo corpus and run the pipeline on it"
	@echo "make test   set up .venv and run lint + tests (FULL=1 also runs slow tests)"
	@echo "make lab    open JupyterLab on notebooks/"
	@echo "make lint   ruff + notebook output check"
	@echo "make batch  run the notebooks per organisation and render reports/ (CONFIG=...)"
	@echo "make bench  benchmarks: ingestion, the whole batch at 10k/50k/200k posts, networks, bfloat16 embeddings (about 2 h 15 min)"

setup: $(STAMP) chromium

# The browser tests open every report in headless Chromium (Debian's package, never installed by a test).
# Installed where this machine allows it (root and apt-get, as on CI); elsewhere those tests are skipped.
chromium:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
	  || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
	       && { apt-get install -y -q chromium >/dev/null 2>&1 \
	            || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium >/dev/null 2>&1; }; } \
	       && echo "Installed Debian's chromium for the browser tests"; } \
	  || echo "Chromium is not installed (needs root and apt-get): the browser tests will be skipped"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "rarevoices needs Python 3.11, found " + sys.version.split()[0]'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/rarevoices warm-up
	touch $(STAMP)

demo-data: $(STAMP)
	$(BIN)/rarevoices demo-data --config $(CONFIG) --posts $(DEMO_POSTS)

ingest: $(STAMP)
	$(BIN)/rarevoices ingest --config $(CONFIG)

batch: $(STAMP)
	$(BIN)/rarevoices batch --config $(CONFIG)

demo: demo-data batch
	$(BIN)/rarevoices screenshots --config $(CONFIG)
	@echo ""
	@echo "Done. Open $(CURDIR)/reports/index.html in a browser (or run: make lab)."

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks notebooks
	$(BIN)/nbstripout --verify notebooks/*.ipynb

test: setup lint
	$(BIN)/python -m pytest $(if $(FULL),,-m "not slow")

BENCH_SIZES ?= 10000 50000 200000

bench: $(STAMP)
	$(BIN)/python benchmarks/ingest_scale.py
	$(BIN)/python benchmarks/batch_scale.py --sizes $(BENCH_SIZES)
	$(BIN)/python benchmarks/networks_scale.py
	$(BIN)/python benchmarks/precision.py
	@echo "Results in benchmarks/results/; summary in docs/performance.md"

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

clean:
	rm -rf data/processed/demo .pytest_cache .ruff_cache
	find reports -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
