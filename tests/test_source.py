from gradbook.circuits import neuron
from gradbook.source import show_source


def test_show_source_displays_the_real_code():
    code = show_source(neuron)
    assert code.data.startswith("def neuron(params")
    assert "return sigmoid(a * x + b * y + c)" in code.data
