"""What the pages compute, without a server: duty states, the county matrix, the language."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calendars.duty import Duty, DutyStep, owing_party
from calendars.vuosikello import MarkState
from obligations.lang import StepStatus
from obligations.loader import load_definitions
from obligations.parties import Parties, load_registry
from tests.conftest import FIXTURE_DEFINITIONS
from web.views import clock_marks, county_matrix, duty_state, matrix_csv_rows, select_duties
from web.words import negotiate

REGISTRY = load_registry()
DEFINITIONS = load_definitions(FIXTURE_DEFINITIONS)
STAMP = datetime(2026, 1, 1, tzinfo=UTC)


def _duty(occurrence_id: str, obligation: str, *, participants: str, municipality: str | None,
          due: date, statuses: tuple[StepStatus, ...], lifecycle: str = "active",
          term_year: int = 2, limit: date | None = None) -> Duty:
    steps = tuple(DutyStep(step=f"s{n}", role="coordinator", party="municipality",
                           optional=False, due=due, due_effective=due, status=status,
                           revision=0, changed_at=None, note=None, legal_limit=limit or due)
                  for n, status in enumerate(statuses))
    codes = tuple(participants.split())
    return Duty(
        id=occurrence_id, obligation=obligation, owed_by="municipality",
        party=owing_party("municipality", municipality, "20", codes, None),
        municipality=municipality, region="20", participants=codes, period="2026",
        term="2025-2029", term_year=term_year, due=due, due_effective=due,
        due_source="statute", revision=0, cancelled=lifecycle == "cancelled",
        changed_at=STAMP, steps=steps, legal_limit=limit or due)


@pytest.mark.parametrize(("statuses", "due", "lifecycle", "expected", "limit"), [
    ((StepStatus.DONE, StepStatus.WAIVED), date(2026, 3, 1), "active", MarkState.COMPLETE, None),
    ((StepStatus.DONE, StepStatus.NOT_STARTED), date(2026, 3, 1), "active", MarkState.OVERDUE,
     None),
    ((StepStatus.DONE, StepStatus.IN_PROGRESS), date(2026, 12, 31), "active", MarkState.OPEN,
     None),
    ((StepStatus.NOT_STARTED,), date(2026, 11, 28), "active", MarkState.OPEN, None),  # today
    # Past a practice target of 31.5.2026, before the legal limit (the term's last day).
    ((StepStatus.NOT_STARTED,), date(2026, 5, 29), "active", MarkState.LATE, date(2029, 5, 31)),
    ((StepStatus.NOT_STARTED,), date(2026, 5, 29), "active", MarkState.OVERDUE,
     date(2026, 11, 27)),
    ((StepStatus.NOT_STARTED,), date(2026, 5, 29), "active", MarkState.LATE, date(2026, 11, 28)),
    ((StepStatus.NOT_STARTED,), date(2026, 3, 1), "cancelled",
     MarkState.CANCELLED, None),
])
def test_duty_state(statuses, due, lifecycle, expected, limit):
    duty = _duty("x.m205.2026", "municipal-budget", participants="205", municipality="205",
                 due=due, statuses=statuses, lifecycle=lifecycle, limit=limit)
    assert duty_state(duty, date(2026, 11, 28)) is expected


def test_county_matrix_puts_each_duty_in_its_municipalitys_row_and_own_duties_apart():
    today = date(2026, 11, 28)
    duties = [
        _duty("municipal-budget.m205.2027", "municipal-budget", participants="205",
              municipality="205", due=date(2026, 12, 31), statuses=(StepStatus.DONE,)),
        _duty("hyte-negotiation-annual.r20.2026", "hyte-negotiation-annual",
              participants="105 205", municipality=None, due=date(2026, 3, 1),
              statuses=(StepStatus.NOT_STARTED,)),
        _duty("region-budget.r20.2027", "region-budget", participants="", municipality=None,
              due=date(2026, 12, 31), statuses=(StepStatus.NOT_STARTED,)),
    ]
    matrix = county_matrix(duties, REGISTRY.members("20"), DEFINITIONS, today, "fi")
    columns = [d.id for d in matrix.obligations]
    assert sorted(columns) == ["hyte-negotiation-annual", "municipal-budget"]
    rows = {m.code: cells for m, cells in matrix.rows}
    assert len(rows) == 8
    budget = columns.index("municipal-budget")
    negotiation = columns.index("hyte-negotiation-annual")
    assert [c.state for c in rows["205"][budget]] == [MarkState.COMPLETE]
    assert rows["105"][budget] == ()
    assert [c.state for c in rows["105"][negotiation]] == [MarkState.OVERDUE]  # a joint duty
    assert [c.duty.id for c in matrix.own] == ["region-budget.r20.2027"]
    assert [m.name("fi") for m, _ in matrix.rows] == sorted(m.name("fi") for m, _ in matrix.rows)
    csv_rows = matrix_csv_rows(matrix, "Kainuu", "fi")
    assert len(csv_rows) == 4  # the joint negotiation once per municipality, and the county's
    assert csv_rows[-1]["municipality"] == "Kainuu"
    assert {r["state"] for r in csv_rows} == {"complete", "overdue", "open"}


def test_select_duties_by_term_year_and_obligation():
    duties = [_duty(f"municipal-budget.m205.{y}", "municipal-budget", participants="205",
                    municipality="205", due=date(2026, 12, 31), statuses=(), term_year=y)
              for y in (1, 2, 3)]
    assert len(select_duties(duties, term="2025-2029", term_year=2, obligations=None)) == 1
    assert len(select_duties(duties, term="2025-2029", term_year=None, obligations=None)) == 3
    assert select_duties(duties, term="2029-2033", term_year=None, obligations=None) == []
    assert select_duties(duties, term=None, term_year=None,
                         obligations=frozenset({"region-budget"})) == []


def test_clock_marks_keep_only_the_year_and_link_to_the_duty():
    duties = [_duty("municipal-budget.m205.2027", "municipal-budget", participants="205",
                    municipality="205", due=date(2026, 12, 31), statuses=()),
              _duty("municipal-budget.m205.2028", "municipal-budget", participants="205",
                    municipality="205", due=date(2027, 12, 31), statuses=())]
    marks = clock_marks(duties, 2026, date(2026, 11, 28), {"municipal-budget": "Talousarvio"},
                        Parties(REGISTRY), "fi", "/municipality/205")
    assert [(m.day, m.label, m.href) for m in marks] == [
        (date(2026, 12, 31), "Talousarvio 2026 – Kajaani",
         "/municipality/205#municipal-budget.m205.2027")]


@pytest.mark.parametrize(("query", "cookie", "header", "expected"), [
    (None, None, "", "fi"),
    (None, None, "sv-FI,sv;q=0.9,en;q=0.8", "sv"),
    (None, None, "en-GB,en;q=0.9,fi;q=0.8", "en"),
    (None, None, "de-DE,de;q=0.9,en;q=0.5,sv;q=0.4", "en"),
    (None, None, "fi;q=0.2,sv;q=0.7", "sv"),
    (None, None, "sv;q=0,en;q=0.1", "en"),
    (None, None, "de", "fi"),
    (None, None, "sv;q=abc", "fi"),
    (None, "en", "sv", "en"),
    ("sv", "en", "fi", "sv"),
    ("xx", "xx", "en", "en"),
])
def test_negotiate_language(query, cookie, header, expected):
    assert negotiate(query, cookie, header) == expected


@given(st.text(max_size=80), st.one_of(st.none(), st.text(max_size=5)))
def test_negotiate_always_gives_one_of_the_three(header, query):
    assert negotiate(query, None, header) in ("fi", "sv", "en")


@pytest.mark.parametrize(("feed", "patterns", "public"), [
    ("pair-205", {"pair-*"}, True),
    ("region-20", {"pair-*"}, False),
    ("region-20", {"region-20"}, True),
    ("region-2", {"region-20"}, False),
    ("pair-[0-9]", {"pair-[0-9]"}, True),  # listed as it is, not as a pattern
    ("pair-5", {"pair-[0-9]"}, False),
    ("role-205-council", set(), False),
])
def test_public_feeds_by_id_or_pattern(feed, patterns, public):
    from calendars.feeds import is_public

    assert is_public(feed, frozenset(patterns)) is public


def test_only_role_feeds_with_steps_are_offered():
    """Issue 15.13: a role with no step in the municipality's duties has an empty feed."""
    from web.views import roles_with_steps

    duty = _duty("a.m205.2026", "a", participants="205", municipality="205",
                 due=date(2026, 5, 4), statuses=(StepStatus.NOT_STARTED,))
    county = replace(duty, steps=(
        DutyStep(step="c", role="board", party="region", optional=False,
                  due=date(2026, 5, 4), due_effective=date(2026, 5, 4),
                  status=StepStatus.NOT_STARTED, revision=0, changed_at=None, note=None),))
    other = _duty("a.m564.2026", "a", participants="564", municipality="564",
                  due=date(2026, 5, 4), statuses=(StepStatus.NOT_STARTED,))
    assert roles_with_steps([duty, county, other], "205") == {"coordinator"}
    assert roles_with_steps([county], "205") == frozenset()
    assert roles_with_steps([duty, other], "999") == frozenset()


def test_the_api_names_exactly_the_step_statuses():
    from typing import get_args

    from obligations.lang import STEP_STATUSES
    from web.api import StatusName

    assert get_args(StatusName) == STEP_STATUSES
