"""engine_check: what it reports on real engines, on the bug hunts and their
fixes, on engines that misbehave, and that no report gives an answer away.
"""

import contextlib
import importlib.util
import inspect
import io
import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from IPython.lib.pretty import pretty
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.text import Text

from gradbook import article, numerical, workshop
from gradbook import functions as fn
from gradbook.backprop import Tape, grad_bp
from gradbook.bug_hunts import (
    HUNTS,
    check_repair,
    copy_of,
    hunt2,
    hunt3,
    hunt5,
)
from gradbook.bug_hunts.fixes import FIXES
from gradbook.engine_check import PROPERTIES, check_engine
from gradbook.engine_check import checker as engine_checker
from gradbook.engine_check import figure as engine_check_figure
from gradbook.engine_check import locate as engine_check_locate
from gradbook.engine_check.engines import (
    ClassEngine,
    GradEngine,
    MissingError,
)
from gradbook.engine_check.program import Builder
from gradbook.engine_check.referee import reference_gradients

GRADBOOK_FUNCTIONS = {"sigmoid": fn.sigmoid, "relu": fn.relu}


def pristine_micrograd():
    """micrograd 0.1.0's Value as released: a fresh copy of its module
    (benchmarks/peers.py adds an ``exp`` to the one everyone imports)."""
    spec = importlib.util.find_spec("micrograd.engine")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Value


MicrogradValue = pristine_micrograd()


def engine_from(replacements, source=None):
    """A new engine: the workshop's source (or ``source``), with each
    ``old: new`` of ``replacements`` made exactly once."""
    source = inspect.getsource(workshop) if source is None else source
    for old, new in replacements.items():
        assert source.count(old) == 1, old
        source = source.replace(old, new)
    namespace = {"__name__": "planted"}
    exec(compile(source, "<planted>", "exec"), namespace)
    return namespace["Value"]


TANH = """
    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, (self,), (1 - t * t,))

    def backward(self):"""

# The workshop's engine with one wrong local derivative: mul's with respect
# to its left operand (it should be the right operand's value).
BAD_MUL = engine_from(
    {"slopes = (other.data, self.data)": "slopes = (self.data, self.data)"}
)


def failed(report):
    return {(f.property, f.operation) for f in report.failures}


def statuses(report):
    return {prop: report.status(prop) for prop in PROPERTIES}


# micrograd 0.1.0, as it is


@pytest.fixture(scope="module")
def micrograd_report():
    return check_engine(MicrogradValue)


def test_micrograd_fails_backward_twice_and_the_deep_chain(micrograd_report):
    report = micrograd_report
    assert not report.ok
    assert failed(report) == {("backward twice", None), ("deep chain", None)}
    (chain,) = [f for f in report.failures if f.property == "deep chain"]
    assert "RecursionError" in chain.message
    (twice,) = [f for f in report.failures if f.property == "backward twice"]
    assert "neither" in twice.message


def test_micrograd_passes_what_it_has(micrograd_report):
    assert statuses(micrograd_report) == {
        "shape": "passed",
        "values": "passed",
        "derivatives": "passed",
        "article": "not run",
        "reuse": "passed",
        "non-leaf reuse": "passed",
        "diamond": "passed",
        "backward twice": "failed",
        "second graph": "passed",
        "deep chain": "failed",
        "extremes": "passed",
        "broadcasting": "not run",
    }
    right = {
        f.operation
        for f in micrograd_report.passed
        if f.property == "derivatives"
    }
    assert right == {
        "add",
        "radd",
        "sub",
        "rsub",
        "mul",
        "rmul",
        "truediv",
        "rtruediv",
        "pow",
        "neg",
        "relu",
    }
    # a second graph over the same arguments adds to their gradients
    assert micrograd_report.behaviour == "accumulates"


