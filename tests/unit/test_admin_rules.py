"""Who administers what (app.people, app.subscribers): the rules the /admin pages apply.

Pure: a `Person` value and the shipped registry, no store.
"""

from __future__ import annotations

import pytest

from app.people import NotAllowedError, administered, check_may_add, check_may_grant
from app.subscribers import within
from obligations.parties import default_registry_folder, load_registry
from state.people import Person

REGISTRY = load_registry(default_registry_folder(), year=2026)
COUNTY = Person(1, "anna@pohde.fi", "Anna", False, frozenset({("r19", "county_admin")}))
NATIONAL = Person(2, "nina@stm.fi", "Nina", True, frozenset())
READER = Person(3, "riku@oulu.fi", "Riku", False, frozenset({("m564", "reader")}))


def test_a_county_administrator_administers_the_county_and_its_municipalities_only():
    scope = administered(COUNTY, REGISTRY)
    assert scope is not None
    assert {"r19", "m564", "m009"} <= scope
    assert "m205" not in scope  # Kajaani is in county 20
    assert administered(NATIONAL, REGISTRY) is None
    assert administered(READER, REGISTRY) == frozenset()


def test_grants_stay_in_the_county_and_never_make_a_national_administrator():
    check_may_grant(COUNTY, "m564", "coordinator", REGISTRY)
    with pytest.raises(NotAllowedError):
        check_may_grant(COUNTY, "m205", "coordinator", REGISTRY)
    with pytest.raises(NotAllowedError):
        check_may_grant(COUNTY, "r19", "national_admin", REGISTRY)
    check_may_grant(NATIONAL, "m205", "national_admin", REGISTRY)
    with pytest.raises(NotAllowedError):
        check_may_add(COUNTY, admin=True, registry=REGISTRY)
    with pytest.raises(NotAllowedError):
        check_may_add(READER, admin=False, registry=REGISTRY)
    check_may_add(COUNTY, admin=False, registry=REGISTRY)


def test_feeds_handed_out_belong_to_the_administrators_parties():
    scope = administered(COUNTY, REGISTRY)
    assert within(scope, {"pair-564": "m564", "region-19": "r19"})
    assert not within(scope, {"pair-205": "m205"})
    assert not within(scope, {"obligation-municipal-budget": None})
    assert within(None, {"obligation-municipal-budget": None})
