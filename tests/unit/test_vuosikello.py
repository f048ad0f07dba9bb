"""The year clock: read back with ElementTree, not with the code that wrote it.

Angles against the calendar, no mark on top of another, hostile text, the three languages,
contrast by the WCAG formulas, and PNG bytes that really carry the text.
"""

from __future__ import annotations

import itertools
import math
import re
import struct
import zlib
from datetime import date, timedelta
from xml.etree import ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calendars.vuosikello import (
    BACKGROUND,
    BAND,
    MARK_EXTENT,
    MONTH_KEYS,
    PALETTE,
    SHADE,
    ClockMark,
    MarkState,
    angle_of,
    render_vuosikello,
    state_word,
)
from obligations.catalogue import gettext
from obligations.schema import LANGS, Lang
from web.png import svg_to_png

SVG = "{http://www.w3.org/2000/svg}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TRANSFORM = re.compile(r"translate\((-?[\d.]+) (-?[\d.]+)\) scale\(([\d.]+)\)")
YEAR = 2027
NAMES = {"municipal-budget": "Talousarvio", "hyte-report": "Hyvinvointikertomus"}
S = MarkState


def _marks() -> list[ClockMark]:
    return [
        ClockMark(date(YEAR, 3, 31), "Talousarvio 2027 – Kajaani", "municipal-budget", S.OPEN),
        ClockMark(date(YEAR, 3, 31), "Talousarvio 2027 – Kuhmo", "municipal-budget", S.OVERDUE),
        ClockMark(date(YEAR, 4, 1), "Talousarvio 2027 – Sotkamo", "municipal-budget",
                  S.COMPLETE, href="https://example.fi/o/1?a=1&b=2"),
        ClockMark(date(YEAR, 6, 30), "Hyvinvointikertomus – Kainuu", "hyte-report", S.COMPLETE),
        ClockMark(date(YEAR, 12, 31), "Hyvinvointikertomus – Kuhmo", "hyte-report", S.OPEN),
        ClockMark(date(YEAR, 1, 1), "Yhteistyösopimus", "cooperation-agreement", S.CANCELLED),
    ]


def _render(marks: list[ClockMark] | None = None, *, lang: Lang = "fi",
            today: date | None = date(YEAR, 5, 14), size: int = 720) -> str:
    return render_vuosikello(year=YEAR, title="Kainuun vuosikello", lang=lang,
                             marks=_marks() if marks is None else marks, series_names=NAMES,
                             today=today, size=size)


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _mark_elements(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == "mark"]


def _centre(root: ET.Element) -> tuple[float, float]:
    dial = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "dial")
    return float(dial.get("data-cx", "nan")), float(dial.get("data-cy", "nan"))


def _spots(root: ET.Element) -> list[tuple[date, float, float, float]]:
    """(day, x, y, scale) of each mark, read from its transform."""
    spots = []
    for mark in _mark_elements(root):
        found = TRANSFORM.fullmatch(mark.get("transform", ""))
        assert found, mark.get("transform")
        x, y, scale = (float(v) for v in found.groups())
        spots.append((date.fromisoformat(mark.get("data-day", "")), x, y, scale))
    return spots


def _drawn_angle(centre: tuple[float, float], x: float, y: float) -> float:
    return math.degrees(math.atan2(x - centre[0], centre[1] - y)) % 360.0


def _circular_gap(a: float, b: float) -> float:
    delta = abs(a - b) % 360.0
    return min(delta, 360.0 - delta)


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _lab(colour: str) -> tuple[float, float, float]:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(colour[i:i + 2], 16)) for i in (1, 3, 5))
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


# --- angle_of --------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "expected"), [
    (date(2027, 1, 1), 0.0),
    (date(2028, 1, 1), 0.0),
    (date(2027, 1, 2), 360 / 365),
    (date(2027, 7, 1), 181 / 365 * 360),
    (date(2028, 7, 1), 182 / 366 * 360),
    (date(2028, 3, 1), 60 / 366 * 360),
    (date(2027, 3, 1), 59 / 365 * 360),
    (date(2027, 12, 31), 364 / 365 * 360),
    (date(2028, 12, 31), 365 / 366 * 360),
])
def test_angle_of_table(day, expected):
    assert angle_of(day) == pytest.approx(expected)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 30)))
