"""The book's editions (web/site.py's EDITIONS): English (the source, at
_build/html/) and Russian (gettext catalogs in locales/ru/, at
_build/html/ru/).

As a Sphinx extension (`sphinx: local_extensions` in _config.yml):

- every page's header gets a link to the same page in the other edition
  (web/_templates/language-switch.html), a plain relative link that works
  over file:// too: from `book/x.html` to `ru/book/x.html` and back;
- every page carries the words its scripts show (skip-links.js,
  lite-button.js, search-page.js), from the catalogs, as JSON
  (web/_templates/layout.html), and the URL it is served at by
  `python3 -m http.server -d _build/html` (`gradbook_served_url`);
- in the Russian edition, a few of sphinx-book-theme's Russian UI strings
  that read badly are replaced by locales/ru/LC_MESSAGES/booktheme.po;
- an exercise's title ("1.1: the best try in the square", sphinx-exercise's
  directive argument) becomes a message of the page's catalog, like its
  text: sphinx-exercise leaves it out of gettext;
- so does a figure's alt text (a code cell's `mystnb: image: alt`
  metadata): myst-nb makes the image after Sphinx's own translation step.

As a script, `python -m web.language ru|gettext OUT.yml` writes the
configuration of the Russian build (or of the gettext build that extracts
the English messages) from _config.yml and the edition's row, so the
editions share one configuration; Jupyter Book 1 has no `-D` override.
"""

from __future__ import annotations

import gettext
import sys
from pathlib import Path
from typing import Any

from web.site import EDITIONS, ROOT

LOCALES = ROOT / "locales"
THEME_CATALOG = "booktheme"  # sphinx-book-theme's message catalog
# Where `python3 -m http.server -d _build/html` serves the book.
SERVED = "http://127.0.0.1:8000/"


def language_switch(
    app: Any, pagename: str, templatename: str, context: Any, doctree: Any
) -> None:
    edition = EDITIONS[app.config.language or "en"]
    context["gradbook_served_url"] = SERVED + edition.folder
    # The book has two editions: each page links the same page in the other.
    (other,) = (e for e in EDITIONS.values() if e is not edition)
    # Relative to this page: up to the book's root, then into the other.
    up = "../" * (pagename.count("/") + edition.folder.count("/"))
    context["gradbook_other_language"] = other.language
    context["gradbook_other_name"] = other.name
    context["gradbook_other_url"] = f"{up}{other.page_file(pagename)}.html"


def header_items(app: Any, config: Any) -> None:
    options = config.html_theme_options
    items = options.get("article_header_end", ["article-header-buttons.html"])
    if isinstance(items, str):
        items = [items]
    if "language-switch.html" not in items:
        options["article_header_end"] = ["language-switch.html", *items]


class _Catalog(gettext.NullTranslations):
    """Messages read from a .po file (with babel), the theme's own
    translation as the fallback."""

    def __init__(self, po: Path) -> None:
        super().__init__()
        from babel.messages.pofile import read_po

        with po.open("rb") as f:
            catalog = read_po(f)
        self._messages = {
            m.id: m.string
            for m in catalog
            if m.id and m.string and not m.fuzzy
        }

    def gettext(self, message: str) -> str:
        if message in self._messages:
            return self._messages[message]
        return super().gettext(message)


def theme_overrides(app: Any) -> None:
    from sphinx import locale

    language = app.config.language or "en"
    po = LOCALES / language / "LC_MESSAGES" / f"{THEME_CATALOG}.po"
    if not po.is_file():
        return
    key = ("general", THEME_CATALOG)  # sphinx.locale.init's namespace
    ours = _Catalog(po)
    theirs = locale.translators.get(key)
    if theirs is not None:
        ours.add_fallback(theirs)
    locale.translators[key] = ours


def _exercise_titles() -> Any:
    from docutils import nodes
    from sphinx.transforms import SphinxTransform
    from sphinx_exercise.nodes import exercise_subtitle

    class ExerciseTitles(SphinxTransform):
        """Give each exercise subtitle the source and raw text that
        Sphinx's i18n needs to extract and translate it."""

        # Before sphinx.transforms.i18n.Locale (20).
        default_priority = 10

        def apply(self, **kwargs: Any) -> None:
            for node in self.document.findall(exercise_subtitle):
                node.rawsource = node.astext()
                exercise = node.parent.parent if node.parent else None
                node.source = self.document["source"]
                node.line = getattr(exercise, "line", None) or 1
                if exercise is not None:
                    exercise[SUBTITLE] = (node.rawsource, node.line)
                # Sphinx's Locale transform leaves subtitles alone: translate
                # the (plain-text) title here, from the page's catalog.
                translated = self.translate(node.rawsource)
                if translated != node.rawsource:
                    node.children = [nodes.Text(translated)]
                    # A solution's title quotes its exercise's title from
                    # sphinx-exercise's registry: the translated node.
                    registry = getattr(
                        self.env, "sphinx_exercise_registry", {}
                    )
                    label = None if exercise is None else exercise.get("label")
                    entry = registry.get(label)
                    if entry is not None:
                        entry["node"] = exercise

        def translate(self, text: str) -> str:
            return page_translation(self.app, self.env.docname, text)

    return ExerciseTitles


