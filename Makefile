# Two commands on a fresh machine:
#   make demo   installs matchcore into .venv and runs the demo on the embedded SQLite store
#   make test   installs matchcore with its test extras into .venv and runs the test suite
#   make bench / make quality   the speed and match-quality benchmarks (figures in README.md)
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: install demo test bench quality clean catalogues

$(BIN)/matchcore: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/matchcore

install: $(BIN)/matchcore

demo: install
	$(BIN)/matchcore demo

test: install
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python benchmarks/bench_matching.py --out benchmarks/results-matching.txt
	$(BIN)/python benchmarks/bench_carving.py

quality: install
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/quality.py --out benchmarks/results-quality.txt

# extract -> update -> compile the Dutch catalogue (matchcore/locale/nl); docs/i18n.md
catalogues: install
	$(BIN)/python tools/i18n.py

clean:
	rm -rf $(VENV) matchcore-demo.db* *.egg-info
