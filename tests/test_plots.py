import importlib
import pkgutil

import numpy as np
import pytest
from figure_examples import EXAMPLES
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

import gradbook
from gradbook import plots
from gradbook.article import POINT, START, TWEAK
from gradbook.backprop import Node, Tape
from gradbook.circuits import NEURON_INPUTS, multiply_gate, neuron
from gradbook.explorables.neuron_graph import neuron_names
from gradbook.plots.graph import OP_LABELS, _edge_text
from gradbook.search import gradient_ascent, random_search


@pytest.fixture(scope="module")
def histories():
    return {
        "random": random_search(multiply_gate, START, TWEAK, 50, rng=1),
        "ascent": gradient_ascent(multiply_gate, START, 0.01, 50),
    }


def test_search_progress_draws_each_history_from_its_start(histories):
    fig = plots.search_progress(histories, title="progress")
    (ax,) = fig.axes
    assert ax.get_title() == "progress"
    assert (ax.get_xlabel(), ax.get_ylabel()) == (
        "iteration",
        "best output so far",
    )
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "random",
        "ascent",
    ]
    for line, history in zip(ax.get_lines(), histories.values(), strict=True):
        np.testing.assert_array_equal(
            line.get_ydata(), [-6.0, *history.best_outputs]
        )


def test_tangent_line_passes_through_the_point_with_the_slope():
    xs = np.linspace(-3, 3, 7)
    fig = plots.tangent_line(xs, xs**2, 1.0, 1.0, 2.0, "x")
    tangent = fig.axes[0].get_lines()[1]
    x, y = tangent.get_xdata(), tangent.get_ydata()
    assert (y[1] - y[0]) / (x[1] - x[0]) == pytest.approx(2.0)
    assert y[0] + 2.0 * (1.0 - x[0]) == pytest.approx(1.0)


def record(params):
    tape = Tape()
    inputs = [tape.var(p) for p in params]
    out = neuron(inputs)
    return tape, inputs, tape.backward(out)


def test_computation_graph_shows_every_node_with_value_and_gradient():
    tape, inputs, cotangents = record(POINT)
    fig = plots.computation_graph(
        tape.nodes,
        cotangents,
        {v.index: n for v, n in zip(inputs, NEURON_INPUTS, strict=True)},
    )
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "a\n= 1" in texts and "1 ÷ ·\n= 0.8808" in texts
    assert (
        "grad −0.105" in texts and "grad 0.315" in texts and "grad 1" in texts
    )
    assert sum(t.startswith("grad") for t in texts) == len(tape.nodes)


def test_computation_graph_greys_out_nodes_that_do_not_reach_the_output():
    tape, _, cotangents = record(
        [1, 2, -3, -5, 3]
    )  # z < 0: the other branch of sigmoid
    assert any(g is None for g in cotangents)
    fig = plots.computation_graph(tape.nodes, cotangents, {})
    greys = [t for t in fig.axes[0].texts if t.get_color() == "0.6"]
    assert [t.get_text().split("\n")[0] for t in greys] == ["neg"]


def test_every_operation_with_a_constant_has_a_label():
    tape = Tape()
    v = tape.var(2.0)
    for y in (v + 1, 1 - v, v - 1, v * 2, v / 2, 2 / v, v**2, 2**v, -v):
        assert y.value is not None
    ops = {node.op for node in tape.nodes if node.constant is not None}
    assert ops <= set(OP_LABELS)
    assert {"c-", "c/", "c**"} <= ops  # the reflected ones, constant first


def test_op_labels_read_like_math():
    assert plots.op_label("+", 1.0) == "+ 1"
    assert plots.op_label("c/", 1.0) == "1 ÷ ·"
    assert plots.op_label("exp", None) == "exp"


def test_cost_scaling_is_log_log():
    fig = plots.cost_scaling(
        [1, 10, 100],
        {"forward": [1e-5, 1e-3, 1e-1], "reverse": [1e-5, 1e-4, 1e-3]},
        "cost",
    )
    (ax,) = fig.axes
    assert (ax.get_xscale(), ax.get_yscale()) == ("log", "log")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "forward",
        "reverse",
    ]


def test_builders_return_figures_without_touching_pyplot(histories):
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    assert isinstance(plots.search_progress(histories), Figure)
    assert plt.get_fignums() == before


def test_learning_curves_one_labelled_line_each():
    curves = {
        "descent": ([1, 2, 3], [1.0, 0.5, 0.2]),
        "search": ([1, 2, 3], [1.0, 0.9, 0.9]),
    }
    fig = plots.learning_curves(curves, xlabel="loss evaluations", log=True)
    (ax,) = fig.axes
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_yscale()) == (
        "loss evaluations",
        "loss",
        "log",
    )
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "descent",
        "search",
    ]
    np.testing.assert_array_equal(
        ax.get_lines()[1].get_ydata(), [1.0, 0.9, 0.9]
    )


