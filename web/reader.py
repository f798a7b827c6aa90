"""The book's own Sphinx extension (`sphinx: local_extensions` in
_config.yml): small fixes to the pages that the themes and extensions leave.

- The stylesheets and the script every page needs: the icon subset
  (icons/icons.css, see web/vendor.py), reader.css (print, skip link, dark
  mode) and sidebar-toggles.js (the header's sidebar buttons).
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
from sphinx.application import Sphinx

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
    app.connect("doctree-resolved", drop_repeated_ids)
    app.connect("html-page-context", search_page_script)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
