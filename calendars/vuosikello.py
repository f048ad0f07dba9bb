"""A year drawn as a clock ("vuosikello"): SVG text from plain data.

Councils paste the picture into slide decks, so it has to read on its own: month names
around the ring, one mark per duty at the angle of its date, and a legend. Colour tells
the series apart, but the state is shown by shape and words as well (WCAG 1.4.1).

`render_vuosikello` is pure: the same input gives the same bytes, and today's date comes
only from the caller. Rasterising needs system fonts, so it lives outside the pure core
(`web/png.py`).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from html import escape

from calendars.ics import one_line
from calendars.wording import finnish_date
from obligations.catalogue import N_, gettext, ngettext
from obligations.schema import Lang


class MarkState(StrEnum):
    """Where a duty stands, as far as a picture of the year needs to know."""

    COMPLETE = "complete"
    """Every required step closed."""
    OPEN = "open"
    """Not yet due, or due and not late."""
    LATE = "late"
    """A step is past its target, but no step is past its legal limit."""
    OVERDUE = "overdue"
    """A step is past its legal limit (the last day the law allows)."""
    NOT_TRACKED = "not_tracked"
    """Due before its party's "tracked from" day (`Duty.tracked`): never late."""
    CANCELLED = "cancelled"
    """No longer owed: the duty left the plan (`Duty.cancelled`); wins over every other state."""


@dataclass(frozen=True, slots=True)
class ClockMark:
    """One duty on the clock."""

    day: date
    """The effective date; must lie in the clock's year."""
    label: str
    """E.g. "Talousarvio 2027 – Kajaani"; untrusted text, escaped on output."""
    series: str
    """The obligation id: decides the colour and the legend entry."""
    state: MarkState
    href: str | None = None
    """Where the mark links to (http(s), mailto or a relative URL)."""


FONT_FAMILY = "DejaVu Sans, Arial, Helvetica, sans-serif"

PALETTE: tuple[str, ...] = (
    "#1d4ed8", "#dc1818", "#0f8a0f", "#dc189b", "#7e5d1b", "#1593c1", "#7e1b35", "#15654a",
    "#501565", "#b518dc", "#1818dc", "#1257a5", "#dc185a", "#798a0f", "#b14b25", "#452917",
)
"""Series colours, chosen far apart in CIELAB and each at least 3:1 against the white and
the shaded background (WCAG 1.4.11). With more series than colours they repeat; the legend
and every mark's title still name the series."""

BACKGROUND = "#ffffff"
SHADE = "#f3f6f9"
"""Every other month's sector, so a mark's month can be read without counting ticks."""
BAND = ("#e3e9f0", "#d5dde7")
"""The month ring, alternating; text on it is TEXT (above 10:1)."""
TEXT = "#1f2937"
TICK = "#9aa5b4"
HAND = "#111827"
LEGEND_SHAPE = "#374151"
"""State symbols in the legend are neutral: there the shape, not the colour, is the key."""

MONTH_KEYS: tuple[str, ...] = (
    N_("clock.month.1"), N_("clock.month.2"), N_("clock.month.3"), N_("clock.month.4"),
    N_("clock.month.5"), N_("clock.month.6"), N_("clock.month.7"), N_("clock.month.8"),
    N_("clock.month.9"), N_("clock.month.10"), N_("clock.month.11"), N_("clock.month.12"))
STATE_KEYS: dict[MarkState, str] = {
    MarkState.COMPLETE: N_("clock.state.complete"),
    MarkState.OPEN: N_("clock.state.open"),
    MarkState.LATE: N_("clock.state.late"),
    MarkState.OVERDUE: N_("clock.state.overdue"),
    MarkState.NOT_TRACKED: N_("clock.state.not_tracked"),
    MarkState.CANCELLED: N_("clock.state.cancelled"),
}


def _count_not_tracked(n: int, lang: Lang) -> str:
    """The count of duties not tracked, "2 not tracked" (issue 14)."""
    return ngettext("clock.counted.not_tracked", "clock.counted.not_tracked.n", n, lang,
                    count=n)


