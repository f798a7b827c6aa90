"""The bug hunts: each engine's report names its planted bug, each fixed
engine passes, and each symptom shows the bug and goes with the fix."""

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from gradbook import workshop
from gradbook.bug_hunts import HUNTS, hunt1, hunt2, hunt5, symptoms
from gradbook.bug_hunts.fixes import FIXES, fixed
from gradbook.engine_check import check_engine
from gradbook.engine_check import figure as engine_check_figure
from gradbook.source import show_source


def failed(report):
    return {(f.property, f.operation) for f in report.failures}


@pytest.mark.parametrize("fix", FIXES, ids=lambda f: f.hunt.__name__)
def test_each_hunt_names_its_planted_bug(fix):
    assert failed(check_engine(fix.hunt.Value)) == fix.fails


@pytest.mark.parametrize("fix", FIXES, ids=lambda f: f.hunt.__name__)
def test_each_fixed_hunt_passes(fix):
    report = check_engine(fixed(fix.hunt))
    assert report.ok, str(report)
    assert report.engine == f"{fix.hunt.__name__}.Value (fixed)"


def test_every_hunt_has_a_fix_and_shows_in_one_listing():
    assert [fix.hunt for fix in FIXES] == list(HUNTS)
    for hunt in HUNTS:
        code = show_source(hunt.Value).data
        assert code.startswith("class Value:")
        assert max(map(len, code.splitlines())) <= 79
        assert len(code.splitlines()) <= 80


def test_hunt_messages_point_at_the_bug():
    (pow_,) = check_engine(hunt1.Value).failures
    assert pow_.message.startswith("pow (x ** y): the derivative with respect")
    assert "to the exponent is wrong" in pow_.message
    reuse = check_engine(hunt2.Value).failures[0]
    assert reuse.property == "reuse"
    assert "as both operands of mul (x * x)" in reuse.message
    assert reuse.located.kind == "uses"
    diamond = [
        f
        for f in check_engine(hunt5.Value).failures
        if f.property == "diamond"
    ]
    assert diamond[0].located.kind == "order"
    assert "passed the cotangent of t on before it was complete" in (
        diamond[0].message
    )


def test_fixed_refuses_what_is_not_a_hunt():
    with pytest.raises(TypeError, match="fixed: hunt must be one of"):
        fixed(workshop)
    with pytest.raises(TypeError, match="fixed: hunt must be"):
        fixed("hunt1")


@pytest.mark.parametrize("hunt", HUNTS, ids=lambda h: h.__name__)
def test_each_symptom_shows_the_bug_and_the_fix_removes_it(hunt):
    buggy = symptoms.measure(hunt)
    repaired = symptoms.measure(hunt, fixed(hunt))
    assert np.array_equal(buggy.x, repaired.x)
    agrees = [
        np.allclose(repaired.engine, curve, rtol=1e-6, atol=1e-9)
        for curve in repaired.references.values()
    ]
    assert any(agrees)
    for curve in buggy.references.values():
        assert not np.allclose(buggy.engine, curve, rtol=1e-3, equal_nan=False)


def test_the_reset_symptom_is_neither_reset_nor_added_up():
    s = symptoms.measure(HUNTS[3])
    # gradients of gradients pile up: 1, 4, 10, 20, ... times the true one
    assert s.engine == pytest.approx([1, 4, 10, 20, 35, 56])


def test_symptom_figures_translate_their_words(monkeypatch):
    monkeypatch.setattr(symptoms, "tr", lambda text: f"«{text}»")
    fig = symptoms.symptom(hunt2)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    words = [ax.get_title(), ax.get_ylabel()]
    words += [t.get_text() for t in ax.get_legend().findobj(Text)]
    assert all(w.startswith("«") for w in words if w)
    assert ax.get_xlabel() == "x"  # a variable's name, not a word


def test_measure_refuses_what_is_not_a_hunt():
    with pytest.raises(TypeError, match="measure: hunt must be one of"):
        symptoms.measure(engine_check_figure)
    with pytest.raises(TypeError, match="measure: engine must be a type"):
        symptoms.measure(hunt1, engine=3)
