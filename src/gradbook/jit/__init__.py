"""From the tape to a compiled program: how a ``jit`` works.

``compile_grad(f, xs)`` returns a function that computes exactly what
``backprop(f, xs)`` computes, for arguments of the same shapes, without
the engine's work on every call:

1. **Record** (``trace_grad``, in ``record``): run ``backprop`` once on
   ``Symbol``s, numbers that write down every operation done with them.
   The engine's forward pass, its local derivatives and its backward pass
   all become steps of one ``Program`` (``program``), a list you can
   print and read.  Where the function takes a branch with ``if`` on a
   recorded value, the program gets a ``check``.
2. **Simplify** (``optimize``): drop repeated and dead steps.
3. **Generate code** (``codegen``): one line of Python per step, then
   ``exec`` makes it a function.  Its first lines check that new arguments
   have the recorded shapes; its checks, that they take the recorded
   branches.  Anything else is a clear error (``MismatchError``), never a wrong
   number.

``Program.run`` replays a program step by step (no code generation), and
``linear`` builds reverse mode from forward mode on the same form:
linearize, then transpose.
"""

from gradbook.jit.codegen import compile_program
from gradbook.jit.compiled import compile_grad
from gradbook.jit.linear import grad_by_transpose, linearize, transpose
from gradbook.jit.optimize import common_subexpressions, dead_code, simplify
from gradbook.jit.program import MismatchError, Program
from gradbook.jit.record import trace, trace_grad

__all__ = [
    "MismatchError",
    "Program",
    "common_subexpressions",
    "compile_grad",
    "compile_program",
    "dead_code",
    "grad_by_transpose",
    "linearize",
    "simplify",
    "trace",
    "trace_grad",
    "transpose",
]
