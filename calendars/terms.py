"""Council terms (valtuustokaudet) as data, with the rule for the terms not yet elected.

Pure: no clock, no I/O. Terms are stored start-to-end because the first two were irregular
(municipal 1.8.2021–31.5.2025 after the election moved to June 2021; the first county
councils 1.3.2022–31.5.2025). From 2025 both councils are elected together and a term runs
four years from 1 June of the election year (Kuntalaki 410/2015 §15).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

FIRST_RULE_BASED_ELECTION = 2029
TERM_LENGTH_YEARS = 4


class Body(StrEnum):
    """Whose council the term belongs to."""

    MUNICIPAL_COUNCIL = "municipal_council"
    REGIONAL_COUNCIL = "regional_council"


@dataclass(frozen=True, slots=True)
class CouncilTerm:
    """One council term of one kind of council."""

    body: Body
    start: date
    """The first day (1 June of the election year from 2025 on)."""
    end: date
    """The last day (31 May four years later from 2025 on)."""
    election_day: date | None
    """None where not recorded here."""

    @property
    def id(self) -> str:
        """`2025-2029`: the period key of per-term duties."""
        return f"{self.start.year}-{self.end.year}"

    def contains(self, day: date) -> bool:
        """True if `day` is within the term (both ends included)."""
        return self.start <= day <= self.end

    def term_year(self, day: date) -> int:
        """Year of the four-year cycle (1–4) that `day` falls in.

        Term years run 1 June – 31 May. A term that started late (2021, 2022) has a short
        first year, so year 4 is always the one before the change of term.
        """
        if not self.contains(day):
            raise ValueError(f"{day.isoformat()} is outside term {self.id}")
        return _june_year(day) - _june_year(self.start) + 1

    def term_year_end(self, term_year: int) -> date:
        """Last day of term year N (31 May), never past the term's end."""
        end = date(_june_year(self.start) + term_year, 5, 31)
        return min(end, self.end)


def _june_year(day: date) -> int:
    """The year in which the June–May year containing `day` began."""
    return day.year if day.month >= 6 else day.year - 1


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def election_day(year: int) -> date:
    """Municipal and county election day: the third Sunday of April.

    If that is Easter Sunday or the Sunday after it, the election is held on the Sunday
    before Easter (why 2025 was 13 April).
    """
    first = date(year, 4, 1)
    third_sunday = first + timedelta(days=(6 - first.weekday()) % 7 + 14)
    easter = easter_sunday(year)
    if third_sunday in (easter, easter + timedelta(days=7)):
        return easter - timedelta(days=7)
    return third_sunday


KNOWN_TERMS: tuple[CouncilTerm, ...] = (
    CouncilTerm(Body.MUNICIPAL_COUNCIL, date(2021, 8, 1), date(2025, 5, 31), date(2021, 6, 13)),
    CouncilTerm(Body.REGIONAL_COUNCIL, date(2022, 3, 1), date(2025, 5, 31), date(2022, 1, 23)),
    CouncilTerm(Body.MUNICIPAL_COUNCIL, date(2025, 6, 1), date(2029, 5, 31), date(2025, 4, 13)),
    CouncilTerm(Body.REGIONAL_COUNCIL, date(2025, 6, 1), date(2029, 5, 31), date(2025, 4, 13)),
)
"""Terms as they were decided; later ones follow `rule_based_term`."""

def rule_based_term(body: Body, election_year: int) -> CouncilTerm:
    """The term that starts on 1 June of an election year (2029, 2033, …)."""
    if election_year < FIRST_RULE_BASED_ELECTION or (
        (election_year - FIRST_RULE_BASED_ELECTION) % TERM_LENGTH_YEARS
    ):
        raise ValueError(f"{election_year} is not an election year after 2025")
    return CouncilTerm(
        body,
        date(election_year, 6, 1),
        date(election_year + TERM_LENGTH_YEARS, 5, 31),
        election_day(election_year),
    )


def terms_overlapping(body: Body, start: date, end: date) -> tuple[CouncilTerm, ...]:
    """Every term of `body` that shares at least one day with [start, end]."""
    terms = [t for t in KNOWN_TERMS if t.body is body]
    year = FIRST_RULE_BASED_ELECTION
    while date(year, 6, 1) <= end:
        terms.append(rule_based_term(body, year))
        year += TERM_LENGTH_YEARS
    return tuple(t for t in terms if t.start <= end and t.end >= start)


def term_containing(body: Body, day: date) -> CouncilTerm | None:
    """The term of `body` in force on `day`, or None before the first recorded term."""
    for term in terms_overlapping(body, day, day):
        return term
    return None
