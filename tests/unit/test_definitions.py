"""The shipped definitions encode OBLIGATIONS.md: ids, parties, cadences, statutory dates."""

from __future__ import annotations

import pytest

from obligations.loader import default_definitions_folder
from obligations.schema import (
    Actor,
    Cadence,
    DateInYear,
    DeadlineKind,
    DeadlineSource,
    OwedBy,
    Participation,
    Status,
    Verification,
)
from tests.tables import csv_table


@pytest.fixture(scope="module")
def definitions(shipped_definitions):
    """These tests are about the shipped definitions, not the test copies."""
    return shipped_definitions


REQUIRED = {
    # id: (owed_by, cadence, status)
    "hyte-annual-report-municipality": (OwedBy.MUNICIPALITY, Cadence.ANNUAL_CALENDAR_YEAR,
                                        Status.IN_FORCE),
    "hyte-annual-report-region": (OwedBy.REGION, Cadence.ANNUAL_CALENDAR_YEAR, Status.IN_FORCE),
    "hyte-negotiation-annual": (OwedBy.REGION_CONVENES, Cadence.ANNUAL_CALENDAR_YEAR,
                                Status.IN_FORCE),
    "welfare-report-plan-municipality": (OwedBy.MUNICIPALITY, Cadence.ONCE_PER_TERM,
                                         Status.IN_FORCE),
    "welfare-report-plan-region": (OwedBy.REGION, Cadence.ONCE_PER_TERM, Status.IN_FORCE),
    "county-municipality-negotiation-14": (OwedBy.PAIR_JOINTLY, Cadence.ONCE_PER_TERM,
                                           Status.IN_FORCE),
    "strategic-cooperation-agreement": (OwedBy.PAIR_JOINTLY, Cadence.ONCE_PER_TERM,
                                        Status.IN_FORCE),
    "municipal-budget": (OwedBy.MUNICIPALITY, Cadence.ANNUAL_FISCAL_YEAR, Status.IN_FORCE),
    "municipal-financial-statements": (OwedBy.MUNICIPALITY, Cadence.ANNUAL_FISCAL_YEAR,
                                       Status.IN_FORCE),
    "region-budget": (OwedBy.REGION, Cadence.ANNUAL_FISCAL_YEAR, Status.IN_FORCE),
    "region-financial-statements": (OwedBy.REGION, Cadence.ANNUAL_FISCAL_YEAR, Status.IN_FORCE),
    "hyte-responsible-body": (OwedBy.MUNICIPALITY_AND_REGION_SEPARATELY, Cadence.CONTINUOUS,
                              Status.IN_FORCE),
    "child-youth-welfare-plan": (OwedBy.MUNICIPALITY_AND_REGION_SEPARATELY,
                                 Cadence.ROLLING, Status.CANDIDATE),
    "regional-student-welfare-plan": (OwedBy.REGION, Cadence.ONCE_PER_TERM, Status.CANDIDATE),
    "older-population-plan": (OwedBy.MUNICIPALITY_AND_REGION_SEPARATELY, Cadence.ONCE_PER_TERM,
                              Status.CANDIDATE),
    "municipal-strategy": (OwedBy.MUNICIPALITY, Cadence.ONCE_PER_TERM, Status.IN_FORCE),
    "county-strategy": (OwedBy.REGION, Cadence.ONCE_PER_TERM, Status.IN_FORCE),
}


def test_every_shipped_definition_loads(shipped_definitions):
    """Every file in obligations/definitions/ loads and validates, one definition per file."""
    files = sorted(p.stem for p in default_definitions_folder().glob("*.yaml"))
    assert files
    assert sorted(d.id for d in shipped_definitions) == files


def test_required_definitions(definitions):
    assert {d.id: (d.owed_by, d.cadence, d.status) for d in definitions} == REQUIRED


@pytest.mark.parametrize(
    ("obligation", "step", "month", "day", "year_offset"),
    [
        ("municipal-budget", None, 12, 31, -1),
        ("region-budget", None, 12, 31, -1),
        ("municipal-financial-statements", None, 6, 30, 1),
        ("municipal-financial-statements", "board-signs", 3, 31, 1),
        ("municipal-financial-statements", "audit", 5, 31, 1),
        ("region-financial-statements", None, 6, 30, 1),
        ("region-financial-statements", "board-signs", 3, 31, 1),
        ("region-financial-statements", "audit", 5, 31, 1),
    ],
)
def test_statutory_dates(definitions, obligation, step, month, day, year_offset):
    definition = next(d for d in definitions if d.id == obligation)
    deadline = definition.deadline if step is None else definition.step(step).deadline
    assert deadline is not None
    assert deadline.source is DeadlineSource.STATUTE
    rule = deadline.rule
    assert isinstance(rule, DateInYear)
    assert (rule.month, rule.day, rule.year_offset) == (month, day, year_offset)