def test_micrograd_lacks_operations_that_are_not_run(micrograd_report):
    skipped = {
        f.operation: f.message
        for f in micrograd_report.not_run
        if f.property == "derivatives"
    }
    assert set(skipped) == {"exp", "tanh", "sigmoid", "log", "rpow", "pow"}
    assert skipped["exp"] == "the engine has no exp()"
    assert skipped["rpow"] == "the engine has no __rpow__"
    # micrograd asserts that an exponent is a number: x ** y is refused
    assert "AssertionError" in skipped["pow"]
    assert "x ** y" in skipped["pow"]
    (article_,) = [
        f for f in micrograd_report.findings if f.property == "article"
    ]
    assert article_.status == "not run"
    assert "the neuron needs sigmoid(), tanh(), or exp()" in article_.message


# Engines that pass


def test_the_workshop_engine_passes_everything():
    report = check_engine(workshop.Value)
    assert report.ok, str(report)
    assert report.behaviour == "resets"
    (neuron,) = [f for f in report.passed if f.property == "article"]
    # sigmoid's local derivative s * (1 - s) is one digit off the article
    assert "within a relative 1e-9, not to the last digit" in neuron.message


def test_gradbook_passes_through_the_grad_adapter():
    report = check_engine(grad_bp, GRADBOOK_FUNCTIONS)
    assert report.ok, str(report)
    assert {f.property for f in report.not_run} == set()
    (neuron,) = [f for f in report.passed if f.property == "article"]
    assert "to the last digit" in neuron.message
    assert report.status("broadcasting") == "passed"


def test_a_tape_fits_in_a_three_line_adapter():
    def tape_grad(f, xs):
        tape = Tape()
        leaves = [tape.var(x) for x in xs]
        cotangents = tape.backward(f(leaves))
        return [cotangents[leaf.index] for leaf in leaves]

    # not relu: gradbook's relu(x) is the constant 0.0 where x < 0, and a
    # bare tape cannot start a backward pass from a constant (the check
    # says so: "output belongs to another tape")
    report = check_engine(tape_grad, {"sigmoid": fn.sigmoid})
    assert report.ok, str(report)


def test_a_wrong_local_derivative_is_named_with_its_operand():
    report = check_engine(BAD_MUL)
    by_property = {f.property: f for f in report.failures}
    mul, rmul = [f for f in report.failures if f.property == "derivatives"]
    assert (mul.operation, rmul.operation) == ("mul", "rmul")
    assert "mul (x * y): the derivative with respect to the left operand" in (
        mul.message
    )
    # __rmul__ = __mul__: c * x is x * c, whose left operand is x
    assert (
        "rmul (c * x): the derivative with respect to the right operand"
        in (rmul.message)
    )
    # the article's neuron: the first wrong node is b, the left operand of
    # b * y (backward meets b before a)
    neuron = by_property["article"]
    assert neuron.operation == "mul"
    assert neuron.located.kind == "local"
    assert neuron.located.program.label(neuron.located.node) == "b"
    assert "d/da and d/db are wrong" in neuron.message
    assert "mul: the derivative with respect to the left operand is wrong" in (
        neuron.message
    )


def test_a_function_engine_is_located_through_probes():
    def bad_grad(f, xs):  # BAD_MUL behind a function: no node's gradient
        leaves = [BAD_MUL(x) for x in xs]
        f(leaves).backward()
        return [leaf.grad for leaf in leaves]

    report = check_engine(bad_grad, {"sigmoid": lambda v: v.sigmoid()})
    (neuron,) = [f for f in report.failures if f.property == "article"]
    assert neuron.operation == "mul"
    assert neuron.located.kind == "local"
    assert neuron.located.program.label(neuron.located.node) == "b"


# `=` for `+=` is a reuse bug, not something kept from one graph to the
# next: the report must not blame the second graph.
MICROGRAD_SOURCE = inspect.getsource(
    importlib.import_module("micrograd.engine")
)
REUSE_BUGS = {
    "workshop backward": engine_from(
        {"parent.grad += local * v.grad": "parent.grad = local * v.grad"}
    ),
    "micrograd add": engine_from(
        {
            "self.grad += out.grad\n            other.grad += out.grad": (
                "self.grad = out.grad\n            other.grad = out.grad"
            )
        },
        MICROGRAD_SOURCE,
    ),
}