def test_angle_of_is_in_range_and_grows_within_the_year(day):
    angle = angle_of(day)
    assert 0.0 <= angle < 360.0
    following = day + timedelta(days=1)
    if following.year == day.year:
        assert angle_of(following) > angle
    else:
        assert angle_of(following) == 0.0


# --- structure and accessibility -------------------------------------------------------

def test_root_is_an_accessible_standalone_svg():
    svg = _render()
    assert svg.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3')
    root = _parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("lang") == "fi"
    assert root.get(XML_LANG) == "fi"
    assert root.get("font-family") == "DejaVu Sans, Arial, Helvetica, sans-serif"
    by_id = {element.get("id"): element for element in root.iter() if element.get("id")}
    title = by_id[root.get("aria-labelledby")]
    assert title.tag == f"{SVG}title"
    assert title.text == f"Kainuun vuosikello {YEAR}"
    assert root[0] is title
    desc = by_id[root.get("aria-describedby")]
    assert desc.tag == f"{SVG}desc"
    assert desc.text == "6 velvoitetta: 1 lain määräajan ylittänyt, 2 kesken, 2 valmiina, " \
                        "1 peruttuna. Tänään on 14.5.2027."


@pytest.mark.parametrize(("lang", "expected"), [
    ("fi", "1 velvoite: 1 lain määräajan ylittänyt."),
    ("sv", "1 skyldighet: 1 över lagens tidsfrist."),
    ("en", "1 duty: 1 past the legal limit."),
])
def test_desc_of_a_single_duty(lang, expected):
    marks = [ClockMark(date(YEAR, 2, 1), "x", "a", S.OVERDUE)]
    root = _parse(_render(marks, lang=lang, today=None))
    assert root.findtext(f"{SVG}desc") == expected


def test_late_against_the_target_is_a_state_of_its_own():
    """Issue 13: late against the target reads, looks and sorts apart from past the limit."""
    marks = [ClockMark(date(YEAR, 2, 1), "x", "a", S.LATE),
             ClockMark(date(YEAR, 3, 1), "y", "a", S.OVERDUE)]
    root = _parse(_render(marks, lang="en", today=None))
    assert root.findtext(f"{SVG}desc") == (
        "2 duties: 1 past the legal limit, 1 late against the target.")
    states = [g for g in root.iter(f"{SVG}g") if g.get("class") == "legend-state"]
    assert [g.get("data-state") for g in states] == ["overdue", "late"]
    shapes = {g.get("data-state"): "".join(ET.tostring(c, encoding="unicode") for c in g)
              for g in states}
    assert shapes["overdue"] != shapes["late"]


def test_desc_in_swedish_and_english_counts_states():
    assert _parse(_render(lang="sv")).findtext(f"{SVG}desc") == (
        "6 skyldigheter: 1 över lagens tidsfrist, 2 pågår, 2 klara, 1 inställd. "
        "I dag är det 14.5.2027.")
    assert _parse(_render(lang="en")).findtext(f"{SVG}desc") == (
        "6 duties: 1 past the legal limit, 2 open, 2 complete, 1 cancelled. Today is 14.5.2027.")


@pytest.mark.parametrize(("lang", "expected"), [
    ("fi", "Ei velvoitteita vuonna 2027."),
    ("sv", "Inga skyldigheter år 2027."),
    ("en", "No duties in 2027."),
])
def test_empty_year_is_still_a_clock(lang, expected):
    root = _parse(_render([], lang=lang, today=None))
    assert root.findtext(f"{SVG}desc") == expected
    assert _mark_elements(root) == []
    months = [t for t in root.iter(f"{SVG}text") if t.get("class") == "month"]
    assert len(months) == 12
    assert [g for g in root.iter(f"{SVG}g") if g.get("class") == "legend"]


