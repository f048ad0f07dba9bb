"""Opening the status store the settings name."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine as Engine  # the type the CLI names, through this module

from state.db import ensure_schema, make_engine
from yhdyspinta.settings import Settings


def open_engine(settings: Settings, *, check_schema: bool = True) -> Engine:
    """The store's engine; an empty database gets the schema, a stale one is refused.

    The caller disposes of it (`engine.dispose()`), or uses `store` instead.
    """
    engine = make_engine(settings.effective_database_url)
    if check_schema:
        try:
            ensure_schema(engine)
        except BaseException:
            engine.dispose()
            raise
    return engine


@contextmanager
def store(settings: Settings, *, check_schema: bool = True) -> Iterator[Engine]:
    """The store's engine for the length of a block (a flow's task, one job)."""
    engine = open_engine(settings, check_schema=check_schema)
    try:
        yield engine
    finally:
        engine.dispose()


def safe_url(settings: Settings) -> str:
    """The database URL without its password, for error messages."""
    from sqlalchemy.engine.url import make_url

    return make_url(settings.effective_database_url).render_as_string(hide_password=True)


def backend_name(settings: Settings) -> str:
    """`sqlite` or `postgresql`: which kind of database the settings name."""
    from sqlalchemy.engine.url import make_url

    return make_url(settings.effective_database_url).get_backend_name()


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the schema to this version's: (revision before, revision after)."""
    from state.db import upgrade as upgrade_schema

    return upgrade_schema(engine)


def revisions(engine: Engine) -> tuple[str | None, str]:
    """The database's schema revision and this version's."""
    from state.db import current_revision, head_revision

    return current_revision(engine), head_revision()
