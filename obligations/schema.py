"""Pydantic models of an obligation definition (one YAML file in `definitions/`).

The vocabularies are closed: a misspelt role, cadence or party is an error with its file
and line, never a silent default. Models are frozen; the engine only reads them.
"""

from __future__ import annotations

import calendar
import re
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    HttpUrl,
    StringConstraints,
    model_validator,
)
from pydantic_core import PydanticCustomError

from obligations.lang import LANGS as LANGS  # re-exported: most code finds it here
from obligations.lang import Lang as Lang


def _matching(pattern: str, code: str, what: str) -> AfterValidator:
    """A check whose error says in words what the text must look like."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            shown = repr(value if len(value) <= 60 else value[:57] + "...")
            raise PydanticCustomError(code, "{value} " + what, {"value": shown})
        return value

    return AfterValidator(check)


def _text_only(value: Any) -> Any:
    """Codes such as "005" must be quoted in YAML, or the leading zeros are lost."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise PydanticCustomError(
            "quote_code", "{value} must be written in quotes (\"005\", not 005)",
            {"value": value},
        )
    return value


KebabId = Annotated[
    str,
    StringConstraints(min_length=2, max_length=80),
    _matching(r"[a-z0-9]+(-[a-z0-9]+)*", "kebab_id",
              "must be lowercase letters and digits joined by hyphens (annual-report)"),
]
SingleLine = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=300),
    _matching(r"[^\r\n]*", "single_line", "must be one line (no line breaks)"),
]
ActNumber = Annotated[
    str, _matching(r"\d{1,4}/\d{4}", "act_number", "must be a statute number like 612/2021")
]


RegionCode = Annotated[
    str, BeforeValidator(_text_only),
    _matching(r"\d{2}", "region_code", "must be a 2-digit county code (\"19\")"),
]
MunicipalityCode = Annotated[
    str, BeforeValidator(_text_only),
    _matching(r"\d{3}", "municipality_code", "must be a 3-digit municipality code (\"564\")"),
]


class Model(BaseModel):
    """Strict, frozen base: unknown keys are errors, so typos never pass unnoticed."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Localized(Model):
    """A user-facing text in all three languages; none may be left out."""

    fi: SingleLine
    """Finnish."""
    sv: SingleLine
    """Swedish."""
    en: SingleLine
    """English."""

    def get(self, lang: Lang) -> str:
        """The text in `lang`."""
        text: str = getattr(self, lang)
        return text


class Status(StrEnum):
    """Whether the duty is established or only a candidate still to be confirmed."""

    IN_FORCE = "in_force"
    CANDIDATE = "candidate"


class SourceKind(StrEnum):
    """What kind of source a rule comes from."""

    STATUTE = "statute"
    OFFICIAL_GUIDANCE = "official_guidance"
    PRACTICE = "practice"
    LOCAL = "local"


class DeadlineSource(StrEnum):
    """Where a deadline's date comes from; only `statute` dates are closed to local change."""

    STATUTE = "statute"
    """The law sets the date (31.12, 31.3, 31.5, 30.6)."""
    CADENCE = "cadence"
    """The law sets only the cadence ("every year", "once per term"): the period's last day."""
    PRACTICE = "practice"
    """Guidance or common practice (THL, the seed's cycle); a default to override locally."""
    LOCAL = "local"
    """Set by a county's or municipality's configuration."""


class Verification(StrEnum):
    """How sure we are of a fact (the [V]/[S]/[U] tags of OBLIGATIONS.md)."""

    STATUTE_TEXT = "statute_text"
    OFFICIAL_SUMMARY = "official_summary"
    UNVERIFIED = "unverified"


