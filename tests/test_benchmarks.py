"""The benchmarks' answer checks (not their timings): each case must refuse a
wrong engine.

The peers (micrograd, autograd) are pinned in requirements.in like every
other package, so every case runs in `make test`.
"""

import numpy as np
import pytest

from gradbook.article import GRADIENT, POINT, VALUE


def test_exact_and_close_checks():
    from benchmarks import checks

    checks.exactly([0.1, 0.2], [0.1, 0.2], "same")
    with pytest.raises(checks.WrongAnswerError, match="last digit: got"):
        checks.exactly([0.1, 0.2 + 1e-16], [0.1, 0.2], "last digit")
    assert checks.close([1.0, 2.0 + 1e-12], [1.0, 2.0], "near") < 1e-11
    with pytest.raises(checks.WrongAnswerError, match="far"):
        checks.close([1.0, 2.1], [1.0, 2.0], "far")
    with pytest.raises(checks.WrongAnswerError, match=r"arrays \[1\]"):
        checks.close(
            [np.ones(2), np.zeros(3)], [np.ones(2), np.ones(3)], "arrays"
        )


def test_scaling_checks_the_gradient_and_the_number_of_passes():
    from benchmarks import scaling

    cases = scaling.cases(10)
    assert cases[scaling.REVERSE]() == [2 * x for x in scaling.point(10)]
    sizes = [10, 100, 1000]
    assert scaling.growth_exponent(
        sizes, [3e-6 * n**2 for n in sizes]
    ) == pytest.approx(2)


def test_scaling_refuses_a_wrong_gradient(monkeypatch):
    from benchmarks import checks, scaling

    monkeypatch.setattr(
        scaling, "grad_bp", lambda f, xs: [2 * x + 1e-9 for x in xs]
    )
    with pytest.raises(checks.WrongAnswerError, match="grad_bp, n = 10"):
        scaling.cases(10)


def test_neuron_cases_reproduce_the_article(monkeypatch):
    from benchmarks import checks, neuron

    cases = neuron.cases()
    assert cases[neuron.OURS]() == neuron.GRADIENT
    monkeypatch.setattr(
        neuron,
        "grad_bp",
        lambda f, xs: [*neuron.GRADIENT[:4], 0.20998717080701],
    )
    with pytest.raises(checks.WrongAnswerError, match="article's digits"):
        neuron.cases()


def test_scalar_mlp_matches_micrograd_and_refuses_a_wrong_gradient(
    monkeypatch,
):
    from benchmarks import checks, scalar_mlp

    x, y = scalar_mlp.moons()
    assert x.shape == (100, 2) and sorted(set(y.tolist())) == [-1.0, 1.0]
    scalar_mlp.cases()  # checks loss and gradient against micrograd's

    right = scalar_mlp.backprop

    def off_by_a_little(f, params):
        value, grads = right(f, params)
        return value, [g * (1 + 1e-6) for g in grads]

    monkeypatch.setattr(scalar_mlp, "backprop", off_by_a_little)
    with pytest.raises(checks.WrongAnswerError, match="scalar MLP gradient"):
        scalar_mlp.cases()


def test_vector_mlp_gradients_agree_with_the_hand_written_one():
    from benchmarks import vector_mlp

    x, targets, params = vector_mlp.problem()
    assert x.shape == (1797, 64) and targets.shape == (1797, 10)
    assert [p.shape for p in params] == [(64, 128), (128,), (128, 10), (10,)]
    vector_mlp.cases()


def test_each_panel_is_timed_moving_the_slider_that_costs_the_most():
    from benchmarks import book

    assert book.moved("random_search") == ("seed", 2)
    assert book.moved("neuron") == ("x", -0.9)
    assert book.moved("neuron_graph") == ("x", -0.9)
    assert book.moved("training") == ("seed", 1)


def test_goals_and_table_from_results():
    from benchmarks import run

    results = {
        "neuron": {
            "gradbook Var / micrograd": 0.3,
            "microseconds per gradient": {"gradbook": 10.0, "micrograd": 33.0},
            "ratio to float evaluation": {"gradbook": 9.0, "micrograd": 30.0},
            "ratio to plain float evaluation": {
                "gradbook": 27.0,
                "micrograd": 90.0,
            },
        },
        "vector_mlp": {
            "milliseconds": {"gradbook Var": 20.0},
            "ratio to numpy forward": {"gradbook Var": 3.5},
            "gradbook Var / autograd": 1.2,
            "per call": {"gradbook Var": {"minor page faults": 883.0}},
        },
        "panels": {
            "median (ms)": {"1": 80.0, "4": 180.0},
            "p90 (ms)": {"1": 90.0, "4": 210.0},
            "slider moved": {"1": "seed", "4": "seed"},
        },
    }
    results["goals"] = run.goals(results)
    assert results["goals"]["neuron gradient: gradbook Var / micrograd"]["met"]
    assert not results["goals"][
        "vector MLP gradient: gradbook Var / autograd"
    ]["met"]
    assert (
        "book: rebuild / clean build" not in results["goals"]
    )  # not measured, not judged
    text = run.table(results)
    assert (
        "| neuron gradient: gradbook Var / micrograd | 0.3 | <= 0.5 | yes |"
        in text
    )
    assert (
        "| vector MLP gradient: gradbook Var / autograd | 1.2 | <= 1 | NO |"
        in text
    )
    assert "| gradbook | 10.00 | 27.0 | 9.0 |" in text  # both floors
    assert "| gradbook Var | 20.00 | 3.50 | 883 |" in text
    slowest = "live panel in JupyterLab, slowest median (ms)"
    assert results["goals"][slowest] == {
        "measured": 180.0,
        "goal": 100.0,
        "met": False,
    }
    assert "| chapter 4 | seed | 180 | 210 |" in text


def test_a_chapter_without_a_scrubber_is_left_out_of_its_goal():
    from benchmarks import run

    def page(scrubber):
        return {
            "first paint (ms)": 900,
            "scrubber usable (ms)": scrubber,
            "own transfer (MB)": 0.5,
        }

    results = {
        "page_load": {"pages": {"book/03": page(2100), "book/04": page(None)}}
    }
    usable = "chapter on a slow phone: scrubber usable, slowest (ms)"
    assert run.goals(results)[usable]["measured"] == 2100


def test_the_hand_written_neuron_gradient_is_the_articles():
    from benchmarks import floors

    point = [float(p) for p in POINT]
    assert floors.plain_neuron(*point) == VALUE
    assert floors.hand_gradient(*point) == pytest.approx(GRADIENT, rel=1e-15)


def test_the_panels_notebook_shows_every_live_panel():
    import json

    from benchmarks import panels

    cells = json.loads(panels._notebook())["cells"]
    sources = ["".join(c["source"]) for c in cells]
    assert sources[1:] == [call for call, _ in panels.panels().values()]
    # every chapter's live panel, found in its notebook
    assert list(panels.panels().items())[:4] == [
        ("1", ('widgets.panel("random_search")', "seed")),
        ("2", ('widgets.panel("neuron")', "x")),
        ("3", ('widgets.panel("neuron_graph")', "x")),
        ("5", ('widgets.panel("training")', "seed")),
    ]
    assert panels._p90([float(i) for i in range(1, 21)]) == pytest.approx(18.1)
