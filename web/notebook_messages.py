"""Babel's extractor for the notebooks' code cells (see babel.cfg): the
words a chapter marks with ``tr(...)`` or ``N_(...)`` for its figures.

Each code cell goes through Babel's own Python extractor; IPython's lines
(``%magic``, ``!command``) are left out, since they are not Python.
"""

from __future__ import annotations

import io
import json
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from babel.messages.extract import extract_python


def extract(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: dict[str, Any],
) -> Iterator[tuple[int, str, Any, list[str]]]:
    """Every marked message of a notebook's code cells, with its line
    counted through the code cells."""
    notebook = json.load(fileobj)
    before = 0  # lines of the code cells above
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        lines = "".join(cell["source"]).splitlines()
        python = "\n".join(
            "" if line.lstrip().startswith(("%", "!")) else line
            for line in lines
        )
        found = extract_python(
            io.BytesIO(python.encode("utf-8")),
            keywords,
            comment_tags,
            {**options, "encoding": "utf-8"},
        )
        for line, function, message, comments in found:
            yield before + line, function, message, comments
        before += len(lines)
