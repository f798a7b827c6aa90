"""Explorables: the figures a reader moves, one module each.

A chapter shows one with a line: ``widgets.panel("name")`` computes and
draws again as the reader moves a control (it needs a kernel);
``widgets.scrubber("name")`` shows frames drawn in advance under a slider
(the HTML book's way; no kernel).  Both draw with the same code.

A module here that ends with ``EXPLORABLE = Explorable(...)`` is found by
itself: its controls (``Control``), ``compute(**values)`` (the
computation, arguments checked, :class:`Data` out), a ``LiveFigure``
(still parts built once, ``update(data)`` the one drawing path), its
``Scrubber`` and its alt-text template, every word marked with ``tr``.
The tests check every explorable of :func:`registry`.  CONTRIBUTING.md
shows how to write one.
"""

import functools
import importlib
import pkgutil

from gradbook.explorables.base import (
    Control,
    Data,
    Explorable,
    LiveFigure,
    Scrubber,
)

__all__ = [
    "Control",
    "Data",
    "Explorable",
    "LiveFigure",
    "Scrubber",
    "get",
    "registry",
]


@functools.cache
def registry() -> dict[str, Explorable]:
    """Every explorable, by name: the ``EXPLORABLE`` of each module here."""
    found = {}
    for module in pkgutil.iter_modules(__path__):
        if module.name != "base":
            path = f"{__name__}.{module.name}"
            found[module.name] = importlib.import_module(path).EXPLORABLE
            if found[module.name].name != module.name:
                raise ValueError(
                    f"{path}: call its EXPLORABLE {module.name!r}"
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
