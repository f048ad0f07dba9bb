"""iCalendar output: golden bytes, three independent parsers, hostile text."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events
import vobject
from hypothesis import given, settings
from hypothesis import strategies as st
from ical.calendar_stream import IcsCalendarStream

from calendars.feeds import FeedRenderer, feed_catalogue
from calendars.ics import (
    CalendarMeta,
    EventData,
    TodoData,
    render_calendar,
    render_event,
    render_todo,
)
from calendars.schedule import PlanFilter, PlanWindow, plan
from tests.feed_fixtures import KAINUU_END, KAINUU_START, feed_view_of

GOLDEN = Path(__file__).parents[1] / "golden"
REPORT = "hyte-annual-report-municipality.m205.2026"
CANCELLED = "municipal-budget.m205.2027"
SCENARIOS = [("kainuu-2026", "pair-205", "fi"), ("kainuu-2026", "region-20", "sv"),
             ("kainuu-2026", "role-20-coordinator", "en"), ("kainuu-2026", "municipality-205",
                                                             "en")]


@pytest.fixture(scope="module")
def renderer(definitions, registry, non_working_days):
    occurrences = plan(definitions, registry, non_working_days,
                       PlanWindow(KAINUU_START, KAINUU_END), selection=PlanFilter(region="20"))
    view = feed_view_of(occurrences, done=frozenset({(REPORT, "data-compiled")}),
                        cancelled=frozenset({CANCELLED}))
    return FeedRenderer(definitions={d.id: d for d in definitions}, registry=registry,
                        non_working_days=non_working_days, occurrences=view,
                        prodid="-//Yhdyspinta//Yhdyspinta test//FI")


@pytest.fixture(scope="module")
def specs(definitions, registry):
    return {spec.id: spec for spec in feed_catalogue(registry, definitions)}


@pytest.mark.parametrize(("scenario", "feed", "lang"), SCENARIOS,
                         ids=[f"{s}/{f}.{lang}" for s, f, lang in SCENARIOS])
def test_golden(request, renderer, specs, scenario, feed, lang):
    body = renderer.render(specs[feed], lang)
    path = GOLDEN / scenario / f"{feed}.{lang}.ics"
    if request.config.getoption("--regen-golden"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
    assert body == path.read_bytes()


@pytest.mark.parametrize(("scenario", "feed", "lang"), SCENARIOS,
                         ids=[f"{s}/{f}.{lang}" for s, f, lang in SCENARIOS])
def test_three_other_parsers_accept_it(renderer, specs, scenario, feed, lang):
    text = renderer.render(specs[feed], lang).decode()
    strict = IcsCalendarStream.calendar_from_ics(text)
    parsed = vobject.readOne(text)
    expanded = recurring_ical_events.of(icalendar.Calendar.from_ical(text)).between(
        (2025, 1, 1), (2028, 1, 1))
    vevents = parsed.contents.get("vevent", [])
    assert len(strict.events) == len(vevents) == len(expanded) > 0
    assert len(strict.todos) == len(parsed.contents.get("vtodo", []))


def test_feed_content(renderer, specs):
    text = renderer.render(specs["pair-205"], "fi").decode()
    calendar = vobject.readOne(text)
    assert "uid" not in calendar.contents, "no UID on the VCALENDAR"
    assert calendar.contents["x-wr-calname"][0].value == \
        "Yhdyspinta: Kajaani ja Kainuun hyvinvointialue"
    assert calendar.contents["refresh-interval"][0].value == "PT6H"
    events = {e.uid.value: e for e in calendar.vevent_list}
    report = events[f"{REPORT}@yhdyspinta.fi"]
    assert report.dtstart.value == date(2026, 12, 31)
    assert report.summary.value == ("Vuosittainen hyvinvointiraportti kunnanvaltuustolle "
                                    "2026 – Kajaani")
    assert len(report.contents["valarm"]) == 5
    assert report.url.value == "https://finlex.fi/fi/laki/ajantasa/2021/20210612"
    cancelled = events[f"{CANCELLED}@yhdyspinta.fi"]
    assert (cancelled.status.value, cancelled.sequence.value) == ("CANCELLED", "1")
    todos = {t.uid.value: t for t in calendar.vtodo_list}
    done = todos[f"{REPORT}.data-compiled@yhdyspinta.fi"]
    assert (done.status.value, done.contents["percent-complete"][0].value) == ("COMPLETED", "100")
    assert done.contents["related-to"][0].value == f"{REPORT}@yhdyspinta.fi"
    open_step = todos[f"{REPORT}.board@yhdyspinta.fi"]
    assert open_step.status.value == "NEEDS-ACTION"
    # A cancelled duty's steps are there, cancelled, so clients drop them from their lists.
    cancelled_steps = [t for uid, t in todos.items() if uid.startswith(CANCELLED)]
    assert cancelled_steps
    assert {t.status.value for t in cancelled_steps} == {"CANCELLED"}
    negotiation = events["hyte-negotiation-annual.r20.2026@yhdyspinta.fi"]
    assert negotiation.summary.value.endswith("Kainuun hyvinvointialue")


def test_shift_is_explained(renderer, specs):
    """The 2025 audit (31.5.2026, a Sunday) is the auditor's own act: Friday 29.5.2026."""
    text = renderer.render(specs["municipality-205"], "en").decode()
    todo = next(t for t in vobject.readOne(text).vtodo_list
                if t.uid.value == "municipal-financial-statements.m205.2025.audit@yhdyspinta.fi")
    assert todo.due.value == date(2026, 5, 29)
    assert ("Moves to: 29.5.2026 (because 31.5.2026 is a Sunday and 30.5.2026 a Saturday; "
            "the last day is the working day before, Friday 29.5.2026)"
            in todo.description.value.replace("\n", " "))