_STATE_COUNTED: dict[MarkState, Callable[[int, Lang], str]] = {
    # Plural forms: "1 försenad", "2 försenade".
    MarkState.COMPLETE: lambda n, lang: ngettext(
        "clock.counted.complete", "clock.counted.complete.n", n, lang, count=n),
    MarkState.OPEN: lambda n, lang: ngettext(
        "clock.counted.open", "clock.counted.open.n", n, lang, count=n),
    MarkState.LATE: lambda n, lang: ngettext(
        "clock.counted.late", "clock.counted.late.n", n, lang, count=n),
    MarkState.OVERDUE: lambda n, lang: ngettext(
        "clock.counted.overdue", "clock.counted.overdue.n", n, lang, count=n),
    MarkState.NOT_TRACKED: _count_not_tracked,
    MarkState.CANCELLED: lambda n, lang: ngettext(
        "clock.counted.cancelled", "clock.counted.cancelled.n", n, lang, count=n),
}
STATE_ORDER = (MarkState.OVERDUE, MarkState.LATE, MarkState.OPEN, MarkState.COMPLETE,
               MarkState.NOT_TRACKED, MarkState.CANCELLED)
"""Most urgent first, in the legend and in the description."""
LEGEND_KEYS: tuple[str, ...] = (N_("clock.legend.series"), N_("clock.legend.state"))


def state_word(state: MarkState, lang: Lang) -> str:
    """A mark's state in words ("myöhässä")."""
    return gettext(STATE_KEYS[state], lang)


# Geometry, in viewBox units; `size` only scales the whole picture (the clock is 720 high).
_CLOCK_W = 800.0
"""Wider than high: the "today" label may stand outside the ring at 3 or 9 o'clock."""
_CLOCK_H = 720.0
_HEADER = 64.0
_CX = _CLOCK_W / 2
_CY = _HEADER + _CLOCK_H / 2
_R_BAND_OUT = 320.0
_R_BAND_IN = 276.0
_R_HUB = 40.0
_R_MARK_TOP = 258.0
"""The outermost radius a mark's centre takes; stacked marks go inward from here."""
_R_MARK_MIN = 56.0
MARK_EXTENT = 10.0
"""No part of a mark shape lies further than this from its centre (at scale 1)."""
_MARK_GAP = 3.0
_MIN_SCALE = 0.05
"""Below this the marks would be specks; a deeper stack (hundreds on one day) may overlap."""
_MONTH_FONT = 16.0
_LEGEND_FONT = 15.0
_LEGEND_ROW = 28.0
_LEGEND_MAX_CHARS = 48
_CHAR_WIDTH = 0.62
"""Average advance of DejaVu Sans per em, a little generous: no text measuring here."""

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SAFE_HREF = re.compile(r"(?i)(https?:|mailto:|[^:]*$|[^:]*[/?#])")


def angle_of(day: date) -> float:
    """Degrees clockwise from the top for the start of `day`: 0 at 1 January, below 360.

    Days, not months, are evenly spread, so months have their true share of the year.
    """
    start = date(day.year, 1, 1).toordinal()
    days_in_year = date(day.year + 1, 1, 1).toordinal() - start
    return (day.toordinal() - start) * 360.0 / days_in_year


