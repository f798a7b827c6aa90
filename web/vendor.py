"""Copy the web assets the built book serves itself from node_modules to
_vendor.  The pages need no widget code (see web/reader.py): the assets are
MathJax, the icon subset and the book's own files.

`npm ci` installs the exact versions pinned in package.json and
package-lock.json; this copies only what pages load, one copy of each, into
_vendor/, which _config.yml serves as static files (html_static_path).
It is not `_static/`, because Jupyter Book would add every .js file there to
every page.
"""

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "node_modules"
VENDOR = ROOT / "_vendor"

# (source under node_modules, destination under _vendor)
FILES = [
    ("mathjax/es5/tex-mml-chtml.js", "mathjax/tex-mml-chtml.js"),
]
# Directories MathJax loads from on demand: its fonts, TeX extensions that
# `autoload` fetches, and the accessibility tools its menu can switch on.
TREES = [
    (
        "mathjax/es5/output/chtml/fonts/woff-v2",
        "mathjax/output/chtml/fonts/woff-v2",
    ),
    ("mathjax/es5/input/tex/extensions", "mathjax/input/tex/extensions"),
    ("mathjax/es5/a11y", "mathjax/a11y"),
    ("mathjax/es5/sre", "mathjax/sre"),
    ("mathjax/es5/ui", "mathjax/ui"),
]
# The book's own page-side files (see each file's comment), served from
# _static/ like the rest.
OWN = [
    "scrubber.js",
    "figure-zoom.js",
    "narrow-tables.js",
    "sidebar-toggles.js",
    "skip-links.js",
    "search-page.js",
    "reader.css",
    "code-column.css",
]

# Font Awesome, for the theme's icons.  The theme would load a 1.5 MB script
# that draws every Font Awesome icon; the book's template drops it
# (web/_templates/layout.html) and serves the icons it shows through a CSS
# subset of Font Awesome's stylesheet (the same version as the theme's,
# 6.5.2) with the solid font (150 kB).  An icon missing here shows as an
# empty box; tests/browser/test_reader.py checks that every icon on every
# page is drawn.
FONTAWESOME = MODULES / "@fortawesome/fontawesome-free"
ICONS = [
    # pydata-sphinx-theme: navigation, search, colour mode, back to top
    "angle-left",
    "angle-right",
    "arrow-up",
    "bars",
    "circle-half-stroke",
    "list",
    "magnifying-glass",
    "moon",
    "sun",
    "xmark",
    # sphinx-book-theme's header buttons (download, full screen, ...)
    "download",
    "expand",
    "file",
    "file-code",
    "file-pdf",
    "outdent",
]


def main() -> None:
    if not MODULES.is_dir():
        sys.exit("node_modules is missing: run `npm ci` first (make does)")
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    for source, target in FILES:
        (VENDOR / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(MODULES / source, VENDOR / target)
    for source, target in TREES:
        shutil.copytree(MODULES / source, VENDOR / target)
    for name in OWN:
        shutil.copy2(ROOT / "web" / name, VENDOR / name)
    write_icons(VENDOR / "icons")


def write_icons(target: Path) -> None:
    """icons/icons.css: Font Awesome's stylesheet with only ICONS, and the
    solid font it needs."""
    css = (FONTAWESOME / "css/fontawesome.css").read_text(encoding="utf-8")
    start = css.index(".fa-0::before")  # the icons' list begins here
    end = css.index(".sr-only,")  # and ends here
    icons = []
    for name in ICONS:
        rule = re.search(
            r"\.fa-" + re.escape(name) + r"::before \{\s*content: [^;]+; \}",
            css[start:end],
        )
        if rule is None:
            sys.exit(f"web/vendor.py: no Font Awesome icon {name!r}")
        icons.append(rule.group(0))
    solid = (FONTAWESOME / "css/solid.css").read_text(encoding="utf-8")
    # Only the woff2 font: every browser that runs the book reads it.
    solid = re.sub(
        r"src: url\([^;]*;",
        'src: url("fa-solid-900.woff2") format("woff2");',
        solid,
    )
    target.mkdir(parents=True, exist_ok=True)
    (target / "icons.css").write_text(
        css[:start] + "\n\n".join(icons) + "\n\n" + css[end:] + solid,
        encoding="utf-8",
    )
    shutil.copy2(
        FONTAWESOME / "webfonts/fa-solid-900.woff2",
        target / "fa-solid-900.woff2",
    )
    shutil.copy2(FONTAWESOME / "LICENSE.txt", target / "LICENSE.txt")


if __name__ == "__main__":
    main()
