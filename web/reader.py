"""The book's own Sphinx extension (`sphinx: local_extensions` in
_config.yml): small fixes to the pages that the themes and extensions leave.

- The stylesheets and the scripts every page needs: the icon subset
  (icons/icons.css, see web/vendor.py), reader.css (print, scrubbers,
  figures on narrow screens), sidebar-toggles.js (the header's sidebar
  buttons), skip-links.js, scrubber.js, figure-zoom.js and narrow-tables.js.
- No widget code.  A scrubber shows its ``text/html`` form (see
  gradbook.widgets.scrubber), which scrubber.js moves, and a live panel's
  output is removed, so no page shows a widget.  myst-nb would still put
  the notebook's widget state (hundreds of kB of JSON) and the widget
  manager (3.6 MB of JavaScript) on every page of a notebook that made
  widgets; they are dropped, and a page that does show a widget is a build
  error, since the book does not serve the code that would draw it.
- Figures load lazily (``loading="lazy"``): on a slow network the images
  below the screen wait until the reader scrolls near them.
- search-page.js on the search page only (snippets over http, a plain note
  over file://).
- sphinx-exercise gives the body of every exercise the same id,
  `exercise-content`, and of every solution `solution-content`: a chapter
  with four exercises has each id four times, which HTML forbids and which
  confuses screen readers and `#` links.  Nothing links to them, so the ids
  are dropped.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from myst_nb.sphinx_ import NbMetadataCollector
from sphinx.application import Sphinx
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

# sphinx_exercise/directive.py and transforms.py: nodes.section(ids=[...])
REPEATED_IDS = {"exercise-content", "solution-content"}


def drop_repeated_ids(
    app: Sphinx, doctree: nodes.document, docname: str
) -> None:
    for section in doctree.findall(nodes.section):
        if set(section["ids"]) & REPEATED_IDS:
            section["ids"] = [
                i for i in section["ids"] if i not in REPEATED_IDS
            ]


def drop_widget_code(
    app: Sphinx, doctree: nodes.document, docname: str
) -> None:
    # After myst-nb's post-transform has chosen each output's form for the
    # builder (doctree-resolved), so only what the page shows is left.
    for raw in doctree.findall(nodes.raw):
        if WIDGET_VIEW in raw.astext():
            LOGGER.warning(
                "%s shows a live widget, which the HTML book cannot draw: "
                "tag its cell remove-output, or give it a text/html form "
                "like gradbook.widgets.scrubber",
                docname,
                location=raw,
            )
    # myst-nb's keys: "ipywidgets_state" and "ipywidgets_0", "_1", ...
    scripts = NbMetadataCollector.get_js_files(app.env, docname)
    for key in [k for k in scripts if k.startswith("ipywidgets_")]:
        del scripts[key]


def lazy_figures(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    # A figure below the screen is fetched when the reader nears it, so on a
    # slow network the page's scripts (and the first slider) come first.
    for image in doctree.findall(nodes.image):
        image["loading"] = "lazy"


def search_page_script(
    app: Sphinx, pagename: str, templatename: str, context: Any, doctree: Any
) -> None:
    # Added during html-page-context, a script goes on this page only; with
    # `defer` it runs after searchtools.js, before the search starts.
    if pagename == "search":
        app.add_js_file("search-page.js", loading_method="defer")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_css_file("icons/icons.css")
    app.add_css_file("reader.css")
    app.add_js_file("sidebar-toggles.js", loading_method="defer")
    app.add_js_file("skip-links.js", loading_method="defer")
    app.add_js_file("scrubber.js", loading_method="defer")
    app.add_js_file("figure-zoom.js", loading_method="defer")
    app.add_js_file("narrow-tables.js", loading_method="defer")
    app.connect("doctree-resolved", drop_widget_code)
    app.connect("doctree-resolved", lazy_figures)
    app.connect("doctree-resolved", drop_repeated_ids)
    app.connect("html-page-context", search_page_script)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