class OwedBy(StrEnum):
    """Which party owes the duty, and so how many occurrences a period has."""

    MUNICIPALITY = "municipality"
    """Each municipality, Helsinki included: one occurrence per municipality."""
    REGION = "region"
    """Each wellbeing services county (never Helsinki): one occurrence per county."""
    MUNICIPALITY_AND_REGION_SEPARATELY = "municipality_and_region_separately"
    """Each municipality and each county makes its own: one occurrence per party."""
    PAIR_JOINTLY = "pair_jointly"
    """The county and its municipalities together; grouping by the county's arrangement."""
    REGION_CONVENES = "region_convenes"
    """The county convenes, its municipalities take part; grouping by arrangement."""

    @property
    def is_negotiation(self) -> bool:
        """True where the county's arrangement decides how occurrences are grouped."""
        return self in (OwedBy.PAIR_JOINTLY, OwedBy.REGION_CONVENES)


class Cadence(StrEnum):
    """How often the duty recurs, and what its period is."""

    ANNUAL_CALENDAR_YEAR = "annual_calendar_year"
    """Period = a calendar year (`2026`)."""
    ANNUAL_FISCAL_YEAR = "annual_fiscal_year"
    """Period = the fiscal year the document concerns (`2027` for the budget of 2027)."""
    ONCE_PER_TERM = "once_per_term"
    """Period = a council term (`2025-2029`)."""
    CONTINUOUS = "continuous"
    """Kept valid throughout; re-checked once per council term (period = the term)."""
    ROLLING = "rolling"
    """Every `every_years` years from the last approval (`anchor_step`'s decision): period =
    the year the review is due (`2026`), due on the approval's anniversary."""

    @property
    def per_term(self) -> bool:
        """True when the period is a council term rather than a year."""
        return self in (Cadence.ONCE_PER_TERM, Cadence.CONTINUOUS)


class Shift(StrEnum):
    """What happens when a deadline falls on a non-working day."""

    NEXT_WORKING_DAY = "next_working_day"
    """Act 150/1930 §5: a filing with an authority may be made on the next working day."""
    PREVIOUS_WORKING_DAY = "previous_working_day"
    """A body's own decision (and every target): the last working day before."""
    NONE = "none"
    """Keep the date even on a non-working day."""


class DeadlineKind(StrEnum):
    """What a deadline asks for, and so which way it moves off a non-working day."""

    INTERNAL_DECISION = "internal_decision"
    """A body's own decision or act (council, board, auditor, preparation): on a non-working
    day the last working day before. Act 150/1930 governs time limits for an action at a
    court or another authority (§1); it does not carry a body's own decision past its date."""
    AUTHORITY_FILING = "authority_filing"
    """Something that must reach an authority (e.g. tax rates to the Tax Administration):
    on a non-working day it may be done on the next working day (150/1930 §5)."""

    @property
    def shift(self) -> Shift:
        """The shift this kind of deadline takes."""
        if self is DeadlineKind.AUTHORITY_FILING:
            return Shift.NEXT_WORKING_DAY
        return Shift.PREVIOUS_WORKING_DAY


class Role(StrEnum):
    """Who does a step. The label depends on the party (kunnanhallitus vs aluehallitus)."""

    PREPARER = "preparer"
    COORDINATOR = "coordinator"
    RESPONSIBLE_BODY = "responsible_body"
    MULTISECTOR_GROUP = "multisector_group"
    BOARD = "board"
    COUNCIL = "council"
    AUDITOR = "auditor"
    AUDIT_COMMITTEE = "audit_committee"
    FINANCE_OFFICE = "finance_office"
    COUNCIL_SECRETARY = "council_secretary"
    COMMUNICATIONS = "communications"
    TOP_MANAGEMENT = "top_management"
    ELECTED_LEADERSHIP = "elected_leadership"
    EXPERTS = "experts"


class PartyKind(StrEnum):
    """The two kinds of party of the cooperation."""

    MUNICIPALITY = "municipality"
    REGION = "region"