@pytest.mark.parametrize("lang", LANGS)
def test_month_names_in_the_page_language(lang):
    root = _parse(_render(lang=lang))
    months = [t for t in root.iter(f"{SVG}text") if t.get("class") == "month"]
    assert ["".join(t.itertext()) for t in months] == [gettext(k, lang) for k in MONTH_KEYS]
    assert gettext(MONTH_KEYS[0], "fi") == "tammikuu"
    assert gettext(MONTH_KEYS[11], "sv") == "december"
    assert gettext(MONTH_KEYS[6], "en") == "July"
    ticks = [line for line in root.iter(f"{SVG}line") if line.get("class") == "tick"]
    assert len(ticks) == 12


def test_month_paths_are_referenced_and_ids_unique():
    root = _parse(_render())
    ids = [element.get("id") for element in root.iter() if element.get("id")]
    assert len(ids) == len(set(ids))
    for text_path in root.iter(f"{SVG}textPath"):
        assert text_path.get("href", "").removeprefix("#") in ids


@pytest.mark.parametrize(("lang", "word"), [("fi", "Tänään"), ("sv", "I dag"),
                                            ("en", "Today")])
def test_today_hand_with_label(lang, word):
    root = _parse(_render(lang=lang))
    hands = [g for g in root.iter(f"{SVG}g") if g.get("class") == "today"]
    assert len(hands) == 1
    assert hands[0].get("data-day") == "2027-05-14"
    assert hands[0].findtext(f"{SVG}text") == word
    line = hands[0].find(f"{SVG}line")
    assert line is not None
    angle = _drawn_angle(_centre(root), float(line.get("x2", "0")), float(line.get("y2", "0")))
    assert angle == pytest.approx(angle_of(date(YEAR, 5, 14)), abs=0.05)


@pytest.mark.parametrize("today", [None, date(YEAR - 1, 5, 14), date(YEAR + 1, 1, 1)])
def test_no_today_hand_outside_the_year(today):
    root = _parse(_render(today=today))
    assert not [g for g in root.iter(f"{SVG}g") if g.get("class") == "today"]
    assert "14.5" not in (root.findtext(f"{SVG}desc") or "")


def test_size_scales_the_picture_not_the_drawing():
    big, small = _parse(_render(size=720)), _parse(_render(size=360))
    assert big.get("viewBox") == small.get("viewBox")
    assert float(big.get("height", "0")) == pytest.approx(2 * float(small.get("height", "0")),
                                                          abs=0.02)
    _, _, _, view_height = (float(v) for v in big.get("viewBox", "").split())
    assert float(big.get("height", "0")) == pytest.approx(view_height)
    with pytest.raises(ValueError, match="size"):
        _render(size=0)


# --- marks -----------------------------------------------------------------------------

def test_one_mark_element_per_mark_with_its_title():
    root = _parse(_render())
    marks = _mark_elements(root)
    assert len(marks) == len(_marks())
    by_label = {m.findtext(f"{SVG}title"): m for m in marks}
    kuhmo = by_label["Talousarvio 2027 – Kuhmo, 31.3.2027: lain määräaika ylitetty"]
    assert kuhmo.get("data-series") == "municipal-budget"
    assert kuhmo.get("data-state") == "overdue"
    assert kuhmo.get("data-day") == "2027-03-31"
    assert "Yhteistyösopimus, 1.1.2027: peruttu" in by_label


@pytest.mark.parametrize("lang", LANGS)
def test_mark_titles_name_the_state_in_the_language(lang):
    root = _parse(_render(lang=lang))
    for mark in _mark_elements(root):
        state = MarkState(mark.get("data-state", ""))
        assert (mark.findtext(f"{SVG}title") or "").endswith(f": {state_word(state, lang)}")


def test_marks_are_sorted_by_day_series_label():
    days = [m.get("data-day", "") for m in _mark_elements(_parse(_render()))]
    assert days == sorted(days)


def test_href_wraps_the_shape_and_survives_escaping():
    root = _parse(_render())
    links = [(m, m.find(f"{SVG}a")) for m in _mark_elements(root)]
    linked = [(m, a) for m, a in links if a is not None]
    assert len(linked) == 1
    assert linked[0][1].get("href") == "https://example.fi/o/1?a=1&b=2"
    assert linked[0][1].find(f"{SVG}circle") is not None


