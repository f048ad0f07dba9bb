"""The status store on SQLite and PostgreSQL: migrations, sync, steps, audit, contacts."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine, text

from calendars.schedule import PlanFilter, PlanWindow, plan
from state.audit import audit_trail, evidence_for
from state.contacts import import_contacts, list_contacts, parse_contacts
from state.db import current_revision, ensure_schema, head_revision, upgrade
from state.errors import (
    ContactImportError,
    SchemaError,
    TransitionError,
    UnknownOccurrenceError,
    UnknownStepError,
)
from state.models import StepStatus
from state.queries import duty_states
from state.steps import Evidence, set_step_status
from state.sync import definition_fingerprints, sync_plan

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 28)
WINDOW = PlanWindow(date(2026, 1, 1), date(2027, 12, 31))
REPORT = "hyte-annual-report-municipality.m205.2026"


@pytest.fixture
def kainuu(definitions, registry, non_working_days):
    """The 2026–2027 plan of Kainuu (8 municipalities): small and real."""
    return plan(definitions, registry, non_working_days, WINDOW,
                selection=PlanFilter(region="20"))


@pytest.fixture
def synced(engine: Engine, definitions, kainuu) -> Engine:
    ensure_schema(engine)
    sync_plan(engine, kainuu, definition_fingerprints(definitions), window=WINDOW,
              obligations=None, now=NOW, today=TODAY)
    return engine


def _snapshot(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT id, revision, lifecycle, changed_at, content_hash FROM occurrence ORDER BY id"))
        return [tuple(r) for r in rows]


def test_migrations_from_empty(engine):
    assert current_revision(engine) is None
    assert upgrade(engine) == (None, head_revision())
    assert set(sa.inspect(engine).get_table_names()) >= {
        "occurrence", "occurrence_step", "step_status", "evidence", "audit_log", "contact",
        "subscriber", "outbox", "alembic_version"}


def test_migrations_match_the_models(engine):
    """The tables the migrations build are the ones the SQLModel classes describe."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import state.models  # noqa: F401 (registers the tables)

    upgrade(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection),
                                       SQLModel.metadata)
    # Type spellings differ by dialect (AutoString vs VARCHAR); tables, columns and
    # indexes must not.
    structural = [d for d in differences
                  if not (isinstance(d, list) and d and d[0][0] == "modify_type")
                  and not (isinstance(d, tuple) and d[0] in ("modify_type",))]
    assert structural == []


def test_migration_from_the_first_schema_keeps_data(engine, definitions, kainuu):
    upgrade(engine, "0001")
    with pytest.raises(SchemaError, match="run `yhdyspinta db upgrade` first"):
        ensure_schema(engine)
    # Written as the first schema had it: today's code also writes the audit's channel and
    # the legal limit.
    _write_as_before(engine, kainuu)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO step_status (occurrence_id, step, status, revision, changed_at, "
            "changed_by) VALUES (:o, 'data-compiled', 'done', 1, :at, 'tester')"),
            {"o": REPORT, "at": NOW})
        connection.execute(text(
            "INSERT INTO audit_log (at, actor, occurrence_id, step, action, old_value, "
            "new_value) VALUES (:at, 'tester', :o, 'data-compiled', 'status', 'not_started', "
            "'done')"), {"o": REPORT, "at": NOW})
    assert upgrade(engine) == ("0001", head_revision())
    ensure_schema(engine)
    assert len(audit_trail(engine, REPORT)) == 1
    assert "contact" in sa.inspect(engine).get_table_names()


def _write_as_before(engine: Engine, occurrences) -> None:
    """Occurrences and steps as the schemas before 0005 held them (no legal limit)."""
    with engine.begin() as connection:
        for o in occurrences:
            connection.execute(text(
                "INSERT INTO occurrence (id, obligation, owed_by, municipality, region, "
                "participants, group_id, period, term, term_year, due, due_effective, "
                "due_source, content_hash, revision, lifecycle, created_at, changed_at) "
                "VALUES (:id, :obligation, :owed_by, :municipality, :region, :participants, "
                "NULL, :period, :term, :term_year, :due, :effective, :source, 'old', 0, "
                "'active', :at, :at)"),
                {"id": o.id, "obligation": o.obligation, "owed_by": o.owed_by.value,
                 "municipality": o.municipality, "region": o.region,
                 "participants": " ".join(o.participants), "period": o.period,
                 "term": o.term, "term_year": o.term_year, "due": o.deadline.statutory,
                 "effective": o.deadline.effective, "source": o.deadline.source.value,
                 "at": NOW})
            for position, step in enumerate(o.steps):
                connection.execute(text(
                    "INSERT INTO occurrence_step (occurrence_id, step, position, role, party, "
                    "optional, after, due, due_effective) VALUES (:o, :step, :position, "
                    ":role, :party, :optional, '', :due, :effective)"),
                    {"o": o.id, "step": step.step, "position": position,
                     "role": step.role.value, "party": step.party.value,
                     "optional": step.optional, "due": step.deadline.statutory,
                     "effective": step.deadline.effective})


