# Two commands on a fresh machine:
#   make demo   installs matchcore into .venv and runs the demo on the embedded SQLite store
#   make test   installs matchcore with its test extras into .venv and runs the test suite
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: install demo test bench quality clean

$(BIN)/matchcore: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/matchcore

install: $(BIN)/matchcore

demo: install
	$(BIN)/matchcore demo

test: install
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) matchcore-demo.db* *.egg-info