@pytest.mark.parametrize("href", ["javascript:alert(1)", " JavaScript:alert(1)",
                                  "java\tscript:alert(1)", "data:text/html,<b>x</b>",
                                  "vbscript:msgbox"])
def test_unsafe_links_are_refused(href):
    marks = [ClockMark(date(YEAR, 2, 1), "x", "a", S.OPEN, href=href)]
    with pytest.raises(ValueError, match="unsafe link"):
        _render(marks)


@pytest.mark.parametrize("href", ["https://a.fi/x", "http://a.fi", "mailto:a@b.fi", "/o/1",
                                  "o/1?q=a:b", "#top"])
def test_safe_links_are_kept(href):
    marks = [ClockMark(date(YEAR, 2, 1), "x", "a", S.OPEN, href=href)]
    link = _mark_elements(_parse(_render(marks)))[0].find(f"{SVG}a")
    assert link is not None
    assert link.get("href") == href


@pytest.mark.parametrize(("day", "year"), [(date(2026, 12, 31), YEAR), (date(2028, 1, 1), YEAR)])
def test_mark_outside_the_year_is_an_error(day, year):
    with pytest.raises(ValueError, match="outside 2027"):
        render_vuosikello(year=year, title="t", lang="fi", series_names={},
                          marks=[ClockMark(day, "x", "a", S.OPEN)])


def test_state_is_shown_by_shape_not_only_colour():
    root = _parse(_render())
    shapes: dict[str | None, set[tuple[tuple[str, bool], ...]]] = {}
    for mark in _mark_elements(root):
        body = mark.find(f"{SVG}a")
        children = list(body if body is not None else mark)
        shapes.setdefault(mark.get("data-state"), set()).add(
            tuple((child.tag.removeprefix(SVG), child.get("fill") == "#ffffff")
                  for child in children if child.tag != f"{SVG}title"))
    assert all(len(kinds) == 1 for kinds in shapes.values())
    assert len({next(iter(kinds)) for kinds in shapes.values()}) == len(shapes) == 4


HOSTILE = '<script>alert("x")</script> & \'quoted\' "double" ]]> <!-- \x00\x1b\x0b\ud800 -->'


def test_hostile_text_is_escaped():
    marks = [ClockMark(date(YEAR, 2, 1), HOSTILE, HOSTILE, S.OPEN,
                       href='https://a.fi/?q="><script>&x=1')]
    svg = render_vuosikello(year=YEAR, title=HOSTILE, lang="fi", marks=marks,
                            series_names={HOSTILE: HOSTILE + " name"})
    root = _parse(svg)
    assert not [e for e in root.iter() if e.tag.endswith("script")]
    mark = _mark_elements(root)[0]
    assert mark.get("data-series", "").startswith('<script>alert("x")</script> & \'quoted\'')
    title = mark.findtext(f"{SVG}title") or ""
    assert title.startswith('<script>alert("x")</script> & \'quoted\' "double" ]]> <!--')
    assert title.endswith(", 1.2.2027: kesken")
    link = mark.find(f"{SVG}a")
    assert link is not None
    assert link.get("href") == 'https://a.fi/?q="><script>&x=1'
    legend_texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert any(text.startswith("<script>") for text in legend_texts)


@settings(max_examples=60, deadline=None)
@given(label=st.text(max_size=80), series=st.text(max_size=20), title=st.text(max_size=40))
def test_any_text_gives_a_parseable_document(label, series, title):
    marks = [ClockMark(date(YEAR, 3, 3), label, series, S.COMPLETE)]
    svg = render_vuosikello(year=YEAR, title=title, lang="sv", marks=marks,
                            series_names={series: label})
    root = _parse(svg)
    assert len(_mark_elements(root)) == 1


