"""Finnish non-working days and the deadline shift of Act 150/1930.

The one module that imports `holidays`. The engine never calls it directly: a
`NonWorkingDays` value is built here (or in a test) and passed in, so date logic stays pure.

Act 150/1930 §5: when the last day of a time limit is a public holiday, Independence Day,
May Day, Christmas Eve, Midsummer Eve or a working Saturday, the act may be done on the
next working day. Saturdays and Sundays are never working days here. The `holidays`
package's Finnish public calendar lists exactly the holidays of OBLIGATIONS.md §3; not
shifting are May Day Eve, New Year's Eve and Easter Saturday (which is a Saturday anyway).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType

from obligations.catalogue import N_, gettext
from obligations.schema import LANGS, Lang, Shift

_HOLIDAY_LANGUAGES: Mapping[Lang, str] = {"fi": "fi", "sv": "sv_FI", "en": "en_US"}
_WEEKDAY_KEYS: tuple[str, ...] = (
    N_("date.weekday.0"), N_("date.weekday.1"), N_("date.weekday.2"), N_("date.weekday.3"),
    N_("date.weekday.4"), N_("date.weekday.5"), N_("date.weekday.6"))
"""Monday first, as `date.weekday()` counts."""


@dataclass(frozen=True, slots=True)
class ShiftedDate:
    """A deadline's statutory date, its effective date and the days passed over."""

    statutory: date
    effective: date
    skipped: tuple[date, ...]
    """The non-working days between (statutory included) that caused the shift."""

    @property
    def shifted(self) -> bool:
        """True when the effective date differs from the statutory one."""
        return self.effective != self.statutory


@dataclass(frozen=True)
class NonWorkingDays:
    """The non-working days of a span of years, with their names in three languages.

    Weekends are always non-working; `holidays` maps the other non-working days to their
    names. Lookups past the span raise, so a plan can never silently use missing years.
    """

    first_year: int
    last_year: int
    holidays: Mapping[date, Mapping[Lang, str]]
    _shift_cache: dict[tuple[date, Shift], ShiftedDate] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def covers(self, day: date) -> bool:
        """True if `day` is within the span of years this value knows."""
        return self.first_year <= day.year <= self.last_year

    def is_working_day(self, day: date) -> bool:
        """False on Saturdays, Sundays and the holidays of 150/1930."""
        if not self.covers(day):
            raise ValueError(
                f"{day.isoformat()} is outside the non-working days known "
                f"({self.first_year}–{self.last_year})"
            )
        return day.weekday() < 5 and day not in self.holidays

    def shift(self, statutory: date, rule: Shift) -> ShiftedDate:
        """Apply a definition's shift rule to one date (memoised: dates repeat a lot)."""
        key = (statutory, rule)
        cached = self._shift_cache.get(key)
        if cached is not None:
            return cached
        step = {Shift.NEXT_WORKING_DAY: 1, Shift.PREVIOUS_WORKING_DAY: -1}.get(rule)
        skipped: list[date] = []
        effective = statutory
        if step is not None:
            while not self.is_working_day(effective):
                skipped.append(effective)
                effective += timedelta(days=step)
        result = ShiftedDate(statutory, effective, tuple(skipped))
        self._shift_cache[key] = result
        return result

    def working_day_on_or_before(self, day: date) -> date:
        """The last working day not after `day` (reminders keep their promised lead time)."""
        return self.shift(day, Shift.PREVIOUS_WORKING_DAY).effective

    def day_name(self, day: date, lang: Lang) -> str:
        """Why `day` is not a working day: the holiday's name, else the weekday."""
        names = self.holidays.get(day)
        if names is not None:
            return names[lang]
        return weekday_name(day, lang)


def weekday_name(day: date, lang: Lang) -> str:
    """The day of the week in `lang` ("sunnuntai", "söndag", "Sunday")."""
    return gettext(_WEEKDAY_KEYS[day.weekday()], lang)


def finnish_non_working_days(first_year: int, last_year: int) -> NonWorkingDays:
    """Finland's public holidays from the `holidays` package, named in fi, sv and en."""
    import holidays  # local import: only this function needs the package

    if first_year > last_year:
        raise ValueError("first_year must not be after last_year")
    years = range(first_year, last_year + 1)
    named: dict[date, dict[Lang, str]] = {}
    for lang in LANGS:
        calendar = holidays.country_holidays(
            "FI", years=years, language=_HOLIDAY_LANGUAGES[lang], categories=("public",)
        )
        for day, name in calendar.items():
            named.setdefault(day, {})[lang] = str(name)
    frozen = {day: MappingProxyType(names) for day, names in sorted(named.items())}
    return NonWorkingDays(first_year, last_year, MappingProxyType(frozen))


def from_dates(
    first_year: int, last_year: int, days: Iterable[date], name: str = "holiday"
) -> NonWorkingDays:
    """Non-working days from a plain list (for tests and for other calendars)."""
    names: Mapping[Lang, str] = MappingProxyType(dict.fromkeys(LANGS, name))
    return NonWorkingDays(first_year, last_year, MappingProxyType(dict.fromkeys(days, names)))
