"""The one error the application layer raises for input a user can fix."""

from __future__ import annotations

from typing import TYPE_CHECKING

from obligations.catalogue import gettext
from obligations.lang import Lang

if TYPE_CHECKING:
    from yhdyspinta.settings import Settings


class AppError(Exception):
    """Input a user can fix (an unknown county, a window no council term covers).

    `key` is a catalogue id and `values` its fields, so that each caller says it in its
    reader's language: the CLI on stderr, a flow in its log (in English, `str(error)`).
    """

    def __init__(self, key: str, **values: object) -> None:
        self.key = key
        self.values = values
        super().__init__(gettext(key, "en", **values))

    def text(self, lang: Lang) -> str:
        """The message in `lang`."""
        return gettext(self.key, lang, **self.values)


def describe(error: Exception, lang: Lang, settings: Settings) -> tuple[str, ...] | None:
    """The lines a user reads for an error of the application or the store, or None.

    `AppError` and the store's errors (`StateError`, a contacts file's `ContactImportError`,
    a database error) each become one line or a few, in `lang`; a database error names the
    database without its password and never the SQL.
    """
    from obligations.catalogue import ngettext

    if isinstance(error, AppError):
        return (error.text(lang),)
    from sqlalchemy.exc import SQLAlchemyError

    from state.errors import FileImportError, StateError

    if isinstance(error, StateError):
        if error.key is not None:
            return (gettext(error.key, lang, **error.values),)
        return (str(error),)
    if isinstance(error, FileImportError):
        return (*(f"{error.source}:{p}" for p in error.problems),
                ngettext("cli.error.problems", "cli.error.problems.n", len(error.problems),
                         lang, count=len(error.problems)))
    if isinstance(error, SQLAlchemyError):
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        from app.store import safe_url

        return (gettext("cli.error.database", lang, url=safe_url(settings), reason=reason),)
    return None
