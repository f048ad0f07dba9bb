"""Shared fixtures: definitions, the shipped registry, Finnish non-working days, and the
session's one PostgreSQL server (integration and end-to-end tests alike).

PostgreSQL comes from YHDYSPINTA_TEST_POSTGRES_URL when it is set; without it the session
starts its own server with scripts/test-postgres. Where no server can be had the PostgreSQL
tests fail, here as in CI: a skipped backend is not a tested one.

`definitions` are the test copies in tests/fixtures/definitions/ (frozen copies of the
shipped ones after the law review of issue 13): the engine, feed and store tests pin their
dates and names, so a change of the law in obligations/definitions/ breaks only the tests
about the shipped definitions (`shipped_definitions`: test_definitions.py,
test_deployments.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from calendars.schedule import PlanWindow
from calendars.workdays import NonWorkingDays, finnish_non_working_days
from obligations.loader import load_definitions
from obligations.parties import Registry, load_registry
from obligations.schema import ObligationDefinition
from tests.receivers import free_port

FULL_WINDOW = PlanWindow(date(2025, 6, 1), date(2033, 5, 31))
ROOT = Path(__file__).parents[1]
FIXTURE_DEFINITIONS = Path(__file__).parent / "fixtures" / "definitions"
"""Frozen copies of the definitions for tests of the engine, feeds and store."""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--regen-golden", action="store_true", default=False,
                     help="rewrite the golden .ics files from the current code (review the diff)")


@pytest.fixture(scope="session")
def definitions() -> tuple[ObligationDefinition, ...]:
    return load_definitions(FIXTURE_DEFINITIONS)


@pytest.fixture(scope="session")
def shipped_definitions() -> tuple[ObligationDefinition, ...]:
    return load_definitions()


@pytest.fixture(scope="session")
def registry() -> Registry:
    return load_registry()


@pytest.fixture(scope="session")
def non_working_days() -> NonWorkingDays:
    return finnish_non_working_days(2021, 2040)


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
        shutil.rmtree(folder, ignore_errors=True)
        pytest.fail(f"no PostgreSQL server for the tests: {problem}")
    try:
        yield started.stdout.strip()
    finally:
        subprocess.run([str(ROOT / "scripts" / "test-postgres"), "stop", str(folder / "data")],
                       check=False, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)