@pytest.mark.parametrize(*csv_table(
    "deadline_kinds.csv", ("obligation", "step", "source", "kind", "verification"),
    {"source": DeadlineSource, "kind": DeadlineKind, "verification": Verification}))
def test_deadline_kind_source_and_certainty(definitions, obligation, step, source, kind,
                                            verification):
    definition = next(d for d in definitions if d.id == obligation)
    deadline = definition.deadline if step is None else definition.step(step).deadline
    assert deadline is not None
    assert (deadline.source, deadline.kind, deadline.verification) == (source, kind,
                                                                        verification)
    assert deadline.note


def test_only_filings_with_an_authority_move_later(definitions):
    """Every deadline declares its kind; the one filing is the tax rates' (17.11)."""
    filings = set()
    for d in definitions:
        for step_id, deadline in ((None, d.deadline),
                                  *((s.id, s.deadline) for s in d.steps if s.deadline)):
            if deadline.kind is DeadlineKind.AUTHORITY_FILING:
                filings.add((d.id, step_id))
    assert filings == {("municipal-budget", "tax-rates-notified")}


def test_tax_rates_reach_the_tax_administration_by_17_november(definitions):
    budget = next(d for d in definitions if d.id == "municipal-budget")
    deadline = budget.step("tax-rates-notified").deadline
    assert deadline is not None
    assert isinstance(deadline.rule, DateInYear)
    assert (deadline.rule.month, deadline.rule.day, deadline.rule.year_offset) == (11, 17, -1)
    assert {b.act: b.sections for b in budget.legal_basis} == {
        "410/2015": ("110", "111"), "1558/1995": ("91a",), "654/1992": ("11",)}


def test_steps_the_law_gives_no_date_are_not_statute(definitions):
    """The budget's board proposal and publishing, and the evaluation report (issue 13)."""
    for obligation in ("municipal-budget", "region-budget"):
        budget = next(d for d in definitions if d.id == obligation)
        for step in ("board-proposal", "published"):
            deadline = budget.step(step).deadline
            assert deadline is not None
            assert deadline.source is not DeadlineSource.STATUTE


def test_no_invented_statutory_dates(definitions):
    """Only budgets and financial statements have dates set by law; all else is overridable."""
    statutory = {d.id for d in definitions if d.deadline.source is DeadlineSource.STATUTE}
    assert statutory == {"municipal-budget", "region-budget", "municipal-financial-statements",
                         "region-financial-statements"}


def test_unverified_facts_are_marked(definitions):
    """The region budget's section number is unverified (OBLIGATIONS.md 1.10)."""
    region_budget = next(d for d in definitions if d.id == "region-budget")
    assert region_budget.legal_basis[0].verification is Verification.UNVERIFIED
    # ... but its 31.12 is confirmed by the Ministry of Finance's summary.
    assert region_budget.deadline.verification is Verification.OFFICIAL_SUMMARY
    negotiation = next(d for d in definitions if d.id == "hyte-negotiation-annual")
    assert "unverified" in (negotiation.deadline.note or "")


def test_negotiations_carry_the_seed_roles(definitions):
    hyte = next(d for d in definitions if d.id == "hyte-negotiation-annual")
    section14 = next(d for d in definitions if d.id == "county-municipality-negotiation-14")
    assert {p.who: p.participation for p in section14.participants} == {
        Actor.ELECTED_LEADERSHIP: Participation.TAKES_PART,
        Actor.TOP_MANAGEMENT: Participation.PREPARES_AND_TAKES_PART,
        Actor.EXPERTS: Participation.TAKES_PART_IF_NEEDED,
    }
    hyte_roles = {p.who: p.participation for p in hyte.participants}
    assert hyte_roles[Actor.ELECTED_LEADERSHIP] is Participation.TAKES_PART_IF_NEEDED
    assert hyte_roles[Actor.TOP_MANAGEMENT] is Participation.PREPARES_AND_TAKES_PART
    assert hyte_roles[Actor.EXPERTS] is Participation.PREPARES_AND_TAKES_PART_IF_NEEDED
    for other in (Actor.AUTHORITIES, Actor.PARISHES, Actor.ASSOCIATIONS, Actor.COMPANIES,
                  Actor.REGIONAL_COUNCIL):
        assert hyte_roles[other] is Participation.TAKES_PART_IF_NEEDED


def test_dependencies(definitions):
    by_id = {d.id: d for d in definitions}
    assert [(x.obligation, x.period_offset) for x in by_id["municipal-budget"].depends_on] == [
        ("hyte-negotiation-annual", -1)]
    assert [x.obligation for x in by_id["strategic-cooperation-agreement"].depends_on] == [
        "county-municipality-negotiation-14"]
    plan = by_id["welfare-report-plan-municipality"]
    step_ids = [s.id for s in plan.steps]
    assert step_ids.index("report") < step_ids.index("plan")
