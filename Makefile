# diagnostic_lib — two commands are all a user needs: `make report` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CONFIG ?= data/sample/diagnostic.toml
REPORT_LANG ?= fr
AUDIENCE ?= internal
OUT    ?= build/report
NOTEBOOKS ?= 0

.PHONY: all report report-pdf monitor test chromium lint format lab bench calibrate fuzz sample validate clean help

help:
	@echo "make report   - set up .venv and write the diagnosis report of the sample (build/report/index.html)"
	@echo "                NOTEBOOKS=1 also runs the notebooks and saves them in build/report/notebooks (slow)"
	@echo "make report-pdf - the same, and its PDF printed by headless Chromium (build/report/index.pdf)"
	@echo "make monitor  - the monitoring bulletin of the sample's latest month (PERIOD=quarter, AT=2025Q4)"
	@echo "make test     - set up .venv and run every test (notebooks included)"
	@echo "make lab      - open JupyterLab on notebooks/"
	@echo "make lint     - ruff lint + format check (notebooks included)"
	@echo "make bench    - run the benchmarks (benchmarks/RESULTS.md)"
	@echo "make fuzz     - the loaders' and validate's fuzz tests with many random examples (FUZZ_EXAMPLES=3000)"
	@echo "make calibrate - error rates of step 3's verdicts on simulated towns (benchmarks/CALIBRATION.md)"

# The venv is rebuilt only when pyproject.toml changes (the stamp records the install).
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

report: $(STAMP)
	MPLBACKEND=Agg $(BIN)/python -m diagnostic_lib report --config $(CONFIG) --out $(OUT) --lang $(REPORT_LANG) --audience $(AUDIENCE) $(if $(filter 1 yes true,$(NOTEBOOKS)),--notebooks,)

PERIOD ?= month
monitor: $(STAMP)
	MPLBACKEND=Agg $(BIN)/python -m diagnostic_lib monitor --config $(CONFIG) --period $(PERIOD) --lang $(REPORT_LANG) --out build/monitor $(if $(AT),--at $(AT),)

# The PDF is the HTML printed by headless Chromium (installed by `make chromium` when missing).
report-pdf: $(STAMP) chromium
	MPLBACKEND=Agg $(BIN)/python -m diagnostic_lib report --config $(CONFIG) --out $(OUT) --lang $(REPORT_LANG) --audience $(AUDIENCE) --format pdf

# The browser tests (tests/browser) drive Debian's chromium, and render the report's PDF pages
# with poppler-utils' pdftoppm; install them when they are missing.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

chromium:
	command -v chromium >/dev/null && command -v pdftoppm >/dev/null || ($(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium poppler-utils)

test: $(STAMP) chromium
	MPLBACKEND=Agg $(BIN)/python -m pytest -n 2 --dist loadgroup

lint: $(STAMP)
	$(BIN)/ruff check src tests notebooks benchmarks docs
	$(BIN)/ruff format --check src tests notebooks benchmarks docs

format: $(STAMP)
	$(BIN)/ruff check --fix src tests notebooks benchmarks docs
	$(BIN)/ruff format src tests notebooks benchmarks docs
	$(BIN)/nbstripout notebooks/*.ipynb

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

sample: $(STAMP)
	$(BIN)/python -m diagnostic_lib sample --out data/sample

validate: $(STAMP)
	$(BIN)/python -m diagnostic_lib validate --config $(CONFIG)

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	MPLBACKEND=Agg $(BIN)/python benchmarks/run.py
	MPLBACKEND=Agg $(BIN)/python benchmarks/explorer.py

fuzz: $(STAMP)
	DIAGNOSTIC_FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-3000} MPLBACKEND=Agg $(BIN)/python -m pytest -p no:cacheprovider tests/test_loaders_property.py

calibrate: $(STAMP)
	MPLBACKEND=Agg $(BIN)/python benchmarks/calibrate.py
	MPLBACKEND=Agg $(BIN)/python benchmarks/calibrate_its.py
	MPLBACKEND=Agg $(BIN)/python benchmarks/calibrate_forecast.py

clean:
	rm -rf build .pytest_cache $(dir $(CONFIG))build/cache
