"""Show the engine's own code in a chapter, so a notebook displays it
instead of copying it."""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Callable

from IPython.display import Code

from gradbook import checks

__all__ = ["show_source"]


def show_source(*objects: Callable) -> Code:
    """The source of functions, methods or classes, highlighted, one after
    another."""
    if not objects:
        raise TypeError("show_source: give at least one function or class")
    for i, o in enumerate(objects):
        checks.callable_(o, "show_source", f"objects[{i}]")
    return Code(
        "\n".join(textwrap.dedent(inspect.getsource(o)) for o in objects),
        language="python",
    )
