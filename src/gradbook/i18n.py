"""The words gradbook draws, in the reader's language (gettext): English
in the code, marked with :func:`tr`, extracted by `make translations`
into locales/ru/LC_MESSAGES/gradbook.po and compiled by `make` into
src/gradbook/locale/.  The language is read once, at import, from
``GRADBOOK_LANG``: ``ru``, or English (the source, no catalog)."""

import gettext
import os
from pathlib import Path

from gradbook import checks

LANGUAGE = "ru" if os.environ.get("GRADBOOK_LANG") == "ru" else "en"
CATALOGS = Path(__file__).with_name("locale")


def _translations() -> gettext.NullTranslations:
    if LANGUAGE == "en":
        return gettext.NullTranslations()
    try:
        return gettext.translation("gradbook", CATALOGS, [LANGUAGE])
    except FileNotFoundError:
        raise RuntimeError(
            f"gradbook: GRADBOOK_LANG={LANGUAGE}, but its compiled catalog "
            f"is not in {CATALOGS}: run `make catalogs` in the repository"
        ) from None


_TRANSLATIONS = _translations()


def tr(message: str, /, **fields: object) -> str:
    """``message`` in the reader's language (English if the catalog lacks
    it), its ``{fields}`` filled in."""
    text = _TRANSLATIONS.gettext(checks.text(message, "tr", "message"))
    return text.format(**fields) if fields else text


def N_(message: str) -> str:  # noqa: N802 (gettext's name for it)
    """``message``, marked to be translated where a figure draws it, with
    ``tr(label)``: a name the benchmarks write, a label a chapter prints."""
    return message
