"""Real databases for the store tests: a fresh SQLite file and a fresh PostgreSQL database.

PostgreSQL is the session's one server (`postgres_url` in tests/conftest.py), with a fresh
database per test.
"""

from __future__ import annotations

import io
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.engine.url import make_url

from state.db import make_engine
from tests.receivers import SmtpServer


def _fresh_postgres(server_url: str) -> str:
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, postgres_url: str) -> str:
    """A URL of an empty database, once per backend (a test may narrow it to one)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return _fresh_postgres(postgres_url)


CliRun = Callable[..., tuple[int, str, str]]


def run_cli(*argv: str, lang: str = "en") -> tuple[int, str, str]:
    """`yhdyspinta ARGV --lang LANG` in this process: exit code, stdout and stderr."""
    from yhdyspinta.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = main([*argv, "--lang", lang], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def cli_output(*argv: str) -> str:
    """stdout of a CLI command (in English) that must succeed without a word on stderr."""
    code, out, err = run_cli(*argv)
    assert (code, err) == (0, ""), out
    return out


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch) -> CliRun:
    """The CLI on a fresh store (a test module may extend it, e.g. with a first sync)."""
    monkeypatch.setenv("YHDYSPINTA_DATABASE_URL", database_url)
    return run_cli


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    # Before Prefect is imported: its settings are read then. No telemetry, own home.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_HOME", str(tmp_path_factory.mktemp("prefect-home")))
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A real SMTP server on 127.0.0.1 that keeps what it accepts."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def assert_contains(text: str, *fragments: str) -> None:
    """Every fragment is in `text`; a failure names all that are missing, not only the first."""
    missing = [fragment for fragment in fragments if fragment not in text]
    assert not missing, f"missing: {missing}"
