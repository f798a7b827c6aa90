"""Chapter 4's workshop: the engine a reader builds, and the check of each
step.

:class:`Value` is the finished engine, about 40 lines of reverse mode, as
the chapter's solutions write it: a value records the values it was
computed from (its parents) and the local derivative of itself with
respect to each.  ``backward`` sets every ``.grad`` of the graph to zero,
then visits every node once, newest first, and adds ``local * grad`` to
each parent: the chain rule, with the uses of a value added up.  A node
is always made after its parents, so newest first is a reverse
topological order, found without recursion however long the chain.

The reader writes the class in four steps, one exercise each; the check
functions (:func:`check_add`, :func:`check_mul`,
:func:`check_exp_sigmoid`, :func:`check_backward`) take the reader's
class and print one verdict.  A check says "Not done yet" on the unfilled
stub, says what is wrong in words otherwise, and never prints an
expected number.
"""

import itertools
import math
import textwrap

from gradbook import numerical
from gradbook.engine_check import check_engine
from gradbook.engine_check.report import WIDTH

__all__ = [
    "Value",
    "check_add",
    "check_backward",
    "check_exp_sigmoid",
    "check_mul",
]


class Value:
    """A number that remembers how it was computed."""

    made = itertools.count()  # 0, 1, 2, ...: one number per Value

    def __init__(self, data, parents=(), local_grads=()):
        self.data = data
        self.grad = 0.0
        self.parents = parents  # the Values it was computed from
        self.local_grads = local_grads  # d(self)/d(parent) for each
        self.order = next(Value.made)  # always after its parents

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        slopes = (1.0, 1.0)  # d(x+y)/dx = d(x+y)/dy = 1
        return Value(self.data + other.data, (self, other), slopes)

    __radd__ = __add__  # 2 + x is x + 2

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        slopes = (other.data, self.data)
        return Value(self.data * other.data, (self, other), slopes)

    __rmul__ = __mul__  # 2 * x is x * 2

    def exp(self):
        e = math.exp(self.data)
        return Value(e, (self,), (e,))

    def sigmoid(self):
        e = math.exp(-abs(self.data))  # never overflows
        s = 1 / (1 + e) if self.data >= 0 else e / (1 + e)
        return Value(s, (self,), (s * (1 - s),))

    def backward(self):
        graph, stack = set(), [self]
        while stack:  # every Value that leads to self, once
            v = stack.pop()
            if v not in graph:
                graph.add(v)
                stack.extend(v.parents)
        newest_first = sorted(graph, key=lambda v: -v.order)
        for v in newest_first:
            v.grad = 0.0  # each backward pass starts afresh
        self.grad = 1.0
        for v in newest_first:
            edges = zip(v.parents, v.local_grads, strict=True)
            for parent, local in edges:
                parent.grad += local * v.grad


# The checks of the chapter's four exercises.  Each runs the reader's class
# on a few cases, in order, and prints the first problem, in words.


class _ProblemError(Exception):
    """What is wrong with the reader's class, as a hint to print."""


class _EarlierError(Exception):
    """An earlier exercise is not done yet."""


def _verdict(run, todo, done):
    """Run the checks in ``run``; print "Not done yet" (``todo``) if the
    reader's code still raises NotImplementedError, the first problem
    found, or ``done``; in lines that fit the code column."""
    try:
        run()
    except NotImplementedError:
        message = f"Not done yet: {todo}, then run this cell again."
    except _EarlierError as earlier:
        message = f"Not done yet: {earlier}, then run this cell again."
    except _ProblemError as problem:
        message = f"Not yet right: {problem}"
    except Exception as error:  # the reader's code failed: say how
        message = f"Not yet right: your code raised {_raised(error)}"
    else:
        message = done
    print(textwrap.fill(message, WIDTH, break_on_hyphens=False))


def _raised(error):
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


_STEPS = (
    ("4.1", "the class Value", lambda V: V(1.0) + 1.0),
    ("4.2", "mul", lambda V: V(1.0) * 2.0),
    ("4.3", "exp and sigmoid", lambda V: (V(1.0).exp(), V(1.0).sigmoid())),
)


def _earlier_steps(Value, step):
    """Stop with "Not done yet" if an exercise before ``step`` is not done:
    its check comes first."""
    for number, what, probe in _STEPS[: step - 1]:
        try:
            probe(Value)
        except NotImplementedError:
            raise _EarlierError(
                f"Exercise {number} comes first: fill in {what}"
            ) from None


def _require(ok, hint):
    if not ok:
        raise _ProblemError(hint)


def _close(got, want):
    """Whether the reader's number agrees with the referee's."""
    return isinstance(got, (int, float)) and math.isclose(
        got, want, rel_tol=1e-6, abs_tol=1e-9
    )


def _local_grads_agree(Value, make, points):
    """Whether every local derivative of ``make(*operands)`` agrees with
    finite differences of its value, at each point."""
    for point in points:
        out = make(*(Value(p) for p in point))
        if len(out.local_grads) != len(out.parents):
            return False
        for i, local in enumerate(out.local_grads):

            def value(t, i=i, point=point):
                moved = [t if j == i else p for j, p in enumerate(point)]
                return make(*(Value(p) for p in moved)).data

            slope = numerical.central_difference(value, point[i])
            if not _close(local, slope):
                return False
    return True


