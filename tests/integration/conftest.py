"""Real databases for the store tests: a fresh SQLite file and a fresh PostgreSQL database.

PostgreSQL comes from YHDYSPINTA_TEST_POSTGRES_URL when it is set; without it the session
starts its own server with scripts/test-postgres. Where no server can be had the PostgreSQL
tests fail, here as in CI: a skipped backend is not a tested one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.engine.url import make_url

from state.db import make_engine
from tests.receivers import SmtpServer, free_port

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    url = os.environ.get("YHDYSPINTA_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    # Not under pytest's basetemp: that is 0700 and root's, and the server runs as the
    # 'postgres' user, which must be able to enter every folder on the way.
    folder = Path(tempfile.mkdtemp(prefix="yhdyspinta-test-pg."))
    folder.chmod(0o755)
    started = None
    for _ in range(3):  # a port free a moment ago may be taken by another run meanwhile
        try:
            started = subprocess.run([str(ROOT / "scripts" / "test-postgres"), "start",
                                      str(folder / "data"), str(free_port())],
                                     capture_output=True, text=True, check=True, timeout=120)
            break
        except subprocess.CalledProcessError as exc:
            problem = exc.stderr.strip() or str(exc)
        except (OSError, subprocess.TimeoutExpired) as exc:
            problem = str(exc)
    if started is None:
        pytest.fail(f"no PostgreSQL server for the tests: {problem}")
    try:
        yield started.stdout.strip()
    finally:
        subprocess.run([str(ROOT / "scripts" / "test-postgres"), "stop", str(folder / "data")],
                       check=False, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


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
