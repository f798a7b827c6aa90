"""web/lab_notebooks.py: the copies `make lab` opens are the learner's
copies, the Russian ones draw Russian figures, and a copy the learner
changed is never overwritten."""

from __future__ import annotations

import json

import pytest
from web import lab_notebooks
from web.lite_notebook import NOTES
from web.site import CHAPTER_NOTEBOOKS


@pytest.mark.parametrize("language", ["en", "ru"])
def test_a_lab_copy_is_the_learners_copy(language, tmp_path, monkeypatch):
    monkeypatch.setattr(lab_notebooks, "EXECUTED_RU", tmp_path)  # no run
    copy = lab_notebooks.lab_copy(CHAPTER_NOTEBOOKS[0], language)
    cells = copy["cells"]
    if language == "ru":
        first, *cells = cells
        assert first["source"].endswith("%env GRADBOOK_LANG=ru")
        assert all(not c.get("outputs") for c in cells)
        assert "widgets" not in copy["metadata"]
    assert NOTES["lab", language] in cells[0]["source"]


def test_a_changed_copy_is_kept_and_an_unchanged_one_renewed(tmp_path):
    path = tmp_path / "chapter.ipynb"
    made = {"cells": [{"source": "a"}], "metadata": {}}
    assert lab_notebooks.write(json.loads(json.dumps(made)), path) == (
        f"made {path}"
    )
    # JupyterLab saves strings as lists of lines: not a change.
    saved = json.loads(path.read_text())
    saved["cells"][0]["source"] = ["a"]
    path.write_text(json.dumps(saved))
    newer = {"cells": [{"source": "b"}], "metadata": {}}
    assert lab_notebooks.write(json.loads(json.dumps(newer)), path).startswith(
        "made"
    )
    assert json.loads(path.read_text())["cells"][0]["source"] == "b"
    # The learner's change is kept, and said to be kept when the chapter
    # changed since.
    mine = json.loads(path.read_text())
    mine["cells"][0]["source"] = "my answer"
    path.write_text(json.dumps(mine))
    assert lab_notebooks.write(json.loads(json.dumps(newer)), path) == (
        "unchanged"
    )
    newest = {"cells": [{"source": "c"}], "metadata": {}}
    assert lab_notebooks.write(newest, path).startswith("kept your changed")
    assert json.loads(path.read_text())["cells"][0]["source"] == "my answer"