def test_digit_grid_marks_mistakes_in_red_with_the_truth():
    images = np.zeros((3, 64))
    fig = plots.digit_grid(
        images, np.array([1, 2, 3]), np.array([1, 7, 3]), columns=3
    )
    titles = [(ax.get_title(), ax.title.get_color()) for ax in fig.axes]
    assert titles == [("1", "black"), ("7 (is 2)", "C3"), ("3", "black")]


def test_confusion_matrix_writes_each_count():
    matrix = np.array([[5, 1], [0, 7]])
    fig = plots.confusion_matrix(matrix)
    ax = fig.axes[0]
    assert (ax.get_xlabel(), ax.get_ylabel()) == (
        "predicted digit",
        "true digit",
    )
    assert sorted(t.get_text() for t in ax.texts) == ["1", "5", "7"]


def test_ratio_bars_label_each_bar_and_mark_the_reference():
    fig = plots.ratio_bars(
        {"ours": 0.3, "theirs": 1.0},
        xlabel="ratio",
        title="t",
        highlight="ours",
        reference=1.0,
    )
    (ax,) = fig.axes
    assert [t.get_text() for t in ax.get_yticklabels()] == ["ours", "theirs"]
    assert [t.get_text() for t in ax.texts] == [
        "0.3",
        "1",
    ] and ax.get_xscale() == "log"
    assert [p.get_facecolor() for p in ax.patches] == [
        to_rgba("C3"),
        to_rgba("C0"),
    ]
    assert [tuple(line.get_xdata()) for line in ax.get_lines()] == [(1.0, 1.0)]


def test_ratio_bars_can_use_a_linear_axis():
    fig = plots.ratio_bars(
        {"goal": 0.5}, xlabel="fraction", title="t", log=False
    )
    assert fig.axes[0].get_xscale() == "linear"


def test_the_graph_reads_named_nodes_and_the_engines_labels():
    nodes = [
        Node("input", None, 1.0, ()),
        Node("c/", 2.0, 2.0, ((0, -2.0),)),
    ]
    fig = plots.computation_graph(nodes, [-2.0, 1.0], {0: "x"})
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "x\n= 1" in texts and "2 ÷ ·\n= 2" in texts and "×−2" in texts
    assert plots.op_label("c-", 3.0) == OP_LABELS["c-"].format(c="3")
    assert plots.op_label("*", 3.0) == OP_LABELS["*"] + " 3"


def test_gradient_map_draws_the_arrow_on_equal_axes(histories):
    fig = plots.gradient_map(
        multiply_gate,
        START,
        (3.0, -2.0),
        box=(-3.5, 1.5, 0.5, 4.5),
        levels=[-9, -6, -3],
        title="uphill",
    )
    (ax,) = fig.axes
    assert ax.get_title() == "uphill"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x", "y")
    assert ax.get_aspect() == 1.0
    (arrow,) = [t for t in ax.texts if hasattr(t, "xyann")]
    assert arrow.xy == (1.0, 1.0) and arrow.xyann == (-2.0, 3.0)
    labels = sorted(t.get_text() for t in ax.texts if t is not arrow)
    assert labels and set(labels) <= {"-9", "-6", "-3"}
    assert all(t.get_fontsize() >= 9 for t in ax.texts if t is not arrow)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["gradient (3, -2)", "start"]


def test_gradient_map_can_scale_the_arrow_and_draw_paths(histories):
    fig = plots.gradient_map(
        multiply_gate,
        START,
        (3.0, -2.0),
        box=(-2.5, 1.0, 1.8, 3.4),
        histories=histories,
        arrow_length=0.5,
    )
    (ax,) = fig.axes
    (arrow,) = [t for t in ax.texts if hasattr(t, "xyann")]
    tip = np.subtract(arrow.xy, arrow.xyann)
    assert abs(np.hypot(*tip) - 0.5) < 1e-12
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [*histories, "direction of the gradient (3, -2)", "start"]
    paths = [line for line in ax.get_lines() if line.get_label() in histories]
    np.testing.assert_array_equal(
        paths[1].get_ydata(), [3.0, *histories["ascent"].best_points[:, 1]]
    )


def test_digit_grid_titles_are_readable_and_show_each_image():
    images = np.arange(2 * 64, dtype=float).reshape(2, 64)
    fig = plots.digit_grid(
        images, np.array([4, 8]), np.array([4, 1]), columns=2, title="t"
    )
    assert [ax.title.get_fontsize() for ax in fig.axes] == [9, 9]
    drawn = [ax.get_images()[0].get_array() for ax in fig.axes]
    assert all(
        (d == image.reshape(8, 8)).all()
        for d, image in zip(drawn, images, strict=True)
    )
    assert fig.get_suptitle() == "t"