def test_legend_lists_series_and_states_present():
    root = _parse(_render())
    series = [g for g in root.iter(f"{SVG}g") if g.get("class") == "legend-series"]
    assert [g.get("data-series") for g in series] == sorted(
        {"municipal-budget", "hyte-report", "cooperation-agreement"})
    names = ["".join(g.itertext()) for g in series]
    # Titles repeat the name, so the text is doubled; the fallback is the id.
    assert names == ["cooperation-agreement" * 2, "Hyvinvointikertomus" * 2, "Talousarvio" * 2]
    colours = [g.find(f"{SVG}rect") for g in series]
    assert [rect.get("fill") for rect in colours if rect is not None] == list(PALETTE[:3])
    states = [g for g in root.iter(f"{SVG}g") if g.get("class") == "legend-state"]
    assert [g.get("data-state") for g in states] == ["overdue", "open", "complete", "cancelled"]
    assert [g.findtext(f"{SVG}text") for g in states] == [
        "lain määräaika ylitetty", "kesken", "valmis", "peruttu"]
    headings = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "legend-heading"]
    assert headings == ["Velvoitteet", "Tila"]


@pytest.mark.parametrize(("lang", "headings", "word"), [
    ("sv", ["Skyldigheter", "Status"], "klar"),
    ("en", ["Duties", "Status"], "complete"),
])
def test_legend_in_other_languages(lang, headings, word):
    marks = [ClockMark(date(YEAR, 2, 1), "x", "a", S.COMPLETE)]
    root = _parse(_render(marks, lang=lang))
    assert [t.text for t in root.iter(f"{SVG}text")
            if t.get("class") == "legend-heading"] == headings
    states = [g for g in root.iter(f"{SVG}g") if g.get("class") == "legend-state"]
    assert [g.findtext(f"{SVG}text") for g in states] == [word]


def test_mark_colour_follows_its_series():
    root = _parse(_render())
    legend = {g.get("data-series"): g.find(f"{SVG}rect") for g in root.iter(f"{SVG}g")
              if g.get("class") == "legend-series"}
    for mark in _mark_elements(root):
        swatch = legend[mark.get("data-series")]
        assert swatch is not None
        used = {e.get("fill") for e in mark.iter()} | {e.get("stroke") for e in mark.iter()}
        assert swatch.get("fill") in used


# --- geometry --------------------------------------------------------------------------

DAYS = st.dates(min_value=date(YEAR, 1, 1), max_value=date(YEAR, 12, 31))
MARKS = st.lists(st.builds(ClockMark, day=DAYS, label=st.sampled_from(["a", "b", "c"]),
                           series=st.sampled_from(["s1", "s2", "s3", "s4"]),
                           state=st.sampled_from(list(MarkState))), max_size=40)


def _drawn_apart_on_their_days(marks: list[ClockMark]) -> dict[date, float]:
    """Draw the marks; each stands at its day's angle and none touches another.

    Returns each day's drawn angle (0 to 360, the year's start at 0).
    """
    root = _parse(_render(marks))
    spots = _spots(root)
    assert len(spots) == len(marks)
    centre = _centre(root)
    angles = {}
    for day, x, y, _ in spots:
        angle = _drawn_angle(centre, x, y)
        assert _circular_gap(angle, angle_of(day)) < 0.05
        angles[day] = angle if angle < 359.9 else angle - 360.0
    for (_, x1, y1, s1), (_, x2, y2, s2) in itertools.combinations(spots, 2):
        assert math.hypot(x1 - x2, y1 - y2) >= (s1 + s2) * MARK_EXTENT - 0.05
    return angles


@settings(max_examples=60, deadline=None)
@given(MARKS)
def test_angles_follow_the_days_and_marks_do_not_touch(marks):
    by_day = _drawn_apart_on_their_days(marks)
    ordered = sorted(by_day)
    assert all(by_day[a] < by_day[b] for a, b in itertools.pairwise(ordered))


CROWDED = st.lists(st.builds(ClockMark,
                            day=st.dates(min_value=date(YEAR, 3, 20),
                                         max_value=date(YEAR, 4, 10)),
                            label=st.just("x"), series=st.sampled_from(["s1", "s2"]),
                            state=st.sampled_from(list(MarkState))), min_size=10, max_size=70)


@settings(max_examples=25, deadline=None)
@given(CROWDED)
def test_crowded_weeks_shrink_marks_but_never_overlap(marks):
    _drawn_apart_on_their_days(marks)


