"""The gradient book's engine: random search, forward mode and reverse mode.

Modules, one idea each:

- ``checks``: the one policy for arguments (what counts as a number, the
  error messages);
- ``article``: the article's fixed points (the point, value, gradient,
  search start, tweak amount and iterations);
- ``circuits``: the models, written once for every kind of number;
- ``functions``: elementary functions for every kind of number;
- ``search``: random local search and gradient ascent;
- ``numerical``: finite differences and ``check_grad``;
- ``dual``: forward mode, with dual numbers;
- ``backprop``: reverse mode, the article's ``BVar``, and ``hvp``
  (second derivatives: the two modes nest);
- ``nn`` and ``data``: layers and networks (a multilayer perceptron,
  batch normalization, convolution, pooling), one training loop, and
  their data sets;
- ``plots``: figure builders, data in and figure out;
- ``views``: each chapter's update logic, parameters in and figure out;
- ``widgets``: live panels and scrubbers, built on ``views``;
- ``source``: showing engine code in a chapter;
- ``jit``: a recorded tape as a compiled program, a package (``record``
  records, ``program`` is the printable form, ``optimize`` and ``codegen``
  simplify it and write Python, ``linear`` builds reverse mode as
  linearize-then-transpose, ``compiled`` puts them together).
"""

__version__ = "1.0.0"
