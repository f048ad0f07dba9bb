"""Shared fixtures: definitions, the shipped registry, and Finnish non-working days.

`definitions` are the test copies in tests/fixtures/definitions/ (frozen copies of the
shipped ones after the law review of issue 13): the engine, feed and store tests pin their
dates and names, so a change of the law in obligations/definitions/ breaks only the tests
about the shipped definitions (`shipped_definitions`: test_definitions.py,
test_deployments.py).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from calendars.schedule import PlanWindow
from calendars.workdays import NonWorkingDays, finnish_non_working_days
from obligations.loader import load_definitions
from obligations.parties import Registry, load_registry
from obligations.schema import ObligationDefinition

FULL_WINDOW = PlanWindow(date(2025, 6, 1), date(2033, 5, 31))
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
