"""Copy the web assets the built book serves itself from node_modules to
_vendor.

`npm ci` installs the exact versions pinned in package.json and
package-lock.json; this copies only what pages load, one copy of each, into
_vendor/, which _config.yml serves as static files (html_static_path).
It is not `_static/`, because Jupyter Book would add every .js file there to
every page.
"""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "node_modules"
VENDOR = ROOT / "_vendor"

# (source under node_modules, destination under _vendor)
FILES = [
    ("requirejs/require.js", "require.js"),
    (
        "@jupyter-widgets/html-manager/dist/embed-amd.js",
        "html-manager/embed-amd.js",
    ),
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
# The widget manager's icon fonts (Font Awesome), found through the assets
# path that widgets-setup.js sets.
FONT_SUFFIXES = {".woff2", ".woff", ".ttf", ".eot", ".svg"}


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
    for font in (MODULES / "@jupyter-widgets/html-manager/dist").iterdir():
        if font.suffix in FONT_SUFFIXES:
            shutil.copy2(font, VENDOR / "html-manager" / font.name)
    shutil.copy2(ROOT / "web/widgets-setup.js", VENDOR / "widgets-setup.js")
    shutil.copy2(ROOT / "web/code-column.css", VENDOR / "code-column.css")


if __name__ == "__main__":
    main()
