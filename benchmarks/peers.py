"""The peer engines, from PyPI (pinned in requirements.in), and what we add to
them.

micrograd 0.1.0 has no ``exp``.  The neuron needs one, so :func:`_exp` adds
it to micrograd's ``Value`` in micrograd's own style: a method that makes the
output ``Value`` and attaches a ``_backward`` closure, exactly as its
``__mul__`` and ``relu`` do (and as Karpathy's lecture writes ``exp``).  It is
added here, inside the benchmark; nothing of micrograd is changed on disk.
"""

from __future__ import annotations

import math

from micrograd.engine import Value


def _exp(self: Value) -> Value:
    out = Value(math.exp(self.data), (self,), "exp")

    def _backward() -> None:
        self.grad += out.data * out.grad

    out._backward = _backward
    return out


if not hasattr(Value, "exp"):
    Value.exp = _exp
