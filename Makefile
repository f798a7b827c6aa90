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
# The in-browser notebooks (JupyterLite), built by their own tools' env.
LITE_BIN := .venv-lite/bin
LITE_INSTALLED := .venv-lite/.installed
LITE_SITE := _build/html/lite/jupyter-lite.json
NOTEBOOKS := $(wildcard book/*.ipynb)
# The figures' words (see `figure-words` and `catalogs` below).
BABEL := $(BIN)/python -m babel.messages.frontend -q
FIGURE_POT := _build/gettext/gradbook.pot
FIGURE_PO := locales/ru/LC_MESSAGES/gradbook.po
FIGURE_MO := src/gradbook/locale/ru/LC_MESSAGES/gradbook.mo

.PHONY: book html new-chapter system-html book-ru pdf gettext translations catalogs figure-words lite lite-lock test checks book-and-browser unit notebooks notebooks-perturbed browser lint lab lab-ru bench execute lock clean system-book system-test

# The appendix is always executed when read (it draws benchmarks/results.json);
# touching it makes Sphinx read it again after the results changed.
# Then the in-browser notebooks (the Russian ones take the outputs of the
# Russian build's run) and the PDFs, each when what it is made from changed.
book: system-book $(INSTALLED) $(VENDORED) $(FIGURE_MO)
	$(BUILD_HTML)
	$(BUILD_RU)
	$(MAKE) --no-print-directory lite $(PDFS_MADE)
	$(COPY_PDFS)

# The English edition's HTML alone, into _build/html/: no Russian edition,
# no in-browser notebooks, no PDFs, so no Chromium (the quick loop, and a
# teacher's on any machine with Python, Node.js and make).
# A _toc.yml other than the last build's changes every page's navigation:
# then all pages are written again.
define BUILD_HTML
if [ benchmarks/results.json -nt _build/html/book/appendix_speed.html ]; then touch book/appendix_speed.ipynb; fi
$(BIN)/jupyter-book build . $$(cmp -s _toc.yml _build/.toc-en.yml || echo --all) --warningiserror --nitpick --keep-going
cp _toc.yml _build/.toc-en.yml
endef
html: system-html $(INSTALLED) $(VENDORED)
	$(BUILD_HTML)

# A new chapter from the template (web/new_chapter.py, CONTRIBUTING.md):
# book/$(NAME).ipynb, its explorable and its place in _toc.yml; then its
# words in the Russian catalogs, to be translated.
new-chapter: $(INSTALLED)
	@test -n "$(NAME)" || { echo "usage: make new-chapter NAME=09_slopes" >&2; exit 2; }
	$(BIN)/python -m web.new_chapter $(NAME)
	$(MAKE) --no-print-directory translations

# The Russian edition (web/language.py): the same sources with the catalogs
# of locales/ru, executed with the figures' words in Russian
# (GRADBOOK_LANG, see src/gradbook/i18n.py) into their own cache, then
# put under the English edition, at _build/html/ru/.
RU_CONFIG := _build/ru/_config.yml
define BUILD_RU
$(BIN)/python -m web.language ru $(RU_CONFIG)
if [ benchmarks/results.json -nt _build/ru/_build/html/book/appendix_speed.html ]; then touch book/appendix_speed.ipynb; fi
GRADBOOK_LANG=ru $(BIN)/jupyter-book build . --config $(RU_CONFIG) --path-output _build/ru $$(cmp -s _toc.yml _build/.toc-ru.yml || echo --all) --warningiserror --nitpick --keep-going
cp _toc.yml _build/.toc-ru.yml
mkdir -p _build/html && rm -rf _build/html/ru
cp -rp _build/ru/_build/html _build/html/ru
endef
book-ru: system-book $(INSTALLED) $(VENDORED) $(FIGURE_MO)
	$(BUILD_RU)
	$(COPY_PDFS)

# Each edition as one PDF, for printing and reading offline (web/pdf.py:
# the built pages as one document, set in pages by Paged.js and printed by
# Debian's Chromium), into _build/pdf/, then copied into the site
# (web/site.py names them).  It takes under a minute: `make book` makes
# them again only when a built page (Sphinx rewrites only the pages that
# changed; the Russian ones are copied with their times), the scripts or
# Paged.js changed; `make pdf` makes them in any case.
PDFS_MADE := _build/pdf/.made
pdf:
	rm -f $(PDFS_MADE)
	$(MAKE) --no-print-directory book

$(PDFS_MADE): web/pdf.py web/pdf.js web/pdf.css web/site.py web/browser.py \
  web/reader.css web/code-column.css node_modules/.package-lock.json \
  $(wildcard _build/html/book/*.html _build/html/ru/book/*.html)
	$(BIN)/python -m web.pdf
	touch $@

# The PDFs in the site, beside each edition's pages, where its intro links
# them (../pdf/): _build/html/pdf/ and _build/html/ru/pdf/.
COPY_PDFS = $(BIN)/python -m web.site copy-pdfs

# The English messages (.pot) of every page, into _build/gettext/.
gettext: $(INSTALLED)
	rm -rf _build/gettext/_build/gettext  # no template of a page gone
	$(BIN)/python -m web.language gettext _build/gettext/_config.yml
	$(BIN)/jupyter-book build . --config _build/gettext/_config.yml --path-output _build/gettext --builder custom --custom-builder gettext --warningiserror

# After an English edit: bring locales/ru's catalogs up to date (new
# messages empty, changed ones fuzzy), then translate them (README.md).
# sphinx.po is kept by hand (the themes' and templates' words, see
# web/language.py): the gettext build's sphinx.pot must not prune it.
translations: gettext figure-words
	rm -f _build/gettext/_build/gettext/sphinx.pot
	$(BIN)/sphinx-intl update -p _build/gettext/_build/gettext -d locales -l ru

# The words the figures draw (gettext domain "gradbook", see
# src/gradbook/i18n.py): extracted with Babel (babel.cfg: src/gradbook, the
# benchmarks' names, the notebooks' code cells) and merged into the
# catalog locales/ru/LC_MESSAGES/gradbook.po (new messages empty, changed
# ones fuzzy, gone ones dropped).  tests/test_translations.py extracts
# them the same way.
EXTRACT_FIGURE_WORDS := $(BABEL) extract -F babel.cfg --no-default-keywords \
  -k tr -k N_ --add-location=file --sort-by-file --project=gradbook \
  --ignore-dirs=".* _* node_modules"
figure-words: $(INSTALLED)
	mkdir -p $(dir $(FIGURE_POT))
	$(EXTRACT_FIGURE_WORDS) -o $(FIGURE_POT) .
	$(BABEL) update -D gradbook -i $(FIGURE_POT) -d locales -l ru --ignore-obsolete \
	  --ignore-pot-creation-date

# The catalog compiled where gradbook reads it at run time (and into the
# in-browser site's wheel): build output, never committed.
catalogs: $(FIGURE_MO)

$(FIGURE_MO): $(FIGURE_PO) | $(INSTALLED)
	mkdir -p $(@D)
	$(BABEL) compile -D gradbook -i $< -o $@

# The checks that need no built book run beside the book's build and the
# browser tests: each line takes one of two cores (their logs come out
# whole, one after the other).
test: system-test $(INSTALLED)
	$(MAKE) lint
	$(MAKE) -j2 --output-sync=recurse checks book-and-browser

book-and-browser: system-test $(INSTALLED)
	$(MAKE) book
	$(MAKE) browser

checks: $(INSTALLED) $(FIGURE_MO) node_modules/.package-lock.json
	$(MAKE) unit
	$(MAKE) notebooks
	$(MAKE) notebooks-perturbed

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# (The in-browser site's unit tests read Pyodide's official lock, from npm.)
unit: $(INSTALLED) $(FIGURE_MO) node_modules/.package-lock.json
	$(BIN)/pytest -m "not browser"

system-book:
	tools/system-deps book

system-html:
	tools/system-deps html

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
# mystnb settings, such as a figure's alt text, and key_outputs are kept), so a
# re-execution changes only what really changed.
EXECUTE := $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
  --ClearMetadataPreprocessor.enabled=True \
  --ClearMetadataPreprocessor.clear_notebook_metadata=False \
  --ClearMetadataPreprocessor.preserve_cell_metadata_mask=tags \
  --ClearMetadataPreprocessor.preserve_cell_metadata_mask=mystnb \
  --ClearMetadataPreprocessor.preserve_cell_metadata_mask=key_outputs
execute: $(INSTALLED)
	$(EXECUTE) $(NOTEBOOKS)

# Every test marked `browser` under tests/ (the package tests/browser/ and
# any other browser test file); screenshots go to _build/screenshots/.
browser: $(INSTALLED)
	$(BIN)/pytest -m browser

# The chapters in JupyterLab, as the learner's copies in _build/lab/en/ and
# _build/lab/ru/ (web/lab_notebooks.py: solutions folded, the MyST rendered
# by jupyterlab-myst; a copy you changed is kept).  `make lab-ru` opens the
# Russian ones, with JupyterLab's menus in Russian (its settings in
# _build/lab/settings-ru/) and figures in Russian; `make book` first gives
# them the Russian run's outputs.
LAB_OPEN = $(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) \
  --ServerApp.root_dir=_build/lab
lab: $(INSTALLED) $(FIGURE_MO)
	$(BIN)/python -m web.lab_notebooks
	$(LAB_OPEN) _build/lab/en/01_random_search.ipynb

lab-ru: $(INSTALLED) $(FIGURE_MO)
	$(BIN)/python -m web.lab_notebooks
	mkdir -p _build/lab/settings-ru/@jupyterlab/translation-extension
	echo '{"locale": "ru_RU"}' \
	  > _build/lab/settings-ru/@jupyterlab/translation-extension/plugin.jupyterlab-settings
	JUPYTERLAB_SETTINGS_DIR=_build/lab/settings-ru $(LAB_OPEN) _build/lab/ru/01_random_search.ipynb

# Builds the book (the page-load case measures it), writes
# benchmarks/results.json, then stores the appendix's outputs from it.
# The peers only the benchmarks need (JAX) live in their own environment,
# benchmarks/.venv, made from its own hashed lock.
BENCH_VENV := benchmarks/.venv
BENCH_INSTALLED := $(BENCH_VENV)/.installed
bench: book $(BENCH_INSTALLED)
	$(BIN)/python -m benchmarks.run
	$(BIN)/python -m benchmarks.lite
	$(EXECUTE) book/appendix_speed.ipynb

$(BENCH_INSTALLED): benchmarks/requirements.txt
	test -x $(BENCH_VENV)/bin/pip || $(PYTHON) -m venv --clear $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --require-hashes -r benchmarks/requirements.txt
	touch $@

# Every package comes from the lock with its hash checked; gradbook itself is
# installed from src/ with the lock's setuptools (no build isolation, so
# nothing unpinned is fetched to build it).
$(INSTALLED): requirements.txt pyproject.toml
	test -x $(BIN)/pip || $(PYTHON) -m venv --clear $(VENV)
	$(BIN)/pip install --require-hashes -r requirements.txt
	$(BIN)/pip install --no-deps --no-build-isolation -e .
	touch $@

# Regenerate the locks from requirements.in and benchmarks/requirements.in.
# pip-compile keeps every pin already in a lock that still fits, so running
# this with no change to a .in file rewrites its lock, byte for byte.
LOCK := $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe \
  --strip-extras --no-emit-index-url --no-emit-find-links
lock: $(INSTALLED)
	$(LOCK) --output-file=requirements.txt requirements.in
	cd benchmarks && ../$(LOCK) --output-file=requirements.txt requirements.in

# The in-browser notebooks: _build/html/lite/, a JupyterLite site with the
# chapters, Pyodide, the verified wheels and the kernel's bytecode (see
# web/lite_site.py; Node.js compiles the bytecode); after
# the Russian build (make book), whose run it takes the Russian outputs from.
# Made again when any page's notebook or catalog changed (the chapters
# among them are web/site.py's, from _toc.yml).
lite: $(LITE_SITE)

$(LITE_SITE): $(INSTALLED) $(LITE_INSTALLED) node_modules/.package-lock.json \
  lite/wheels.txt lite/requirements.txt web/lite_site.py web/lite_notebook.py \
  web/lite-page.js web/lite-bytecode.mjs web/translated_notebook.py web/site.py \
  _toc.yml pyproject.toml README.md \
  $(wildcard locales/ru/LC_MESSAGES/book/*.po) \
  $(wildcard _build/ru/_build/jupyter_execute/book/*.ipynb) \
  $(wildcard src/gradbook/*.py src/gradbook/*/*.py) src/gradbook/digits.npz \
  $(FIGURE_MO) $(wildcard book/*.ipynb)
	$(BIN)/python -m web.lite_site

$(LITE_INSTALLED): lite/requirements.txt
	test -x $(LITE_BIN)/pip || $(PYTHON) -m venv --clear .venv-lite
	$(LITE_BIN)/pip install --require-hashes -r lite/requirements.txt
	touch $@

# Regenerate lite/requirements.txt from lite/requirements.in (as `make lock`).
lite-lock: $(INSTALLED)
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	  --no-emit-index-url --no-emit-find-links \
	  --output-file=lite/requirements.txt lite/requirements.in

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund

$(VENDORED): node_modules/.package-lock.json web/vendor.py $(wildcard web/*.js web/*.css)
	$(PYTHON) -m web.vendor
	touch $@

clean:
	rm -rf _build _vendor node_modules
