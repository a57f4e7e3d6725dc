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

.PHONY: help setup demo demo-data ingest test test-all lint format lab clean

help:
	@echo "make demo   set up .venv, generate the demo corpus and run the pipeline on it"
	@echo "make test   set up .venv and run lint + tests (FULL=1 also runs slow tests)"
	@echo "make lab    open JupyterLab on notebooks/"
	@echo "make lint   ruff + notebook output check"

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "rarevoices needs Python 3.11, found " + sys.version.split()[0]'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo-data: $(STAMP)
	$(BIN)/rarevoices demo-data --config $(CONFIG) --posts $(DEMO_POSTS)

ingest: $(STAMP)
	$(BIN)/rarevoices ingest --config $(CONFIG)

demo: demo-data ingest
	@echo ""
	@echo "Demo ingested into data/processed/demo/ (tables, quarantine, ingest_summary.csv)."
	@echo "The notebook batch and reports/index.html arrive with the batch/report issue (#8);"
	@echo "until then, open the notebooks with: make lab"

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks notebooks
	$(BIN)/nbstripout --verify notebooks/*.ipynb

test: $(STAMP) lint
	$(BIN)/python -m pytest $(if $(FULL),,-m "not slow")

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

clean:
	rm -rf data/processed/demo reports/*.html .pytest_cache .ruff_cache