def as_function(cls):
    """The class engine ``cls`` behind a function ``grad(f, xs)``."""

    def grad(f, xs):
        leaves = [cls(x) for x in xs]
        f(leaves).backward()
        return [leaf.grad for leaf in leaves]

    return grad


@pytest.mark.parametrize("form", ["class", "function"])
@pytest.mark.parametrize("bug", REUSE_BUGS)
def test_a_reuse_bug_is_not_blamed_on_the_second_graph(bug, form):
    engine = REUSE_BUGS[bug]
    engine = engine if form == "class" else as_function(engine)
    report = check_engine(engine)
    assert report.status("reuse") == "failed"
    assert report.status("second graph") != "failed"
    assert "kept from one" not in str(report)


def test_a_graph_wrong_every_time_is_not_blamed_on_the_second_graph():
    # a wrong local derivative, with the check that would have stopped it
    # (derivatives) left out
    for engine in (
        ClassEngine(BAD_MUL, {}, 5.0),
        GradEngine(as_function(BAD_MUL), {}, 5.0),
    ):
        checker = engine_checker._Checker(engine)
        checker.good = {"x * y", "x + y"}
        checker.second_graph()
        (second,) = checker.findings
        assert second.status == "not run"
        assert "the same wrong gradient every time" in second.message


def test_something_kept_between_graphs_is_still_found():
    # each backward() starts from 1 plus the value of the output before:
    # wrong from the second graph on.  (Every check would find it; the
    # second graph's check is run alone here, as if the others passed.)
    kept = engine_from(
        {
            "        self.grad = 1.0\n": (
                "        self.grad = 1.0 + Value.last\n"
                "        Value.last = self.data\n"
            ),
            "    made = itertools.count()": (
                "    last = 0.0\n    made = itertools.count()"
            ),
        }
    )
    checker = engine_checker._Checker(ClassEngine(kept, {}, 5.0))
    checker.good = {"x * y", "x + y"}
    checker.second_graph()
    (second,) = checker.findings
    assert second.status == "failed"
    assert "something is kept from one graph to the next" in second.message


# A backward pass that visits the oldest node first.  Every local
# derivative is right, and x + x and x * x pass (one operation passes both
# of its uses on at once), but exp(x) + x and the diamond fail: the report
# must blame the order of the visits, not the collecting of uses.
OLDEST_FIRST = engine_from({"key=lambda v: -v.order": "key=lambda v: v.order"})


def failures_by_property(engine):
    return {f.property: f for f in check_engine(engine).failures}


def test_a_wrong_order_is_blamed_on_the_order():
    checker = engine_checker._Checker(ClassEngine(OLDEST_FIRST, {}, 5.0))
    for op in ("+", "*"):  # a value used twice by one operation passes
        b = Builder(x=0.6)
        b.op(op, b.arguments[0], b.arguments[0])
        assert checker.judge("reuse", b.program())
    failures = failures_by_property(OLDEST_FIRST)
    reuse, diamond = failures["reuse"], failures["diamond"]
    assert (reuse.operation, diamond.operation) == (None, None)
    assert reuse.located.kind == diamond.located.kind == "order"
    assert reuse.message == (
        "exp(x) + x: d/dx is wrong. Going from the output back to the "
        "arguments, the first wrong cotangent is that of x. It is used "
        "twice, by exp (exp(x)) and add (exp(x) + x); each local derivative "
        "is right on its own. With exp (exp(x)) as its only use, x still "
        "gets a wrong cotangent, although the cotangent of the exp node "
        "(exp(x)) is right: so backward() passed the cotangent of the exp "
        "node (exp(x)) on before it was complete, or more than once."
    )
    assert diamond.message == (
        "t = x * y; u = t + z; v = t * w; u * v: d/dx, d/dy, d/dz and d/dw "
        "are wrong. Going from the output back to the arguments, the first "
        "wrong cotangent is that of t. It is used twice, by add (t + z) and "
        "mul (t * w); each local derivative is right on its own. With add "
        "(t + z) as its only use, t still gets a wrong cotangent, although "
        "the cotangent of u is right: so backward() passed the cotangent of "
        "u on before it was complete, or more than once."
    )
    assert "does not collect every use" not in str(check_engine(OLDEST_FIRST))


