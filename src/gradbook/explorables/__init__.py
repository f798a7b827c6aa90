"""Explorables: the figures a reader moves, one module each.

A chapter shows one with a line: ``widgets.panel("name")`` computes and
draws again as the reader moves a control (it needs a kernel);
``widgets.scrubber("name")`` shows frames drawn in advance under a slider
(the HTML book's way; no kernel).  Both draw with the same code.

An explorable is a module here, found by itself, named as the chapter
calls it, with: ``CONTROLS``, a tuple of ``Control``; ``compute``, the
computation (a value for each control in, arguments checked, ``Data``
out); ``Figure``, a ``LiveFigure`` whose ``__init__`` builds the still
parts and whose ``update(data)`` is the one drawing path; ``SCRUBBER``,
a ``Scrubber``; ``ALT``, the alt-text template.  Every word is marked
with ``tr``.  The tests check every explorable of :func:`registry`;
CONTRIBUTING.md shows how to write one.
"""

import functools
import importlib
import pkgutil

from gradbook.explorables.base import Explorable


@functools.cache
def registry() -> dict[str, Explorable]:
    """Every explorable, by name: each module here but base."""
    found = {}
    for name in (m.name for m in pkgutil.iter_modules(__path__)):
        if name != "base":
            module = importlib.import_module(f"{__name__}.{name}")
            parts = ("compute", "Figure", "CONTROLS", "SCRUBBER", "ALT")
            found[name] = Explorable(
                name, *(getattr(module, p) for p in parts)
            )
    return found


def get(name: str | Explorable) -> Explorable:
    """The explorable called ``name`` (or ``name`` itself, if it is one)."""
    if isinstance(name, Explorable):
        return name
    if name not in registry():
        known = ", ".join(sorted(registry()))
        raise ValueError(
            f"no explorable is called {name!r}; there are: {known}"
        )
    return registry()[name]