def test_a_crowded_day_does_not_shrink_the_rest_of_the_year():
    marks = [ClockMark(date(YEAR, 3, 31), f"m{i}", "s", S.OPEN) for i in range(30)]
    marks.append(ClockMark(date(YEAR, 9, 1), "autumn", "s", S.OPEN))
    scales = {day: scale for day, *_, scale in _spots(_parse(_render(marks)))}
    assert scales[date(YEAR, 3, 31)] < 1.0
    assert scales[date(YEAR, 9, 1)] == 1.0


def test_same_day_marks_stack_on_separate_radii():
    marks = [ClockMark(date(YEAR, 3, 31), f"m{i}", "s", S.OPEN) for i in range(30)]
    root = _parse(_render(marks))
    centre = _centre(root)
    radii = sorted(math.hypot(x - centre[0], y - centre[1]) for _, x, y, _ in _spots(root))
    assert len(radii) == 30
    assert all(b - a >= 2 * MARK_EXTENT * 0.2 for a, b in itertools.pairwise(radii))


def test_ordinary_marks_keep_full_size():
    scales = {s for *_, s in _spots(_parse(_render()))}
    assert scales == {1.0}


@settings(max_examples=30, deadline=None)
@given(MARKS, st.randoms(use_true_random=False))
def test_deterministic_whatever_the_input_order(marks, random):
    shuffled = list(marks)
    random.shuffle(shuffled)
    assert _render(marks) == _render(shuffled)


def test_same_input_same_bytes():
    assert _render() == _render()


# --- colour and contrast ---------------------------------------------------------------

def test_palette_is_distinct_and_has_non_text_contrast():
    assert len(PALETTE) >= 16
    assert len(set(PALETTE)) == len(PALETTE)
    for colour in PALETTE:
        for background in (BACKGROUND, SHADE):
            assert _contrast(colour, background) >= 3.0, (colour, background)
    for a, b in itertools.combinations(PALETTE, 2):
        assert math.dist(_lab(a), _lab(b)) >= 25, (a, b)


def test_contrast_formula():
    assert _contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert _contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_text_contrast_against_every_background():
    root = _parse(_render())
    texts = list(root.iter(f"{SVG}text"))
    assert texts
    for text in texts:
        fill = text.get("fill")
        assert fill is not None
        for background in (BACKGROUND, SHADE, *BAND):
            assert _contrast(fill, background) >= 4.5, (fill, background)


def test_colours_cycle_beyond_the_palette():
    marks = [ClockMark(date(YEAR, 1 + i % 12, 1 + i), f"m{i}", f"s{i:02d}", S.OPEN)
             for i in range(len(PALETTE) + 2)]
    root = _parse(_render(marks))
    fills = [g.find(f"{SVG}rect") for g in root.iter(f"{SVG}g")
             if g.get("class") == "legend-series"]
    assert [r.get("fill") for r in fills if r is not None] == [*PALETTE, *PALETTE[:2]]


# --- PNG -------------------------------------------------------------------------------

def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG whose signature, IHDR CRC and IEND are checked."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", png[8:16])
    assert (length, kind) == (13, b"IHDR")
    data = png[16:29]
    assert struct.unpack(">I", png[29:33])[0] == zlib.crc32(kind + data)
    assert png.endswith(b"IEND\xaeB`\x82")
    width, height = struct.unpack(">II", data[:8])
    return width, height


@pytest.mark.parametrize("width", [1440, 300])
def test_png_of_the_requested_width(width):
    svg = _render()
    png = svg_to_png(svg) if width == 1440 else svg_to_png(svg, width=width)
    got_width, got_height = _png_size(png)
    _, _, view_width, view_height = (float(v) for v in _parse(svg).get("viewBox", "").split())
    assert got_width == width
    assert got_height == pytest.approx(width * view_height / view_width, abs=1)


def test_png_renders_text():
    """Without fonts resvg drops text silently: the picture must differ when text is there."""
    template = ('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40">'
                '<rect width="200" height="40" fill="#fff"/><text x="4" y="28" font-size="20" '
                'font-family="DejaVu Sans, Arial, Helvetica, sans-serif">{}</text></svg>')
    assert svg_to_png(template.format("Tänään")) != svg_to_png(template.format(""))


def test_png_width_must_be_positive():
    with pytest.raises(ValueError, match="width"):
        svg_to_png(_render(), width=0)
