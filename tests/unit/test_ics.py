"""iCalendar output: golden bytes, three independent parsers, hostile text."""

from __future__ import annotations

import json
import shutil
import subprocess
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
from obligations.schema import Lang
from tests.feed_fixtures import KAINUU_END, KAINUU_START, feed_view_of

GOLDEN = Path(__file__).parents[1] / "golden"
REPORT = "hyte-annual-report-municipality.m205.2026"
CANCELLED = "municipal-budget.m205.2027"
SCENARIOS = [("kainuu-2026", "pair-205", "fi", False), ("kainuu-2026", "region-20", "sv", False),
             ("kainuu-2026", "role-20-coordinator", "en", False),
             ("kainuu-2026", "municipality-205", "en", False),
             # The documented variant for task clients (`pair-205.todo.fi.ics`): VTODOs too.
             ("kainuu-2026", "pair-205", "fi", True)]
SCENARIO_IDS = [f"{s}/{f}{'.todo' if todos else ''}.{lang}" for s, f, lang, todos in SCENARIOS]
JS = Path(__file__).parents[1] / "js"


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


@pytest.mark.parametrize(("scenario", "feed", "lang", "todos"), SCENARIOS, ids=SCENARIO_IDS)
def test_golden(request, renderer, specs, scenario, feed, lang, todos):
    body = renderer.render(specs[feed], lang, todos=todos)
    path = GOLDEN / scenario / f"{feed}{'.todo' if todos else ''}.{lang}.ics"
    if request.config.getoption("--regen-golden"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
    assert body == path.read_bytes()


@pytest.mark.parametrize(("scenario", "feed", "lang", "todos"), SCENARIOS, ids=SCENARIO_IDS)
def test_three_other_parsers_accept_it(renderer, specs, scenario, feed, lang, todos):
    text = renderer.render(specs[feed], lang, todos=todos).decode()
    strict = IcsCalendarStream.calendar_from_ics(text)
    parsed = vobject.readOne(text)
    expanded = recurring_ical_events.of(icalendar.Calendar.from_ical(text)).between(
        (2025, 1, 1), (2028, 1, 1))
    vevents = parsed.contents.get("vevent", [])
    assert len(strict.events) == len(vevents) == len(expanded) > 0
    assert len(strict.todos) == len(parsed.contents.get("vtodo", []))
    assert (len(strict.todos) > 0) == todos  # VTODOs in the variant only


def test_ical_js_reads_every_golden_file():
    """ical.js (Mozilla's parser) over the golden feeds, the VTODO variant included."""
    node = shutil.which("node")
    if node is None or not (JS / "node_modules" / "ical.js").is_dir():
        pytest.fail("Node and tests/js/node_modules are needed (make test installs them)")
    folders = sorted({GOLDEN / scenario for scenario, *_ in SCENARIOS})
    done = subprocess.run([node, str(JS / "parse-ics.js"), *map(str, folders)],
                          capture_output=True, text=True, timeout=120, check=False)
    report = json.loads(done.stdout)
    assert report["errors"] == {}
    assert done.returncode == 0, done.stderr
    assert report["files"] == len(SCENARIOS)
    assert report["events"] > 0
    assert report["alarms"] > 0
    variant = GOLDEN / "kainuu-2026" / "pair-205.todo.fi.ics"
    assert report["todos"] == variant.read_bytes().count(b"BEGIN:VTODO") > 0


def test_feed_content(renderer, specs):
    text = renderer.render(specs["pair-205"], "fi", todos=True).decode()
    calendar = vobject.readOne(text)
    assert "uid" not in calendar.contents, "no UID on the VCALENDAR"
    assert calendar.contents["x-wr-calname"][0].value == \
        "Yhdyspinta: Kajaani ja Kainuun hyvinvointialue"
    assert calendar.contents["refresh-interval"][0].value == "PT6H"
    # Issue 15.12: RFC 7986 COLOR is a CSS3 colour name; no METHOD without an ORGANIZER.
    assert calendar.contents["color"][0].value == "teal"
    assert calendar.contents["x-apple-calendar-color"][0].value == "#008080"
    assert "method" not in calendar.contents
    assert "organizer" not in text.lower()
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
    text = renderer.render(specs["municipality-205"], "en", todos=True).decode()
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
    text = renderer.render(specs["role-20-coordinator"], "en", todos=True).decode()
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
                                  sequence=0, stamp=STAMP, cancelled=False,
                                  alarms=(datetime(2026, 5, 3, 6, tzinfo=UTC),),
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


def _alarm_triggers(body: bytes) -> list[tuple[str, datetime]]:
    calendar = icalendar.Calendar.from_ical(body)
    found = []
    for component in calendar.walk("VEVENT"):
        for alarm in component.walk("VALARM"):
            found.append((str(component["uid"]), alarm.decoded("trigger")))
    return found


def test_alarms_ring_at_nine_in_helsinki_on_working_days(renderer, specs, non_working_days):
    """Issue 15.3: the same working days as the reminder messages, 09:00 Europe/Helsinki."""
    from zoneinfo import ZoneInfo

    from notify.plan import reminder_days

    helsinki = ZoneInfo("Europe/Helsinki")
    seen = 0
    for feed, lang in [("pair-205", "fi"), ("region-20", "sv"), ("role-20-coordinator", "en")]:
        for _uid, trigger in _alarm_triggers(renderer.render(specs[feed], lang)):
            assert isinstance(trigger, datetime)
            assert trigger.utcoffset() == timedelta(0)
            local = trigger.astimezone(helsinki)
            assert (local.hour, local.minute) == (9, 0)
            assert non_working_days.is_working_day(local.date()), local
            seen += 1
    assert seen > 100
    # The very days of the messages, for a duty whose 30-day reminder falls on a weekend.
    occurrence = next(o for o in renderer.occurrences if o.id == REPORT)
    definition = renderer.definitions[occurrence.obligation]
    expected = sorted(reminder_days(occurrence.due_effective, definition.reminders,
                                    non_working_days))
    data = renderer.event_data(occurrence, "fi")
    assert sorted(a.astimezone(helsinki).date() for a in data.alarms) == expected


def test_primary_reminder_is_the_first_alarm(renderer, specs, non_working_days):
    """Issue 15.4: Outlook keeps only the first VALARM: the week-ahead one (30, 7, 1)."""
    from zoneinfo import ZoneInfo

    from calendars.feeds import primary_offset

    assert primary_offset((30, 7, 1)) == 7
    assert primary_offset((60, 14)) == 14
    assert primary_offset((3, 1)) == 3
    assert primary_offset((30, 7, 1), lead_days=1) == 1
    helsinki = ZoneInfo("Europe/Helsinki")
    occurrence = next(o for o in renderer.occurrences if o.id == REPORT)
    first = renderer.event_data(occurrence, "fi").alarms[0].astimezone(helsinki).date()
    expected = non_working_days.working_day_on_or_before(
        occurrence.due_effective - timedelta(days=7))
    assert first == expected
    body = renderer.render(specs["pair-205"], "fi")
    event = next(c for c in icalendar.Calendar.from_ical(body).walk("VEVENT")
                 if str(c["uid"]) == f"{REPORT}@yhdyspinta.fi")
    assert event.walk("VALARM")[0].decoded("trigger").astimezone(helsinki).date() == expected


def _events(body: bytes) -> dict[str, icalendar.cal.Component]:
    return {str(c["uid"]): c for c in icalendar.Calendar.from_ical(body).walk("VEVENT")}


def test_closed_duty_and_step_go_quiet(definitions, registry, non_working_days, specs):
    """Issue 15.2: no alarm, DONE in the title, the day it closed (no person) said."""
    occurrences = plan(definitions, registry, non_working_days,
                       PlanWindow(KAINUU_START, KAINUU_END), selection=PlanFilter(region="20"))
    statements = "municipal-financial-statements.m205.2025"
    closed = next(o for o in occurrences if o.id == statements)
    done = frozenset((closed.id, s.step) for s in closed.steps)
    view = feed_view_of(occurrences, done=done | {(REPORT, "data-compiled")})
    quiet = FeedRenderer(definitions={d.id: d for d in definitions}, registry=registry,
                         non_working_days=non_working_days, occurrences=view, prodid="-//t//t//FI")
    wording: list[tuple[Lang, str, str]] = [("fi", "VALMIS: ", "Valmis 1.3.2026"),
                                            ("sv", "KLAR: ", "Klar 1.3.2026"),
                                            ("en", "DONE: ", "Closed on 1.3.2026")]
    for lang, word, closed_word in wording:
        events = _events(quiet.render(specs["pair-205"], lang))
        duty = events[f"{statements}@yhdyspinta.fi"]
        assert str(duty["summary"]).startswith(word)
        assert not duty.walk("VALARM")
        assert closed_word in str(duty["description"])
        step = events[f"{statements}.audit.event@yhdyspinta.fi"]
        assert str(step["summary"]).startswith(word)
        assert not step.walk("VALARM")
        # A duty with one step of several done still rings and is not marked done.
        open_duty = events[f"{REPORT}@yhdyspinta.fi"]
        assert open_duty.walk("VALARM")
        assert not str(open_duty["summary"]).startswith(word)


def test_candidate_duty_is_tentative(definitions, registry, non_working_days, specs):
    """Issue 15.7: a candidate definition's occurrences are TENTATIVE, marked in the title."""
    from obligations.schema import Status

    occurrences = plan(definitions, registry, non_working_days,
                       PlanWindow(KAINUU_START, KAINUU_END), selection=PlanFilter(region="20"))
    by_id = {d.id: d for d in definitions}
    report = next(o for o in occurrences if o.id == REPORT)
    by_id[report.obligation] = by_id[report.obligation].model_copy(
        update={"status": Status.CANDIDATE})
    candidate = FeedRenderer(definitions=by_id, registry=registry,
                             non_working_days=non_working_days,
                             occurrences=feed_view_of(occurrences), prodid="-//t//t//FI")
    events = _events(candidate.render(specs["pair-205"], "en"))
    event = events[f"{REPORT}@yhdyspinta.fi"]
    assert str(event["status"]) == "TENTATIVE"
    assert str(event["summary"]).startswith("CANDIDATE: ")
    others = [e for uid, e in events.items() if not uid.startswith(REPORT)]
    assert others
    assert {str(e["status"]) for e in others} <= {"CONFIRMED", "CANCELLED"}


def test_step_deadlines_are_events_and_todos_a_variant(renderer, specs, non_working_days):
    """Issue 15.1: the board signs the statements by 31.3, not on the duty's 30.6."""
    from zoneinfo import ZoneInfo

    statements = "municipal-financial-statements.m205.2025"
    body = renderer.render(specs["role-205-board"], "fi")
    assert b"BEGIN:VTODO" not in body
    events = _events(body)
    step = events[f"{statements}.board-signs.event@yhdyspinta.fi"]
    assert step.decoded("dtstart") == date(2026, 3, 31)
    assert str(step["status"]) == "CONFIRMED"
    helsinki = ZoneInfo("Europe/Helsinki")
    rings = {a.decoded("trigger").astimezone(helsinki).date() for a in step.walk("VALARM")}
    assert rings
    assert max(rings) < date(2026, 3, 31)
    # Only steps with their own date get an event: the auditor's is not in the board's feed.
    assert f"{statements}.audit.event@yhdyspinta.fi" not in events
    assert not any(uid.endswith(".event@yhdyspinta.fi") and
                   e.decoded("dtstart") == events[f"{statements}@yhdyspinta.fi"].decoded(
                       "dtstart") for uid, e in events.items())
    pair = _events(renderer.render(specs["pair-205"], "fi"))
    assert f"{statements}.audit.event@yhdyspinta.fi" in pair
    todos = renderer.render(specs["role-205-board"], "fi", todos=True)
    assert b"BEGIN:VTODO" in todos
    assert _events(todos).keys() == events.keys()


def test_county_feed_rings_only_for_what_the_county_does(renderer, specs):
    """Issue 15.5: a county's feed follows its municipalities' duties without their alarms."""
    events = _events(renderer.render(specs["region-20"], "fi"))
    assert not events[f"{REPORT}@yhdyspinta.fi"].walk("VALARM")
    assert events["hyte-negotiation-annual.r20.2026@yhdyspinta.fi"].walk("VALARM")
    # The municipality's own feed rings for the same duty.
    assert _events(renderer.render(specs["pair-205"], "fi"))[f"{REPORT}@yhdyspinta.fi"].walk(
        "VALARM")


def test_each_date_is_labelled_by_what_it_is(renderer):
    """Issue 15.8: "Lakisääteinen päivä" only where the law sets the date."""
    labels = {"statute": "Statutory date:", "cadence": "Legal limit:",
              "practice": "Practice target:", "local": "Local date:"}
    seen = set()
    for occurrence in renderer.occurrences:
        first = renderer.event_data(occurrence, "en").description.splitlines()[0]
        assert first.startswith(labels[occurrence.due_source]), (occurrence.id, first)
        seen.add(occurrence.due_source)
    assert seen >= {"statute", "cadence", "practice"}, seen
    finnish = {o.due_source: renderer.event_data(o, "fi").description.splitlines()[0]
               for o in renderer.occurrences}
    assert finnish["statute"].startswith("Lakisääteinen päivä:")
    assert all(not line.startswith("Lakisääteinen") for source, line in finnish.items()
               if source != "statute")


def test_english_feeds_use_the_majority_language_name(definitions, registry, non_working_days):
    """Issue 15.11: "Närpes", "Jakobstad" in English, not "Närpiö", "Pietarsaari"."""
    specs = {s.id: s for s in feed_catalogue(registry, definitions)}
    feeds = FeedRenderer(definitions={d.id: d for d in definitions}, registry=registry,
                         non_working_days=non_working_days, occurrences=[], prodid="-//t//t//FI")
    names = {code: feeds.feed_name(specs[f"municipality-{code}"], "en")
             for code in ("545", "598", "205")}
    assert names == {"545": "Yhdyspinta: Närpes", "598": "Yhdyspinta: Jakobstad",
                     "205": "Yhdyspinta: Kajaani"}
    assert feeds.feed_name(specs["municipality-545"], "fi") == "Yhdyspinta: Närpiö"
    assert registry.municipality("091").name("en") == "Helsinki"  # Finnish majority


def test_a_removed_definition_publishes_its_cancellations(renderer, definitions, registry,
                                                           non_working_days, specs):
    """Issue 15.6: the pair feeds keep the cancelled events; the obligation feed answers."""
    from calendars.feeds import removed_obligation_feeds

    kept = {d.id: d for d in definitions if d.id != "municipal-budget"}
    assert CANCELLED.startswith("municipal-budget.")
    after = FeedRenderer(definitions=kept, registry=registry,
                         non_working_days=non_working_days, occurrences=renderer.occurrences,
                         prodid="-//t//t//FI")
    before_events = _events(renderer.render(specs["pair-205"], "fi"))
    events = _events(after.render(specs["pair-205"], "fi"))
    budget = {uid for uid in before_events if uid.startswith(CANCELLED)}
    assert len(budget) > 1  # the duty and its steps with their own dates
    assert budget <= events.keys()
    for uid in budget:
        assert str(events[uid]["status"]) == "CANCELLED"
        assert events[uid]["sequence"] == before_events[uid]["sequence"]
        assert not events[uid].walk("VALARM")
        assert str(events[uid]["summary"]).startswith("PERUTTU: ")
    feeds = removed_obligation_feeds(renderer.occurrences, tuple(kept.values()))
    assert [f.id for f in feeds] == ["obligation-municipal-budget"]
    national = _events(after.render(feeds[0], "en"))
    assert str(national[f"{CANCELLED}@yhdyspinta.fi"]["status"]) == "CANCELLED"
    assert after.feed_name(feeds[0], "en") == "Yhdyspinta: municipal-budget"
    # Nothing for a definition that is only missing, with no cancelled duty left.
    assert removed_obligation_feeds(renderer.occurrences, tuple(definitions)) == ()


@pytest.mark.parametrize(("lang", "target", "limit"), [
    ("fi", "Käytännön tavoitepäivä: 31.5.2026", "Lain takaraja: 31.5.2029"),
    ("sv", "Måldag enligt praxis: 31.5.2026", "Lagens sista dag: 31.5.2029"),
    ("en", "Practice target: 31.5.2026", "Legal limit: 31.5.2029"),
])
def test_a_practice_target_shows_its_legal_limit_beside_it(renderer, lang, target, limit):
    """Issue 13: each date says what it is, the target and the last day the law allows."""
    practice = [o for o in renderer.occurrences if o.due_source == "practice"
                and o.due == date(2026, 5, 31)]
    assert practice
    for occurrence in practice:
        assert occurrence.legal_limit == date(2029, 5, 31)
        lines = renderer.event_data(occurrence, lang).description.splitlines()
        assert lines[0] == target
        assert limit in lines[1:3], lines[:3]
    # Where target and limit are one day (the law's own date), no second date is shown.
    statutory = next(o for o in renderer.occurrences if o.due_source == "statute"
                     and o.legal_limit == o.due)
    assert not any(line.startswith(limit.split(":")[0])
                   for line in renderer.event_data(statutory, lang).description.splitlines())


def test_ical_js_check_refuses_a_todo_without_its_due_date(tmp_path):
    node = shutil.which("node")
    if node is None or not (JS / "node_modules" / "ical.js").is_dir():
        pytest.fail("Node and tests/js/node_modules are needed (make test installs them)")
    broken = tmp_path / "broken.todo.fi.ics"
    broken.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//FI\r\n"
                      "BEGIN:VTODO\r\nUID:x@yhdyspinta.fi\r\nDTSTAMP:20260102T080000Z\r\n"
                      "STATUS:NEEDS-ACTION\r\nEND:VTODO\r\nEND:VCALENDAR\r\n")
    done = subprocess.run([node, str(JS / "parse-ics.js"), str(broken)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1
    assert json.loads(done.stdout)["errors"] == {
        str(broken): "x@yhdyspinta.fi: DUE is not an all-day date"}