def test_migration_0005_adds_the_legal_limit_and_the_next_sync_fills_it(engine, definitions,
                                                                         kainuu):
    """Rows stored before 0005 get their target as the limit; the next sync writes the real
    limit, a change (new revision), and a second sync finds nothing to do."""
    upgrade(engine, "0004")
    _write_as_before(engine, kainuu)
    assert upgrade(engine) == ("0004", head_revision())
    with engine.connect() as connection:
        missing = connection.execute(text(
            "SELECT count(*) FROM occurrence WHERE legal_limit IS NULL OR legal_limit <> due"
        )).scalar_one()
        steps = connection.execute(text(
            "SELECT count(*) FROM occurrence_step WHERE legal_limit <> due")).scalar_one()
    assert (missing, steps) == (0, 0)
    report = sync_plan(engine, kainuu, definition_fingerprints(definitions), window=WINDOW,
                       obligations=None, now=NOW, today=TODAY)
    assert (report.new, report.changed) == (0, len(kainuu))
    stored = {d.id: d for d in duty_states(engine)}
    for occurrence in kainuu:
        duty = stored[occurrence.id]
        assert duty.legal_limit == occurrence.deadline.legal_limit
        assert [s.legal_limit for s in duty.steps] == [
            s.deadline.legal_limit for s in occurrence.steps]
    assert any(d.limit > d.due_effective for d in stored.values())
    assert all(d.due_effective <= d.limit
               and all(s.due_effective <= s.limit for s in d.steps) for d in stored.values())
    again = sync_plan(engine, kainuu, definition_fingerprints(definitions), window=WINDOW,
                      obligations=None, now=NOW, today=TODAY)
    assert again.written == 0


