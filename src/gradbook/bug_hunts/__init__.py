"""Bug hunts: six small engines in micrograd's style, each with one bug of
a kind that appeared in, or was discussed for, public engines and
lectures.

Show an engine, check it, read where the report points, and fix it::

    from gradbook.bug_hunts import hunt1
    show_source(hunt1.Value)
    print(check_engine(hunt1.Value))

Each engine is one class, ``Value``, in its own module (``hunt1`` to
``hunt6``), and nothing in it says what is wrong.  To repair one in a
notebook, take a fresh copy and replace the method at fault::

    Hunt2 = copy_of(hunt2)
    Hunt2.__mul__ = mul  # your repaired method
    check_repair(hunt2, Hunt2)

The answers (each bug, what the report names, and the patch that fixes
it) are in :mod:`gradbook.bug_hunts.fixes`; :mod:`.symptoms` measures and
draws what each bug does.
"""

from gradbook.bug_hunts import hunt1, hunt2, hunt3, hunt4, hunt5, hunt6
from gradbook.bug_hunts.repair import HUNTS, check_repair, copy_of

__all__ = [
    "HUNTS",
    "check_repair",
    "copy_of",
    "hunt1",
    "hunt2",
    "hunt3",
    "hunt4",
    "hunt5",
    "hunt6",
]
