"""The whole export of the real registry with the shipped definitions, as clients get it.

One export (every feed, every language) into a temporary folder, then checks over every
file: size (Google Calendar drops subscriptions over about 1 MB), alarms on working days
at 09:00 Helsinki, and other parsers (ical.js) reading every file.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app.publish import PRODID, export
from calendars.feeds import FeedRenderer, feed_catalogue
from calendars.schedule import PlanWindow, plan
from tests.feed_fixtures import feed_view_of
from yhdyspinta.settings import Settings

TODAY = date(2026, 11, 28)
MAX_FEED_BYTES = 1_000_000
JS = Path(__file__).parents[1] / "js"
_TRIGGER = re.compile(rb"^TRIGGER;VALUE=DATE-TIME:(\d{8}T\d{6})Z\r$", re.MULTILINE)


@pytest.fixture(scope="module")
def exported(tmp_path_factory, shipped_definitions, registry, non_working_days) -> Path:
    """`calendars export` of the default window, from the plan as the store would hold it."""
    settings = Settings()
    start = TODAY - timedelta(days=settings.feed_past_days)
    end = TODAY + timedelta(days=settings.feed_future_days)
    occurrences = plan(shipped_definitions, registry, non_working_days, PlanWindow(start, end))
    renderer = FeedRenderer(
        definitions={d.id: d for d in shipped_definitions}, registry=registry,
        non_working_days=non_working_days, occurrences=feed_view_of(occurrences),
        prodid=PRODID,
        obligation_until=TODAY + timedelta(days=settings.obligation_feed_future_days))
    out = tmp_path_factory.mktemp("export")
    export(out, renderer, feed_catalogue(registry, shipped_definitions), "")
    return Path(out) / "feeds"


def _feeds(folder: Path) -> list[Path]:
    files = sorted(folder.glob("*.ics"))
    assert len(files) > 10_000
    return files


def test_every_default_feed_is_at_most_1_mb(exported):
    """Issue 15.5: 32 feeds were over 1 MB (up to 4.9 MB)."""
    sizes = {p.name: p.stat().st_size for p in _feeds(exported)}
    over = {name: size for name, size in sizes.items() if size > MAX_FEED_BYTES}
    assert not over, sorted(over.items(), key=lambda kv: -kv[1])[:10]
    assert max(sizes.values()) > MAX_FEED_BYTES // 4  # the big county feeds are there


def test_no_alarm_falls_on_a_weekend_or_holiday(exported, non_working_days):
    """Issue 15.3: 29 % of alarms fell on weekends or holidays."""
    helsinki = ZoneInfo("Europe/Helsinki")
    seen = 0
    for path in _feeds(exported):
        body = path.read_bytes()
        assert b"BEGIN:VTODO" not in body
        assert b"TRIGGER:" not in body, path.name  # no relative (floating) trigger left
        for stamp in _TRIGGER.findall(body):
            moment = datetime.strptime(stamp.decode(), "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
            local = moment.astimezone(helsinki)
            assert (local.hour, local.minute) == (9, 0), (path.name, local)
            assert non_working_days.is_working_day(local.date()), (path.name, local)
            seen += 1
    assert seen > 100_000


def test_ical_js_reads_every_file(exported):
    """ical.js (Mozilla's parser, Thunderbird and web clients) over the whole export."""
    node = shutil.which("node")
    if node is None or not (JS / "node_modules" / "ical.js").is_dir():
        pytest.fail("Node and tests/js/node_modules are needed (make test installs them)")
    done = subprocess.run([node, str(JS / "parse-ics.js"), str(exported)],
                          capture_output=True, text=True, timeout=900, check=False)
    report = json.loads(done.stdout)
    assert report["errors"] == {}, dict(list(report["errors"].items())[:5])
    assert done.returncode == 0, done.stderr
    assert report["files"] == len(_feeds(exported))
    assert report["events"] > 100_000
    assert report["alarms"] > 100_000


def test_ical_js_reports_what_it_cannot_read(tmp_path):
    """The script does fail: a broken file is named with its error."""
    node = shutil.which("node")
    if node is None or not (JS / "node_modules" / "ical.js").is_dir():
        pytest.fail("Node and tests/js/node_modules are needed (make test installs them)")
    (tmp_path / "broken.ics").write_text("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n")
    done = subprocess.run([node, str(JS / "parse-ics.js"), str(tmp_path)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1
    assert list(json.loads(done.stdout)["errors"]) == [str(tmp_path / "broken.ics")]
