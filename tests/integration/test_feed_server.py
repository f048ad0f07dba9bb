"""`yhdyspinta serve` on 127.0.0.1: tokens, ETag/304, gzip, revocation, status changes;
and a real CalDAV server (Radicale) accepting the feeds."""

from __future__ import annotations

import gzip
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

import pytest
import vobject
from ical.calendar_stream import IcsCalendarStream

from tests.servers import serving

EXE = str(Path(sys.executable).parent / "yhdyspinta")
REPORT = "hyte-annual-report-municipality.m205.2026"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer in {seconds} s")


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def served(tmp_path: Path, database_url: str) -> Iterator[tuple[str, dict[str, str], Path]]:
    port = _free_port()
    env = {**os.environ, "YHDYSPINTA_DATABASE_URL": database_url, "YHDYSPINTA_LANG": "en",
           "YHDYSPINTA_PUBLIC_URL": f"http://127.0.0.1:{port}"}
    log = tmp_path / "serve.log"
    with log.open("wb") as handle:
        server = subprocess.Popen([EXE, "serve", "--port", str(port), "--poll", "0.3",
                                   "--today", "2026-11-28"], env=env, stdout=handle,
                                  stderr=subprocess.STDOUT)
        try:
            _wait_for(f"http://127.0.0.1:{port}/healthz")
            yield f"http://127.0.0.1:{port}", env, log
        finally:
            server.terminate()
            server.wait(timeout=30)


def _cli(env: dict[str, str], *argv: str) -> str:
    result = subprocess.run([EXE, *argv], env=env, capture_output=True, text=True, check=True)
    return result.stdout


def _add_subscriber(env: dict[str, str], *feeds: str) -> tuple[int, str]:
    out = _cli(env, "subscribers", "add", "Kainuu coordinator",
               *[arg for feed in feeds for arg in ("--feed", feed)])
    subscriber = int(re.search(r"Subscriber (\d+)", out).group(1))  # type: ignore[union-attr]
    token = re.search(r"/feeds/([A-Za-z0-9_-]+)/", out).group(1)  # type: ignore[union-attr]
    return subscriber, token


def test_private_feed_etag_gzip_and_revocation(served):
    base, env, log = served
    subscriber, token = _add_subscriber(env, "pair-205", "region-20")
    assert len(token) >= 43  # 256 random bits, URL-safe base64
    url = f"{base}/feeds/{token}/pair-205.ics"
    status, headers, body = _get(url)
    assert status == 200
    assert headers["content-type"] == "text/calendar; charset=utf-8"
    assert "last-modified" in {k.lower() for k in headers}
    calendar = vobject.readOne(body.decode())
    assert calendar.contents["x-wr-calname"][0].value.startswith("Yhdyspinta: Kajaani")
    etag = headers["etag"]
    assert _get(url, {"If-None-Match": etag})[0] == 304
    # Issue 15.9: If-Modified-Since alone gets 304 when nothing changed since then ...
    modified = headers["last-modified"]
    assert _get(url, {"If-Modified-Since": modified})[0] == 304
    assert _get(url, {"If-Modified-Since": modified, "Accept-Encoding": "gzip"})[0] == 304
    # ... and 200 for a date before the last change, a bad date, or a stale ETag with it.
    before = format_datetime(parsedate_to_datetime(modified) - timedelta(seconds=1),
                             usegmt=True)
    assert _get(url, {"If-Modified-Since": before})[0] == 200
    assert _get(url, {"If-Modified-Since": "yesterday"})[0] == 200
    assert _get(url, {"If-Modified-Since": modified, "If-None-Match": '"stale"'})[0] == 200
    status, headers, zipped = _get(url, {"Accept-Encoding": "gzip"})
    assert (status, headers["content-encoding"]) == (200, "gzip")
    assert gzip.decompress(zipped) == body
    assert _get(f"{base}/feeds/{token}/pair-205.sv.ics")[2] != body
    assert _get(f"{base}/feeds/{token}/pair-564.ics")[0] == 404  # not granted
    unknown = _get(f"{base}/feeds/{'A' * 43}/pair-205.ics")
    assert unknown[0] == 404
    assert unknown[2] == _get(f"{base}/feeds/{token}/no-such-feed.ics")[2]  # says nothing more
    assert _get(f"{base}/public/pair-205.ics")[0] == 404  # no public feeds by default
    _cli(env, "subscribers", "revoke", str(subscriber))
    deadline = time.monotonic() + 20
    while _get(url)[0] != 404:
        assert time.monotonic() < deadline, "revoked token still served"
        time.sleep(0.2)
    listing = _cli(env, "subscribers", "list")
    assert token not in listing
    assert token not in log.read_text(encoding="utf-8")