def test_a_wrong_order_behind_a_function_is_blamed_on_the_order():
    # the probes that read an inner node's cotangent go through the same
    # wrong order, so the node found may differ; the cause may not
    report = check_engine(as_function(OLDEST_FIRST))
    located = [f.located for f in report.failures if f.located is not None]
    assert located and {where.kind for where in located} == {"order"}
    assert "does not collect every use" not in str(report)


def test_a_lost_use_is_still_blamed_on_collecting():
    # exp alone stores with = instead of += (the lecture's slip): the same
    # program fails, and there the uses are not collected
    source = inspect.getsource(hunt5)
    for fix in FIXES:
        if fix.hunt is hunt5:  # a right backward(), then exp's `=`
            source = source.replace(fix.before, fix.after)
    exp_stores = engine_from(
        {
            "self.grad += out.data * out.grad": (
                "self.grad = out.data * out.grad"
            )
        },
        source,
    )
    reuse = failures_by_property(exp_stores)["reuse"]
    assert reuse.operation == "exp"
    assert reuse.located.kind == "uses"
    assert reuse.message == (
        "exp(x) + x: d/dx is wrong. Going from the output back to the "
        "arguments, the first wrong cotangent is that of x. It is used "
        "twice, by exp (exp(x)) and add (exp(x) + x); each local derivative "
        "is right on its own, so the cotangent of x does not collect every "
        "use."
    )


def test_where_one_use_alone_cannot_run_both_causes_are_named():
    b = Builder(x=0.6)
    x = b.arguments[0]
    b.op("+", b.op("exp", x), x)
    program = b.program()
    engine = ClassEngine(OLDEST_FIRST, {}, 5.0)

    def run(p):  # the engine, refusing the programs with one use alone
        if "copy" in p.names:
            raise MissingError("the engine has no copy")
        return engine.run(p)

    located = engine_check_locate.locate(program, run(program), run, True)
    assert located.kind == "uses or order"
    assert engine_check_locate.explain(located).endswith(
        "so the cotangent of x does not collect every use, or one of its "
        "users passed its own cotangent on before it was complete, or more "
        "than once."
    )


# No report gives the answer away


def recorded_answers(monkeypatch):
    """Every derivative the referee computes from now on (and every central
    difference: the deep chain's reference, the workshop's checks'), and
    the article's, collected as the checks run."""
    answers = list(article.GRADIENT)

    def recording(real):
        def record(*args, **kwargs):
            out = real(*args, **kwargs)
            for part in out if isinstance(out, list) else [out]:
                answers.extend(np.ravel(part).tolist())
            return out

        return record

    for module in (engine_checker, engine_check_locate):
        for name in ("reference_gradients", "node_cotangent"):
            real = getattr(module, name, None)
            if real is not None:
                monkeypatch.setattr(module, name, recording(real))
    central = numerical.central_difference
    monkeypatch.setattr(numerical, "central_difference", recording(central))
    return answers


def spellings(value):
    """How a report could print ``value``, where that is more than a whole
    number (which a count could also print)."""
    formats = ("r", ".10g", ".6g", ".4g", ".3g")
    written = {repr(value), *(format(value, f) for f in formats[1:])}
    return {w for w in written if not re.fullmatch(r"-?\d+", w)}


def told(answers, text):
    """The answers ``text`` gives away.  Integers (the 1 of x + y, the 2 of
    x * x at x = 1) cannot be told apart from counts; every other answer
    must not appear."""
    return [
        (v, spelling)
        for v in answers
        if math.isfinite(v) and abs(v - round(v)) > 1e-6
        for spelling in spellings(v)
        if re.search(rf"(?<![\d.]){re.escape(spelling)}(?!\d)", text)
    ]