class Actor(StrEnum):
    """Who takes part in a negotiation: the parties' roles and the other actors of the seed."""

    ELECTED_LEADERSHIP = "elected_leadership"
    TOP_MANAGEMENT = "top_management"
    EXPERTS = "experts"
    REGIONAL_COUNCIL = "regional_council"
    EDUCATION_CONSORTIA = "education_consortia"
    ASSOCIATIONS = "associations"
    AUTHORITIES = "authorities"
    PARISHES = "parishes"
    COMPANIES = "companies"


class Participation(StrEnum):
    """How an actor takes part (seed slides 36–38)."""

    CONVENES = "convenes"
    PREPARES_AND_TAKES_PART = "prepares_and_takes_part"
    PREPARES_AND_TAKES_PART_IF_NEEDED = "prepares_and_takes_part_if_needed"
    TAKES_PART = "takes_part"
    TAKES_PART_IF_NEEDED = "takes_part_if_needed"


class Arrangement(StrEnum):
    """How a county arranges a negotiation (seed: the six options)."""

    PER_MUNICIPALITY = "per_municipality"
    """One negotiation per municipality (county coordinates): one occurrence per pair."""
    SUB_REGIONAL = "sub_regional"
    """One per sub-regional group of municipalities: one occurrence per group."""
    WHOLE_REGION = "whole_region"
    """One joint meeting of the county and all its municipalities."""
    THEMATIC = "thematic"
    """Thematic meetings, yearly or more often; tracked as one joint occurrence."""
    CONTINUOUS = "continuous"
    """Standing advisory boards with minutes; tracked as one joint occurrence."""
    STANDARD_FORM = "standard_form"
    """Same template each time, held jointly; tracked as one joint occurrence."""


class LegalBasis(Model):
    """One provision the duty rests on."""

    act: ActNumber
    """Statute number as Finlex writes it, e.g. `612/2021`."""
    title: Localized
    """The act's short name in three languages."""
    sections: tuple[Annotated[str, StringConstraints(min_length=1, max_length=40)], ...] = ()
    """Sections (pykälät), e.g. `6`, `121(4)`, or `ch. 13` where the number is unsure."""
    url: HttpUrl
    """Finlex (or other official) link to the provision."""
    kind: SourceKind
    """What kind of source this is."""
    verification: Verification
    """How the fact was checked ([V] statute text, [S] official summary, [U] unverified)."""


class DateInYear(Model):
    """A fixed day of the year, counted from the period's year (`year_offset`)."""

    kind: Literal["date_in_year"]
    month: Annotated[int, Field(ge=1, le=12)]
    day: Annotated[int, Field(ge=1, le=31)]
    year_offset: Annotated[int, Field(ge=-1, le=1)] = 0
    """−1: the year before the period (a budget), +1: the year after (financial statements)."""

    @model_validator(mode="after")
    def _day_exists_every_year(self) -> DateInYear:
        if self.day > calendar.monthrange(2023, self.month)[1]:
            raise ValueError(f"{self.day}.{self.month}. is not a day of every year")
        return self


class EndOfPeriod(Model):
    """The last day of the period: 31 December of the year, or the term's last day."""

    kind: Literal["end_of_period"]


class EndOfTermYear(Model):
    """The last day (31 May) of term year N; term years run 1 June – 31 May."""

    kind: Literal["end_of_term_year"]
    term_year: Annotated[int, Field(ge=1, le=4)]


class DaysBeforeDeadline(Model):
    """A number of days before the obligation's own deadline (for steps)."""

    kind: Literal["days_before_deadline"]
    days: Annotated[int, Field(ge=0, le=366)]


class Anniversary(Model):
    """`every_years` years after the last approval (a rolling duty's own deadline only)."""

    kind: Literal["anniversary"]


DateRule = Annotated[
    DateInYear | EndOfPeriod | EndOfTermYear | DaysBeforeDeadline | Anniversary,
    Field(discriminator="kind"),
]


