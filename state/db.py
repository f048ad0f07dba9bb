"""Engines and schema management. Nothing here runs at import time.

SQLite runs in WAL mode with a busy timeout; writers take the write lock at BEGIN
(`BEGIN IMMEDIATE`) so that two writers queue instead of failing halfway. PostgreSQL
writers serialise on row locks or an advisory lock (see `sync.py`, `steps.py`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import IntEnum
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection
from sqlalchemy.engine.url import make_url
from sqlmodel import Session

from state.errors import SchemaError, StateError

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000
SCHEMA_LOCK_KEY = 0x59685363  # "YhSc": PostgreSQL advisory lock around migrations


class Serialised(IntEnum):
    """Writers that run one at a time: their PostgreSQL advisory lock keys.

    SQLite's database-wide write lock serialises them there already.
    """

    SYNC = 7_263_001
    QUEUE = 7_263_002


def make_engine(url: str) -> Engine:
    """An engine for `url`; for SQLite the folder is created and WAL is switched on."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            folder = Path(parsed.database).parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StateError(f"{folder}: cannot create the database's folder: "
                                 f"{error.strerror}") from None
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(connection: Connection) -> None:
            mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
            connection.exec_driver_sql(f"BEGIN {mode}")

        return engine
    return create_engine(url, pool_pre_ping=True)


def writer(engine: Engine) -> Engine:
    """The same engine, but its transactions take SQLite's write lock at once."""
    return engine.execution_options(sqlite_begin="IMMEDIATE")


@contextmanager
def write_session(engine: Engine, serialised: Serialised | None = None) -> Iterator[Session]:
    """One transaction that commits on success and rolls back on any error.

    With `serialised`, the transaction first waits for that writer's advisory lock (on
    PostgreSQL; held until it ends), so that two such writers never interleave.
    """
    with Session(writer(engine), expire_on_commit=False) as session, session.begin():
        if serialised is not None and session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": int(serialised)})
        yield session


def _alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest schema revision this code knows."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    heads = ScriptDirectory.from_config(config).get_heads()
    return heads[0]


def current_revision(engine: Engine) -> str | None:
    """The database's schema revision (None for an empty database)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str]:
    """Bring the schema to `revision`; returns (before, after)."""
    before = current_revision(engine)
    _refuse_newer(before)
    with writer(engine).begin() as connection:
        if connection.dialect.name == "postgresql":
            # Two first runs on an empty database: the second waits here, then finds the
            # schema made (SQLite's BEGIN IMMEDIATE does the same).
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK_KEY})")
        command.upgrade(_alembic_config(connection), revision)
    return before, current_revision(engine) or ""


def _known_revisions() -> set[str]:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}


def _refuse_newer(revision: str | None) -> None:
    if revision is not None and revision not in _known_revisions():
        raise SchemaError(
            f"the database has schema {revision}, newer than this yhdyspinta knows "
            f"({head_revision()}); upgrade yhdyspinta before using this database"
        )


def ensure_schema(engine: Engine) -> None:
    """Create the schema in an empty database; refuse an older or a newer one.

    An empty database is set up at once so that the first run needs no extra step;
    an existing older one is changed only by an explicit `yhdyspinta db upgrade`.
    """
    revision = current_revision(engine)
    if revision is None:
        upgrade(engine)
        return
    _refuse_newer(revision)
    if revision != head_revision():
        raise SchemaError(
            f"the database has schema {revision}, older than this yhdyspinta's "
            f"{head_revision()}; run `yhdyspinta db upgrade` first"
        )
