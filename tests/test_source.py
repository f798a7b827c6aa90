import pytest

from gradbook.circuits import neuron
from gradbook.search import random_search
from gradbook.source import show_source


def test_show_source_displays_the_real_code():
    code = show_source(neuron)
    assert code.data.startswith("def neuron(params")
    assert "return sigmoid(a * x + b * y + c)" in code.data


def test_a_checked_function_shows_its_checks_and_its_loop():
    code = show_source(random_search).data
    assert code.startswith("@checks.arguments(")
    assert "for k in range(iterations):" in code


@pytest.mark.parametrize(
    ("objects", "message"),
    [
        ((), "show_source: give at least one function or class"),
        ((5,), r"show_source: objects\[0\] must be a function, got int 5"),
        ((neuron, None), r"show_source: objects\[1\] must be a function"),
    ],
)
def test_show_source_needs_functions(objects, message):
    with pytest.raises(TypeError, match=message):
        show_source(*objects)
