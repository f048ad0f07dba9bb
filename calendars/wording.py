"""How dates, shifts and parties read to a person, in Finnish, Swedish and English. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from calendars.workdays import NonWorkingDays
from obligations.config import EMPTY_CONFIGURATION, Configuration
from obligations.parties import Registry
from obligations.schema import Lang, OwedBy

_AND: dict[Lang, str] = {"fi": "ja", "sv": "och", "en": "and"}
_IS: dict[Lang, str] = {"fi": "on", "sv": "är", "en": "is"}
_EARLIER: dict[Lang, str] = {
    # A body's own decision: Act 150/1930 does not carry it past its date.
    "fi": "määräpäivä on edellinen arkipäivä, {weekday} {date}",
    "sv": "sista dagen är föregående vardag, {weekday} {date}",
    "en": "the last day is the working day before, {weekday} {date}",
}
_LATER: dict[Lang, str] = {
    # A filing with an authority: Act 150/1930 §5.
    "fi": "lain 150/1930 5 §:n mukaan määräpäivä on seuraava arkipäivä, {weekday} {date}",
    "sv": "enligt lag 150/1930 5 § är sista dagen nästa vardag, {weekday} {date}",
    "en": "under Act 150/1930 §5 the last day is the next working day, {weekday} {date}",
}


def finnish_date(day: date) -> str:
    """`31.3.2029`: how dates are written in Finland, in all three languages."""
    return f"{day.day}.{day.month}.{day.year}"


def _join(parts: Sequence[str], lang: Lang) -> str:
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + f" {_AND[lang]} " + parts[-1]


def _day_reason(day: date, non_working_days: NonWorkingDays, lang: Lang) -> str:
    name = non_working_days.day_name(day, lang)
    is_holiday = day in non_working_days.holidays
    if lang == "en":
        return name if is_holiday else f"a {name}"
    if lang == "sv" and not is_holiday:
        return f"en {name}"
    return name[:1].lower() + name[1:]


def skipped_days(statutory: date, effective: date) -> list[date]:
    """The days a deadline moved over, from the statutory date towards the effective one."""
    step = timedelta(days=1 if effective > statutory else -1)
    skipped = []
    day = statutory
    while day != effective:
        skipped.append(day)
        day += step
    return skipped


def shift_reason(
    statutory: date, effective: date, non_working_days: NonWorkingDays, lang: Lang
) -> str:
    """Why a deadline moved, and which way ("31.12.2028 is a Sunday and …; the last day …").

    Earlier for a body's own decision, later (150/1930 §5) for a filing with an authority.
    Empty when the deadline did not move.
    """
    skipped = skipped_days(statutory, effective)
    if not skipped:
        return ""
    parts = [f"{finnish_date(d)} {_day_reason(d, non_working_days, lang)}" for d in skipped]
    first_date, _, first_reason = parts[0].partition(" ")
    parts[0] = f"{first_date} {_IS[lang]} {first_reason}"
    outcome = (_LATER if effective > statutory else _EARLIER)[lang].format(
        weekday=non_working_days.day_name(effective, lang), date=finnish_date(effective))
    return f"{_join(parts, lang)}; {outcome}"


def party_display_name(
    registry: Registry,
    lang: Lang,
    *,
    owed_by: str,
    municipality: str | None,
    region: str | None,
    participants: Sequence[str],
    group: str | None = None,
    configuration: Configuration = EMPTY_CONFIGURATION,
) -> str:
    """Who owes a duty, as a person reads it.

    The municipality, the county, or the county with the municipality or sub-regional group
    it negotiates with.
    """
    negotiation = OwedBy(owed_by).is_negotiation
    if municipality is not None and group is None and not negotiation:
        return registry.municipality(municipality).name(lang)
    county = registry.region(region).name(lang) if region else ""
    if negotiation and len(participants) == 1:
        return f"{county} – {registry.municipality(participants[0]).name(lang)}"
    if group is not None and region is not None:
        named = next((g for g in configuration.sub_regions(region) if g.id == group), None)
        return f"{county} – {named.names.get(lang) if named else group}"
    return county