def printed_by(call):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        call()
    return out.getvalue()


def wrong_repair(hunt):
    """A copy of the hunt's engine, "repaired" with a mul whose local
    derivatives are swapped: check_repair still fails it."""
    Copy = copy_of(hunt)

    def mul(self, other):
        other = other if isinstance(other, Copy) else Copy(other)
        out = Copy(self.data * other.data, (self, other))

        def _backward():
            self.grad += self.data * out.grad
            other.grad += other.data * out.grad

        out._backward = _backward
        return out

    Copy.__mul__ = mul
    return Copy


def _checked(check, old, new):
    return lambda: printed_by(lambda: check(engine_from({old: new})))


# Where each text comes from: check_engine on class engines and on function
# engines, the workshop's checks on an engine with a planted bug, and
# check_repair on a repair that is still wrong.
TEXTS = {
    **{
        f"class {e.__module__}": lambda e=e: str(check_engine(e))
        for e in (*(h.Value for h in HUNTS), BAD_MUL, MicrogradValue)
    },
    **{
        f"function {e.__module__}": lambda e=e: str(
            check_engine(as_function(e))
        )
        for e in (hunt2.Value, hunt5.Value, BAD_MUL)
    },
    "check_add": _checked(
        workshop.check_add, "slopes = (1.0, 1.0)", "slopes = (1.0, 0.5)"
    ),
    "check_mul": _checked(
        workshop.check_mul,
        "slopes = (other.data, self.data)",
        "slopes = (self.data, other.data)",
    ),
    "check_exp_sigmoid sigmoid": _checked(
        workshop.check_exp_sigmoid, "(s * (1 - s),)", "(s,)"
    ),
    "check_exp_sigmoid exp": _checked(
        workshop.check_exp_sigmoid, "(e,)", "(e * 1.5,)"
    ),
    "check_backward reuse": _checked(
        workshop.check_backward,
        "parent.grad += local * v.grad",
        "parent.grad = local * v.grad",
    ),
    "check_backward mul": _checked(
        workshop.check_backward,
        "slopes = (other.data, self.data)",
        "slopes = (self.data, self.data)",
    ),
    **{
        f"check_repair {h.__name__}": lambda h=h: printed_by(
            lambda: check_repair(h, wrong_repair(h))
        )
        for h in (hunt2, hunt3)
    },
}


@pytest.mark.parametrize("source", TEXTS)
def test_no_report_prints_an_expected_derivative(source, monkeypatch):
    answers = recorded_answers(monkeypatch)
    text = TEXTS[source]()
    assert "Well done" not in text and "every property passed" not in text
    assert told(answers, text) == []
    assert len(answers) > len(article.GRADIENT)  # the referee did run


# Engines that misbehave get failures, never a crash


def failure_messages(engine, **kwargs):
    report = check_engine(engine, **kwargs)
    assert not report.ok
    return [f"{f.property}: {f.message}" for f in report.failures]


def test_an_engine_that_cannot_make_a_number():
    class Refuses:
        def __init__(self, data):
            raise RuntimeError("no numbers today")

    report = check_engine(Refuses)
    assert failure_messages(Refuses) == [
        "shape: x + y: Refuses(x) raised RuntimeError: no numbers today"
    ]
    assert {f.property for f in report.not_run} == set(PROPERTIES) - {"shape"}


class NoGradients:
    """Adds, and keeps no gradient."""

    def __init__(self, data):
        self.data = data
        self.grad = None

    def __add__(self, other):
        return NoGradients(self.data + getattr(other, "data", other))

    def backward(self):
        pass


def test_an_engine_whose_gradients_are_none_or_text():
    assert failure_messages(NoGradients) == [
        "shape: x + y, then backward(): x.grad is None; y.grad is None"
    ]
    text = engine_from({"self.data = data\n": "self.data = str(data)\n"})
    (message,) = failure_messages(text)
    assert "x.data is a str: '0.5'" in message


