"""Check any micrograd-style engine against finite differences, and point at
the first wrong node without giving the answer.

``check_engine(Value)`` runs a small engine through the properties every
reverse-mode engine must have, and returns a :class:`Report`::

    from micrograd.engine import Value
    report = check_engine(Value)
    report.ok          # False: no property may fail
    print(report)      # one block per property, each failure explained
    [(f.property, f.operation) for f in report.failures]
    # [('backward twice', None), ('deep chain', None)]

**The engine** has one of two shapes:

- a class like micrograd's ``Value``: ``Value(x)``, ``.data``, ``.grad``,
  ``.backward()``, arithmetic with numbers on either side, ``**`` with a
  number, and any of the methods ``exp``, ``log``, ``tanh``, ``relu``,
  ``sigmoid`` (and ``sum`` for arrays);
- a function ``grad(f, xs)``, like :func:`gradbook.backprop.grad_bp`, that
  calls ``f`` with one engine number per argument and returns one gradient
  per argument.  A tape fits in three lines::

      def tape_grad(f, xs):
          tape = Tape()
          leaves = [tape.var(x) for x in xs]
          cotangents = tape.backward(f(leaves))
          return [cotangents[leaf.index] for leaf in leaves]

``functions`` names the operations an engine has as functions rather than
methods: ``check_engine(grad_bp, {"sigmoid": gradbook.functions.sigmoid})``.

**The properties** (:data:`PROPERTIES`), in the order they run:

- ``shape``: the engine makes numbers, adds them and runs ``backward``;
- ``values`` and ``derivatives``: each operation's value and local
  derivatives at six points, in each form the engine has (``x * y``,
  ``x * c``, and ``c * x``, which Python computes with ``__rmul__``, so
  the report calls it ``rmul``), including the exponent of ``x ** y``;
- ``article``: the article's neuron at the article's point, digit for
  digit where the engine differentiates ``1 / (1 + exp(-z))`` by the
  quotient rule in that order, otherwise within a relative 1e-9 (the
  report says which);
- ``reuse``, ``non-leaf reuse``, ``diamond``: a value used twice
  (``x * x``, ``exp(x) + x``), a computed value used twice (``t * t``),
  two paths from one value to the output;
- ``backward twice`` and ``second graph``: whether a second ``backward``
  adds to the gradients or resets them.  Either is a design choice, and
  the report only says which (:attr:`Report.behaviour`); a mix of both is
  a bug;
- ``deep chain``: 100,000 operations in a row (a recursive backward pass
  runs out of stack);
- ``extremes``: ``tanh(±1000)``, ``sigmoid(±1000)``, ``exp(-1000)``,
  ``relu(±1000)``;
- ``broadcasting``: arrays of different shapes, if the engine takes arrays
  and has ``sum()``.

The referee is finite differences (:mod:`gradbook.numerical`), or the
article's own numbers; never another engine.  An operation the engine lacks
is *not run*, never failed.  An engine that raises, loops forever, or hands
back something that is not a number (None, a string, nan) gets a failure
that says so, and the check goes on.  The whole check takes about half a
second for micrograd.

**The report.**  ``report.ok`` is True when nothing failed;
``report.failures``, ``report.passed`` and ``report.not_run`` are lists of
:class:`Finding`, each with ``.property``, ``.operation`` (``"mul"``,
``"rsub"``, or None when the backward pass as a whole is at fault),
``.status`` and ``.message``; ``report.status("diamond")`` gives one
property's status.  Printed, the report has one block per property, lines
of at most 70 characters (``report.summary()``: only the blocks of the
properties that failed)::

    FAILED   derivatives: each operation's local derivatives
        WRONG: mul (x * y): the derivative with respect to the left
          operand is wrong at 6 of 6 points

**Pointing at the bug.**  When a derivative is wrong, the checker follows
the backward pass: from the output back to the arguments, it finds the
first node whose cotangent (its ``.grad``) disagrees with finite
differences, then tests each use of that node on its own.  If one
operation's local derivative is wrong there, the message names the
operation and the operand ("mul: the derivative with respect to the left
operand is wrong"); if every local derivative is right, either a user
passed its cotangent on before it was complete, or the node's uses were
not all collected (for a node used several times, the checker tries each
use alone to tell which).  ``finding.located`` (a :class:`Located`) holds
where; :func:`located_graph` draws the graph with that node marked.  No
report, and no figure, prints an expected number.
"""

from gradbook.engine_check.checker import CHAIN, check_engine
from gradbook.engine_check.figure import located_graph
from gradbook.engine_check.report import PROPERTIES, Finding, Located, Report

__all__ = [
    "CHAIN",
    "PROPERTIES",
    "Finding",
    "Located",
    "Report",
    "check_engine",
    "located_graph",
]
