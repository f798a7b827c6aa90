import json
from pathlib import Path

import pytest

from gradbook import article
from gradbook.article import GRADIENT, ITERATIONS, POINT, START, TWEAK, VALUE

ROOT = Path(__file__).resolve().parent.parent


def test_the_articles_numbers():
    # DESIGN.md: search from (-2, 3) with tweak 0.01 for 100 iterations;
    # the neuron at a, b, c, x, y = 1, 2, -3, -1, 3.
    assert (START, TWEAK, ITERATIONS) == ((-2, 3), 0.01, 100)
    assert dict(zip(article.NEURON_INPUTS, POINT, strict=True)) == {
        "a": 1,
        "b": 2,
        "c": -3,
        "x": -1,
        "y": 3,
    }
    assert len(GRADIENT) == len(POINT)
    assert all(type(g) is float for g in [VALUE, *GRADIENT])


def code_of(path):
    """A file's text; for a notebook, its code cells' sources only."""
    if path.suffix != ".ipynb":
        return path.read_text()
    cells = json.loads(path.read_text())["cells"]
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    return "\n".join(code)


@pytest.mark.parametrize("number", [VALUE, *GRADIENT], ids=repr)
def test_the_articles_digits_are_written_once(number):
    # Engine, benchmarks and chapters read them from gradbook.article.
    places = [
        *(ROOT / "src" / "gradbook").glob("*.py"),
        *(ROOT / "benchmarks").glob("*.py"),
        *(ROOT / "book").glob("*.ipynb"),
    ]
    found = [p.name for p in places if repr(number) in code_of(p)]
    assert found == ["article.py"]