# Where an exercise node keeps its subtitle's English text.
SUBTITLE = "gradbook_subtitle"


def messages_for_gettext(app: Any, doctree: Any, docname: str) -> None:
    """sphinx-exercise's post-transform folds each subtitle into the title,
    and myst-nb makes the output images, after the gettext builder's step
    that finds messages: give that builder each subtitle and alt text again,
    as a paragraph (that builder writes no pages)."""
    from docutils import nodes

    if app.builder.name != "gettext":
        return
    found = [
        (node, *node[SUBTITLE])
        for node in doctree.findall(nodes.Element)
        if SUBTITLE in node.attributes
    ]
    found += [
        (node.parent, node["alt"], node.line or 1)
        for node in doctree.findall(nodes.image)
        if node.get("alt")
    ]
    for k, (parent, text, line) in enumerate(found):
        paragraph = nodes.paragraph(text, text)
        paragraph.source, paragraph.line = doctree["source"], line
        paragraph.uid = f"{docname}-extra-{k}"  # gettext needs one
        parent += paragraph


def translate_alt_texts(app: Any, doctree: Any, docname: str) -> None:
    """Each output image's alt text, from the page's catalog."""
    from docutils import nodes

    for node in doctree.findall(nodes.image):
        if node.get("alt"):
            node["alt"] = page_translation(app, docname, node["alt"])


def page_translation(app: Any, docname: str, text: str) -> str:
    """``text`` from the catalog of page ``docname``, in the build's
    language (``text`` itself in English or if the catalog lacks it)."""
    from sphinx.locale import init
    from sphinx.util.i18n import docname_to_domain

    config = app.config
    language = config.language or "en"
    if language == "en" or not config.locale_dirs:
        return text
    dirs = [str(Path(app.srcdir, d)) for d in config.locale_dirs]
    domain = docname_to_domain(docname, config.gettext_compact)
    catalog, found = init(dirs, language, domain)
    return catalog.gettext(text) if found else text


def setup(app: Any) -> dict[str, Any]:
    app.add_transform(_exercise_titles())
    app.connect("doctree-resolved", messages_for_gettext)
    app.connect("doctree-resolved", translate_alt_texts)
    app.connect("config-inited", header_items)
    app.connect("builder-inited", theme_overrides)
    app.connect("html-page-context", language_switch)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


# ---------------------------------------------------------------------------
# The other builds' configurations, from _config.yml.


def edition_config(kind: str) -> dict[str, Any]:
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text("utf-8"))
    # Jupyter Book reads local_extensions' paths from the config's folder.
    extensions = config["sphinx"].get("local_extensions", {})
    for name, path in extensions.items():
        extensions[name] = str(ROOT / path)
    sphinx = config["sphinx"].setdefault("config", {})
    sphinx["locale_dirs"] = [str(LOCALES)]
    # One catalog per page: locales/ru/LC_MESSAGES/book/<page>.po
    sphinx["gettext_compact"] = False
    # No source line numbers in the catalogs: an English edit elsewhere in
    # a page does not rewrite every entry.
    sphinx["gettext_location"] = False
    execute = config.setdefault("execute", {})
    edition = EDITIONS.get(kind)
    if kind == "gettext":
        # Only markdown text is extracted: nothing needs executing.
        execute["execute_notebooks"] = "off"
        # The stored figures, for their alt texts (messages_for_gettext):
        # myst-nb shows no output to a builder it has no priorities for.
        overrides = sphinx.setdefault("nb_mime_priority_overrides", [])
        overrides.append(["gettext", "image/png", 10])
        sphinx.pop("html_static_path", None)  # no pages, no _vendor
    elif edition is not None and edition.folder:
        config["title"] = edition.title
        config["author"] = edition.author
        sphinx["language"] = edition.language
        # Its own execution cache: its figures are drawn in its language.
        cache = f".jupyter_cache_{edition.language}"
        execute["cache"] = str(ROOT / "_build" / cache)
        options = sphinx["html_theme_options"]
        options["search_bar_text"] = edition.search_text
    else:
        raise SystemExit(f"web/language.py: no edition to build {kind!r}")
    return config


def main(argv: list[str]) -> None:
    import yaml

    if len(argv) != 3:
        raise SystemExit("usage: python -m web.language ru|gettext OUT.yml")
    out = Path(argv[2])
    out.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(edition_config(argv[1]), allow_unicode=True)
    out.write_text(
        "# Written by web/language.py from _config.yml: edit that file.\n"
        + text,
        "utf-8",
    )


if __name__ == "__main__":
    main(sys.argv)
