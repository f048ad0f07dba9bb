"""Per-county configuration: arrangements, sub-regions and local practice dates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from calendars.schedule import PlanFilter, PlanWindow, plan
from obligations.errors import InputError
from obligations.loader import load_configuration
from obligations.schema import Arrangement, DeadlineSource
from tests.tables import yaml_records

FIXTURE = Path(__file__).parents[1] / "fixtures" / "config"
YEAR_2026 = PlanWindow(date(2026, 1, 1), date(2026, 12, 31))
TERM_2025 = PlanWindow(date(2025, 6, 1), date(2029, 5, 31))


@pytest.fixture(scope="module")
def configuration(definitions, registry):
    return load_configuration(FIXTURE, definitions, registry)


@pytest.fixture(scope="module")
def plan_one(definitions, registry, non_working_days):
    """Plans one obligation under a configuration, as far as `where` narrows it."""
    def run(configuration, obligation, window=YEAR_2026, **where):
        return plan(definitions, registry, non_working_days, window, configuration,
                    PlanFilter(obligations=frozenset({obligation}), **where))
    return run


def test_fixture_loads(configuration):
    assert list(configuration.regions) == ["19"]
    assert configuration.arrangement("19", "hyte-negotiation-annual") is Arrangement.SUB_REGIONAL
    assert configuration.arrangement("20", "hyte-negotiation-annual") is None


def test_sub_regional_negotiation_is_one_occurrence_per_group(configuration, plan_one):
    occurrences = plan_one(configuration, "hyte-negotiation-annual", region="19")
    assert [(o.id, len(o.participants)) for o in occurrences] == [
        ("hyte-negotiation-annual.r19-oulu-area.2026", 7),
        ("hyte-negotiation-annual.r19-rest.2026", 23),
    ]
    assert {o.deadline.statutory for o in occurrences} == {date(2026, 9, 30)}
    invitation = occurrences[0].steps[0]
    assert (invitation.step, invitation.deadline.statutory, invitation.deadline.source) == (
        "invitation", date(2026, 8, 31), DeadlineSource.LOCAL)


def test_per_municipality_negotiation_is_one_occurrence_per_pair(configuration, plan_one):
    occurrences = plan_one(configuration, "county-municipality-negotiation-14", TERM_2025)
    north = [o for o in occurrences if o.region == "19"]
    assert len(north) == 30
    assert "county-municipality-negotiation-14.r19-m564.2025-2029" in {o.id for o in north}
    assert len([o for o in occurrences if o.region == "20"]) == 1


def test_per_municipality_negotiation_names_its_municipality(configuration, plan_one):
    occurrences = plan_one(configuration, "county-municipality-negotiation-14", TERM_2025,
                           municipality="564")
    assert [(o.id, o.municipality, o.participants) for o in occurrences] == [
        ("county-municipality-negotiation-14.r19-m564.2025-2029", "564", ("564",))]


def test_a_municipality_step_date_keeps_the_county_deadline(definitions, registry, plan_one,
                                                              tmp_path):
    (tmp_path / "kainuu.yaml").write_text(
        'region: "20"\n'
        "practice_dates:\n"
        "  hyte-annual-report-municipality:\n"
        "    deadline: {kind: date_in_year, month: 6, day: 30}\n"
        "municipalities:\n"
        '  "205":\n'
        "    practice_dates:\n"
        "      hyte-annual-report-municipality:\n"
        "        steps:\n"
        "          board: {kind: days_before_deadline, days: 20}\n", encoding="utf-8")
    configuration = load_configuration(tmp_path, definitions, registry)
    occurrence = plan_one(configuration, "hyte-annual-report-municipality",
                          municipality="205")[0]
    board = next(s for s in occurrence.steps if s.step == "board")
    assert (occurrence.deadline.statutory, board.deadline.statutory) == (
        date(2026, 6, 30), date(2026, 6, 10))


def test_inherited_step_of_a_statutory_duty_takes_a_local_date(definitions, registry,
                                                                plan_one, tmp_path):
    """The budget's board proposal has no date in law: only the council's 31.12 is fixed."""
    (tmp_path / "kainuu.yaml").write_text(
        'region: "20"\npractice_dates:\n  municipal-budget:\n    steps:\n'
        "      board-proposal: {kind: days_before_deadline, days: 30}\n", encoding="utf-8")
    configuration = load_configuration(tmp_path, definitions, registry)
    occurrence = plan_one(configuration, "municipal-budget", municipality="205")[0]
    proposal = next(s for s in occurrence.steps if s.step == "board-proposal")
    assert (proposal.step, proposal.deadline.statutory, proposal.deadline.source) == (
        "board-proposal", date(2026, 12, 1), DeadlineSource.LOCAL)
    assert occurrence.deadline.statutory == date(2026, 12, 31)


def test_municipality_date_wins_over_county_date(configuration, plan_one):
    occurrences = plan_one(configuration, "hyte-annual-report-municipality", region="19")
    dates = {o.municipality: o.deadline.statutory for o in occurrences}
    assert dates["564"] == date(2026, 11, 30)
    assert dates["009"] == date(2026, 6, 30)
    assert {o.deadline.source for o in occurrences} == {DeadlineSource.LOCAL}


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "county.yaml").write_text(text, encoding="utf-8")
    return tmp_path / "county.yaml"


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param(case["text"], case["problems"], id=case["id"])
    for case in yaml_records("broken_configurations.yaml", ("text", "problems"))])
def test_broken_configuration(tmp_path, definitions, registry, text, expected):
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_configuration(tmp_path, definitions, registry)
    assert [str(p).removeprefix(f"{path}:") for p in caught.value.problems] == expected


def test_a_county_may_escalate_before_the_legal_limit(tmp_path, definitions, registry):
    _write(tmp_path, 'region: "20"\nescalate_before_legal_limit: true\n')
    configuration = load_configuration(tmp_path, definitions, registry)
    assert configuration.escalates_before_legal_limit("20")
    assert not configuration.escalates_before_legal_limit("19")  # the default
    assert not configuration.escalates_before_legal_limit(None)


def test_two_files_for_one_region(tmp_path, definitions, registry):
    (tmp_path / "a.yaml").write_text('region: "20"\n', encoding="utf-8")
    (tmp_path / "b.yaml").write_text('region: "20"\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_configuration(tmp_path, definitions, registry)
    assert [str(p) for p in caught.value.problems] == [
        f"{tmp_path / 'b.yaml'}:1: region: another file configures region 20 already"]