def test_a_completed_step_shows_in_the_feed(served):
    base, env, _ = served
    _, token = _add_subscriber(env, "municipality-205")
    url = f"{base}/feeds/{token}/municipality-205.todo.ics"
    status, headers, _ = _get(url)
    assert status == 200
    # The default feed has no VTODO (Outlook and Google ignore them); `.todo` has them.
    status, _, default = _get(f"{base}/feeds/{token}/municipality-205.ics")
    assert status == 200
    assert b"BEGIN:VTODO" not in default
    assert b"BEGIN:VEVENT" in default
    _cli(env, "step", "set", REPORT, "council", "done", "--force", "--note",
         "board and council in one meeting", "--evidence", "https://www.kajaani.fi/kv/87",
         "--decided-by", "Kajaanin kaupunginvaltuusto", "--decided-on", "2026-11-16",
         "--by", "Maija")
    deadline = time.monotonic() + 20
    while True:
        status, headers_after, after = _get(url, {"If-None-Match": headers["etag"]})
        if status == 200:
            break
        assert time.monotonic() < deadline, "the change never reached the feed"
        time.sleep(0.2)
    todo = next(t for t in vobject.readOne(after.decode()).vtodo_list
                if t.uid.value == f"{REPORT}.council@yhdyspinta.fi")
    assert (todo.status.value, todo.contents["percent-complete"][0].value,
            todo.sequence.value) == ("COMPLETED", "100", "1")
    assert headers_after["etag"] != headers["etag"]
    assert _get(url, {"If-Modified-Since": headers["last-modified"]})[0] == 200
    IcsCalendarStream.calendar_from_ics(after.decode())


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--storage-filesystem-folder",
         str(tmp_path / "radicale"), "--server-hosts", f"127.0.0.1:{port}", "--auth-type",
         "none", "--rights-type", "authenticated"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(f"http://127.0.0.1:{port}/.web/")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_caldav_server_accepts_the_exported_feeds(radicale, tmp_path, database_url):
    env = {**os.environ, "YHDYSPINTA_DATABASE_URL": database_url, "YHDYSPINTA_LANG": "en"}
    _cli(env, "calendars", "export", str(tmp_path / "out"), "--region", "20", "--today",
         "2026-11-28")
    # Exporting one county's feeds must not cancel the other counties' duties.
    assert "cancelled 0" in _cli(env, "sync", "--today", "2026-11-28")
    assert "changed 0" in _cli(env, "sync", "--today", "2026-11-28")
    request = urllib.request.Request(f"{radicale}/yhdyspinta/", method="MKCOL")
    assert urllib.request.urlopen(request, timeout=30).status == 201
    for name in ("pair-205.fi.ics", "region-20.sv.ics", "role-20-coordinator.en.ics"):
        body = (tmp_path / "out" / "feeds" / name).read_bytes()
        collection = f"{radicale}/yhdyspinta/{name.removesuffix('.ics').replace('.', '-')}/"
        put = urllib.request.Request(collection, data=body, method="PUT",
                                     headers={"Content-Type": "text/calendar"})
        assert urllib.request.urlopen(put, timeout=60).status == 201
        stored = urllib.request.urlopen(collection, timeout=30).read().decode()
        assert stored.count("BEGIN:VEVENT") == body.decode().count("BEGIN:VEVENT")
        assert stored.count("BEGIN:VTODO") == body.decode().count("BEGIN:VTODO")


@contextmanager
def _serving(env: dict[str, str], today: str, log: Path) -> Iterator[str]:
    """`yhdyspinta serve --today TODAY` (which syncs first) until the block ends."""
    port = _free_port()
    with log.open("ab") as handle:
        server = subprocess.Popen([EXE, "serve", "--port", str(port), "--poll", "0.3",
                                   "--today", today], env=env, stdout=handle,
                                  stderr=subprocess.STDOUT)
        try:
            _wait_for(f"http://127.0.0.1:{port}/healthz", seconds=120)
            yield f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            server.wait(timeout=30)


