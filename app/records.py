"""Occurrences as plain records (JSON, CSV, tables): the one place their public shape is defined."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from calendars.duty import owing_party
from calendars.schedule import Occurrence, PlannedDeadline, Unanchored
from calendars.wording import shift_reason
from calendars.workdays import NonWorkingDays
from obligations.catalogue import gettext
from obligations.config import EMPTY_CONFIGURATION, Configuration
from obligations.parties import Parties, PartyRef, Registry
from obligations.schema import Lang, ObligationDefinition
from obligations.vocabulary import role_label


def _dates(deadline: PlannedDeadline, nwd: NonWorkingDays, lang: Lang) -> dict[str, Any]:
    return {
        "due": deadline.statutory.isoformat(),
        "due_effective": deadline.effective.isoformat(),
        "shift_reason": shift_reason(deadline.statutory, deadline.effective, nwd, lang) or None,
        "due_source": deadline.source.value,
        "due_kind": deadline.kind.value,
        "due_verification": deadline.verification.value,
        "legal_limit": deadline.legal_limit.isoformat(),
    }


def party_name(
    occurrence: Occurrence,
    registry: Registry,
    lang: Lang,
    configuration: Configuration = EMPTY_CONFIGURATION,
) -> str:
    """The owing party of a planned occurrence as a person reads it."""
    party = owing_party(occurrence.owed_by.value, occurrence.municipality, occurrence.region,
                        occurrence.participants, occurrence.group)
    return configuration.parties(registry).display_name(party, lang)


def occurrence_record(
    occurrence: Occurrence,
    definition: ObligationDefinition,
    registry: Registry,
    nwd: NonWorkingDays,
    lang: Lang,
    configuration: Configuration = EMPTY_CONFIGURATION,
) -> dict[str, Any]:
    """The JSON shape of `yhdyspinta plan --format json`."""
    return {
        "id": occurrence.id,
        "obligation": occurrence.obligation,
        "name": definition.names.get(lang),
        "status": occurrence.status.value,
        "optional": occurrence.optional,
        "owed_by": occurrence.owed_by.value,
        "municipality": occurrence.municipality,
        "region": occurrence.region,
        "party_name": party_name(occurrence, registry, lang, configuration),
        "participants": list(occurrence.participants),
        "group": occurrence.group,
        "arrangement": occurrence.arrangement.value if occurrence.arrangement else None,
        "period": occurrence.period,
        "term": occurrence.term,
        "term_year": occurrence.term_year,
        **_dates(occurrence.deadline, nwd, lang),
        "reminders": [d.isoformat() for d in occurrence.reminders],
        "depends_on": list(occurrence.depends_on),
        "legal_basis": _legal_basis(definition),
        "due_state": "dated",
        "steps": [
            {
                "step": step.step,
                "name": definition.step(step.step).names.get(lang),
                "role": step.role.value,
                "role_name": role_label(step.role, step.party, lang),
                "party": step.party.value,
                "optional": step.optional,
                "after": list(step.after),
                **_dates(step.deadline, nwd, lang),
                "reminders": [d.isoformat() for d in step.reminders],
            }
            for step in occurrence.steps
        ],
    }


def _legal_basis(definition: ObligationDefinition) -> list[dict[str, Any]]:
    return [{"act": basis.act, "sections": list(basis.sections), "url": str(basis.url),
             "verification": basis.verification.value} for basis in definition.legal_basis]


def unanchored_record(duty: Unanchored, definition: ObligationDefinition, parties: Parties,
                      lang: Lang) -> dict[str, Any]:
    """A rolling duty whose last approval is unknown, in the shape of an occurrence.

    It has no id, period or date yet (`due_state` says why): the next review is due
    `every_years` after the approval, once one is recorded or configured.
    """
    deadline = definition.deadline
    return {
        "id": None, "obligation": duty.obligation, "name": definition.names.get(lang),
        "status": duty.status.value, "optional": definition.optional,
        "owed_by": definition.owed_by.value, "municipality": duty.municipality,
        "region": duty.region,
        "party_name": parties.display_name(PartyRef.parse(duty.party), lang),
        "participants": [duty.municipality] if duty.municipality else [], "group": None,
        "arrangement": None, "period": None, "term": None, "term_year": None, "due": None,
        "due_effective": None, "shift_reason": None, "due_source": deadline.source.value,
        "due_kind": deadline.kind.value, "due_verification": deadline.verification.value,
        "legal_limit": None, "reminders": [], "depends_on": [],
        "legal_basis": _legal_basis(definition),
        "due_state": "last_approval_unknown",
        "due_state_text": gettext("due_state.last_approval_unknown", lang),
        "steps": [],
    }


CSV_COLUMNS = (
    "id", "obligation", "name", "status", "owed_by", "municipality", "region", "party_name",
    "participants", "period", "term", "term_year", "due", "due_effective", "shift_reason",
    "due_source", "due_kind", "due_verification", "legal_limit", "due_state",
)


def csv_row(record: Mapping[str, Any]) -> dict[str, str]:
    """One CSV row of a record; participants joined by spaces, absent values empty."""
    row = {}
    for column in CSV_COLUMNS:
        value = record[column]
        if isinstance(value, list):
            value = " ".join(value)
        row[column] = "" if value is None else str(value)
    return row
