"""Real databases for the store tests: a fresh SQLite file and a fresh PostgreSQL database.

PostgreSQL comes from YHDYSPINTA_TEST_POSTGRES_URL (set by .ci/run, which starts the
server); without it the session starts its own with scripts/test-postgres. Where no server
can be had, PostgreSQL tests are skipped locally but fail under CI=true.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.engine.url import make_url

from state.db import make_engine

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str | None]:
    url = os.environ.get("YHDYSPINTA_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    folder = tmp_path_factory.mktemp("postgres")
    folder.chmod(0o755)
    port = str(55000 + os.getpid() % 1000)
    try:
        started = subprocess.run([str(ROOT / "scripts" / "test-postgres"), "start",
                                  str(folder / "data"), port], capture_output=True, text=True,
                                 check=True, timeout=120)
    except (subprocess.CalledProcessError, OSError, subprocess.TimeoutExpired) as exc:
        if os.environ.get("CI"):
            raise
        yield None
        print(f"no PostgreSQL server: {exc}")
        return
    yield started.stdout.strip()
    subprocess.run([str(ROOT / "scripts" / "test-postgres"), "stop", str(folder / "data")],
                   check=False, timeout=60)


def _fresh_postgres(server_url: str) -> str:
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, postgres_url: str | None) -> str:
    """A URL of an empty database, once per backend (a test may narrow it to one)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    if postgres_url is None:
        pytest.skip("no PostgreSQL server here (CI starts one)")
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
