"""The words gradbook draws, in the reader's language (gettext).

Every word a figure draws (titles, axis labels, legends, slider labels,
alt texts, and the titles a chapter passes in) is written in English and
marked with :func:`tr`; `make translations` extracts the marked messages
(Babel, over src/gradbook and the notebooks' code cells) into the catalog
``locales/ru/LC_MESSAGES/gradbook.po``, and `make` compiles it into
``src/gradbook/locale/`` (build output, never committed), where
:func:`tr` reads it.

The language is read once, when gradbook is imported, from the environment
variable ``GRADBOOK_LANG``: ``ru`` for the Russian edition; anything else,
or nothing, is English, which is the source and needs no catalog.  Numbers
keep their decimal point in both languages, so a figure agrees with the
printed output beside it.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

from gradbook import checks

__all__ = ["LANGUAGE", "N_", "tr"]

LANGUAGE = "ru" if os.environ.get("GRADBOOK_LANG") == "ru" else "en"
CATALOGS = Path(__file__).with_name("locale")


def _translations() -> gettext.NullTranslations:
    if LANGUAGE == "en":
        return gettext.NullTranslations()
    try:
        return gettext.translation("gradbook", CATALOGS, [LANGUAGE])
    except FileNotFoundError:
        where = CATALOGS / LANGUAGE / "LC_MESSAGES" / "gradbook.mo"
        raise RuntimeError(
            f"gradbook: GRADBOOK_LANG={LANGUAGE}, but its compiled catalog "
            f"{where} is missing: run `make catalogs` in the repository"
        ) from None


_TRANSLATIONS = _translations()


def tr(message: str, /, **fields: object) -> str:
    """``message`` in the reader's language, its ``{fields}`` filled in.

    A message the catalog lacks is returned in English.
    """
    checks.text(message, "tr", "message")
    text = _TRANSLATIONS.gettext(message)
    return text.format(**fields) if fields else text


def N_(message: str) -> str:  # noqa: N802 (gettext's name for it)
    """``message`` unchanged: marks words kept in English where they are
    made (a name the benchmarks write, a label a chapter prints) and
    translated where a figure draws them, with ``tr(label)``."""
    return message