def test_chapter_4_and_appendix_figures_write_text_at_9_points_or_more():
    matrix = plots.confusion_matrix(np.array([[5, 1], [0, 7]]))
    assert all(t.get_fontsize() >= 9 for t in matrix.axes[0].texts)
    bars = plots.ratio_bars({"ours": 0.3, "theirs": 1.0}, "x", "t")
    assert [t.get_text() for t in bars.axes[0].texts] == ["0.3", "1"]
    assert all(t.get_fontsize() >= 9 for t in bars.axes[0].texts)


def _neuron_names(tape, inputs):
    return neuron_names(tape.nodes, [v.index for v in inputs])


def _texts(fig):
    return [t.get_text() for t in fig.axes[0].texts]


def test_every_edge_into_a_used_node_is_labelled_on_both_branches():
    for x in (-1.0, -5.0):  # z >= 0 and z < 0: exp feeds ÷ directly
        tape, inputs, cotangents = record([1, 2, -3, x, 3])
        names = _neuron_names(tape, inputs)
        fig = plots.computation_graph(tape.nodes, cotangents, names)
        edges = [
            local
            for i, node in enumerate(tape.nodes)
            if cotangents[i] is not None
            for _, local in node.inputs
        ]
        labels = [t for t in _texts(fig) if t[:1] == "×" and "\n" not in t]
        assert len(labels) == len(edges)
        assert labels == [_edge_text(local) for local in edges]
    assert "×0.881" in labels  # the exp -> ÷ edge of the z < 0 branch
    assert "eᶻ\n= 0.1353" in _texts(fig) and "\u03c3\n= 0.1192" in _texts(fig)


def test_the_neuron_graph_names_the_nodes_as_the_text_does():
    tape, inputs, cotangents = record(POINT)
    names = _neuron_names(tape, inputs)
    texts = _texts(plots.computation_graph(tape.nodes, cotangents, names))
    for text in ("\u03c3\n= 0.8808", "1 + e⁻ᶻ\n= 1.135", "e⁻ᶻ\n= 0.1353"):
        assert text in texts
    assert "z\n= 2" in texts and "−z\n= −2" in texts and "a\n= 1" in texts


def test_the_graph_never_prints_minus_zero():
    nodes = [
        Node("input", None, -0.0, ()),
        Node("*", None, -0.0, ((0, -0.0), (0, -0.0))),
    ]
    texts = _texts(plots.computation_graph(nodes, [-0.0, 1.0], {0: "x"}))
    assert "x\n= 0" in texts and "grad 0" in texts
    assert texts.count("×0") == 2  # both edges of x * x, apart
    assert not any("−0" in t or "-0" in t for t in texts)
    assert plots.op_label("+", -0.0) == "+ 0"


def test_a_value_used_twice_gets_two_separate_arrows():
    nodes = [
        Node("input", None, 3.0, ()),
        Node("*", None, 9.0, ((0, 3.0), (0, 3.0))),
    ]
    fig = plots.computation_graph(nodes, [6.0, 1.0], {0: "x"})
    curves = [p for p in fig.axes[0].patches if p.get_path() is not None]
    middles = sorted(
        round(float(p.get_path().vertices[1][1]), 3) for p in curves
    )
    assert len(middles) == 2 and middles[0] < 0 < middles[1]


def test_gradient_per_call_draws_one_bar_per_call_and_engine():
    fig = plots.gradient_per_call(
        {"grad_bp": [6, 6, 6], "micrograd": [6, 12, 18]}, title="calls"
    )
    (ax,) = fig.axes
    heights = [p.get_height() for p in ax.patches]
    assert heights == [6, 6, 6, 6, 12, 18]
    assert [t.get_text() for t in ax.texts] == ["6"] * 4 + ["12", "18"]
    assert ax.get_title() == "calls" and ax.get_xlabel() == "call number"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "grad_bp",
        "micrograd",
    ]


