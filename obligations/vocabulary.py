"""User-facing labels of the closed vocabularies, in Finnish, Swedish and English.

Kept beside the schema so a new enum member without a label fails the vocabulary test.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

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

Labels = Mapping[str, Mapping[Lang, str]]

ROLE_LABELS: Mapping[tuple[Role, PartyKind], Mapping[Lang, str]] = {}
"""Filled below: a role's label depends on the party (kunnanhallitus vs aluehallitus)."""

_SAME_FOR_BOTH: dict[Role, Mapping[Lang, str]] = {
    Role.PREPARER: {"fi": "valmistelija", "sv": "beredare", "en": "preparer"},
    Role.COORDINATOR: {"fi": "hyte-koordinaattori", "sv": "koordinator för främjande av hälsa "
                       "och välfärd", "en": "health and wellbeing coordinator"},
    Role.RESPONSIBLE_BODY: {"fi": "hyte-vastuutaho", "sv": "ansvarigt organ för främjande av "
                            "hälsa och välfärd", "en": "health and wellbeing promotion body"},
    Role.MULTISECTOR_GROUP: {"fi": "monialainen työryhmä", "sv": "sektorsövergripande "
                             "arbetsgrupp", "en": "multisector working group"},
    Role.AUDITOR: {"fi": "tilintarkastaja", "sv": "revisor", "en": "auditor"},
    Role.AUDIT_COMMITTEE: {"fi": "tarkastuslautakunta", "sv": "revisionsnämnden",
                           "en": "audit committee"},
    Role.FINANCE_OFFICE: {"fi": "talousyksikkö", "sv": "ekonomienheten", "en": "finance office"},
    Role.COUNCIL_SECRETARY: {"fi": "valtuuston sihteeri", "sv": "fullmäktiges sekreterare",
                             "en": "council secretary"},
    Role.COMMUNICATIONS: {"fi": "viestintä", "sv": "kommunikation", "en": "communications"},
    Role.TOP_MANAGEMENT: {"fi": "ylin johto", "sv": "högsta ledningen", "en": "top management"},
    Role.ELECTED_LEADERSHIP: {"fi": "luottamushenkilöjohto", "sv": "förtroendevald ledning",
                              "en": "elected leadership"},
    Role.EXPERTS: {"fi": "asiantuntijat", "sv": "sakkunniga", "en": "experts"},
}
_BY_PARTY: dict[tuple[Role, PartyKind], Mapping[Lang, str]] = {
    (Role.BOARD, PartyKind.MUNICIPALITY): {"fi": "kunnanhallitus", "sv": "kommunstyrelsen",
                                           "en": "municipal board"},
    (Role.BOARD, PartyKind.REGION): {"fi": "aluehallitus", "sv": "välfärdsområdesstyrelsen",
                                     "en": "county board"},
    (Role.COUNCIL, PartyKind.MUNICIPALITY): {"fi": "kunnanvaltuusto", "sv": "kommunfullmäktige",
                                             "en": "municipal council"},
    (Role.COUNCIL, PartyKind.REGION): {"fi": "aluevaltuusto", "sv": "välfärdsområdesfullmäktige",
                                       "en": "county council"},
}
ROLE_LABELS = {
    **{(role, party): label for role, label in _SAME_FOR_BOTH.items() for party in PartyKind},
    **_BY_PARTY,
}

