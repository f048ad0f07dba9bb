"""User-facing labels of the closed vocabularies: the catalogue's ids for each value.

Kept beside the schema so a new enum member without a label fails the vocabulary test; the
texts themselves are in the catalogue (`obligations/catalogue.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from obligations.catalogue import N_, gettext
from obligations.schema import (
    Actor,
    Arrangement,
    Cadence,
    DeadlineKind,
    DeadlineSource,
    Lang,
    OwedBy,
    Participation,
    PartyKind,
    Role,
    Status,
    Verification,
)

_SAME_FOR_BOTH: dict[Role, str] = {
    Role.PREPARER: N_("role.preparer"),
    Role.COORDINATOR: N_("role.coordinator"),
    Role.RESPONSIBLE_BODY: N_("role.responsible_body"),
    Role.MULTISECTOR_GROUP: N_("role.multisector_group"),
    Role.AUDITOR: N_("role.auditor"),
    Role.AUDIT_COMMITTEE: N_("role.audit_committee"),
    Role.FINANCE_OFFICE: N_("role.finance_office"),
    Role.COUNCIL_SECRETARY: N_("role.council_secretary"),
    Role.COMMUNICATIONS: N_("role.communications"),
    Role.TOP_MANAGEMENT: N_("role.top_management"),
    Role.ELECTED_LEADERSHIP: N_("role.elected_leadership"),
    Role.EXPERTS: N_("role.experts"),
}
_BY_PARTY: dict[tuple[Role, PartyKind], str] = {
    (Role.BOARD, PartyKind.MUNICIPALITY): N_("role.board.municipality"),
    (Role.BOARD, PartyKind.REGION): N_("role.board.region"),
    (Role.COUNCIL, PartyKind.MUNICIPALITY): N_("role.council.municipality"),
    (Role.COUNCIL, PartyKind.REGION): N_("role.council.region"),
}
ROLE_KEYS: Mapping[tuple[Role, PartyKind], str] = {
    **{(role, party): key for role, key in _SAME_FOR_BOTH.items() for party in PartyKind},
    **_BY_PARTY,
}
"""A role's label depends on the party (kunnanhallitus vs aluehallitus)."""

ENUM_KEYS: Mapping[type[StrEnum], Mapping[StrEnum, str]] = {
    OwedBy: {
        OwedBy.MUNICIPALITY: N_("owed_by.municipality"),
        OwedBy.REGION: N_("owed_by.region"),
        OwedBy.MUNICIPALITY_AND_REGION_SEPARATELY: N_("owed_by.municipality_and_region_separately"),
        OwedBy.PAIR_JOINTLY: N_("owed_by.pair_jointly"),
        OwedBy.REGION_CONVENES: N_("owed_by.region_convenes"),
    },
    Cadence: {
        Cadence.ANNUAL_CALENDAR_YEAR: N_("cadence.annual_calendar_year"),
        Cadence.ANNUAL_FISCAL_YEAR: N_("cadence.annual_fiscal_year"),
        Cadence.ONCE_PER_TERM: N_("cadence.once_per_term"),
        Cadence.CONTINUOUS: N_("cadence.continuous"),
        Cadence.ROLLING: N_("cadence.rolling"),
    },
    Arrangement: {
        Arrangement.PER_MUNICIPALITY: N_("arrangement.per_municipality"),
        Arrangement.SUB_REGIONAL: N_("arrangement.sub_regional"),
        Arrangement.WHOLE_REGION: N_("arrangement.whole_region"),
        Arrangement.THEMATIC: N_("arrangement.thematic"),
        Arrangement.CONTINUOUS: N_("arrangement.continuous"),
        Arrangement.STANDARD_FORM: N_("arrangement.standard_form"),
    },
    Participation: {
        Participation.CONVENES: N_("participation.convenes"),
        Participation.PREPARES_AND_TAKES_PART: N_("participation.prepares_and_takes_part"),
        Participation.PREPARES_AND_TAKES_PART_IF_NEEDED:
            N_("participation.prepares_and_takes_part_if_needed"),
        Participation.TAKES_PART: N_("participation.takes_part"),
        Participation.TAKES_PART_IF_NEEDED: N_("participation.takes_part_if_needed"),
    },
    Actor: {
        Actor.ELECTED_LEADERSHIP: N_("actor.elected_leadership"),
        Actor.TOP_MANAGEMENT: N_("actor.top_management"),
        Actor.EXPERTS: N_("actor.experts"),
        Actor.REGIONAL_COUNCIL: N_("actor.regional_council"),
        Actor.EDUCATION_CONSORTIA: N_("actor.education_consortia"),
        Actor.ASSOCIATIONS: N_("actor.associations"),
        Actor.AUTHORITIES: N_("actor.authorities"),
        Actor.PARISHES: N_("actor.parishes"),
        Actor.COMPANIES: N_("actor.companies"),
    },
    DeadlineSource: {
        DeadlineSource.STATUTE: N_("deadline_source.statute"),
        DeadlineSource.CADENCE: N_("deadline_source.cadence"),
        DeadlineSource.PRACTICE: N_("deadline_source.practice"),
        DeadlineSource.LOCAL: N_("deadline_source.local"),
    },
    DeadlineKind: {
        DeadlineKind.INTERNAL_DECISION: N_("deadline_kind.internal_decision"),
        DeadlineKind.AUTHORITY_FILING: N_("deadline_kind.authority_filing"),
    },
    Verification: {
        Verification.STATUTE_TEXT: N_("verification.statute_text"),
        Verification.OFFICIAL_SUMMARY: N_("verification.official_summary"),
        Verification.UNVERIFIED: N_("verification.unverified"),
    },
    Status: {
        Status.IN_FORCE: N_("status.in_force"),
        Status.CANDIDATE: N_("status.candidate"),
    },
}


def role_label(role: Role, party: PartyKind, lang: Lang) -> str:
    """A role's name for one kind of party."""
    return gettext(ROLE_KEYS[(role, party)], lang)


def label(value: StrEnum, lang: Lang) -> str:
    """The label of any vocabulary value."""
    return gettext(ENUM_KEYS[type(value)][value], lang)
