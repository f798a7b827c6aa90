"""The "Run in your browser" button on every chapter page (`sphinx:
extensions` in _config.yml): it opens the chapter as a live notebook in the
in-browser JupyterLab that web/lite_site.py builds into lite/ beside the
pages.

Chapter notebooks are web/site.py's, as in web/lite_site.py.  The button
(web/_templates/lite-button.html, its words from the catalogs) goes under
the page's title.  The one JupyterLite site sits beside the source
edition's pages (lite/); a page of another edition (under ru/) opens that
edition's copy of its chapter there (lite/files/ru/).  Over file:// the
notebooks cannot start (Pyodide loads its modules over http), so
lite-button.js turns the button into a note that says how to serve the
book.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from web.site import CHAPTERS, EDITIONS

WEB = Path(__file__).resolve().parent
TITLE_END = "</h1>"
SITE = "lite/lab/index.html"  # the JupyterLite site, from the book's root


def add_button(
    app: Sphinx, pagename: str, templatename: str, context: Any, doctree: Any
) -> None:
    body = context.get("body")
    if not body or pagename not in CHAPTERS:
        return
    if not app.env.doc2path(pagename).endswith(".ipynb"):
        return
    folder = EDITIONS[app.config.language or "en"].folder
    notebook = folder + pagename.rsplit("/", 1)[-1] + ".ipynb"
    # Relative to this page: up to the book's root (past the edition's
    # folder), then to the site.
    up = "../" * (pagename.count("/") + folder.count("/"))
    button = app.builder.templates.render(
        "lite-button.html", {"lite_href": f"{up}{SITE}?path={notebook}"}
    )
    if TITLE_END in body:
        body = body.replace(TITLE_END, TITLE_END + "\n" + button, 1)
    else:
        body = button + body
    context["body"] = body


def static_files(app: Sphinx) -> None:
    app.config.html_static_path.extend(
        str(WEB / name) for name in ("lite-button.js", "lite-button.css")
    )


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_css_file("lite-button.css")
    app.add_js_file("lite-button.js", loading_method="defer")
    app.connect("builder-inited", static_files)
    app.connect("html-page-context", add_button)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
