# The two commands: `make book` builds the HTML book, `make test` runs every
# check.  Both first check what the system must provide (tools/system-deps
# installs it when it can, or says what to run), then create .venv from the
# hashed lock requirements.txt when it is missing.

PYTHON ?= python3
# One BLAS thread: on a shared 2-core machine, OpenBLAS's second thread mostly
# waits on the other processes and makes timings (and training) erratic.
export OPENBLAS_NUM_THREADS ?= 1
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
VENDORED := _vendor/.vendored
NOTEBOOKS := $(wildcard book/*.ipynb)

.PHONY: book book-ru gettext translations test unit notebooks notebooks-perturbed browser lint lab bench execute lock clean system-book system-test

# The appendix is always executed when read (it draws benchmarks/results.json);
# touching it makes Sphinx read it again after the results changed.
book: system-book $(INSTALLED) $(VENDORED)
	if [ benchmarks/results.json -nt _build/html/book/appendix_speed.html ]; then touch book/appendix_speed.ipynb; fi
	$(BIN)/jupyter-book build . --warningiserror --nitpick --keep-going
	$(BUILD_RU)

# The Russian edition (web/language.py): the same sources with the catalogs
# of locales/ru, executed with the figures' words in Russian
# (GRADBOOK_LANG, see src/gradbook/labels.py) into their own cache, then
# put under the English edition, at _build/html/ru/.
RU_CONFIG := _build/ru/_config.yml
define BUILD_RU
$(BIN)/python web/language.py ru $(RU_CONFIG)
if [ benchmarks/results.json -nt _build/ru/_build/html/book/appendix_speed.html ]; then touch book/appendix_speed.ipynb; fi
GRADBOOK_LANG=ru $(BIN)/jupyter-book build . --config $(RU_CONFIG) --path-output _build/ru --warningiserror --nitpick --keep-going
mkdir -p _build/html && rm -rf _build/html/ru
cp -r _build/ru/_build/html _build/html/ru
endef
book-ru: system-book $(INSTALLED) $(VENDORED)
	$(BUILD_RU)

# The English messages (.pot) of every page, into _build/gettext/.
gettext: $(INSTALLED)
	$(BIN)/python web/language.py gettext _build/gettext/_config.yml
	$(BIN)/jupyter-book build . --config _build/gettext/_config.yml --path-output _build/gettext --builder custom --custom-builder gettext --warningiserror

# After an English edit: bring locales/ru's catalogs up to date (new
# messages empty, changed ones fuzzy), then translate them (README.md).
translations: gettext
	$(BIN)/sphinx-intl update -p _build/gettext/_build/gettext -d locales -l ru

test: system-test $(INSTALLED)
	$(MAKE) lint
	$(MAKE) unit
	$(MAKE) notebooks
	$(MAKE) notebooks-perturbed
	$(MAKE) book
	$(MAKE) browser

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

unit: $(INSTALLED)
	$(BIN)/pytest -m "not browser"

system-book:
	tools/system-deps book

system-test:
	tools/system-deps test

# Strict nbval: every stored text output must match a fresh run.
NBVAL := $(BIN)/pytest -p no:cacheprovider --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
notebooks: $(INSTALLED)
	$(NBVAL) $(NOTEBOOKS)

# The same comparison with numpy's SIMD loops and OpenBLAS's kernel changed,
# so that low-order bits move: a stored output that depends on them fails
# here, on the developer's machine, instead of on the next machine.
notebooks-perturbed: $(INSTALLED)
	$(BIN)/python tools/perturbed-numerics $(NBVAL) $(NOTEBOOKS)

# Re-execute every chapter top to bottom and store its outputs (before
# committing).  Per-cell execution timestamps are stripped (cell tags and
# mystnb settings, such as a figure's alt text, are kept), so a re-execution changes only what really changed.
EXECUTE := $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
  --ClearMetadataPreprocessor.enabled=True \
  --ClearMetadataPreprocessor.clear_notebook_metadata=False \
  --ClearMetadataPreprocessor.preserve_cell_metadata_mask=tags \
  --ClearMetadataPreprocessor.preserve_cell_metadata_mask=mystnb
execute: $(INSTALLED)
	$(EXECUTE) $(NOTEBOOKS)

# Every test marked `browser` under tests/ (the package tests/browser/ and
# any other browser test file); screenshots go to _build/screenshots/.
browser: $(INSTALLED)
	$(BIN)/pytest -m browser

lab: $(INSTALLED)
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) book/01_random_search.ipynb

# Writes benchmarks/results.json, then stores the appendix's outputs from it.
bench: $(INSTALLED) $(VENDORED)
	$(BIN)/python -m benchmarks.run
	$(EXECUTE) book/appendix_speed.ipynb

# Every package comes from the lock with its hash checked; gradbook itself is
# installed from src/ with the lock's setuptools (no build isolation, so
# nothing unpinned is fetched to build it).
$(INSTALLED): requirements.txt pyproject.toml
	test -x $(BIN)/pip || $(PYTHON) -m venv --clear $(VENV)
	$(BIN)/pip install --require-hashes -r requirements.txt
	$(BIN)/pip install --no-deps --no-build-isolation -e .
	touch $@

# Regenerate the lock from requirements.in.  pip-compile keeps every pin
# already in requirements.txt that still fits, so running this with no change
# to requirements.in rewrites the same file, byte for byte.
lock: $(INSTALLED)
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	  --no-emit-index-url --no-emit-find-links \
	  --output-file=requirements.txt requirements.in

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund

$(VENDORED): node_modules/.package-lock.json web/vendor.py $(wildcard web/*.js web/*.css)
	$(PYTHON) web/vendor.py
	touch $@

clean:
	rm -rf _build _vendor node_modules
