"""The engine a reader builds in the workshop chapter, finished: about 30
lines of reverse mode that pass every check of
:func:`gradbook.engine_check.check_engine`.

A :class:`Value` records the values it was computed from (its parents) and
the local derivative of itself with respect to each.  ``backward`` sets
every gradient of the graph to zero, then visits every node once, newest
first, and adds ``local * grad`` to each parent: the chain rule, with the
uses of a value added up.  A node is always made after its parents, so
newest first is a reverse topological order, found without recursion
however long the chain.

The chapter's reader writes this class cell by cell; this module is the
solution the chapter's tests run.
"""

import itertools
import math

__all__ = ["Value"]


class Value:
    """A number that remembers how it was computed."""

    _made = itertools.count()  # a node is made after its parents

    def __init__(self, data, parents=(), local_grads=()):
        self.data = data
        self.grad = 0.0
        self.parents = parents  # the Values this one was computed from
        self.local_grads = local_grads  # d(self)/d(parent), for each parent
        self.order = next(Value._made)

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        slopes = (other.data, self.data)
        return Value(self.data * other.data, (self, other), slopes)

    __radd__ = __add__
    __rmul__ = __mul__

    def exp(self):
        e = math.exp(self.data)
        return Value(e, (self,), (e,))

    def sigmoid(self):
        e = math.exp(-abs(self.data))  # never overflows
        s = 1 / (1 + e) if self.data >= 0 else e / (1 + e)
        return Value(s, (self,), (s * (1 - s),))

    def backward(self):
        nodes, stack = set(), [self]
        while stack:  # every node that leads to self, once
            node = stack.pop()
            if node not in nodes:
                nodes.add(node)
                stack.extend(node.parents)
        newest_first = sorted(nodes, key=lambda n: n.order, reverse=True)
        for node in newest_first:
            node.grad = 0.0  # each backward pass starts afresh
        self.grad = 1.0
        for node in newest_first:
            for parent, local in zip(
                node.parents, node.local_grads, strict=True
            ):
                parent.grad += local * node.grad