class Deadline(Model):
    """When a duty or a step is due, on what authority, and how sure we are of it."""

    rule: DateRule
    """How the date is computed from the period."""
    source: DeadlineSource
    """Statute dates cannot be overridden by configuration; the others can."""
    kind: DeadlineKind
    """A body's own decision (moves earlier) or a filing with an authority (moves later)."""
    verification: Verification
    """How the date was checked ([V] statute text, [S] official summary, [U] unverified)."""
    note: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    """Why this date, with its provision (for maintainers; English)."""


class Step(Model):
    """One item of the checklist that makes the duty done."""

    id: KebabId
    """Stable id within the definition; part of the step's identity in the status store."""
    names: Localized
    """What is done, in three languages."""
    role: Role
    """Who does it."""
    party: PartyKind | None = None
    """Which party's role, for duties of both parties; defaults to the owing party."""
    deadline: Deadline | None = None
    """Own deadline; defaults to the obligation's."""
    after: tuple[KebabId, ...] | None = None
    """Steps that must be done first; defaults to the step before (none for the first)."""
    optional: bool = False
    """True for steps that apply only in some cases (e.g. only if an agreement is made)."""
    reminders: tuple[Annotated[int, Field(ge=0, le=366)], ...] | None = None
    """Days before the step's effective deadline; defaults to the obligation's."""
    only_in_county: bool = False
    """True for steps towards a wellbeing services county (e.g. delivering a plan to it):
    left out where the owing municipality belongs to no county (Helsinki, 615/2021 §2)."""


class Participant(Model):
    """Who takes part in a negotiation, and how."""

    who: Actor
    participation: Participation
    party: PartyKind | None = None
    """Whose leadership/management/experts; None for the other actors or both parties."""


class Dependency(Model):
    """Another obligation whose occurrence should be done before this one's."""

    obligation: KebabId
    period_offset: Annotated[int, Field(ge=-1, le=0)] = 0
    """Period of the other duty relative to ours: −1 = the year (or term) before."""
    note: str | None = None


class ObligationDefinition(Model):
    """One statutory (or candidate) duty of municipalities and counties."""

    id: KebabId
    """Stable id; equals the file name. Part of every occurrence id: never rename lightly."""
    names: Localized
    """Title in three languages (event titles, messages)."""
    description: Localized | None = None
    """One-line summary in three languages."""
    status: Status = Status.IN_FORCE
    legal_basis: Annotated[tuple[LegalBasis, ...], Field(min_length=1)]
    owed_by: OwedBy
    cadence: Cadence
    every_years: Annotated[int, Field(ge=1, le=10)] | None = None
    """For a `rolling` cadence: the years from one approval to the next review's due date."""
    anchor_step: KebabId | None = None
    """For a `rolling` cadence: the step whose decision (`decided_on`) is the approval."""
    deadline: Deadline
    """The duty's own deadline; its kind says which way it moves off a non-working day."""
    self_organising_municipalities: bool = False
    """For county duties: also owed, as a municipality, by each municipality that organises
    the services itself outside any county (Helsinki: 615/2021 §2, e.g. 1287/2013 §1(4))."""
    steps: Annotated[tuple[Step, ...], Field(min_length=1)]
    reminders: tuple[Annotated[int, Field(ge=0, le=366)], ...] = (30, 7, 1)
    """Days before each effective deadline when a reminder is due."""
    escalations: tuple[Annotated[int, Field(ge=1, le=366)], ...] = (1, 7, 30)
    """Days after a missed effective deadline when escalation is due."""
    depends_on: tuple[Dependency, ...] = ()
    participants: tuple[Participant, ...] = ()
    """For negotiations: who prepares, takes part, or takes part when needed."""
    default_arrangement: Arrangement | None = None
    """For negotiations: the grouping used unless the county's configuration says otherwise."""
    optional: bool = False
    """True where the duty itself is optional (e.g. a cooperation agreement)."""
    notes: tuple[str, ...] = ()
    """Doubts and assumptions, for maintainers (English). Unverified facts are named here."""

    def step(self, step_id: str) -> Step:
        """The step with `step_id` (KeyError if none)."""
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)
