"""Show the engine's own code in a chapter, so a notebook displays it instead of copying it."""

from __future__ import annotations

import inspect
import textwrap
from typing import Any

from IPython.display import Code

__all__ = ["show_source"]


def show_source(*objects: Any) -> Code:
    """The source of functions, methods or classes, highlighted, one after another."""
    return Code(
        "\n".join(textwrap.dedent(inspect.getsource(o)) for o in objects),
        language="python",
    )