def test_an_engine_whose_gradient_is_a_value():
    # a local derivative kept as a Value makes every gradient a Value
    value_grads = engine_from(
        {"slopes = (1.0, 1.0)": "slopes = (Value(1.0), Value(1.0))"}
    )
    (message,) = failure_messages(value_grads)
    assert "x.grad is a Value; y.grad is a Value" in message


def test_an_engine_that_returns_nan():
    nan_exp = engine_from({"e = math.exp(self.data)": "e = math.nan"})
    messages = failure_messages(nan_exp)
    assert "values: exp (exp(x)): the value is nan at 6 of 6 points" in (
        messages
    )


def test_an_engine_that_raises_in_one_operation():
    raising = engine_from(
        {"slopes = (other.data, self.data)": "slopes = 1 / 0"}
    )
    messages = failure_messages(raising)
    assert (
        "values: mul (x * y): raised ZeroDivisionError: division by zero "
        "at 6 of 6 points" in messages[0]
    )


@pytest.mark.parametrize("alarm", [True, False], ids=["signal", "profile"])
def test_an_engine_that_hangs_is_stopped(alarm, monkeypatch):
    if not alarm:  # as in Pyodide: the profile hook must stop it
        monkeypatch.setattr(
            "gradbook.engine_check.engines._can_alarm", lambda: False
        )
    loop = (
        "while True:\n            stack.append(self)\n            stack.pop()"
    )
    hangs = engine_from({"self.grad = 1.0\n": loop + "\n"})
    report = check_engine(hangs, time_limit=0.2)
    (failure,) = report.failures
    assert failure.property == "shape"
    assert "did not finish in time" in failure.message
    assert {f.message for f in report.not_run} == {
        "the engine hung in an earlier check"
    }


def test_a_function_that_is_not_a_grad():
    (message,) = failure_messages(len)
    assert message.startswith("shape: x + y: grad(f, xs) raised TypeError")


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "words"),
    [
        ((42,), {}, TypeError, "engine must be a class like micrograd's"),
        ((grad_bp, [fn.exp]), {}, TypeError, "functions must be a dict"),
        ((grad_bp, {"sqrt": fn.sqrt}), {}, ValueError, "a key of functions"),
        ((grad_bp, {"exp": 1.0}), {}, TypeError, "functions\\['exp'\\]"),
        ((grad_bp,), {"time_limit": 0}, ValueError, "time_limit"),
    ],
)
def test_bad_arguments(args, kwargs, error, words):
    with pytest.raises(error, match=f"check_engine: .*{words}"):
        check_engine(*args, **kwargs)


# The printed report


@pytest.mark.parametrize(
    "engine",
    [MicrogradValue, BAD_MUL, hunt2.Value],
    ids=lambda e: e.__module__,
)
def test_the_report_prints_in_short_lines(engine):
    report = check_engine(engine)
    text = str(report)
    assert text.startswith(f"check_engine({report.engine}): ")
    assert max(map(len, text.splitlines())) <= 70
    for prop, title in PROPERTIES.items():
        assert f"  {prop}: {title}" in text
    assert pretty(report) == text
    assert str(check_engine(engine)) == text  # the same every time


def test_report_status_refuses_an_unknown_property(micrograd_report):
    with pytest.raises(
        ValueError, match=r"Report\.status: prop must be one of"
    ):
        micrograd_report.status("speed")


# The figure


def test_the_figure_marks_the_first_wrong_node_and_translates_its_words(
    monkeypatch,
):
    monkeypatch.setattr(engine_check_figure, "tr", lambda text: f"«{text}»")
    neuron = next(f for f in check_engine(BAD_MUL).failures if f.located)
    fig = engine_check_figure.located_graph(neuron)
    assert isinstance(fig, Figure)
    program = neuron.located.program
    code = {
        engine_check_figure._label(program, i) for i in range(program.size)
    }
    texts = [t.get_text() for t in fig.findobj(Text)]
    words = [t for t in texts if t and t not in code]
    assert words and all(t.startswith("«") and t.endswith("»") for t in words)
    assert "«wrong local derivative»" in words
    # the node b is drawn in red, the others it reached in green
    boxes = {
        t.get_text(): t.get_bbox_patch().get_edgecolor()
        for t in fig.axes[0].texts
        if t.get_bbox_patch() is not None
    }
    assert boxes["b"] == to_rgba(engine_check_figure.WRONG)
    assert boxes["y"] == to_rgba(engine_check_figure.RIGHT)
    assert boxes["a"] == to_rgba(engine_check_figure.LATER)  # not examined


