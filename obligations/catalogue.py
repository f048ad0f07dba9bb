"""Every user-facing text, in Finnish, Swedish and English: one gettext catalogue.

The catalogues are `obligations/locale/<lang>/LC_MESSAGES/yhdyspinta.po`, edited by hand
and through Babel (`make messages`); the `.mo` beside each is compiled from it by
`make messages` and committed, and `tests/unit/test_catalogue.py` fails when a `.mo` does
not match its `.po`. Only the standard library is used here, so the pure core, the CLI's
`--help` and the feed server read the catalogue without Babel installed.

Message ids are keys (`web.due`, `mail.when.reminder`), not English sentences; the fields
are filled in with `str.format` (`{count}`, `{value!r}`). See docs/DESIGN.md, "Words".
"""

from __future__ import annotations

import gettext as _gettext
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from obligations.lang import Lang

DOMAIN = "yhdyspinta"
LOCALE_DIR = Path(__file__).with_name("locale")


@cache
def translations(lang: Lang) -> _gettext.GNUTranslations:
    """The compiled catalogue of one language (read once)."""
    with (LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as compiled:
        return _gettext.GNUTranslations(compiled)


def gettext(key: str, lang: Lang, **fields: object) -> str:
    """The text of `key` in `lang`, with its fields filled in."""
    return translations(lang).gettext(key).format(**fields)


def ngettext(key: str, key_plural: str, n: int, lang: Lang, **fields: object) -> str:
    """The text of `key` in `lang` in the plural form for `n`, with its fields filled in.

    `key_plural` is `key + ".n"`; it is written out so that extraction sees both ids.
    """
    return translations(lang).ngettext(key, key_plural, n).format(**fields)


def N_(key: str) -> str:  # noqa: N802 - the gettext convention for "an id, extracted"
    """Marks an id that is looked up later from data (an enum value, a code)."""
    return key
