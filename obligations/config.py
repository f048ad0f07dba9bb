"""Per-county configuration: how negotiations are arranged, and local practice dates.

One optional YAML file per organiser. Only dates the law does not set (source other than
`statute`) may be overridden; a municipality's own dates win over its county's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

from obligations.parties import Parties, PartyRef, Registry
from obligations.schema import (
    LANGS,
    Arrangement,
    DateRule,
    KebabId,
    Lang,
    Localized,
    Model,
    MunicipalityCode,
    RegionCode,
    Role,
)


def _calendar_day(value: object) -> date:
    """A day as YAML reads `2026-01-01` (or the same text quoted); nothing else.

    Pydantic alone would take a number as seconds since 1970 and a time of midnight as a
    day, which no one writing a configuration means.
    """
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError as error:
            raise PydanticCustomError("day_format", "{value} is not a day: {reason}",
                                      {"value": value.strip(), "reason": str(error)}) from None
    raise PydanticCustomError("day_format", "write the day as YYYY-MM-DD, e.g. 2026-01-01")


CalendarDay = Annotated[date, BeforeValidator(_calendar_day)]
"""A day of the configuration (`tracked_from`), written YYYY-MM-DD."""


class SubRegion(Model):
    """A sub-regional group of municipalities (seutukunta or the county's own grouping)."""

    id: KebabId
    """Stable id; part of the occurrence id of a sub-regional negotiation."""
    names: Localized
    municipalities: tuple[MunicipalityCode, ...]
    """Codes of the member municipalities (quote them: "005")."""


class NegotiationSetting(Model):
    """How the county holds one negotiation duty."""

    arrangement: Arrangement


class PracticeDates(Model):
    """Local dates for one obligation: its deadline and/or its steps' deadlines."""

    deadline: DateRule | None = None
    steps: dict[KebabId, DateRule] = Field(default_factory=dict)


class MunicipalitySettings(Model):
    """A municipality's own local dates, overriding its county's."""

    practice_dates: dict[KebabId, PracticeDates] = Field(default_factory=dict)
    tracked_from: CalendarDay | None = None
    """Duties the municipality owes that are due before this day are not tracked; None:
    its county's `tracked_from`."""


class EscalationLink(Model):
    """Who hears of a missed deadline at one level of escalation."""

    party: Literal["owner", "county"]
    """`owner`: the party that owes the step; `county`: the wellbeing services county."""
    role: Role | Literal["step"]
    """`step`: the step's own role (the preparer); otherwise a role of that party."""


DEFAULT_ESCALATION_CHAIN: tuple[EscalationLink, ...] = (
    EscalationLink(party="owner", role="step"),
    EscalationLink(party="owner", role=Role.TOP_MANAGEMENT),
    EscalationLink(party="county", role=Role.COORDINATOR),
)
"""The preparer, then their management, then the county's HYTE coordinator."""


class RegionConfigFile(Model):
    """One organiser's configuration file."""

    region: RegionCode
    """The organiser this file configures (01–21, or 90 for Helsinki's municipal dates)."""
    sub_regions: tuple[SubRegion, ...] = ()
    negotiations: dict[KebabId, NegotiationSetting] = Field(default_factory=dict)
    practice_dates: dict[KebabId, PracticeDates] = Field(default_factory=dict)
    municipalities: dict[MunicipalityCode, MunicipalitySettings] = Field(default_factory=dict)
    escalation_chain: Annotated[tuple[EscalationLink, ...], Field(min_length=1)] | None = None
    """Who hears of a missed step at the 1st, 2nd, 3rd … escalation (each level adds its
    people to the earlier ones'); None = DEFAULT_ESCALATION_CHAIN."""
    escalate_before_legal_limit: bool = False
    """Escalate beyond the party's own people (top management, the county) from the
    target on. By default those levels wait for the legal limit (issue 13): a duty late
    only against a practice target is not yet a breach of the law."""
    tracked_from: CalendarDay | None = None
    """Onboarding mid-term (issue 14): duties due before this day are not tracked (no
    late state, no reminder, no escalation). For the county's own duties, its
    negotiations, and its municipalities that set no date of their own."""


@dataclass(frozen=True)
class Configuration:
    """All organisers' configuration, validated against the definitions and the registry."""

    regions: Mapping[str, RegionConfigFile] = field(default_factory=dict)
    _merged: dict[tuple[str, str, str], PracticeDates] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def arrangement(self, region_code: str, obligation_id: str) -> Arrangement | None:
        """The county's arrangement for a negotiation, or None for the definition's default."""
        config = self.regions.get(region_code)
        if config is None:
            return None
        setting = config.negotiations.get(obligation_id)
        return setting.arrangement if setting is not None else None

    def sub_regions(self, region_code: str) -> tuple[SubRegion, ...]:
        """The county's sub-regional groups (empty if none are configured)."""
        config = self.regions.get(region_code)
        return config.sub_regions if config is not None else ()

    def group_names(self) -> dict[tuple[str, str], dict[Lang, str]]:
        """(county code, group id) → the sub-regional group's name in each language."""
        return {(code, group.id): {lang: group.names.get(lang) for lang in LANGS}
                for code, config in self.regions.items() for group in config.sub_regions}

    def parties(self, registry: Registry) -> Parties:
        """Names of every party: the registry with these sub-regional groups."""
        return Parties(registry, self.group_names())

    def escalation_chain(self, region_code: str | None) -> tuple[EscalationLink, ...]:
        """The county's escalation chain, or the default one."""
        config = self.regions.get(region_code or "")
        if config is None or config.escalation_chain is None:
            return DEFAULT_ESCALATION_CHAIN
        return config.escalation_chain

    def escalates_before_legal_limit(self, region_code: str | None) -> bool:
        """True if the county escalates beyond the party's own people before the limit."""
        config = self.regions.get(region_code or "")
        return config is not None and config.escalate_before_legal_limit

    def tracked_from(self, party: PartyRef, region_code: str | None) -> date | None:
        """The "tracked from" day of the party owing a duty (None: tracked throughout).

        A municipality's own date, else its county's; a county, a pair or a sub-regional
        negotiation takes the county's date, since the county convenes it.
        """
        config = self.regions.get(region_code or "")
        if config is None:
            return None
        own = config.municipalities.get(party.code) if party.is_municipality else None
        if own is not None and own.tracked_from is not None:
            return own.tracked_from
        return config.tracked_from

    def practice_dates(
        self, obligation_id: str, region_code: str, municipality_code: str | None
    ) -> PracticeDates | None:
        """Local dates for one party: the municipality's own over its county's, field by field.

        The merged value is kept, so every party with the same rules gets the same object
        (the engine shares dates by it).
        """
        config = self.regions.get(region_code)
        if config is None:
            return None
        county = config.practice_dates.get(obligation_id)
        own_settings = config.municipalities.get(municipality_code or "")
        own = own_settings.practice_dates.get(obligation_id) if own_settings else None
        if own is None or county is None:
            return own or county
        key = (region_code, municipality_code or "", obligation_id)
        merged = self._merged.get(key)
        if merged is None:
            merged = self._merged[key] = PracticeDates(
                deadline=own.deadline or county.deadline, steps={**county.steps, **own.steps})
        return merged


EMPTY_CONFIGURATION = Configuration()
