"""Chapter 4's workshop, from the notebook itself: the engine its solution
cells build passes every check, it is gradbook.workshop's engine, each
repaired bug hunt passes, and each check cell says "Not done yet" on its
stub.  Then the checks themselves, on engines with planted bugs: each says
what is wrong, and never prints an expected number.
"""

import ast
import contextlib
import inspect
import io
import itertools
import json
import math
import re
from pathlib import Path

import pytest

from gradbook import bug_hunts, workshop
from gradbook.bug_hunts import check_repair, copy_of, hunt2
from gradbook.engine_check import check_engine

NOTEBOOK = Path(__file__).parents[1] / "book" / "04_engine_workshop.ipynb"
BUILD = ["ex-4-1", "ex-4-2", "ex-4-3", "ex-4-4"]
REPAIRS = {f"ex-4-{k + 5}": hunt for k, hunt in enumerate(bug_hunts.HUNTS)}


def exercises():
    """Each exercise's cells, by label: the stub cell (the code cell after
    the task), the check cell, and the solution's code cells."""
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    found, label, part = {}, None, None
    for cell in cells:
        text = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            if "{solution-end}" in text:
                label = part = None
            if match := re.search(r"\{exercise\}.*\n:label: (\S+)", text):
                label, part = match[1], "task"
                found[label] = {"stub": [], "check": [], "solution": []}
            if label and "{solution-start} " + label in text:
                part = "solution"
            continue
        if label is None:
            continue
        if part == "task":
            found[label]["stub"].append(text)
            part = "check"
        elif part == "check":
            found[label]["check"].append(text)
            part = None
        elif part == "solution":
            found[label]["solution"].append(text)
    return found


EXERCISES = exercises()


def run(cells, namespace):
    """Run notebook cells (no magics) in ``namespace``; what they print."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for cell in cells:
            exec(compile(cell, "<cell>", "exec"), namespace)
    return out.getvalue()


def chapter_namespace():
    return {
        "itertools": itertools,
        "math": math,
        "workshop": workshop,
        "copy_of": copy_of,
        "check_repair": check_repair,
        **{hunt.__name__.rsplit(".", 1)[-1]: hunt for hunt in bug_hunts.HUNTS},
    }


def test_the_notebook_has_the_exercises_of_the_chapter():
    assert list(EXERCISES) == BUILD + list(REPAIRS)
    for label, parts in EXERCISES.items():
        assert len(parts["stub"]) == 1, label
        assert len(parts["check"]) == 1, label
        assert parts["solution"], label


def test_the_solutions_build_an_engine_that_passes_every_check():
    namespace = chapter_namespace()
    for label in BUILD:
        printed = run(EXERCISES[label]["solution"], namespace)
        assert printed.startswith("Well done"), (label, printed)
    report = check_engine(namespace["Value"])
    assert report.ok, str(report)
    assert report.behaviour == "resets"
    assert report.status("deep chain") == "passed"


def test_the_solutions_are_gradbook_workshop_engine():
    """Each method the solutions write is, statement for statement, the
    method of gradbook.workshop.Value that the chapter shows."""
    written = {}
    for label in BUILD:
        for cell in EXERCISES[label]["solution"]:
            for node in ast.walk(ast.parse(cell)):
                if isinstance(node, ast.FunctionDef):
                    written[node.name] = statements(node)
    names = {"mul": "__mul__"}
    shown = ast.parse(inspect.getsource(workshop.Value)).body[0]
    methods = {
        node.name: statements(node)
        for node in shown.body
        if isinstance(node, ast.FunctionDef)
    }
    assert {names.get(n, n) for n in written} == set(methods)
    for name, body in written.items():
        assert body == methods[names.get(name, name)], name


def statements(function):
    """A function's statements, without its docstring or comments."""
    body = function.body
    if isinstance(body[0], ast.Expr) and isinstance(
        body[0].value, ast.Constant
    ):
        body = body[1:]
    return [ast.dump(s) for s in body]


def test_each_check_cell_says_not_done_yet_on_its_stub():
    namespace = chapter_namespace()
    for label in EXERCISES:
        parts = EXERCISES[label]
        printed = run(parts["stub"] + parts["check"], namespace)
        assert printed.startswith("Not done yet"), (label, printed)
        run(parts["solution"], namespace)  # the next step builds on it


@pytest.mark.parametrize("label", list(REPAIRS))
def test_each_repair_in_the_solutions_passes(label):
    namespace = chapter_namespace()
    parts = EXERCISES[label]
    printed = run(parts["stub"] + parts["solution"], namespace)
    assert printed.startswith("Well done"), printed
    (repaired,) = [
        v for k, v in namespace.items() if re.fullmatch(r"Hunt\d", k)
    ]
    assert check_engine(repaired).ok


# The workshop's checks on engines with one planted bug each.


def planted(old, new):
    """gradbook.workshop's source with ``old`` replaced by ``new``."""
    source = inspect.getsource(workshop)
    assert source.count(old) == 1, old
    namespace = {"__name__": "planted"}
    exec(compile(source.replace(old, new), "<planted>", "exec"), namespace)
    return namespace["Value"]


