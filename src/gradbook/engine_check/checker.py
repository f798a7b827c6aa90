"""The checks of :func:`gradbook.engine_check.check_engine`, one method
per property, in the order they run (see the package's text)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np

from gradbook import article, checks, numerical
from gradbook.engine_check.engines import (
    ClassEngine,
    EngineError,
    GradEngine,
    MissingError,
    NotANumberError,
    TimedOut,
    Trace,
    as_number,
    attribute,
    bounded,
    raised,
)
from gradbook.engine_check.locate import culprit, explain, join, locate, side
from gradbook.engine_check.program import BINARY, Builder, Program
from gradbook.engine_check.referee import (
    compare,
    evaluate,
    reference_gradients,
)
from gradbook.engine_check.report import (
    FAILED,
    NOT_RUN,
    PASSED,
    PROPERTIES,
    Finding,
    Located,
    Report,
)

__all__ = [
    "CHAIN",
    "PROPERTIES",
    "Finding",
    "Located",
    "Report",
    "check_engine",
]

CHAIN = 100_000  # operations in the deep chain

ARTICLE_TOLERANCE = "1e-9"  # relative, where the digits are not exact
ARTICLE_RTOL = float(ARTICLE_TOLERANCE)
# Seconds one run may take before the engine counts as hung: a small
# program runs in microseconds, the deep chain in about a second.
TIME_LIMIT, CHAIN_TIMES = 5.0, 12


def _engine(engine: object, who: str, name: str) -> type | Callable:
    if not callable(engine):
        what = "a class like micrograd's Value, or a function grad(f, xs)"
        raise TypeError(
            f"{who}: {name} must be {what}, got {checks.describe(engine)}"
        )
    return engine


def _functions(
    functions: object, who: str, name: str
) -> Mapping[str, Callable]:
    if functions is None:
        return {}
    if not isinstance(functions, Mapping):
        got = checks.describe(functions)
        raise TypeError(f"{who}: {name} must be a dict, got {got}")
    for op, function in functions.items():
        checks.one_of(op, _OPERATIONS, who, f"a key of {name}")
        checks.callable_(function, who, f"{name}[{op!r}]")
    return functions


@checks.arguments(
    engine=_engine, functions=_functions, time_limit=checks.positive
)
def check_engine(
    engine: type | Callable,
    functions: Mapping[str, Callable] | None = None,
    *,
    time_limit: float = TIME_LIMIT,
) -> Report:
    """Check ``engine`` (a micrograd-style class, or a function
    ``grad(f, xs)``) against finite differences; see the module's text.

    ``functions`` maps operation names (``"exp"``, ``"sigmoid"``, ...) to
    functions that apply them to the engine's numbers, for an engine that
    has them as functions rather than methods.  ``time_limit`` is how many
    seconds one small run may take before the engine counts as hung (the
    deep chain gets twelve times as long).
    """
    shape = ClassEngine if isinstance(engine, type) else GradEngine
    return _Checker(shape(engine, functions, time_limit)).run()


# The operations, each in its forms: (text, symbol, kind, points).  A form's
# kind says which operands are engine numbers: "vv" both, "vc" the left one,
# "cv" the right one, "v" the only one.  Each point is (x, y) or (x,).
_X = (-2.3, -1.1, -0.4, 0.3, 0.9, 1.7)
_Y = (1.4, -0.6, 2.2, -1.8, 0.7, -0.3)
_POSITIVE = (0.3, 0.7, 1.2, 1.9, 2.8, 4.1)
_EXPONENTS = (2.0, 3.0, -1.0, 0.5, -2.0, 1.5)
_BASES = (2.0, 0.5, 3.0, 1.5, 0.8, 2.5)
_PAIRS = tuple(zip(_X, _Y, strict=True))


def _forms() -> dict[str, list[tuple[str, str, str, tuple]]]:
    forms: dict[str, list[tuple[str, str, str, tuple]]] = {}
    for symbol, name in BINARY.items():
        if symbol == "**":
            continue
        forms[name] = [
            (f"x {symbol} y", symbol, "vv", _PAIRS),
            (f"x {symbol} c", symbol, "vc", _PAIRS),
        ]
        forms["r" + name] = [(f"c {symbol} x", symbol, "cv", _PAIRS)]
    forms["pow"] = [
        ("x ** c", "**", "vc", tuple(zip(_POSITIVE, _EXPONENTS, strict=True))),
        ("x ** y", "**", "vv", tuple(zip(_POSITIVE, _Y, strict=True))),
    ]
    forms["rpow"] = [
        ("c ** x", "**", "cv", tuple(zip(_X, _BASES, strict=True)))
    ]
    for name in ("neg", "exp", "tanh", "relu", "sigmoid"):
        text = "-x" if name == "neg" else f"{name}(x)"
        forms[name] = [(text, name, "v", tuple((x,) for x in _X))]
    forms["log"] = [("log(x)", "log", "v", tuple((x,) for x in _POSITIVE))]
    return forms


_FORMS = _forms()
_OPERATIONS = (*_FORMS, "sum")


def _form_program(symbol: str, kind: str, point: tuple) -> Program:
    """One operation on fresh arguments: ``x * y``, ``x * c``, ``c * x``."""
    if kind == "v":
        b = Builder(x=point[0])
        b.op(symbol, b.arguments[0])
    elif kind == "vv":
        b = Builder(x=point[0], y=point[1])
        b.op(symbol, *b.arguments)
    elif kind == "vc":
        b = Builder(x=point[0])
        b.op(symbol, b.arguments[0], point[1])
    else:  # "cv": the number on the left, x on the right
        b = Builder(x=point[0])
        b.op(symbol, point[1], b.arguments[0])
    return b.program()


class _Checker:
    """One run of every property on one engine."""

    def __init__(self, engine: ClassEngine | GradEngine) -> None:
        self.engine = engine
        self.keeps_grads = isinstance(engine, ClassEngine)
        self.findings: list[Finding] = []
        self.good: set[str] = set()  # forms whose values and derivatives pass
        self.computes: set[str] = set()  # forms whose values pass
        self.missing: dict[str, str] = {}  # form text: why not run
        self.behaviour: str | None = None
        self.hung = False
        # operations that lost a use of their operand (in reuse checks)
        self.uncollected: set[str] = set()

    # Recording findings.

    def add(
        self,
        prop: str,
        status: str,
        message: str,
        operation: str | None = None,
        located: Located | None = None,
    ) -> None:
        self.findings.append(
            Finding(prop, operation, status, message, located)
        )

    def run(self) -> Report:
        steps: list[tuple[str, Callable[[], None]]] = [
            ("shape", self.shape),
            ("values", self.operations),
            ("article", self.article),
            ("reuse", self.reuse),
            ("non-leaf reuse", self.non_leaf_reuse),
            ("diamond", self.diamond),
            ("backward twice", self.backward_twice),
            ("second graph", self.second_graph),
            ("deep chain", self.deep_chain),
            ("extremes", self.extremes),
            ("broadcasting", self.broadcasting),
        ]
        for i, (prop, step) in enumerate(steps):
            if self.hung:
                for later, _ in steps[i:]:
                    reason = "the engine hung in an earlier check"
                    self.add(later, NOT_RUN, reason)
                break
            step()
            if prop == "shape" and self.status("shape") == FAILED:
                if self.hung:
                    continue  # the next round says so
                for later, _ in steps[1:]:
                    self.add(later, NOT_RUN, "see shape")
                self.add("derivatives", NOT_RUN, "see shape")
                break
        order = list(PROPERTIES)
        findings = sorted(self.findings, key=lambda f: order.index(f.property))
        return Report(self.engine.name, tuple(findings), self.behaviour)

    def status(self, prop: str) -> str:
        statuses = {f.status for f in self.findings if f.property == prop}
        return FAILED if FAILED in statuses else PASSED

    def trace(self, program: Program) -> Trace:
        """The engine's run of ``program``; an EngineError or MissingError
        otherwise (a hang is an EngineError, and stops later checks)."""
        try:
            return self.engine.run(program)
        except TimedOut:
            self.hung = True
            raise EngineError(
                "backward", "did not finish in time (it may loop forever)"
            ) from None

    # shape

    def shape(self) -> None:
        b = Builder(x=0.5, y=1.5)
        b.op("+", *b.arguments)
        program = b.program()
        try:
            trace = self.trace(program)
        except (EngineError, MissingError) as error:
            self.add("shape", FAILED, f"x + y: {error}")
            return
        if isinstance(self.engine, ClassEngine):
            data, grad, done = "{}.data", "{}.grad", "then backward()"
        else:
            data, grad, done = (
                "{}'s value",
                "d/d{}",
                "with grad(f, xs)",
            )
        problems = []
        for i, name in enumerate(program.names):
            try:
                if as_number(trace.values[i]) != program.arguments[i]:
                    problems.append(f"{data.format(name)} is another number")
            except NotANumberError as what:
                problems.append(f"{data.format(name)} is {what}")
            try:
                as_number(trace.grads[i])
            except NotANumberError as what:
                problems.append(f"{grad.format(name)} is {what}")
        if problems:
            self.add("shape", FAILED, f"x + y, {done}: {'; '.join(problems)}")
        else:
            self.add("shape", PASSED, f"x + y, {done}")

    # values and derivatives

    def operations(self) -> None:
        for name, forms in _FORMS.items():
            value_errors, slope_errors, ran, missing = [], [], [], []
            for text, symbol, kind, points in forms:
                try:
                    problems = self.form(symbol, kind, points)
                except MissingError as why:
                    self.missing[f"{name} ({text})"] = str(why)
                    missing.append((text, str(why)))
                    continue
                ran.append(text)
                value_errors += [f"{name} ({text}): {p}" for p in problems[0]]
                slope_errors += [f"{name} ({text}): {p}" for p in problems[1]]
                if not problems[0]:
                    self.computes.add(text)
                    if not problems[1]:
                        self.good.add(text)
            if not ran:  # the engine lacks the operation
                self.add("derivatives", NOT_RUN, missing[0][1], name)
                continue
            for text, why in missing:  # it lacks one form of it
                message = f"{name} ({text}): {why}"
                self.add("derivatives", NOT_RUN, message, name)
            shown = f"{name} ({', '.join(ran)})"
            for prop, errors in (
                ("values", value_errors),
                ("derivatives", slope_errors),
            ):
                if errors:
                    self.add(prop, FAILED, "; ".join(errors), name)
                else:
                    self.add(prop, PASSED, shown, name)

    def form(
        self, symbol: str, kind: str, points: tuple
    ) -> tuple[list[str], list[str]]:
        """Run one form at every point: what was wrong with the values,
        and with the derivatives (each problem once, with its count)."""
        values: dict[str, int] = {}
        slopes: dict[str, int] = {}
        for point in points:
            program = _form_program(symbol, kind, point)
            try:
                trace = self.trace(program)
            except EngineError as error:
                into = values if error.stage == "forward" else slopes
                into[error.detail] = into.get(error.detail, 0) + 1
                continue
            except MissingError:
                if point is points[0]:
                    raise
                values["is missing at some points"] = 1
                continue
            value = evaluate(program)[-1]
            problem = compare(trace.values[-1], value, "the value", True)
            if problem:
                values[problem] = values.get(problem, 0) + 1
            reference = reference_gradients(program)
            for i, expected in enumerate(reference):
                what = (
                    f"the derivative with respect to {side(symbol, kind, i)}"
                )
                problem = compare(trace.grads[i], expected, what)
                if problem:
                    slopes[problem] = slopes.get(problem, 0) + 1
        n = len(points)
        return (
            [f"{p} at {k} of {n} points" for p, k in values.items()],
            [f"{p} at {k} of {n} points" for p, k in slopes.items()],
        )

    def has(self, *forms: str) -> bool:
        return all(form in self.good for form in forms)

    def computes_all(self, *forms: str) -> bool:
        return all(form in self.computes for form in forms)

    def lacks(self, prop: str, *forms: str) -> bool:
        """Whether a needed form is not good; if so, say so for ``prop``."""
        absent = [f for f in forms if f not in self.good]
        if absent:
            needed = " and ".join(f"`{f}`" for f in absent)
            reason = f"it needs {needed}, right in values and derivatives"
            self.add(prop, NOT_RUN, reason)
        return bool(absent)

    # Running a program and judging its gradients, with the fault located.

    def judge(
        self, prop: str, program: Program, under_test: str | None = None
    ) -> bool:
        """Run ``program`` and compare every argument's gradient with
        finite differences; on a difference, record a failure that says
        where it starts.  Returns whether the program passed."""
        try:
            trace = self.trace(program)
        except (EngineError, MissingError) as error:
            message = f"{program.listing()}: {error}"
            self.add(prop, FAILED, message, under_test)
            return False
        reference = reference_gradients(program)
        wrong = [
            program.names[i]
            for i, expected in enumerate(reference)
            if compare(trace.grads[i], expected, "")
        ]
        if not wrong:
            return True
        located = locate(program, trace, self.trace, self.keeps_grads)
        message = f"{program.listing()}: {_gradients_of(wrong)} wrong."
        operation = under_test
        if located is not None:
            message += " " + explain(located)
            operation = culprit(located, under_test, self.uncollected)
            if located.kind == "uses" and operation is not None:
                self.uncollected.add(operation)
        self.add(prop, FAILED, message, operation, located)
        return False

    # article

    def article(self) -> None:
        program, how = self.neuron()
        if program is None:
            self.add("article", NOT_RUN, how)
            return
        try:
            trace = self.trace(program)
        except (EngineError, MissingError) as error:
            self.add("article", FAILED, f"the neuron {how}: {error}")
            return
        try:
            value = as_number(trace.values[-1])
            grads = [as_number(trace.grads[i]) for i in range(5)]
        except NotANumberError as error:
            self.add("article", FAILED, f"the neuron {how}: {error}")
            return
        wanted = [article.VALUE, *article.GRADIENT]
        got = [value, *grads]
        names = ["the value", *(f"d/d{n}" for n in article.NEURON_INPUTS)]
        close = [
            math.isclose(g, w, rel_tol=ARTICLE_RTOL)
            for g, w in zip(got, wanted, strict=True)
        ]
        if all(close):
            if got == wanted:
                digits = "equal the article's numbers to the last digit"
            else:
                differ = [
                    n
                    for n, g, w in zip(names, got, wanted, strict=True)
                    if g != w
                ]
                digits = (
                    "agree with the article's numbers within a relative "
                    f"{ARTICLE_TOLERANCE}, not to the last digit "
                    f"({join(differ)} differ: the article's digits come from"
                    " 1 / (1 + exp(-z)) differentiated by the quotient rule,"
                    " in that order)"
                )
            message = f"the neuron {how}: its value and five partials {digits}"
            self.add("article", PASSED, message)
            return
        wrong = [n for n, ok in zip(names, close, strict=True) if not ok]
        message = f"the neuron {how}: {join(wrong)} "
        message += f"{'is' if len(wrong) == 1 else 'are'} wrong."
        located = None
        if close[0]:
            located = locate(program, trace, self.trace, self.keeps_grads)
        if located is not None:
            message += " " + explain(located)
        operation = None
        if located is not None:
            operation = culprit(located, None, self.uncollected)
        self.add("article", FAILED, message, operation, located)

    def neuron(self) -> tuple[Program | None, str]:
        """The article's neuron in the operations the engine has, and how
        it was built; or None and why not."""
        a, b_, c, x, y = article.POINT
        b = Builder(a=a, b=b_, c=c, x=x, y=y)
        pa, pb, pc, px, py = b.arguments
        if not self.computes_all("x * y", "x + y"):
            return None, "it needs `x * y` and `x + y`"
        ax = b.op("*", pa, px, name="a*x")
        by = b.op("*", pb, py, name="b*y")
        z = b.op("+", b.op("+", ax, by, name="a*x + b*y"), pc, name="z")
        if self.computes_all("sigmoid(x)"):
            b.op("sigmoid", z)
            return b.program(), "sigmoid(a*x + b*y + c), with sigmoid()"
        if self.computes_all("-x", "exp(x)", "c + x", "c / x"):
            e = b.op("exp", b.op("neg", z, name="-z"), name="exp(-z)")
            b.op("/", 1.0, b.op("+", 1.0, e, name="1 + exp(-z)"))
            return b.program(), "1 / (1 + exp(-z)), z = a*x + b*y + c"
        if self.computes_all("tanh(x)", "x * c", "x + c"):
            t = b.op("tanh", b.op("*", z, 0.5, name="z * 0.5"), name="t")
            b.op("*", b.op("+", t, 1.0, name="t + 1"), 0.5)
            return b.program(), "(tanh(z * 0.5) + 1) * 0.5, z = a*x + b*y + c"
        return None, (
            "the neuron needs sigmoid(), tanh(), or exp() with -x, c + x "
            "and c / x; the engine lacks them"
        )

    # reuse, non-leaf reuse, diamond

    def reuse(self) -> None:
        self.twice("reuse", leaf=True)

    def non_leaf_reuse(self) -> None:
        self.twice("non-leaf reuse", leaf=False)

    def twice(self, prop: str, leaf: bool) -> None:
        """Each operation with one value on both sides (``x * x``), and each
        function beside its own argument (``exp(x) + x``)."""
        joiner = "+" if self.has("x + y") else "*"
        if self.lacks(prop, f"x {joiner} y"):
            return
        if not leaf and self.lacks(prop, "x * y"):
            return
        tested = []
        for name, forms in _FORMS.items():
            for text, symbol, kind, _ in forms:
                if kind not in ("vv", "v") or text not in self.good:
                    continue
                tested.append(name)
                for x, y in ((0.6, 1.3), (1.1, 0.7)):  # t = x * y > 0
                    if leaf:
                        b = Builder(x=x)
                        value = b.arguments[0]
                    else:
                        b = Builder(x=x, y=y)
                        value = b.op("*", *b.arguments, name="t")
                    if kind == "vv":
                        b.op(symbol, value, value)
                    else:
                        b.op(joiner, b.op(symbol, value), value)
                    if self.judge(prop, b.program(), name):
                        continue
                    if self.findings[-1].operation is None:
                        return  # backward itself: every operation would say so
                    break
        if not tested:
            self.add(prop, NOT_RUN, "no operation to test")
        elif not any(f.property == prop for f in self.findings):
            self.add(prop, PASSED, ", ".join(tested))

    def diamond(self) -> None:
        if self.lacks("diamond", "x * y", "x + y"):
            return
        programs = []
        for x, y, z, w in ((0.6, -1.3, 0.8, 1.9), (-0.7, 1.2, 1.5, -0.4)):
            b = Builder(x=x, y=y, z=z, w=w)
            px, py, pz, pw = b.arguments
            t = b.op("*", px, py, name="t")
            u = b.op("+", t, pz, name="u")
            v = b.op("*", t, pw, name="v")
            b.op("*", u, v)
            programs.append(b.program())
            # paths of different lengths: t -> out, and t -> u -> v -> out
            b = Builder(x=x, y=y, z=z, w=w)
            px, py, pz, pw = b.arguments
            t = b.op("*", px, py, name="t")
            u = b.op("+", t, pz, name="u")
            v = b.op("*", u, pw, name="v")
            b.op("+", v, t)
            programs.append(b.program())
        for program in programs:
            if not self.judge("diamond", program):
                return
        for listing in dict.fromkeys(p.listing() for p in programs):
            self.add("diamond", PASSED, listing)

    # backward twice, second graph

    def backward_twice(self) -> None:
        prop = "backward twice"
        if self.lacks(prop, "x * y", "x + y"):
            return
        b = Builder(x=0.6, y=-1.3, z=0.8, w=1.9)
        px, py, pz, pw = b.arguments
        t = b.op("*", px, py, name="t")
        u = b.op("+", t, pz, name="u")
        b.op("*", u, pw)
        program = b.program()
        if not isinstance(self.engine, ClassEngine):
            self.called_twice(prop, program, program)
            return
        try:
            with bounded(self.engine.limit):
                nodes = self.engine.forward(program)
                self.engine.backward(nodes[-1])
                first = self.engine.read(nodes)
                self.engine.backward(nodes[-1])
                second = self.engine.read(nodes)
        except TimedOut:
            self.hung = True
            self.add(prop, FAILED, "backward() did not finish in time")
            return
        except (EngineError, MissingError) as error:
            self.add(prop, FAILED, f"{program.listing()}: {error}")
            return
        reference = reference_gradients(program)
        if any(
            compare(first.grads[i], r, "") for i, r in enumerate(reference)
        ):
            reason = "the first backward() is already wrong"
            self.add(prop, NOT_RUN, reason)
            return
        ratios = []
        for i in reversed(range(program.size)):
            ratios.append((i, _ratio(first.grads[i], second.grads[i])))
        leaves = {r for i, r in ratios if i < len(program.arguments)}
        if leaves in ({"the same"}, {"doubled"}):
            self.behaviour = (
                "resets" if leaves == {"the same"} else "accumulates"
            )
            what = (
                "the same .grad values (it resets them)"
                if self.behaviour == "resets"
                else "twice the .grad values (it adds them up)"
            )
            message = f"{program.listing()}: a second backward() gives {what}"
            self.add(prop, PASSED, message)
            return
        described = []
        for i, r in ratios:
            if r is None:
                continue
            described.append(f"{program.label(i)}: {r}")
            if i < len(program.arguments) and r == "neither":
                break
        message = (
            f"{program.listing()}: after a second backward(), the arguments' "
            ".grad values are neither the first ones (as if backward resets "
            "them) nor twice the first ones (as if it adds them up). From "
            f"the output back to the arguments: {'; '.join(described)}."
        )
        self.add(prop, FAILED, message)

    def called_twice(
        self, prop: str, first_program: Program, program: Program
    ) -> None:
        """A function engine: a second call must not remember the first.
        ``program`` runs once before too: a wrong gradient that is the
        same every time says nothing of what one call keeps for the next."""
        try:
            before = self.trace(program)
            if first_program is not program:
                self.trace(first_program)
            trace = self.trace(program)
        except (EngineError, MissingError) as error:
            self.add(prop, FAILED, f"{program.listing()}: {error}")
            return
        reference = reference_gradients(program)
        wrong = [
            program.names[i]
            for i, r in enumerate(reference)
            if compare(trace.grads[i], r, "")
        ]
        if wrong and _same(program, trace.grads, before.grads):
            self.add(prop, NOT_RUN, _wrong_every_time(program, "call"))
        elif wrong:
            message = (
                f"{program.listing()}: on the second call, "
                f"{_gradients_of(wrong)} wrong: something is kept from one "
                "call to the next"
            )
            self.add(prop, FAILED, message)
        else:
            message = f"{program.listing()}: each call starts afresh"
            self.add(prop, PASSED, message)

    def second_graph(self) -> None:
        prop = "second graph"
        if self.lacks(prop, "x * y", "x + y"):
            return
        b = Builder(x=0.6, y=-1.3)
        b.op("*", *b.arguments)
        one = b.program()
        # The second graph uses each value once: an engine that loses a
        # use (reuse) gets it right, and only what is kept can spoil it.
        b = Builder(x=0.6, y=-1.3, z=0.8)
        px, py, pz = b.arguments
        b.op("*", b.op("+", px, py, name="s"), pz)
        two = b.program()
        if not isinstance(self.engine, ClassEngine):
            self.called_twice(prop, one, two)
            return
        try:
            with bounded(self.engine.limit):
                fresh = self.engine.forward(two)
                self.engine.backward(fresh[-1])
                before = self.engine.read(fresh)
                nodes = self.engine.forward(one)
                self.engine.backward(nodes[-1])
                again = self.engine.forward(two, arguments=nodes[:2])
                self.engine.backward(again[-1])
                shared = self.engine.read(again)
                fresh = self.engine.forward(two)
                self.engine.backward(fresh[-1])
                after = self.engine.read(fresh)
        except TimedOut:
            self.hung = True
            self.add(prop, FAILED, "backward() did not finish in time")
            return
        except (EngineError, MissingError) as error:
            self.add(prop, FAILED, f"{two.listing()}: {error}")
            return
        first, second = reference_gradients(one), reference_gradients(two)
        if any(compare(after.grads[i], r, "") for i, r in enumerate(second)):
            # Wrong, and the same before another graph ran: the fault is
            # elsewhere (a local derivative, say), not something kept.
            if _same(two, after.grads, before.grads):
                self.add(prop, NOT_RUN, _wrong_every_time(two, "graph"))
                return
            message = (
                f"{two.listing()} on new arguments, after another graph's "
                "backward(): its .grad values are wrong: something is kept "
                "from one graph to the next"
            )
            self.add(prop, FAILED, message)
            return
        kinds = set()
        for i in range(2):
            got = shared.grads[i]
            if not compare(got, second[i], ""):
                kinds.add("resets")
            elif not compare(got, first[i] + second[i], ""):
                kinds.add("accumulates")
            else:
                kinds.add("neither")
        if len(kinds) == 1 and "neither" not in kinds:
            (kind,) = kinds
            what = "adds to" if kind == "accumulates" else "replaces"
            message = (
                f"{one.listing()}, then {two.listing()} on the same x and y:"
                f" backward() on the second graph {what} their .grad. On "
                "new arguments, the second graph is not affected by the first"
            )
            self.add(prop, PASSED, message)
            if self.behaviour is None:
                self.behaviour = kind
            return
        message = (
            f"{one.listing()}, then {two.listing()} on the same x and y: "
            "their .grad values neither start again nor add up"
        )
        self.add(prop, FAILED, message)

    # deep chain

    def deep_chain(self) -> None:
        prop = "deep chain"
        if self.lacks(prop, "x * c"):
            return
        factor, start = 0.99999, 0.3

        def chain(y: object) -> object:
            for _ in range(CHAIN):
                y = y * factor
            return y

        text = f"y = x; y = y * c, {CHAIN:,} times"
        limit = CHAIN_TIMES * self.engine.limit
        try:
            got = self.chain_grad(chain, start, limit)
        except TimedOut:
            self.hung = True
            message = f"{text}: it did not finish in {limit:g} s"
            self.add(prop, FAILED, message)
            return
        except EngineError as error:
            self.add(prop, FAILED, f"{text}: {error}")
            return
        expected = numerical.central_difference(chain, start)
        problem = compare(got, expected, "d/dx")
        if problem:
            self.add(prop, FAILED, f"{text}: {problem}")
        else:
            self.add(prop, PASSED, text)

    def chain_grad(
        self, chain: Callable, start: float, limit: float
    ) -> object:
        """The engine's d(chain)/dx at ``start``, outside any program (a
        100,000-step program would cost more than the engine itself)."""
        engine = self.engine
        if isinstance(engine, GradEngine):
            with bounded(limit):
                try:
                    grads = engine.grad(lambda xs: chain(xs[0]), [start])
                except Exception as error:
                    raise EngineError("backward", raised(error)) from None
            return grads[0] if isinstance(grads, (list, tuple)) else grads
        # Every operation already ran, guarded, on small programs; it is
        # the backward pass whose time may grow too fast with the chain.
        with bounded(limit, watch_calls=False):
            try:
                x = engine.cls(start)
                y = chain(x)
            except Exception as error:
                raise EngineError("forward", raised(error)) from None
        with bounded(limit):
            engine.backward(y)
        return attribute(x, "grad")

    # extremes

    def extremes(self) -> None:
        prop = "extremes"
        cases = {
            "exp": (-1000.0,),
            "tanh": (1000.0, -1000.0),
            "sigmoid": (1000.0, -1000.0),
            "relu": (1000.0, -1000.0),
        }
        for name, points in cases.items():
            text = f"{name}(x)"
            if text not in self.good:
                why = self.missing.get(f"{name} ({text})")
                if why is None and any(
                    f.operation == name for f in self.findings
                ):
                    why = "its values or derivatives are already wrong"
                if why is not None:
                    self.add(prop, NOT_RUN, why, name)
                continue
            problems = []
            for x in points:
                program = _form_program(name, "v", (x,))
                try:
                    trace = self.trace(program)
                except (EngineError, MissingError) as error:
                    problems.append(f"at x = {x:g}: {error}")
                    continue
                value = evaluate(program)[-1]
                for what, got, expected, is_value in (
                    ("the value", trace.values[-1], value, True),
                    (
                        "the derivative",
                        trace.grads[0],
                        reference_gradients(program)[0],
                        False,
                    ),
                ):
                    problem = compare(got, expected, what, is_value)
                    if problem:
                        problems.append(f"at x = {x:g}: {problem}")
            if problems:
                self.add(prop, FAILED, f"{text}: {'; '.join(problems)}", name)
            else:
                at = " and ".join(f"{x:g}" for x in points)
                self.add(prop, PASSED, f"{text} at x = {at}", name)
        if not any(f.property == prop for f in self.findings):
            self.add(
                prop, NOT_RUN, "the engine has no exp, tanh, sigmoid or relu"
            )

    # broadcasting

    def broadcasting(self) -> None:
        prop = "broadcasting"
        taken = self.takes_arrays()
        if taken is not True:
            self.add(prop, NOT_RUN, taken)
            return
        rng = np.random.default_rng(0)
        x = np.round(rng.uniform(0.5, 2.0, (2, 3)), 2)
        shapes = {"(3,)": (3,), "(2, 1)": (2, 1), "()": ()}
        for symbol, name in BINARY.items():
            if symbol == "**" or f"x {symbol} y" not in self.good:
                continue
            cases = []  # the problems of each case
            for shape in shapes.values():
                y = np.round(rng.uniform(0.5, 2.0, shape), 2)
                for left_first in (True, False):
                    b = Builder(x=x, y=np.array(y))
                    px, py = b.arguments
                    pair = (px, py) if left_first else (py, px)
                    b.op("sum", b.op(symbol, *pair, name="s"))
                    cases.append(self.array_problems(b.program()))
            shown = join(list(shapes))
            wrong = [problems for problems in cases if problems]
            if wrong:
                message = (
                    f"{'; '.join(wrong[0])}. Wrong in {len(wrong)} of "
                    f"{len(cases)} cases (x of shape (2, 3), y of shapes "
                    f"{shown}, on either side of {symbol})"
                )
                self.add(prop, FAILED, message, name)
            else:
                message = f"{name}: x of shape (2, 3), y of shapes {shown}"
                self.add(prop, PASSED, message, name)
        if not any(f.property == prop for f in self.findings):
            self.add(prop, NOT_RUN, "no operation to test")

    def takes_arrays(self) -> bool | str:
        """True if the engine computes with arrays and has ``sum()``; why
        not otherwise."""
        b = Builder(x=np.array([0.5, 1.5]))
        b.op("sum", b.op("*", b.arguments[0], b.arguments[0]))
        try:
            trace = self.trace(b.program())
        except MissingError as why:
            return str(why)
        except EngineError as error:
            if error.stage in ("make", "forward"):
                return f"the engine does not take arrays: {error}"
            return True  # it takes them; the checks will show what fails
        if np.shape(trace.values[0]) != (2,):
            return "the engine does not keep an array as one value"
        return True

    def array_problems(self, program: Program) -> list[str]:
        names = {0: "x", 1: "y"}
        shapes = ", ".join(
            f"{names[i]} of shape {np.shape(v)}"
            for i, v in enumerate(program.arguments)
        )
        head = f"{program.listing()} with {shapes}"
        try:
            trace = self.trace(program)
        except (EngineError, MissingError) as error:
            return [f"{head}: {error}"]
        problems = []
        for i, expected in enumerate(reference_gradients(program)):
            try:
                got = as_number(trace.grads[i])
            except NotANumberError as what:
                problems.append(f"{head}: d/d{names[i]} is {what}")
                continue
            if np.shape(got) != np.shape(expected):
                problems.append(
                    f"{head}: d/d{names[i]} has shape "
                    f"{np.shape(got)}, but {names[i]} has shape "
                    f"{np.shape(expected)}"
                )
            elif compare(got, expected, ""):
                problems.append(f"{head}: d/d{names[i]} is wrong")
        return problems


# Small helpers for the checks.


def _ratio(first: object, second: object) -> str | None:
    """How a node's gradient changed on a second backward: ``"the same"``,
    ``"doubled"`` or ``"neither"``; None if it holds none."""
    try:
        a, b = as_number(first), as_number(second)
    except NotANumberError:
        return None
    if math.isclose(b, a, rel_tol=1e-9):
        return "the same"
    if math.isclose(b, 2 * a, rel_tol=1e-9):
        return "doubled"
    return "neither"


def _gradients_of(names: list[str]) -> str:
    """``"d/dx is"``, ``"d/dx and d/dy are"``: the output's derivatives
    with respect to these arguments."""
    if len(names) == 1:
        return f"d/d{names[0]} is"
    return f"{join([f'd/d{n}' for n in names])} are"


def _same(program: Program, grads: list, before: list) -> bool:
    """Whether an engine gave the arguments of ``program`` the same
    gradient twice (within the tolerance of a derivative)."""
    n = len(program.arguments)
    try:
        numbers = [as_number(g) for g in before[:n]]
    except NotANumberError:
        return False
    return not any(
        compare(g, k, "") for g, k in zip(grads[:n], numbers, strict=True)
    )


def _wrong_every_time(program: Program, unit: str) -> str:
    """Why a check of what is kept from one graph (or call) to the next is
    not run: its program gets the same wrong gradient every time."""
    return (
        f"{program.listing()} gets the same wrong gradient every time, so "
        f"this check cannot tell whether something is kept from one {unit} "
        "to the next"
    )
