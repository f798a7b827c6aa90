"""The gradient book's engine: random search, forward mode and reverse mode.

Modules, one idea each: ``checks`` (the one policy for arguments: what
counts as a number, and the messages), ``circuits`` (the models),
``functions`` (elementary functions for every number type), ``search``
(random local search and gradient ascent), ``numerical`` (finite
differences), ``dual`` (forward mode), ``backprop`` (reverse mode),
``plots`` and ``widgets``.
"""

__version__ = "1.0.0"
