"""The "Run in your browser" button on every chapter page (`sphinx:
extensions` in _config.yml): it opens the chapter as a live notebook in the
in-browser JupyterLab that web/lite_site.py builds into lite/ beside the
pages.

Chapters are the notebooks book/0*.ipynb, as in web/lite_site.py.  The
button goes under the page's title.  The one JupyterLite site sits beside
the English pages (lite/); a Russian page (under ru/) opens the Russian
copy of its chapter there, with the button's words in Russian.  Over
file:// the notebooks cannot start (Pyodide loads its modules over http),
so lite-button.js turns the button into a note that says how to serve the
book.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

WEB = Path(__file__).resolve().parent
CHAPTER = re.compile(r"(^|/)0[^/]*$")
TITLE_END = "</h1>"

BUTTON = """\
<p class="lite-launch">
<a class="lite-button" href="{href}">{label}</a>
<span class="lite-note">{note}</span>
</p>
"""
# language -> (the site's path from the edition's root, its folder of
# chapters, the button's label, the note beside it)
EDITIONS = {
    "en": (
        "lite/lab/index.html",
        "",
        "Run in your browser",
        "Opens this chapter as a live notebook, with Python running in your "
        "browser. Nothing is installed. The first start takes some seconds.",
    ),
    "ru": (
        "../lite/lab/index.html",
        "ru/",
        "Запустить в браузере",
        "Открывает эту главу как живой блокнот: Python работает прямо в "
        "вашем браузере. Ничего не устанавливается. Первый запуск занимает "
        "несколько секунд.",
    ),
}


def add_button(
    app: Sphinx, pagename: str, templatename: str, context: Any, doctree: Any
) -> None:
    body = context.get("body")
    if not body or not CHAPTER.search(pagename):
        return
    if not app.env.doc2path(pagename).endswith(".ipynb"):
        return
    site, folder, label, note = EDITIONS[app.config.language or "en"]
    notebook = folder + pagename.rsplit("/", 1)[-1] + ".ipynb"
    # Relative to this page: up to the edition's root, then to the site.
    up = "../" * pagename.count("/")
    href = f"{up}{site}?path={notebook}"
    button = BUTTON.format(href=escape(href), label=label, note=note)
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
