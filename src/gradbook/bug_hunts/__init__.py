"""Bug hunts: six small engines in micrograd's style, each with one bug
that learners really make.

Show an engine, check it, read where the report points, and fix it::

    from gradbook.bug_hunts import hunt1
    show_source(hunt1.Value)
    print(check_engine(hunt1.Value))

Each engine is one class, ``Value``, in its own module (``hunt1`` to
``hunt6``), and nothing in it says what is wrong.  The answers (each bug,
what the report names, and the patch that fixes it) are in
:mod:`gradbook.bug_hunts.fixes`.
"""

from gradbook.bug_hunts import hunt1, hunt2, hunt3, hunt4, hunt5, hunt6

__all__ = ["HUNTS", "hunt1", "hunt2", "hunt3", "hunt4", "hunt5", "hunt6"]

HUNTS = (hunt1, hunt2, hunt3, hunt4, hunt5, hunt6)
