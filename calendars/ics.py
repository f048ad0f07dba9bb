"""RFC 5545 bytes from plain data; pure: the same input (stamps, PRODID) gives the same bytes.

Components are rendered one at a time and cached by the caller: the same VEVENT appears
in the pair, party, county and obligation feeds, and is rendered once for all of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import icalendar

_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
ALARM_HOUR = 9
"""Alarms ring at 09:00 Europe/Helsinki on their (working) day."""
ALARM_ZONE = "Europe/Helsinki"


def one_line(text: str) -> str:
    """No line break, no control character: safe in any property, NAME and X- included."""
    return _CONTROL.sub("", _LINE_BREAKS.sub(" ", text)).strip()


def clean_text(text: str) -> str:
    """Keep line breaks (icalendar escapes them) but drop control characters."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _duration(span: timedelta) -> str:
    """RFC 5545 DURATION text of a whole number of hours or days (`PT6H`, `P1D`)."""
    seconds = int(span.total_seconds())
    if seconds % 86400 == 0:
        return f"P{seconds // 86400}D"
    return f"PT{seconds // 3600}H" if seconds % 3600 == 0 else f"PT{seconds}S"


@dataclass(frozen=True, slots=True)
class CalendarMeta:
    """Feed-level properties (RFC 7986 and the common X-WR- ones)."""

    name: str
    description: str
    prodid: str
    color: str
    """A CSS3 colour name (RFC 7986)."""
    refresh: timedelta
    language: str
    apple_color: str | None = None
    """X-APPLE-CALENDAR-COLOR, `#rrggbb`; `color` if none."""


@dataclass(frozen=True, slots=True)
class EventData:
    """An all-day deadline."""

    uid: str
    """The same in every feed and run (`<occurrence id>@…`): a client updates the event."""
    day: date
    summary: str
    description: str
    url: str | None
    categories: tuple[str, ...]
    sequence: int
    """SEQUENCE: grows with every change of the duty or its steps, so clients take it."""
    stamp: datetime
    """DTSTAMP: when the duty last changed in the store, not the export time."""
    cancelled: bool
    """STATUS:CANCELLED: the duty left the plan; kept in the feed so clients remove it."""
    alarms: tuple[datetime, ...]
    """When each alarm rings (aware; written in UTC), the one that matters most first:
    Outlook keeps only the first VALARM of an event."""
    language: str
    tentative: bool = False
    """A candidate duty, not yet confirmed: STATUS:TENTATIVE."""
    alarm_text: str | None = None
    """The alarms' DESCRIPTION (short: clients show the event's title beside it); the
    summary if none."""


@dataclass(frozen=True, slots=True)
class TodoData:
    """A checklist step with its status."""

    uid: str
    due: date
    summary: str
    description: str
    status: str
    """NEEDS-ACTION, IN-PROCESS, COMPLETED or CANCELLED."""
    percent: int
    related_to: str
    categories: tuple[str, ...]
    sequence: int
    stamp: datetime
    completed: datetime | None
    language: str


def utc(moment: datetime | str) -> datetime:
    """A stored timestamp in UTC.

    SQLite gives naive values (or text, from raw queries), which the store always writes
    in UTC; PostgreSQL gives aware ones.
    """
    from datetime import UTC

    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def alarm_moment(day: date) -> datetime:
    """09:00 Europe/Helsinki on `day`, in UTC (an absolute trigger needs no VTIMEZONE)."""
    from datetime import UTC, time
    from zoneinfo import ZoneInfo

    local = datetime.combine(day, time(ALARM_HOUR), tzinfo=ZoneInfo(ALARM_ZONE))
    return local.astimezone(UTC)


def render_event(event: EventData) -> bytes:
    """One VEVENT (with its VALARMs) as bytes."""
    component = icalendar.Event()
    component.add("uid", one_line(event.uid))
    component.add("dtstamp", utc(event.stamp))
    component.add("dtstart", event.day)
    component.add("dtend", event.day + timedelta(days=1))
    component.add("summary", one_line(event.summary), parameters={"LANGUAGE": event.language})
    component.add("description", clean_text(event.description),
                  parameters={"LANGUAGE": event.language})
    if event.url:
        component.add("url", one_line(event.url), parameters={"VALUE": "URI"})
    if event.categories:
        component.add("categories", [one_line(c) for c in event.categories])
    component.add("sequence", event.sequence)
    component.add("status", "CANCELLED" if event.cancelled else
                  "TENTATIVE" if event.tentative else "CONFIRMED")
    component.add("transp", "TRANSPARENT")
    if not event.cancelled:
        for moment in event.alarms:
            stamp = utc(moment)
            alarm = icalendar.Alarm()
            alarm.add("uid", f"{one_line(event.uid)}-alarm-{stamp:%Y%m%d}")
            alarm.add("action", "DISPLAY")
            alarm.add("description", one_line(event.alarm_text or event.summary))
            alarm.add("trigger", stamp, parameters={"VALUE": "DATE-TIME"})
            component.add_component(alarm)
    return bytes(component.to_ical())


def without_alarms(event: bytes) -> bytes:
    """A rendered VEVENT without its VALARMs (they come last, before END:VEVENT)."""
    start = event.find(b"BEGIN:VALARM\r\n")
    return event if start < 0 else event[:start] + b"END:VEVENT\r\n"


def render_todo(todo: TodoData) -> bytes:
    """One VTODO as bytes."""
    component = icalendar.Todo()
    component.add("uid", one_line(todo.uid))
    component.add("dtstamp", utc(todo.stamp))
    component.add("due", todo.due)
    component.add("summary", one_line(todo.summary), parameters={"LANGUAGE": todo.language})
    component.add("description", clean_text(todo.description),
                  parameters={"LANGUAGE": todo.language})
    component.add("status", todo.status)
    component.add("percent-complete", todo.percent)
    component.add("related-to", one_line(todo.related_to), parameters={"RELTYPE": "PARENT"})
    if todo.categories:
        component.add("categories", [one_line(c) for c in todo.categories])
    component.add("sequence", todo.sequence)
    if todo.completed is not None:
        component.add("completed", utc(todo.completed))
    return bytes(component.to_ical())


def render_calendar(meta: CalendarMeta, components: Iterable[bytes]) -> bytes:
    """A VCALENDAR around already rendered components.

    No UID on the VCALENDAR: a common sync client keeps only one event of a feed that has
    one. NAME and X-WR-CALNAME are not escaped by the library, so line breaks are removed
    from every text here.
    """
    calendar = icalendar.Calendar()
    calendar.add("prodid", one_line(meta.prodid))
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # No METHOD: PUBLISH is iTIP (RFC 5546), which asks for an ORGANIZER on every event;
    # a subscribed feed is no scheduling message, and a made-up organizer would make
    # some clients offer to reply to a "meeting". RFC 5545 needs no METHOD outside iTIP.
    calendar.add("name", one_line(meta.name))
    calendar.add("x-wr-calname", one_line(meta.name))
    calendar.add("description", one_line(meta.description))
    calendar.add("x-wr-caldesc", one_line(meta.description))
    calendar.add("refresh-interval", meta.refresh, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", _duration(meta.refresh))
    calendar.add("color", one_line(meta.color))
    calendar.add("x-apple-calendar-color", one_line(meta.apple_color or meta.color))
    head = bytes(calendar.to_ical())
    end = b"END:VCALENDAR\r\n"
    assert head.endswith(end)
    return head[: -len(end)] + b"".join(components) + end