def test_the_figure_refuses_a_finding_without_a_node(micrograd_report):
    chain = [
        f for f in micrograd_report.failures if f.property == "deep chain"
    ]
    with pytest.raises(TypeError, match="located_graph: found must be"):
        engine_check_figure.located_graph(chain[0])


# Locating the fault, on generated programs

OPS = st.sampled_from(["+", "*", "tanh", "sigmoid"])


@st.composite
def programs(draw):
    b = Builder(
        x=draw(st.floats(-1, 1)),
        y=draw(st.floats(-1, 1)),
        z=draw(st.floats(-1, 1)),
    )
    nodes = list(b.arguments)
    for _ in range(draw(st.integers(1, 8))):
        op = draw(OPS)
        pick = st.sampled_from(nodes)
        operands = (draw(pick), draw(pick)) if op in "+*" else (draw(pick),)
        nodes.append(b.op(op, *operands))
    return b.program()


# Off by 0.5 everywhere: a bug that is small somewhere (1 - t for 1 - t * t,
# near t = 0) can pass each local check within the tolerance and still add
# up to a wrong gradient over several steps.
WRONG_TANH = engine_from(
    {"\n    def backward(self):": TANH.replace("1 - t * t", "1.5 - t * t")}
)
RIGHT_TANH = engine_from({"\n    def backward(self):": TANH})


@settings(max_examples=60, deadline=None)
@given(programs())
def test_the_first_wrong_node_is_an_operand_of_the_planted_bug(program):
    right = engine_checker._Checker(ClassEngine(RIGHT_TANH, {}, 5.0))
    assert right.judge("diamond", program)
    checker = engine_checker._Checker(ClassEngine(WRONG_TANH, {}, 5.0))
    if checker.judge("diamond", program):
        return
    (finding,) = checker.findings
    located = finding.located
    assert located.kind == "local"
    assert finding.operation == "tanh"
    k, side = located.use
    assert program.step(k).op == "tanh"
    assert program.step(k).operands[side].index == located.node


def test_the_referee_agrees_with_gradbook():
    b = Builder(x=0.3, y=-1.2)
    x, y = b.arguments
    t = b.op("*", x, y)
    b.op("+", b.op("tanh", t), b.op("sigmoid", b.op("*", t, x)))
    program = b.program()

    def f(v):
        t = v[0] * v[1]
        return fn.tanh(t) + fn.sigmoid(t * v[0])

    expected = grad_bp(f, [0.3, -1.2])
    assert reference_gradients(program) == pytest.approx(expected, rel=1e-8)


class UnreadableGradient(NoGradients):
    """A gradient behind a property that raises."""

    def __add__(self, other):
        return UnreadableGradient(self.data + getattr(other, "data", other))

    @property
    def grad(self):
        raise LookupError("no gradient here")

    @grad.setter
    def grad(self, value):
        pass


def test_an_engine_whose_gradient_cannot_be_read():
    (message,) = failure_messages(UnreadableGradient)
    assert "x.grad is unreadable: reading it raised LookupError" in message


def test_an_engine_that_returns_inf():
    inf_exp = engine_from({"e = math.exp(self.data)": "e = math.inf"})
    messages = "\n".join(failure_messages(inf_exp))
    assert "exp (exp(x)): the value is infinite at 6 of 6 points" in messages
    assert (
        "exp (exp(x)): the derivative with respect to its operand is inf"
        in (messages)
    )