def test_jacobian_passes_writes_every_entry_and_outlines_a_column_and_row():
    jacobian = np.array([[3.0, 2.0], [1.0, 1.0], [4.0, -0.0]])
    fig = plots.jacobian_passes(jacobian, 0, 1, ["x", "y"], ["p", "q", "r"])
    (ax,) = fig.axes
    assert _texts(fig) == ["3", "2", "1", "1", "4", "0"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["d/dx", "d/dy"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["p", "q", "r"]
    column, row = ax.patches
    assert column.get_height() > row.get_height()
    assert column.get_width() < row.get_width()
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "JVP" in labels[0] and "VJP" in labels[1]


def test_cost_scaling_can_fit_the_least_squares_line_and_its_slope():
    ns = [1, 10, 100]
    fig = plots.cost_scaling(
        ns, {"quadratic": [1.0, 100.0, 10000.0]}, "t", fit=True
    )
    (ax,) = fig.axes
    points, line = ax.get_lines()
    assert list(points.get_ydata()) == [1.0, 100.0, 10000.0]
    assert np.allclose(line.get_ydata(), [1.0, 100.0, 10000.0])
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["quadratic", "fitted line, slope 2.0"]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"


def test_every_static_figure_is_registered_and_has_an_example():
    # every module of gradbook imported: each registers its static figures
    for module in pkgutil.walk_packages(gradbook.__path__, "gradbook."):
        importlib.import_module(module.name)
    # tests/figure_examples.py draws each one in Russian too
    assert set(plots.FIGURES) == set(EXAMPLES)
    for name, example in EXAMPLES.items():
        drawn = example()
        for figure in drawn if isinstance(drawn, list) else [drawn]:
            assert isinstance(figure, Figure), name


XS, YS = np.linspace(0.0, 1.0, 5), np.zeros(5)
BOX = (-1, 1, -1, 1)
# (call, error, a word its message holds); every message starts with the
# figure's name.
BAD = [
    (lambda: plots.computation_graph(None, [], {}), TypeError, "None"),
    (lambda: plots.confusion_matrix("abc"), TypeError, "str"),
    (
        lambda: plots.cost_scaling([1, True], {"a": [1.0, 2.0]}, "t"),
        TypeError,
        "bool",
    ),
    (
        lambda: plots.cost_scaling([1, 2], {"a": [1.0]}, "t", fit=True),
        ValueError,
        "shape",
    ),
    (lambda: plots.digit_grid("abc", [1], [1]), TypeError, "str"),
    (lambda: plots.gradient_per_call({"a": ["x"]}), TypeError, "str"),
    (
        lambda: plots.jacobian_passes(
            np.ones((2, 3)), 3, 0, ["a", "b", "c"], ["f", "g"]
        ),
        ValueError,
        "column",
    ),
    (
        lambda: plots.jacobian_passes(np.ones(3), 0, 0, ["a"], ["f"]),
        ValueError,
        "2-D",
    ),
    (
        lambda: plots.gradient_map(5, (0, 0), (1, 1), BOX),
        TypeError,
        "function",
    ),
    (
        lambda: plots.gradient_map(multiply_gate, (0, 0), (1, 1, 1), BOX),
        ValueError,
        "gradient",
    ),
    (lambda: plots.learning_curves(None, "x"), TypeError, "None"),
    (lambda: plots.op_label(None, 1.0), TypeError, "None"),
    (lambda: plots.ratio_bars({"a": True}, "x", "t"), TypeError, "bool"),
    (lambda: plots.search_progress("abc"), TypeError, "str"),
    (
        lambda: plots.tangent_line(XS, YS, True, 0.5, 1.0, "x"),
        TypeError,
        "bool",
    ),
]


@pytest.mark.parametrize(("call", "error", "word"), BAD)
def test_a_figure_refuses_bad_input_in_its_own_words(call, error, word):
    with pytest.raises(error) as caught:
        call()
    message = str(caught.value)
    assert message.split(":")[0] in plots.__all__, message
    assert word in message, message


def _small_tape(**options):
    return plots.array_tape(
        [("Z", "@", ("X", "W")), ("L", "sum", ("Z",))],
        {"X": (4, 2), "W": (2, 3), "Z": (4, 3), "L": ()},
        **options,
    )


def test_array_tape_writes_each_edges_shape_and_each_rule_in_red():
    fig = _small_tape(parameters=["W"], rules={"Z": "G Wᵀ, Xᵀ G"})
    texts = {t.get_text(): t for t in fig.axes[0].texts}
    # one shape per edge: X and W into @, Z into sum
    assert {"4×2", "2×3", "4×3"} <= set(texts)
    assert {"X", "W", "@", "sum"} <= set(texts)
    assert to_rgba(texts["G Wᵀ, Xᵀ G"].get_color()) == to_rgba("C3")
    face = texts["W"].get_bbox_patch().get_facecolor()
    assert face != texts["X"].get_bbox_patch().get_facecolor()


@pytest.mark.parametrize(
    ("ops", "shapes", "error", "message"),
    [
        ([], {"X": ()}, TypeError, "ops must be a non-empty list"),
        ([("Z", "@")], {"Z": ()}, TypeError, "each op must be"),
        ([("Z", "@", ("X",))], {"Z": ()}, ValueError, "no shape for 'X'"),
        ([("Z", 5, ("X",))], {"Z": (), "X": ()}, TypeError, "operation"),
    ],
)
def test_array_tape_rejects_bad_ops_naming_the_argument(
    ops, shapes, error, message
):
    with pytest.raises(error, match=f"array_tape: .*{message}"):
        plots.array_tape(ops, shapes)
