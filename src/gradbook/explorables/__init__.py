"""Explorables: the figures a reader moves, one module each.

A chapter shows an explorable with one line: ``widgets.panel("name")``
re-runs its computation as the reader moves a control (it needs a kernel),
and ``widgets.scrubber("name")`` shows frames drawn in advance under a
slider (the built HTML book's way to move it; no kernel).  Both draw with
the same code, so they show the same picture.

An explorable is one module of this package, found by itself (nothing to
register), that ends with ``EXPLORABLE = Explorable(...)``
(:class:`~gradbook.explorables.base.Explorable`).  It holds:

- ``CONTROLS``: one :class:`~gradbook.explorables.base.Control` per
  argument of ``compute``: its name, label, default, range and step (or a
  log scale, or choices);
- ``compute(**values)``: the computation, its arguments checked; it
  returns the data to draw, an object with an attribute per control;
- a :class:`~gradbook.explorables.base.LiveFigure`: its ``__init__``
  builds the still parts once, its ``update(data)`` draws one result, for
  every frame of the scrubber and every move of the panel;
- the scrubber: a :class:`~gradbook.explorables.base.Scrubber`, which
  control it moves and over which values;
- ``ALT``: the alt text, a template filled in from the data.

Every word is marked with ``tr`` (:mod:`gradbook.i18n`).  The tests take
every explorable from :func:`registry`: a new one is checked as soon as
its module exists.  CONTRIBUTING.md shows how to write one.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil

from gradbook.explorables.base import (
    Control,
    Explorable,
    LiveFigure,
    Scrubber,
)

__all__ = [
    "Control",
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
        if module.name == "base":
            continue
        found_in = importlib.import_module(f"{__name__}.{module.name}")
        explorable = found_in.EXPLORABLE
        if explorable.name != module.name:
            raise ValueError(
                f"gradbook.explorables.{module.name}: its EXPLORABLE is "
                f"called {explorable.name!r}; call it {module.name!r}"
            )
        found[module.name] = explorable
    return found


def get(name: str | Explorable) -> Explorable:
    """The explorable called ``name`` (or ``name`` itself, if it is one)."""
    if isinstance(name, Explorable):
        return name
    explorables = registry()
    if name not in explorables:
        known = ", ".join(sorted(explorables))
        raise ValueError(
            f"no explorable is called {name!r}; there are: {known}"
        )
    return explorables[name]
