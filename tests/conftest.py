"""Shared fixtures: the shipped definitions and registry, and Finnish non-working days."""

from __future__ import annotations

from datetime import date

import pytest

from calendars.schedule import PlanWindow
from calendars.workdays import NonWorkingDays, finnish_non_working_days
from obligations.loader import load_definitions
from obligations.parties import Registry, load_registry
from obligations.schema import ObligationDefinition

FULL_WINDOW = PlanWindow(date(2025, 6, 1), date(2033, 5, 31))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--regen-golden", action="store_true", default=False,
                     help="rewrite the golden .ics files from the current code (review the diff)")


@pytest.fixture(scope="session")
def definitions() -> tuple[ObligationDefinition, ...]:
    return load_definitions()


@pytest.fixture(scope="session")
def registry() -> Registry:
    return load_registry()


@pytest.fixture(scope="session")
def non_working_days() -> NonWorkingDays:
    return finnish_non_working_days(2021, 2040)