def _num(value: float) -> str:
    """Two decimals at most, and no "-0": the same geometry always reads the same."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _point(angle: float, radius: float) -> tuple[float, float]:
    rad = math.radians(angle)
    return _CX + radius * math.sin(rad), _CY - radius * math.cos(rad)


def _clean(text: str) -> str:
    """One line of characters XML 1.0 allows: hostile input must not break the document."""
    return one_line(_NOT_XML.sub("", text))


def _esc(text: str) -> str:
    return escape(_clean(text), quote=True)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _text_width(text: str, font_size: float) -> float:
    return len(text) * font_size * _CHAR_WIDTH


def _shape(state: MarkState, colour: str) -> str:
    """The state as a shape of radius ≤ MARK_EXTENT around (0, 0), readable without colour."""
    if state is MarkState.COMPLETE:
        return (f'<circle r="9" fill="{colour}"/>'
                '<path d="M-4.2 0.3L-1.3 3.3L4.4 -3" fill="none" stroke="#ffffff" '
                'stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"/>')
    if state is MarkState.OPEN:
        return f'<circle r="7.6" fill="#ffffff" stroke="{colour}" stroke-width="2.8"/>'
    if state is MarkState.LATE:
        return (f'<path d="M0 -9L9 0L0 9L-9 0Z" fill="#ffffff" stroke="{colour}" '
                'stroke-width="2.4" stroke-linejoin="round"/>'
                f'<path d="M0 -4.6V1" stroke="{colour}" stroke-width="2.2" '
                f'stroke-linecap="round"/><circle cy="3.9" r="1.3" fill="{colour}"/>')
    if state is MarkState.OVERDUE:
        return (f'<path d="M0 -10L10 0L0 10L-10 0Z" fill="{colour}"/>'
                '<path d="M0 -5.2V1.4" stroke="#ffffff" stroke-width="2.4" '
                'stroke-linecap="round"/><circle cy="4.6" r="1.4" fill="#ffffff"/>')
    if state is MarkState.NOT_TRACKED:
        return (f'<circle r="7.6" fill="#ffffff" stroke="{colour}" stroke-width="2.8" '
                'stroke-dasharray="3 2.97"/>')
    return (f'<circle r="7.6" fill="#ffffff" stroke="{colour}" stroke-width="2.8"/>'
            f'<path d="M-3.6 -3.6L3.6 3.6M3.6 -3.6L-3.6 3.6" stroke="{colour}" '
            'stroke-width="2.4" stroke-linecap="round"/>')


@dataclass(frozen=True, slots=True)
class _Placed:
    angle: float
    radius: float
    scale: float


def _clearance(a: float, b: float) -> float:
    """How far apart the centres of two marks of these scales must be."""
    return (a + b) * (MARK_EXTENT + _MARK_GAP / 2)


def _drop(angle: float, scale: float, placed: Sequence[_Placed]) -> tuple[float, list[int]]:
    """The outermost radius on the ray at `angle` where a mark clears every placed one.

    Each placed mark blocks an interval of radii on the ray (the circle of clearance around
    it cut by the ray); the mark slides inward past blocking intervals until it is free.
    Also returns which placed marks it had to slide past.
    """
    rad = math.radians(angle)
    blocked: list[tuple[float, float, int]] = []
    for index, other in enumerate(placed):
        delta = rad - math.radians(other.angle)
        need = _clearance(scale, other.scale)
        off_ray = other.radius * abs(math.sin(delta))
        if off_ray < need:
            along = other.radius * math.cos(delta)
            half = math.sqrt(need * need - off_ray * off_ray)
            blocked.append((along - half, along + half, index))
    radius = _R_MARK_TOP
    passed: list[int] = []
    moved = True
    while moved:
        moved = False
        for low, high, index in blocked:
            if low < radius < high:
                radius, moved = low, True
                passed.append(index)
    return radius, passed


def _layout(angles: Sequence[float]) -> list[_Placed]:
    """Where each mark goes: at its exact angle, stacked inward when marks would touch.

    Many duties share a deadline (31 March, 30 April …), so a day with a deeper stack than
    fits gets smaller marks; if a mark still finds no room, it, its day and the marks in its
    way shrink and the layout starts again. Angles never move: the clock stays true to the
    dates, and marks elsewhere in the year keep their full size.
    """
    span = _R_MARK_TOP - _R_MARK_MIN
    per_day = {angle: angles.count(angle) for angle in angles}
    scales = [min(1.0, span / max(1, per_day[angle] - 1) / _clearance(1.0, 1.0))
              for angle in angles]
    crowded: set[int] = set()
    while True:
        placed: list[_Placed] = []
        for index, (angle, scale) in enumerate(zip(angles, scales, strict=True)):
            radius, passed = _drop(angle, scale, placed)
            if radius < _R_MARK_MIN and index not in crowded:
                break
            placed.append(_Placed(angle, max(radius, _R_MARK_MIN), scale))
        else:
            return placed
        shrink = {i for i, other in enumerate(angles) if other == angle} | set(passed)
        shrunk = [max(_MIN_SCALE, s * 0.85) if i in shrink else s for i, s in enumerate(scales)]
        if shrunk == scales:  # pragma: no cover - hundreds of duties on one day
            crowded.add(index)  # Accept an overlap rather than fail to draw the year.
        scales = shrunk


def _check_href(href: str) -> str:
    cleaned = _clean(href)
    if not _SAFE_HREF.match(cleaned):
        raise ValueError(f"unsafe link target {cleaned[:60]!r}: use http(s), mailto or a path")
    return cleaned


def _summary(year: int, lang: Lang, marks: Sequence[ClockMark], today: date | None) -> str:
    """The <desc>: the counts a sighted reader takes in at a glance."""
    if not marks:
        text = gettext("clock.no_duties", lang, year=year)
    else:
        parts = []
        for state in STATE_ORDER:
            count = sum(1 for mark in marks if mark.state is state)
            if count:
                parts.append(_STATE_COUNTED[state](count, lang))
        duties = ngettext("clock.duties", "clock.duties.n", len(marks), lang, count=len(marks))
        text = f"{duties}: {', '.join(parts)}."
    if today is not None and today.year == year:
        text += " " + gettext("clock.today_is", lang, date=finnish_date(today))
    return text


def _month_ring(year: int, lang: Lang, prefix: str) -> list[str]:
    """Sectors, the month band with its names along the arc, and the month boundaries."""
    out: list[str] = []
    paths: list[str] = []
    names: list[str] = []
    bounds = [angle_of(date(year, month, 1)) for month in range(1, 13)] + [360.0]
    for index in range(12):
        start, end = bounds[index], bounds[index + 1]
        large = 1 if end - start > 180 else 0
        sector_fill = SHADE if index % 2 else BACKGROUND
        for radius_out, radius_in, fill in ((_R_BAND_IN, _R_HUB, sector_fill),
                                            (_R_BAND_OUT, _R_BAND_IN, BAND[index % 2])):
            ox1, oy1 = _point(start, radius_out)
            ox2, oy2 = _point(end, radius_out)
            ix1, iy1 = _point(start, radius_in)
            ix2, iy2 = _point(end, radius_in)
            out.append(
                f'<path d="M{_num(ox1)} {_num(oy1)}A{_num(radius_out)} {_num(radius_out)} 0 '
                f'{large} 1 {_num(ox2)} {_num(oy2)}L{_num(ix2)} {_num(iy2)}'
                f'A{_num(radius_in)} {_num(radius_in)} 0 {large} 0 {_num(ix1)} {_num(iy1)}Z" '
                f'fill="{fill}"/>')
        # Text follows the arc; on the lower half the arc runs backwards so letters stay
        # upright, and the baseline moves outward so the letters still sit mid-band.
        middle = (start + end) / 2
        lower = 90 < middle < 270
        mid_band = (_R_BAND_OUT + _R_BAND_IN) / 2
        radius = mid_band + 5.5 if lower else mid_band - 5.5
        a, b = (end, start) if lower else (start, end)
        x1, y1 = _point(a, radius)
        x2, y2 = _point(b, radius)
        path_id = f"{prefix}m{index + 1}"
        paths.append(
            f'<path id="{path_id}" d="M{_num(x1)} {_num(y1)}A{_num(radius)} {_num(radius)} 0 0 '
            f'{0 if lower else 1} {_num(x2)} {_num(y2)}" fill="none"/>')
        names.append(
            f'<text class="month" font-size="{_num(_MONTH_FONT)}" text-anchor="middle" '
            f'fill="{TEXT}"><textPath href="#{path_id}" startOffset="50%">'
            f'{escape(gettext(MONTH_KEYS[index], lang))}</textPath></text>')
    out.append(f'<defs>{"".join(paths)}</defs>')
    for angle in bounds[:12]:
        x1, y1 = _point(angle, _R_HUB)
        x2, y2 = _point(angle, _R_BAND_OUT)
        out.append(f'<line class="tick" x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" '
                   f'y2="{_num(y2)}" stroke="{TICK}" stroke-width="1.2"/>')
    out.append(f'<circle cx="{_num(_CX)}" cy="{_num(_CY)}" r="{_num(_R_BAND_OUT)}" fill="none" '
               f'stroke="{TICK}" stroke-width="1.2"/>')
    out.extend(names)
    return out


def _today_hand(today: date, lang: Lang) -> str:
    """A hand up to the month ring and a pointer outside it: month names stay unbroken."""
    angle = angle_of(today)
    x1, y1 = _point(angle, _R_HUB)
    x2, y2 = _point(angle, _R_BAND_IN)
    tip = _point(angle, _R_BAND_OUT + 1)
    half = math.degrees(6 / (_R_BAND_OUT + 13))
    left = _point(angle - half, _R_BAND_OUT + 13)
    right = _point(angle + half, _R_BAND_OUT + 13)
    pointer = " ".join(f"{_num(px)},{_num(py)}" for px, py in (tip, left, right))
    lx, ly = _point(angle, _R_BAND_OUT + 17)
    sin, cos = math.sin(math.radians(angle)), math.cos(math.radians(angle))
    anchor = "start" if sin > 0.35 else "end" if sin < -0.35 else "middle"
    ly += -2 if cos > 0.35 else 14 if cos < -0.35 else 5
    today_word = gettext("clock.today", lang)
    return (f'<g class="today" data-day="{today.isoformat()}"><title>{today_word} '
            f'{finnish_date(today)}</title>'
            f'<line x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" y2="{_num(y2)}" '
            f'stroke="{HAND}" stroke-width="3" stroke-linecap="round"/>'
            f'<polygon points="{pointer}" fill="{HAND}"/>'
            f'<text x="{_num(lx)}" y="{_num(ly)}" font-size="14" font-weight="bold" '
            f'text-anchor="{anchor}" fill="{HAND}">{today_word}</text></g>')


def _legend(lang: Lang, series: Sequence[str], colours: Mapping[str, str],
            series_names: Mapping[str, str], states: Sequence[MarkState]) -> tuple[str, float,
                                                                                    float]:
    """The legend column at the clock's right, with its width and height."""
    x = _CLOCK_W
    y = _HEADER + 28
    rows: list[str] = []
    widths = [_text_width(gettext(key, lang), 16) for key in LEGEND_KEYS]

    def heading(text: str) -> None:
        nonlocal y
        rows.append(f'<text class="legend-heading" x="{_num(x)}" y="{_num(y)}" font-size="16" '
                    f'font-weight="bold" fill="{TEXT}">{escape(text)}</text>')
        y += _LEGEND_ROW

    def entry(kind: str, key: str, symbol: str, text: str, full: str) -> None:
        nonlocal y
        shown = _shorten(text, _LEGEND_MAX_CHARS)
        widths.append(28 + _text_width(shown, _LEGEND_FONT))
        rows.append(f'<g class="legend-{kind}" data-{kind}="{_esc(key)}">'
                    f'<title>{_esc(full)}</title>{symbol}'
                    f'<text x="{_num(x + 28)}" y="{_num(y)}" font-size="{_num(_LEGEND_FONT)}" '
                    f'fill="{TEXT}">{_esc(shown)}</text></g>')
        y += _LEGEND_ROW

    if series:
        heading(gettext("clock.legend.series", lang))
        for key in series:
            name = _clean(series_names.get(key, key)) or _clean(key)
            swatch = (f'<rect x="{_num(x)}" y="{_num(y - 13)}" width="16" height="16" rx="3" '
                      f'fill="{colours[key]}"/>')
            entry("series", key, swatch, name, name)
        y += 12
    if states:
        heading(gettext("clock.legend.state", lang))
        for state in states:
            symbol = (f'<g transform="translate({_num(x + 8)} {_num(y - 5)}) scale(0.9)">'
                      f'{_shape(state, LEGEND_SHAPE)}</g>')
            word = state_word(state, lang)
            entry("state", state.value, symbol, word, word)
    return "".join(rows), max([200.0, *widths]), y - _HEADER


