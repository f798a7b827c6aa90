"""Bug hunt 6: an engine in micrograd's style, for arrays."""

import numpy as np


class Value:
    """An array that remembers how it was computed."""

    def __init__(self, data, _children=()):
        self.data = np.asarray(data, dtype=float)
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = _children

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other))

        def _backward():
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other))

        def _backward():
            g = out.grad
            self.grad += sum_to(other.data * g, self.data.shape)
            other.grad += sum_to(self.data * g, other.data.shape)

        out._backward = _backward
        return out

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def sum(self):
        out = Value(self.data.sum(), (self,))

        def _backward():
            self.grad += np.ones_like(self.data) * out.grad

        out._backward = _backward
        return out

    def backward(self):
        topo, seen, stack = [], set(), [(self, False)]
        while stack:  # a topological order, without recursion
            v, ready = stack.pop()
            if ready:
                topo.append(v)
            elif v not in seen:
                seen.add(v)
                stack.append((v, True))
                stack.extend((child, False) for child in v._prev)
        for v in topo:
            v.grad = 0.0
        self.grad = np.ones_like(self.data)
        for v in reversed(topo):
            v._backward()


def sum_to(g, shape):
    """Add up ``g`` over the axes that broadcasting added or
    stretched, so that it has ``shape`` again."""
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1:
            g = g.sum(axis=axis, keepdims=True)
    return g
