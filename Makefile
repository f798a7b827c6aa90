# The two commands: `make book` builds the HTML book, `make test` runs every
# check.  Both create .venv from requirements.txt when it is missing.

PYTHON ?= python3
# One BLAS thread: on a shared 2-core machine, OpenBLAS's second thread mostly
# waits on the other processes and makes timings (and training) erratic.
export OPENBLAS_NUM_THREADS ?= 1
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
VENDORED := _vendor/.vendored
NOTEBOOKS := $(wildcard book/*.ipynb)

.PHONY: book test unit notebooks browser lint lab bench execute clean

# The appendix is always executed when read (it draws benchmarks/results.json);
# touching it makes Sphinx read it again after the results changed.
book: $(INSTALLED) $(VENDORED)
	if [ benchmarks/results.json -nt _build/html/book/appendix_speed.html ]; then touch book/appendix_speed.ipynb; fi
	$(BIN)/jupyter-book build . --warningiserror --nitpick --keep-going

test: $(INSTALLED)
	$(MAKE) lint
	$(MAKE) unit
	$(MAKE) notebooks
	$(MAKE) book
	$(MAKE) browser

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

unit: $(INSTALLED)
	$(BIN)/pytest -m "not browser"

# Strict nbval: every stored text output must match a fresh run.
notebooks: $(INSTALLED)
	$(BIN)/pytest --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg $(NOTEBOOKS)

# Re-execute every chapter top to bottom and store its outputs (before committing).
execute: $(INSTALLED)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace $(NOTEBOOKS)

browser: $(INSTALLED)
	$(BIN)/pytest -m browser

lab: $(INSTALLED)
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) book/01_random_search.ipynb

# Writes benchmarks/results.json, then stores the appendix's outputs from it.
bench: $(INSTALLED) $(VENDORED)
	$(BIN)/pip install -r benchmarks/requirements.txt
	$(BIN)/python -m benchmarks.run
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace book/appendix_speed.ipynb

$(INSTALLED): requirements.txt pyproject.toml
	test -x $(BIN)/pip || $(PYTHON) -m venv --clear $(VENV)
	$(BIN)/pip install -r requirements.txt
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund

$(VENDORED): node_modules/.package-lock.json web/vendor.py web/widgets-setup.js
	$(PYTHON) web/vendor.py
	touch $@

clean:
	rm -rf _build _vendor node_modules