def test_two_first_runs_on_an_empty_database_both_succeed(database_url):
    """Three processes that find the database empty create the schema once, without error."""
    exe = str(Path(sys.executable).parent / "yhdyspinta")
    env = {**os.environ, "YHDYSPINTA_DATABASE_URL": database_url}
    runs = [subprocess.Popen([exe, "db", "upgrade"], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(3)]
    results = [(run.wait(timeout=120), *run.communicate()) for run in runs]
    assert [code for code, _, _ in results] == [0, 0, 0], results
    assert all("Traceback" not in err for _, _, err in results)
    engine = sa.create_engine(database_url)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_refuses_a_newer_schema(engine):
    upgrade(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(SchemaError, match="newer than this yhdyspinta knows"):
        ensure_schema(engine)
    with pytest.raises(SchemaError, match="upgrade yhdyspinta"):
        upgrade(engine)


def test_second_sync_writes_nothing(synced, definitions, kainuu):
    before = _snapshot(synced)
    report = sync_plan(synced, kainuu, definition_fingerprints(definitions), window=WINDOW,
                       obligations=None, now=datetime(2026, 11, 29, tzinfo=UTC), today=TODAY)
    assert (report.written, report.unchanged) == (0, len(kainuu))
    assert _snapshot(synced) == before


def test_changed_definition_bumps_revision(synced, definitions, registry, non_working_days):
    budget = next(d for d in definitions if d.id == "municipal-budget")
    renamed = budget.model_copy(update={"names": budget.names.model_copy(
        update={"en": "Budget"})})
    others = [d for d in definitions if d.id != "municipal-budget"]
    changed_defs = [*others, renamed]
    occurrences = plan(changed_defs, registry, non_working_days, WINDOW,
                       selection=PlanFilter(region="20"))
    report = sync_plan(synced, occurrences, definition_fingerprints(changed_defs),
                       window=WINDOW, obligations=None, now=NOW, today=TODAY)
    budgets = sum(1 for o in occurrences if o.obligation == "municipal-budget")
    assert (report.changed, report.new, report.cancelled) == (budgets, 0, 0)
    revisions = {r[0]: r[1] for r in _snapshot(synced)}
    assert revisions["municipal-budget.m205.2027"] == 1
    assert revisions[REPORT] == 0


def test_gone_is_cancelled_and_history_kept(synced, definitions, kainuu):
    without_reports = [o for o in kainuu if o.obligation != "hyte-annual-report-municipality"]
    set_step_status(synced, REPORT, "data-compiled", StepStatus.DONE, by="tester", now=NOW)
    report = sync_plan(synced, without_reports, definition_fingerprints(definitions),
                       window=WINDOW, obligations=None, now=NOW, today=TODAY)
    assert report.cancelled == 2 * 8  # 2026 and 2027 reports of eight municipalities
    duties = duty_states(synced, occurrence_ids=frozenset({REPORT}), include_cancelled=True)
    assert duties[0].cancelled
    assert duties[0].steps[0].status is StepStatus.DONE
    back = sync_plan(synced, kainuu, definition_fingerprints(definitions), window=WINDOW,
                     obligations=None, now=NOW, today=TODAY)
    assert back.changed == 16


def test_sync_of_one_obligation_leaves_the_others(synced, definitions, kainuu):
    only_budgets = [o for o in kainuu if o.obligation == "municipal-budget"]
    report = sync_plan(synced, only_budgets, definition_fingerprints(definitions), window=WINDOW,
                       obligations=frozenset({"municipal-budget"}), now=NOW, today=TODAY)
    assert (report.cancelled, report.unchanged) == (0, len(only_budgets))


def test_step_transitions_and_audit(synced):
    with pytest.raises(TransitionError, match="before board"):
        set_step_status(synced, REPORT, "council", StepStatus.DONE, by="tester", now=NOW)
    with pytest.raises(TransitionError, match="needs a reason"):
        set_step_status(synced, REPORT, "council", StepStatus.DONE, by="tester", now=NOW,
                        force=True)
    with pytest.raises(TransitionError, match="needs a reason"):
        set_step_status(synced, REPORT, "published", StepStatus.WAIVED, by="tester", now=NOW)
    for step in ("data-compiled", "responsible-body", "board"):
        set_step_status(synced, REPORT, step, StepStatus.DONE, by="coordinator", now=NOW)
    change = set_step_status(
        synced, REPORT, "council", StepStatus.DONE, by="Maija", now=NOW,
        evidence=Evidence(url="https://kajaani.fi/kv/2026-11-16", decided_by="Kaupunginvaltuusto",
                          decided_on=date(2026, 11, 16), section="87"))
    assert (change.old, change.new, change.changed) == (StepStatus.NOT_STARTED, StepStatus.DONE,
                                                        True)
    again = set_step_status(synced, REPORT, "council", StepStatus.DONE, by="Maija", now=NOW)
    assert again.changed is False
    trail = audit_trail(synced, REPORT)
    assert [(a.step, a.action, a.old_value, a.new_value) for a in trail] == [
        ("data-compiled", "status", "not_started", "done"),
        ("responsible-body", "status", "not_started", "done"),
        ("board", "status", "not_started", "done"),
        ("council", "status", "not_started", "done"),
        ("council", "evidence", None,
         "Kaupunginvaltuusto, § 87, 2026-11-16, https://kajaani.fi/kv/2026-11-16"),
    ]
    evidence = evidence_for(synced, REPORT)
    assert [(e.decided_by, e.section, e.decided_on) for e in evidence] == [
        ("Kaupunginvaltuusto", "87", date(2026, 11, 16))]
    duty = duty_states(synced, occurrence_ids=frozenset({REPORT}))[0]
    assert [s.status for s in duty.steps] == [StepStatus.DONE] * 4 + [StepStatus.NOT_STARTED]


def test_steps_read_by_ids_and_by_the_filter_give_the_same_duties(synced, definitions, kainuu,
                                                                  monkeypatch):
    """A few duties' steps are read by their ids, many by the occurrences' filter as a
    subquery (`state.queries._FEW`): both ways give the same duties, cancelled, not tracked,
    with statuses and notes, for every filter."""
    import state.queries

    budget = next(o for o in kainuu if o.obligation == "municipal-budget")
    set_step_status(synced, REPORT, "data-compiled", StepStatus.DONE, by="tester", now=NOW,
                    note="compiled")
    set_step_status(synced, budget.id, budget.steps[0].step, StepStatus.IN_PROGRESS,
                    by="tester", now=NOW)
    sync_plan(synced, [o for o in kainuu if o.id != REPORT], definition_fingerprints(definitions),
              window=WINDOW, obligations=None, now=NOW, today=TODAY)

    def tracked_from(party, region):
        return date(2027, 1, 1) if party.code == "205" else None

    filters: list[dict[str, Any]] = [
        {}, {"include_cancelled": True}, {"region": "20", "include_cancelled": True},
        {"municipality": "205", "include_cancelled": True}, {"municipality": "05"},
        {"obligations": frozenset({"municipal-budget", "hyte-annual-report-municipality"}),
         "start": date(2026, 3, 1), "end": date(2027, 6, 30), "include_cancelled": True},
        {"occurrence_ids": frozenset({REPORT, budget.id}), "include_cancelled": True},
    ]
    for chosen in filters:
        monkeypatch.setattr(state.queries, "_FEW", 10**6)
        by_ids = duty_states(synced, tracked_from=tracked_from, **chosen)
        monkeypatch.setattr(state.queries, "_FEW", 0)
        assert duty_states(synced, tracked_from=tracked_from, **chosen) == by_ids, chosen
    duties = {d.id: d for d in duty_states(synced, region="20", include_cancelled=True,
                                           tracked_from=tracked_from)}
    assert duties[REPORT].cancelled
    assert duties[REPORT].steps[0].note == "compiled"
    assert duties[budget.id].steps[0].status is StepStatus.IN_PROGRESS
    assert not duties[REPORT].tracked
    assert {d.tracked for d in duties.values() if d.party.code != "205"} == {True}


def test_forced_step_is_audited_with_its_reason(synced):
    set_step_status(synced, REPORT, "council", StepStatus.DONE, by="Maija", now=NOW, force=True,
                    note="handled in one meeting")
    entry = audit_trail(synced, REPORT)[-1]
    assert (entry.action, entry.reason) == ("status_forced", "handled in one meeting")


def test_unknown_ids(synced):
    with pytest.raises(UnknownOccurrenceError):
        set_step_status(synced, "no.such.thing", "council", StepStatus.DONE, by="x", now=NOW)
    with pytest.raises(UnknownStepError, match="its steps: data-compiled, responsible-body"):
        set_step_status(synced, REPORT, "councill", StepStatus.DONE, by="x", now=NOW)


def test_audit_log_is_append_only(synced):
    set_step_status(synced, REPORT, "data-compiled", StepStatus.DONE, by="tester", now=NOW)
    for statement in ("UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), \
                synced.begin() as connection:
            connection.execute(text(statement))
    assert [a.actor for a in audit_trail(synced)] == ["tester"]


CONTACTS = """party,role,name,email,teams,language,delivery
564,coordinator,Anna Koordinaattori,anna@ouka.fi,,fi,digest
905,coordinator,Sara Samordnare,sara@vasa.fi,workflows://prod-00.westeurope.logic.azure.com/abc123/Sig0Secret,sv,single
19,coordinator,Pekka Alue,pekka@pohde.fi,,fi,
"""


def test_contacts_import(engine, registry):
    ensure_schema(engine)
    report = import_contacts(engine, parse_contacts(CONTACTS, "contacts.csv", registry))
    assert (report.added, report.updated, report.unchanged) == (3, 0, 0)
    again = import_contacts(engine, parse_contacts(CONTACTS, "contacts.csv", registry))
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)
    one_changed = CONTACTS.replace("anna@ouka.fi,,fi,digest", "anna@ouka.fi,,sv,digest")
    third = import_contacts(engine, parse_contacts(one_changed, "contacts.csv", registry))
    assert (third.added, third.updated, third.unchanged) == (0, 1, 2)
    assert [(c.party, c.language, c.delivery) for c in list_contacts(engine)] == [
        ("m564", "sv", "digest"), ("m905", "sv", "single"), ("r19", "fi", "digest")]


def test_bad_contacts_are_reported_by_line_and_column_and_nothing_imported(engine, registry):
    ensure_schema(engine)
    bad = CONTACTS + (
        "588,coordinator,Merged,m@x.fi,,fi,digest\n"
        "564,mayor,Bad Role,b@x.fi,,fi,digest\n"
        "564,coordinator,Bad Mail,not-an-address,,fi,digest\n"
        "564,coordinator,Bad Teams,,msteams://old/connector,fi,digest\n"
        "564,coordinator,Bad Lang,c@x.fi,,de,digest\n"
        "564,coordinator,Half Teams,,workflows://host-only,fi,digest\n"
    )
    with pytest.raises(ContactImportError) as caught:
        parse_contacts(bad, "contacts.csv", registry)
    assert [str(p) for p in caught.value.problems] == [
        "5: party: '588' is neither a municipality code (\"564\") nor a county code (\"19\")",
        "6: role: unknown role 'mayor'; known: audit_committee, auditor, board, communications, "
        "coordinator, council, council_secretary, elected_leadership, experts, finance_office, "
        "multisector_group, preparer, responsible_body, top_management",
        "7: email: 'not-an-address' is not an email address",
        "8: teams: unknown channel scheme 'msteams'; use a workflows:// Teams workflow address "
        "(msteams:// connectors were retired)",
        "9: language: 'de' is not fi, sv or en",
        "10: teams: not a Teams workflow address apprise can use",
    ]
    assert list_contacts(engine) == []