def render_vuosikello(
    *,
    year: int,
    title: str,
    lang: Lang,
    marks: Sequence[ClockMark],
    series_names: Mapping[str, str],
    today: date | None = None,
    size: int = 720,
) -> str:
    """A standalone SVG document of the year as a clock.

    `size` is the clock's height in pixels; the legend adds width to the right. Ids inside
    the document carry a prefix derived from the input, so several clocks can share an
    HTML page. Raises ValueError for a mark outside `year`, an unsafe link or a size ≤ 0.
    """
    if size <= 0:
        raise ValueError(f"size must be positive, not {size}")
    for mark in marks:
        if mark.day.year != year:
            raise ValueError(f"{mark.label!r} falls on {mark.day.isoformat()}, outside {year}")
    ordered = sorted(marks, key=lambda m: (m.day, m.series, m.label, m.state.value,
                                           m.href or ""))
    hrefs = [None if mark.href is None else _check_href(mark.href) for mark in ordered]
    series = sorted({mark.series for mark in ordered})
    colours = {key: PALETTE[index % len(PALETTE)] for index, key in enumerate(series)}
    states = [state for state in STATE_ORDER if any(m.state is state for m in ordered)]
    heading = f"{_clean(title)} {year}".strip()
    digest = hashlib.sha256(repr((year, heading, lang, ordered, sorted(series_names.items()),
                                  today, size)).encode("utf-8", "replace")).hexdigest()
    prefix = f"vk{digest[:8]}-"

    legend, legend_w, legend_h = _legend(lang, series, colours, series_names, states)
    width = float(math.ceil(_CLOCK_W + legend_w + 24))  # whole pixels: no blurred edge
    height = _HEADER + max(_CLOCK_H, legend_h + 24)
    shown_heading = _shorten(heading, max(8, int((width - 48) / (24 * _CHAR_WIDTH))))
    scale_px = size / _CLOCK_H

    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_num(width * scale_px)}" '
        f'height="{_num(height * scale_px)}" viewBox="0 0 {_num(width)} {_num(height)}" '
        f'role="img" aria-labelledby="{prefix}title" aria-describedby="{prefix}desc" '
        f'lang="{lang}" xml:lang="{lang}" font-family="{FONT_FAMILY}">',
        f'<title id="{prefix}title">{escape(heading)}</title>',
        f'<desc id="{prefix}desc">{escape(_summary(year, lang, ordered, today))}</desc>',
        f'<rect class="background" width="{_num(width)}" height="{_num(height)}" '
        f'fill="{BACKGROUND}"/>',
        f'<text class="heading" x="24" y="42" font-size="24" font-weight="bold" '
        f'fill="{TEXT}">{escape(shown_heading)}</text>',
        f'<g class="dial" data-cx="{_num(_CX)}" data-cy="{_num(_CY)}">',
        *_month_ring(year, lang, prefix),
        "</g>",
    ]
    if today is not None and today.year == year:
        parts.append(_today_hand(today, lang))

    angles = [angle_of(mark.day) for mark in ordered]
    parts.append('<g class="marks">')
    for mark, href, spot in zip(ordered, hrefs, _layout(angles), strict=True):
        x, y = _point(spot.angle, spot.radius)
        scale = spot.scale
        colour = colours[mark.series]
        shape = _shape(mark.state, colour)
        if href is not None:
            shape = f'<a href="{escape(href, quote=True)}">{shape}</a>'
        label = f"{_clean(mark.label)}, {finnish_date(mark.day)}: {state_word(mark.state, lang)}"
        parts.append(
            f'<g class="mark" data-series="{_esc(mark.series)}" data-state="{mark.state.value}" '
            f'data-day="{mark.day.isoformat()}" '
            f'transform="translate({_num(x)} {_num(y)}) scale({_num(scale)})">'
            f'<title>{escape(label)}</title>{shape}</g>')
    parts.append("</g>")
    parts.append(
        f'<g class="hub"><circle cx="{_num(_CX)}" cy="{_num(_CY)}" r="{_num(_R_HUB)}" '
        f'fill="{BACKGROUND}" stroke="{TEXT}" stroke-width="1.5"/>'
        f'<text x="{_num(_CX)}" y="{_num(_CY + 6.5)}" font-size="18" font-weight="bold" '
        f'text-anchor="middle" fill="{TEXT}">{year}</text></g>')
    parts.append(f'<g class="legend">{legend}</g>')
    parts.append("</svg>\n")
    return "".join(parts)

