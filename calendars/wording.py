"""How dates, shifts and legal citations read to a person, in Finnish, Swedish and English. Pure."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from calendars.duty import ShiftReason, SkippedDay
from calendars.workdays import NonWorkingDays, weekday_name
from obligations.catalogue import gettext
from obligations.schema import Lang, LegalBasis

_SECTION = re.compile(r"(?P<chapter>ch\. )?(?P<number>\d+)(?P<letter>[a-z]?)(?:\((?P<sub>\d+)\))?")
_FINLEX_FI = "https://finlex.fi/fi/laki/"
_FINLEX_SV = "https://finlex.fi/sv/lag/"


def section_citation(section: str, lang: Lang) -> str:
    """A section as the language cites it.

    `121(4)` is "121 §:n 4 momentti" in Finnish, "121 § 4 mom." in Swedish, "section
    121(4)" in English; `ch. 13` is "13 luku", "13 kap.", "chapter 13".
    """
    found = _SECTION.fullmatch(section)
    if found is None or (found["chapter"] and (found["letter"] or found["sub"])):
        return f"{section} §"  # not a form we know: as the definition writes it
    if found["chapter"]:
        return gettext("law.chapter", lang, number=found["number"])
    number = found["number"]
    if found["letter"]:
        number += gettext("law.letter", lang, letter=found["letter"])
    if found["sub"]:
        return gettext("law.subsection", lang, number=number, subsection=found["sub"])
    return gettext("law.section", lang, number=number)


def legal_citation(basis: LegalBasis, lang: Lang) -> str:
    """`Laki sosiaali- ja terveydenhuollon järjestämisestä 612/2021 6 §, 7 §`."""
    sections = ", ".join(section_citation(s, lang) for s in basis.sections)
    return f"{basis.title.get(lang)} {basis.act} {sections}".strip()


def legal_url(basis: LegalBasis, lang: Lang) -> str:
    """The provision's address for a reader of `lang`.

    Finlex's Swedish page for Swedish, derived from the Finnish address; any other address
    is kept as it is.
    """
    url = str(basis.url)
    if lang == "sv" and url.startswith(_FINLEX_FI):
        return _FINLEX_SV + url.removeprefix(_FINLEX_FI)
    return url


def finnish_date(day: date) -> str:
    """`31.3.2029`: how dates are written in Finland, in all three languages."""
    return f"{day.day}.{day.month}.{day.year}"


def _join(parts: Sequence[str], lang: Lang) -> str:
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " " + gettext("date.and", lang) + " " + parts[-1]


def _day_reason(day: SkippedDay, lang: Lang) -> str:
    holiday = day.name(lang)
    name = holiday if holiday is not None else weekday_name(day.day, lang)
    if lang == "en":
        return name if holiday is not None else f"a {name}"
    if lang == "sv" and holiday is None:
        return f"en {name}"
    return name[:1].lower() + name[1:]


def describe_shift(reason: ShiftReason | None, lang: Lang) -> str:
    """Why a deadline moved, and which way ("31.12.2028 is a Sunday and …; the last day …").

    The one place a shift reason is written. Earlier for a body's own decision, later
    (150/1930 §5) for a filing with an authority. Empty when the deadline did not move.
    """
    if reason is None or not reason.skipped:
        return ""
    parts = [f"{finnish_date(d.day)} {_day_reason(d, lang)}" for d in reason.skipped]
    first_date, _, first_reason = parts[0].partition(" ")
    is_ = gettext("date.is", lang)
    parts[0] = f"{first_date} {is_} {first_reason}"
    # Later for a filing with an authority (Act 150/1930 §5), earlier for a body's own
    # decision (the Act does not carry it past its date).
    weekday, day = weekday_name(reason.effective, lang), finnish_date(reason.effective)
    outcome = (gettext("date.later", lang, weekday=weekday, date=day) if reason.later
               else gettext("date.earlier", lang, weekday=weekday, date=day))
    return f"{_join(parts, lang)}; {outcome}"


def shift_reason(
    statutory: date, effective: date, non_working_days: NonWorkingDays, lang: Lang
) -> str:
    """`describe_shift` of the shift between two dates (for a plan, before the store)."""
    return describe_shift(ShiftReason.between(statutory, effective, non_working_days), lang)