def _binary(Value, name, op, combine):
    """The checks shared by ``+`` and ``*``: the result's data, its
    parents, its local derivatives, and numbers on either side."""
    x, y = Value(1.5), Value(-0.5)
    out = op(x, y)
    _require(
        isinstance(out, Value),
        f"x {name} y should return a new Value.",
    )
    _require(
        isinstance(out.data, (int, float))
        and math.isclose(out.data, combine(1.5, -0.5)),
        f"(x {name} y).data should be x.data {name} y.data.",
    )
    _require(
        len(out.parents) == 2 and out.parents[0] is x and out.parents[1] is y,
        f"the parents of x {name} y should be (x, y), in that order.",
    )
    points = [(1.5, -0.5), (-2.0, 3.0), (0.25, 4.0)]
    _require(
        _local_grads_agree(Value, op, points),
        f"the local derivatives of x {name} y do not agree with finite "
        "differences: give one per parent, in the parents' order.",
    )
    for text, make in (
        (f"x {name} 2", lambda: op(x, 2.0)),
        (f"2 {name} x", lambda: op(2.0, x)),
    ):
        try:
            out = make()
        except TypeError:
            raise _ProblemError(
                f"{text} raised TypeError: wrap a plain number in a Value "
                f"(and keep the line with __r{'add' if name == '+' else 'mul'}"
                "__)."
            ) from None
        _require(
            isinstance(out, Value)
            and isinstance(out.data, (int, float))
            and math.isclose(out.data, combine(1.5, 2.0)),
            f"{text} should give a Value with the right data.",
        )


def check_add(Value):
    """Exercise 4.1: ``Value(x)`` keeps its number, a ``.grad`` of 0 and its
    place in order; ``x + y`` records its parents and local derivatives."""

    def run():
        x = Value(2.0)
        _require(x.data == 2.0, "Value(2.0).data should be 2.0.")
        _require(
            x.grad == 0 and tuple(x.parents) == () and not x.local_grads,
            "a new Value should have grad 0.0, and no parents or local "
            "derivatives.",
        )
        y = Value(1.0)
        _require(
            isinstance(getattr(y, "order", None), int) and y.order > x.order,
            "each new Value should take the next number of Value.made as "
            "its order.",
        )
        _binary(Value, "+", lambda a, b: a + b, lambda a, b: a + b)
        s = Value(1.0) + Value(2.0)
        _require(
            all(s.order > p.order for p in s.parents),
            "x + y must be made after its parents: its order is larger.",
        )

    _verdict(
        run,
        "fill in the class Value above",
        "Well done: Value keeps its number and its parents, and x + y "
        "records the right local derivatives.",
    )


def check_mul(Value):
    """Exercise 4.2: ``x * y``, with numbers on either side."""

    def run():
        _earlier_steps(Value, 2)
        _binary(Value, "*", lambda a, b: a * b, lambda a, b: a * b)

    _verdict(
        run,
        "fill in mul above",
        "Well done: x * y records the right local derivatives.",
    )


def check_exp_sigmoid(Value):
    """Exercise 4.3: ``exp`` and ``sigmoid``, their values and local
    derivatives, and a sigmoid that does not overflow at -1000."""

    def run():
        _earlier_steps(Value, 3)
        points = [(-2.0,), (-0.3,), (0.0,), (0.7,), (2.5,)]
        for name, reference in (
            ("exp", math.exp),
            ("sigmoid", lambda t: 0.5 * (1 + math.tanh(t / 2))),
        ):
            v = Value(0.7)
            out = getattr(v, name)()
            _require(
                isinstance(out, Value), f"{name}() should return a Value."
            )
            _require(
                all(
                    _close(getattr(Value(t), name)().data, reference(t))
                    for (t,) in points
                ),
                f"the value of {name}() is wrong.",
            )
            _require(
                len(out.parents) == 1 and out.parents[0] is v,
                f"{name}() should have one parent: the Value it is called on.",
            )

            def make(v, name=name):
                return getattr(v, name)()

            _require(
                _local_grads_agree(Value, make, points),
                f"the local derivative of {name}() does not agree with "
                "finite differences.",
            )
        for t, want in ((-1000.0, 0.0), (1000.0, 1.0)):
            try:
                s = Value(t).sigmoid().data
            except OverflowError:
                raise _ProblemError(
                    f"sigmoid() at {t:g} raised OverflowError: compute it "
                    "from exp of a number that is never positive."
                ) from None
            _require(_close(s, want), f"sigmoid() at {t:g} is wrong.")

    _verdict(
        run,
        "fill in exp and sigmoid above",
        "Well done: exp and sigmoid have the right values and local "
        "derivatives, and sigmoid does not overflow.",
    )


def check_backward(Value):
    """Exercise 4.4: the backward pass, checked by
    :func:`gradbook.engine_check.check_engine`."""

    def run():
        _earlier_steps(Value, 4)
        x = Value(3.0)
        (x * x).backward()  # raises NotImplementedError on the stub
        report = check_engine(Value)
        if not report.ok:
            failed = list(dict.fromkeys(f.property for f in report.failures))
            raise _ProblemError(
                f"check_engine finds {len(failed)} failing "
                f"propert{'y' if len(failed) == 1 else 'ies'}: "
                f"{', '.join(failed)}. Print its report, "
                "print(check_engine(Value)), to see where."
            )

    _verdict(
        run,
        "fill in backward above",
        "Well done: check_engine finds nothing wrong with your engine.",
    )