def _statuses(body: bytes, prefix: str) -> dict[str, str]:
    """UID → STATUS of the feed's VEVENTs whose UID starts with `prefix`."""
    calendar = vobject.readOne(body.decode())
    return {event.uid.value: event.status.value
            for event in calendar.contents.get("vevent", [])
            if event.uid.value.startswith(prefix)}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_removed_definition_is_served_cancelled_for_60_days_then_gone(tmp_path,
                                                                       database_url):
    """Issue 15.6 through the real server: the obligation feed and a pair feed."""
    from tests.conftest import FIXTURE_DEFINITIONS

    definitions = tmp_path / "definitions"
    shutil.copytree(FIXTURE_DEFINITIONS, definitions)
    env = {**os.environ, "YHDYSPINTA_DATABASE_URL": database_url, "YHDYSPINTA_LANG": "en",
           "YHDYSPINTA_DEFINITIONS_DIR": str(definitions),
           "YHDYSPINTA_PUBLIC_FEEDS": '["pair-205", "obligation-*"]'}
    log = tmp_path / "serve.log"
    national, pair = "/public/obligation-municipal-budget.ics", "/public/pair-205.ics"
    with _serving(env, "2026-11-28", log) as base:
        status, _, body = _get(base + national)
        assert status == 200
        before_national = _statuses(body, "municipal-budget.")
        status, _, body = _get(base + pair)
        assert status == 200
        before_pair = _statuses(body, "municipal-budget.m205.")
    assert before_national
    assert before_pair
    assert set(before_national.values()) == set(before_pair.values()) == {"CONFIRMED"}

    # The definition is removed; the server's start syncs and cancels its duties.
    (definitions / "municipal-budget.yaml").unlink()
    for today in ("2026-11-28", "2027-01-27"):  # the day of removal and 60 days later
        with _serving(env, today, log) as base:
            status, headers, body = _get(base + national)
            assert (status, today) == (200, today)
            assert headers["content-type"] == "text/calendar; charset=utf-8"
            statuses = _statuses(body, "municipal-budget.")
            # Every event it had (60 days later the feeds' windows reach a year further,
            # whose duties were cancelled too).
            assert statuses.keys() >= before_national.keys(), today
            assert set(statuses.values()) == {"CANCELLED"}
            status, _, body = _get(base + pair)
            assert status == 200
            statuses = _statuses(body, "municipal-budget.m205.")
            assert statuses.keys() >= before_pair.keys(), today  # its steps' events too
            assert any(".event@" in uid for uid in before_pair)
            assert set(statuses.values()) == {"CANCELLED"}
            IcsCalendarStream.calendar_from_ics(body.decode())

    # The day after the 60 days: gone from the pair feed, and the national feed with them.
    with _serving(env, "2027-01-28", log) as base:
        assert _get(base + national)[0] == 404
        status, _, body = _get(base + pair)
        assert status == 200
        assert _statuses(body, "municipal-budget.") == {}
        assert _statuses(body, "hyte-annual-report-municipality.m205.")  # the rest stays


def test_serve_falls_back_to_asyncio_without_uvloop(tmp_path):
    """Where uvloop cannot be imported, `serve` starts on asyncio's loop and answers alike."""
    blocker = tmp_path / "no-uvloop" / "uvloop"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('no uvloop here')\n")
    extra = {"PYTHONPATH": str(blocker.parent), "YHDYSPINTA_PUBLIC_FEEDS": '["pair-*"]'}
    probe = subprocess.run([sys.executable, "-c",
                            "from granian import loops; print(sorted(loops.keys()))"],
                           env={**os.environ, **extra}, capture_output=True, text=True,
                           check=True)
    assert "uvloop" not in probe.stdout
    assert "asyncio" in probe.stdout
    with serving(tmp_path, "2026-11-28", extra) as base:
        status, headers, body = _get(f"{base}/public/pair-205.ics")
        assert status == 200
        assert body.startswith(b"BEGIN:VCALENDAR")
        assert _get(f"{base}/public/pair-205.ics", {"If-None-Match": headers["etag"]})[0] == 304
