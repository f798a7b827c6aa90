"""Benchmarks of the book's engines against micrograd and autograd, run by
`make bench`.

One module per case (neuron, scalar_mlp, vector_mlp, scaling, book), the
shared timing in ``timing``, answer checks in ``checks``, what the peers
lack in ``peers``; ``run`` puts them together.
"""
