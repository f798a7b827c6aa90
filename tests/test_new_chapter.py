"""web/new_chapter.py: `make new-chapter` writes a chapter and an
explorable that follow the book's conventions, and work."""

import ast
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from web import new_chapter
from web.lite_notebook import NOTES, learner_copy
from web.site import ROOT

from gradbook import widgets
from gradbook.explorables.base import Explorable


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """The chapter and explorable the template makes for 05_slopes."""
    folder = tmp_path_factory.mktemp("chapter")
    page, module = folder / "05_slopes.ipynb", folder / "slopes.py"
    chapter = new_chapter.notebook("slopes", 5, "Slopes")
    page.write_text(json.dumps(chapter, indent=1, ensure_ascii=False) + "\n")
    module.write_text(new_chapter.EXPLORABLE.format(number=5, name="slopes"))
    return page, module


def test_both_files_pass_the_linter_and_the_formatter(written):
    ruff = Path(sys.executable).with_name("ruff")
    # as pyproject.toml lints book/*.ipynb: a solution redefines its stub
    ignore = [
        "--extend-ignore",
        "E402,F811",
        "--config",
        ROOT / "pyproject.toml",
    ]
    ignore += ["--config", "lint.isort.known-first-party = ['gradbook']"]
    for command in (["check", "--no-cache", *ignore], ["format", "--check"]):
        done = subprocess.run(
            [ruff, *command, *written], capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout + done.stderr


def test_the_explorable_works_with_both_forms(written):
    _, path = written
    spec = importlib.util.spec_from_file_location("slopes", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    parts = ("compute", "Figure", "CONTROLS", "SCRUBBER", "ALT")
    explorable = Explorable("slopes", *(getattr(module, p) for p in parts))
    assert explorable.data().slope == 2.0  # 2 a x0 at a = 1, x0 = 1
    box = widgets.scrubber(explorable)
    assert len(box.children[1].children) == len(module.SCRUBBER.values)
    title = widgets.panel(explorable).live.title.get_text()
    assert title == "a = 1, x₀ = 1\nslope 2.000"


def test_the_chapter_follows_the_conventions(written):
    page, _ = written
    cells = json.loads(page.read_text())["cells"]
    text = ["".join(c["source"]) for c in cells]
    kinds = [c["cell_type"] for c in cells]
    assert text[0].startswith("# Slopes") and "you will be able to" in text[0]
    assert kinds[1] == "code" and text[1].startswith("%matplotlib inline")
    assert 'widgets.scrubber("slopes")' in text
    live = text.index('widgets.panel("slopes")')
    assert cells[live]["metadata"]["tags"] == ["remove-output"]
    assert any(
        "alt" in c["metadata"].get("mystnb", {}).get("image", {})
        for c in cells
    )
    # three exercises: the task, a stub, a check, the solution folded
    tasks = [k for k, t in enumerate(text) if t.startswith("```{exercise}")]
    assert [text[k].split(":")[0] for k in tasks] == [
        "```{exercise} 5.1",
        "```{exercise} 5.2",
        "```{exercise} 5.3",
    ]
    for k in tasks:
        assert "raise NotImplementedError" in text[k + 1]
        assert "Not done yet" in text[k + 2]
        assert ":class: dropdown" in text[k + 3]
        assert text[k + 5].startswith("```{solution-end}")
    assert text[-1].startswith("## Summary")
    # the note on running the notebook, which each learner's copy replaces
    for place, language in NOTES:
        learner_copy(json.loads(page.read_text()), place, language)
    for source in text[1:]:  # every code cell is Python
        if not source.startswith(("#", "```", "In ")):
            ast.parse(source.replace("%matplotlib inline", ""))


def test_a_chapter_goes_after_the_last_chapter(tmp_path):
    toc = tmp_path / "_toc.yml"
    last = f"  - file: {new_chapter.CHAPTERS[-1]}\n"
    toc.write_text(f"chapters:\n{last}  - file: book/glossary\n")
    new_chapter.add_to_toc("book/99_new", toc)
    assert toc.read_text() == (
        f"chapters:\n{last}  - file: book/99_new\n  - file: book/glossary\n"
    )
    with pytest.raises(ValueError, match="already"):
        new_chapter.add_to_toc("book/99_new", toc)