def printed_by(check, engine):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        check(engine)
    return out.getvalue()


@pytest.mark.parametrize(
    ("check", "old", "new", "words"),
    [
        (
            workshop.check_add,
            "slopes = (1.0, 1.0)",
            "slopes = (1.0, 0.0)",
            "the local derivatives of x + y do not agree",
        ),
        (
            workshop.check_add,
            "Value(self.data + other.data, (self, other), slopes)",
            "Value(self.data + other.data, (other, self), slopes)",
            "the parents of x + y should be (x, y)",
        ),
        (
            workshop.check_mul,
            "slopes = (other.data, self.data)",
            "slopes = (self.data, other.data)",
            "the local derivatives of x * y do not agree",
        ),
        (
            workshop.check_mul,
            "    __rmul__ = __mul__  # 2 * x is x * 2\n",
            "",
            "2 * x raised TypeError",
        ),
        (
            workshop.check_exp_sigmoid,
            "e = math.exp(-abs(self.data))  # never overflows\n"
            "        s = 1 / (1 + e) if self.data >= 0 else e / (1 + e)",
            "s = 1 / (1 + math.exp(-self.data))",
            "sigmoid() at -1000 raised OverflowError",
        ),
        (
            workshop.check_exp_sigmoid,
            "(s * (1 - s),)",
            "(s,)",
            "the local derivative of sigmoid() does not agree",
        ),
        (
            workshop.check_backward,
            "parent.grad += local * v.grad",
            "parent.grad = local * v.grad",
            "failing properties: reuse, non-leaf reuse, diamond",
        ),
        (
            workshop.check_backward,
            "        for v in newest_first:\n"
            "            v.grad = 0.0  # each backward pass starts afresh\n",
            "",
            "failing property: backward twice",
        ),
    ],
)
def test_a_check_names_a_planted_bug(check, old, new, words):
    printed = printed_by(check, planted(old, new))
    assert printed.startswith("Not yet right:"), printed
    assert words in " ".join(printed.split())
    assert max(map(len, printed.splitlines())) <= 70


def test_a_check_asks_for_the_earlier_steps_first():
    stub = planted(
        "        self.data = data\n",
        "        raise NotImplementedError\n",
    )
    for check in (
        workshop.check_mul,
        workshop.check_exp_sigmoid,
        workshop.check_backward,
    ):
        printed = " ".join(printed_by(check, stub).split())
        assert printed.startswith("Not done yet: Exercise 4.1 comes first")


def test_a_check_reports_what_the_readers_code_raised():
    broken = planted("e = math.exp(self.data)", "e = math.exp(self.dta)")
    printed = printed_by(workshop.check_exp_sigmoid, broken)
    assert printed.startswith("Not yet right: your code raised AttributeError")


# Repairing a hunt


def test_check_repair_tells_no_change_a_wrong_class_and_a_repair_apart():
    copy = copy_of(hunt2)
    assert printed_by(lambda c: check_repair(hunt2, c), copy).startswith(
        "Not done yet"
    )
    for wrong in (workshop.Value, copy_of(bug_hunts.hunt3), 3):
        printed = printed_by(lambda c: check_repair(hunt2, c), wrong)
        assert printed.startswith("Not yet right: give the class that")
        assert "copy_of(hunt2)" in printed
    copy.__mul__ = copy.__add__  # a change, but not a repair
    printed = printed_by(lambda c: check_repair(hunt2, c), copy)
    assert printed.startswith("Not yet right: check_engine still finds")
    assert copy_of(hunt2) is not copy_of(hunt2)  # each copy is fresh


def test_copy_of_copies_the_workshops_engine_too():
    copy = copy_of(workshop)
    assert copy is not workshop.Value and copy is not copy_of(workshop)
    report = check_engine(copy)
    assert report.ok
    assert report.engine == "gradbook.workshop.Value (a copy)"
    printed = printed_by(lambda repaired: check_repair(hunt2, repaired), copy)
    assert "copy_of(hunt2)" in printed


def test_check_repair_refuses_what_is_not_a_hunt():
    with pytest.raises(TypeError, match="check_repair: hunt must be one of"):
        check_repair(workshop, copy_of(hunt2))
    with pytest.raises(TypeError, match="copy_of: hunt must be one of"):
        copy_of("hunt2")


def test_hunt4_may_be_repaired_either_way():
    """Exercise 4.8 accepts an engine that resets and one that adds up: its
    solution resets, and resetting only the inner nodes adds up."""
    hunt4 = bug_hunts.hunt4
    repaired = copy_of(hunt4)
    namespace = {**chapter_namespace(), "Hunt4": repaired}
    (solution,) = EXERCISES["ex-4-8"]["solution"]
    inner_only = solution.replace(
        "        v.grad = 0.0  # start afresh: every node, not only the "
        "output",
        "        if v._prev:  # inner nodes only: the arguments add up\n"
        "            v.grad = 0.0",
    )
    assert inner_only != solution
    printed = run([inner_only], namespace)
    assert printed.startswith("Well done"), printed
    assert check_engine(repaired).behaviour == "accumulates"
    run([solution], namespace)
    assert check_engine(namespace["Hunt4"]).behaviour == "resets"