def test_joint_negotiation_appears_once_in_the_county_feed(renderer, specs):
    text = renderer.render(specs["region-20"], "fi").decode()
    uids = [e.uid.value for e in vobject.readOne(text).vevent_list]
    assert uids.count("hyte-negotiation-annual.r20.2026@yhdyspinta.fi") == 1
    assert len(uids) == len(set(uids))


def test_role_feed_holds_only_its_steps(renderer, specs):
    text = renderer.render(specs["role-20-coordinator"], "en").decode()
    todos = vobject.readOne(text).vtodo_list
    assert todos
    assert all("Responsible: health and wellbeing coordinator" in t.description.value
               for t in todos)


def test_same_input_same_bytes(renderer, specs, definitions, registry, non_working_days):
    again = FeedRenderer(definitions=renderer.definitions, registry=registry,
                         non_working_days=non_working_days, occurrences=renderer.occurrences,
                         prodid=renderer.prodid)
    assert again.render(specs["region-20"], "sv") == renderer.render(specs["region-20"], "sv")


STAMP = datetime(2026, 1, 1, tzinfo=UTC)
META = CalendarMeta(name="n", description="d", prodid="-//t//t//FI", color="#000000",
                    refresh=timedelta(hours=6), language="fi")
HOSTILE = [
    "Kunnanvaltuusto\r\nBEGIN:VEVENT\r\nUID:evil",
    "a\nEND:VCALENDAR\nBEGIN:VCALENDAR",
    "semi;colon,comma\\backslash",
    "ääkköset ÅÄÖ åäö – “quotes” 😀",
    "\x00\x07control\x1b[31m",
    "line\u2028separator\u2029paragraph\x85next",
]


def _event(text: str) -> bytes:
    return render_event(EventData(uid=f"{text}@x", day=date(2026, 5, 4), summary=text,
                                  description=text, url=None, categories=(text, "b"),
                                  sequence=0, stamp=STAMP, cancelled=False, alarm_days=(1,),
                                  language="fi"))


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_stays_inside_its_property(text):
    body = render_calendar(
        CalendarMeta(name=text, description=text, prodid=text, color=text,
                     refresh=timedelta(hours=6), language="fi"),
        [_event(text), render_todo(TodoData(
            uid="t@x", due=date(2026, 5, 4), summary=text, description=text,
            status="NEEDS-ACTION", percent=0, related_to=text, categories=(text,), sequence=0,
            stamp=STAMP, completed=None, language="fi"))],
    ).decode()
    for parse in (lambda b: vobject.readOne(b),
                  lambda b: IcsCalendarStream.calendar_from_ics(b)):
        parse(body)
    calendar = vobject.readOne(body)
    assert len(calendar.vevent_list) == 1
    assert len(calendar.vtodo_list) == 1
    lines = body.split("\r\n")
    assert lines.count("BEGIN:VCALENDAR") == 1
    assert [line for line in lines if line.startswith("BEGIN:")] == [
        "BEGIN:VCALENDAR", "BEGIN:VEVENT", "BEGIN:VALARM", "BEGIN:VTODO"]


@settings(max_examples=150)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")),
               min_size=1, max_size=120))
def test_any_text_round_trips(text):
    """Printable text comes back unchanged through two other parsers."""
    body = render_calendar(META, [_event(text)]).decode()
    expected = text.strip()
    if not expected:
        return
    event = vobject.readOne(body).vevent
    assert event.summary.value == expected
    strict = IcsCalendarStream.calendar_from_ics(body).events[0]
    assert strict.summary == expected
    assert strict.description == text