ENUM_LABELS: Mapping[type[StrEnum], Labels] = {
    OwedBy: {
        OwedBy.MUNICIPALITY: {"fi": "kunta", "sv": "kommunen", "en": "municipality"},
        OwedBy.REGION: {"fi": "hyvinvointialue", "sv": "välfärdsområdet", "en": "county"},
        OwedBy.MUNICIPALITY_AND_REGION_SEPARATELY: {
            "fi": "kunta ja hyvinvointialue kumpikin", "sv": "kommunen och välfärdsområdet var "
            "för sig", "en": "municipality and county each"},
        OwedBy.PAIR_JOINTLY: {"fi": "hyvinvointialue ja kunnat yhdessä", "sv": "välfärdsområdet "
                              "och kommunerna tillsammans", "en": "county and municipalities "
                              "jointly"},
        OwedBy.REGION_CONVENES: {"fi": "hyvinvointialue kutsuu, kunnat osallistuvat",
                                 "sv": "välfärdsområdet sammankallar, kommunerna deltar",
                                 "en": "county convenes, municipalities take part"},
    },
    Cadence: {
        Cadence.ANNUAL_CALENDAR_YEAR: {"fi": "vuosittain", "sv": "årligen", "en": "annual"},
        Cadence.ANNUAL_FISCAL_YEAR: {"fi": "tilikausittain", "sv": "per räkenskapsår",
                                     "en": "per fiscal year"},
        Cadence.ONCE_PER_TERM: {"fi": "kerran valtuustokaudessa", "sv": "en gång per "
                                "fullmäktigeperiod", "en": "once per council term"},
        Cadence.CONTINUOUS: {"fi": "jatkuva", "sv": "fortlöpande", "en": "continuous"},
    },
    Arrangement: {
        Arrangement.PER_MUNICIPALITY: {"fi": "kuntakohtaisesti", "sv": "per kommun",
                                       "en": "per municipality"},
        Arrangement.SUB_REGIONAL: {"fi": "seutukunnittain", "sv": "per ekonomisk region",
                                   "en": "by sub-region"},
        Arrangement.WHOLE_REGION: {"fi": "koko alue yhdessä", "sv": "hela området gemensamt",
                                   "en": "whole county jointly"},
        Arrangement.THEMATIC: {"fi": "teemoittain", "sv": "tematiskt", "en": "thematic"},
        Arrangement.CONTINUOUS: {"fi": "jatkuvana", "sv": "fortlöpande", "en": "continuous"},
        Arrangement.STANDARD_FORM: {"fi": "vakiomuotoisena", "sv": "standardiserat",
                                    "en": "standard form"},
    },
    Participation: {
        Participation.CONVENES: {"fi": "kutsuu koolle", "sv": "sammankallar", "en": "convenes"},
        Participation.PREPARES_AND_TAKES_PART: {"fi": "valmistelee ja osallistuu",
                                                "sv": "bereder och deltar",
                                                "en": "prepares and takes part"},
        Participation.PREPARES_AND_TAKES_PART_IF_NEEDED: {
            "fi": "valmistelee ja osallistuu tarvittaessa", "sv": "bereder och deltar vid behov",
            "en": "prepares and takes part if needed"},
        Participation.TAKES_PART: {"fi": "osallistuu", "sv": "deltar", "en": "takes part"},
        Participation.TAKES_PART_IF_NEEDED: {"fi": "osallistuu tarvittaessa",
                                             "sv": "deltar vid behov",
                                             "en": "takes part if needed"},
    },
    Actor: {
        Actor.ELECTED_LEADERSHIP: _SAME_FOR_BOTH[Role.ELECTED_LEADERSHIP],
        Actor.TOP_MANAGEMENT: _SAME_FOR_BOTH[Role.TOP_MANAGEMENT],
        Actor.EXPERTS: _SAME_FOR_BOTH[Role.EXPERTS],
        Actor.REGIONAL_COUNCIL: {"fi": "maakuntaliitto", "sv": "landskapsförbundet",
                                 "en": "regional council"},
        Actor.EDUCATION_CONSORTIA: {"fi": "koulutuskuntayhtymät", "sv": "utbildningssamkommuner",
                                    "en": "education consortia"},
        Actor.ASSOCIATIONS: {"fi": "järjestöt", "sv": "organisationer", "en": "associations"},
        Actor.AUTHORITIES: {"fi": "viranomaiset", "sv": "myndigheter", "en": "authorities"},
        Actor.PARISHES: {"fi": "seurakunnat", "sv": "församlingar", "en": "parishes"},
        Actor.COMPANIES: {"fi": "yritykset", "sv": "företag", "en": "companies"},
    },
    DeadlineSource: {
        DeadlineSource.STATUTE: {"fi": "laki", "sv": "lag", "en": "statute"},
        DeadlineSource.CADENCE: {"fi": "lain rytmi (kauden loppu)", "sv": "lagens rytm "
                                 "(periodens slut)", "en": "statutory cadence (end of period)"},
        DeadlineSource.PRACTICE: {"fi": "käytäntö", "sv": "praxis", "en": "practice"},
        DeadlineSource.LOCAL: {"fi": "paikallinen", "sv": "lokal", "en": "local"},
    },
    DeadlineKind: {
        DeadlineKind.INTERNAL_DECISION: {
            "fi": "oma päätös (ei siirry myöhemmäksi)", "sv": "eget beslut (flyttas inte senare)",
            "en": "own decision (never moves later)"},
        DeadlineKind.AUTHORITY_FILING: {
            "fi": "ilmoitus viranomaiselle (150/1930 5 §)",
            "sv": "anmälan till myndighet (150/1930 5 §)",
            "en": "filing with an authority (150/1930 §5)"},
    },
    Verification: {
        Verification.STATUTE_TEXT: {"fi": "tarkistettu lakitekstistä",
                                    "sv": "kontrollerad mot lagtexten",
                                    "en": "checked against the statute text"},
        Verification.OFFICIAL_SUMMARY: {"fi": "virallisen yhteenvedon mukaan",
                                        "sv": "enligt en officiell sammanfattning",
                                        "en": "from an official summary"},
        Verification.UNVERIFIED: {"fi": "tarkistamatta", "sv": "ej kontrollerad",
                                  "en": "unverified"},
    },
    Status: {
        Status.IN_FORCE: {"fi": "voimassa", "sv": "i kraft", "en": "in force"},
        Status.CANDIDATE: {"fi": "ehdokas", "sv": "kandidat", "en": "candidate"},
    },
}


def role_label(role: Role, party: PartyKind, lang: Lang) -> str:
    """A role's name for one kind of party."""
    return ROLE_LABELS[(role, party)][lang]


def label(value: StrEnum, lang: Lang) -> str:
    """The label of any vocabulary value."""
    return ENUM_LABELS[type(value)][value][lang]
