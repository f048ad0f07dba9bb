"""Reminders end to end: a real SMTP server and a real HTTPS Teams receiver on 127.0.0.1.

The coordinator of the issue: Swedish, in Vaasa, with an email address and a Teams channel,
on digest. Runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import vobject
from ical.calendar_stream import IcsCalendarStream
from sqlalchemy import text

from calendars.ics import utc
from state.db import make_engine
from tests.integration.conftest import assert_contains
from tests.receivers import ReceivedMail, SmtpServer, TeamsReceiver

TODAY_SYNC = "2026-11-28"
OBLIGATIONS = ("hyte-annual-report-municipality", "municipal-budget")


@pytest.fixture
def teams(tmp_path: Path) -> Iterator[TeamsReceiver]:
    receiver = TeamsReceiver(tmp_path)
    yield receiver
    receiver.close()


@pytest.fixture
def cli(cli, monkeypatch, smtp):
    """The shared CLI, sending to the test's SMTP server, retrying fast."""
    monkeypatch.setenv("YHDYSPINTA_SMTP_URL", smtp.url("hyte@pohjanmaa.invalid"))
    monkeypatch.setenv("YHDYSPINTA_NOTIFY_RETRY_SECONDS", "0.2")
    monkeypatch.setenv("YHDYSPINTA_NOTIFY_WAIT_SECONDS", "0")
    monkeypatch.setenv("YHDYSPINTA_STATUS_PAGE_URL", "https://hyte.example.fi/{party}")
    return cli


@pytest.fixture
def store(cli, tmp_path, teams):
    """Vaasa's coordinator (sv, email and Teams, digest) and council secretary (single)."""
    argv = ["sync", "--today", TODAY_SYNC]
    for obligation in OBLIGATIONS:
        argv += ["--obligation", obligation]
    code, _, err = cli(*argv)
    assert (code, err) == (0, "")
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(
        "\ufeffparty,role,name,email,teams,language,delivery\n"  # as Excel saves it
        f"905,coordinator,Anna Sjöberg,anna.sjoberg@vasa.fi,{teams.url()},sv,digest\n"
        "905,council,Erik Åström,erik.astrom@vasa.fi,,sv,single\n",
        encoding="utf-8")
    code, out, err = cli("contacts", "import", str(contacts))
    assert (code, err) == (0, ""), out
    return cli


def _mails_to(smtp: SmtpServer, address: str) -> list[ReceivedMail]:
    return [m for m in smtp.sink.received if address in m.envelope_to]


def test_a_swedish_coordinator_gets_reminders_and_a_digest_on_working_days(
        store, smtp, teams, database_url):
    # Saturday: nothing goes out.
    code, out, _ = store("remind", "--today", "2026-11-28")
    assert code == 0
    assert "not a working day" in out
    assert smtp.sink.received == []
    assert teams.posts == []

    # Tuesday 1.12.2026: the 30-day reminders of the duties due 31.12.2026.
    code, out, err = store("remind", "--today", "2026-12-01")
    assert (code, err) == (0, ""), out
    anna = _mails_to(smtp, "anna.sjoberg@vasa.fi")
    assert len(anna) == 1, out
    digest = anna[0]
    assert digest.message["To"].endswith("<anna.sjoberg@vasa.fi>") or \
        "anna.sjoberg@vasa.fi" in digest.message["To"]
    assert digest.message["Subject"].startswith("Yhdyspinta 1.12.2026: ")
    assert "aktuella uppgifter" in digest.message["Subject"]
    plain, html = digest.part("text/plain"), digest.part("text/html")
    for part in (plain, html):
        assert_contains(part, "Hej Anna Sjöberg",
                        "Årlig välfärdsrapport till kommunfullmäktige 2026 – Vasa", "Måldag",
                        "31.12.2026 (30 dagar kvar)",
                        "Lag om ordnande av social- och hälsovård 612/2021 6 §", "Checklista")
    assert '<html lang="sv">' in html
    assert "https://hyte.example.fi/m905" in html
    # The duties as an .ics attachment, read by two parsers other than the writer.
    ics = digest.attachments()["yhdyspinta.ics"]
    calendar = IcsCalendarStream.calendar_from_ics(ics.decode())
    uids = {event.uid for event in calendar.events}
    assert "hyte-annual-report-municipality.m905.2026@yhdyspinta.fi" in uids
    assert "municipal-budget.m905.2027@yhdyspinta.fi" in uids
    parsed = vobject.readOne(ics.decode())
    assert len(parsed.vevent_list) == len(uids)

    # Erik asked for single messages: one per council step that is due. The council's
    # decision on the 2027 tax rates was due by 17.11.2026 (they reach the Tax
    # Administration by then): that one is overdue, the rest are reminders.
    erik = _mails_to(smtp, "erik.astrom@vasa.fi")
    assert erik
    late = [m for m in erik if not m.message["Subject"].startswith("Påminnelse: ")]
    assert [m.message["Subject"] for m in late] == [
        "Försenad: Inkomst- och fastighetsskattesatserna beslutade – Kommunens budget och "
        "ekonomiplan 2027 – Vasa (17.11.2026)"]
    assert len({m.key for m in erik}) == len(erik)

    # Teams: one Adaptive Card for Anna's digest, in Swedish.
    cards = list(teams.cards())
    assert len(cards) == 1
    card = cards[0]
    assert card["type"] == "AdaptiveCard"
    assert card["version"] == "1.4"
    texts = json.dumps(card, ensure_ascii=False)
    assert_contains(texts, "Påminnelser", "Checklista", "Vasa")
    assert teams.posts[0].path == f"/workflows/{teams.workflow}/triggers/manual/paths/invoke"

    # The same day again, and the next day: nothing is sent twice.
    before = (len(smtp.sink.received), len(teams.posts))
    for day in ("2026-12-01", "2026-12-02"):
        code, out, _ = store("remind", "--today", day)
        assert code == 0, out
    assert (len(smtp.sink.received), len(teams.posts)) == before

    # Christmas Eve is not a working day: the 7-day reminders went out on 23.12.
    code, out, _ = store("remind", "--today", "2026-12-24")
    assert "not a working day" in out
    code, out, _ = store("remind", "--today", "2026-12-23")
    assert code == 0, out
    assert len(_mails_to(smtp, "anna.sjoberg@vasa.fi")) == 2
    seven = _mails_to(smtp, "anna.sjoberg@vasa.fi")[1]
    assert "(8 dagar kvar)" in seven.part("text/plain")

    engine = make_engine(database_url)
    with engine.connect() as connection:
        states: dict[str, int] = dict(connection.execute(
            text("SELECT state, count(*) FROM outbox GROUP BY state")).all())
    engine.dispose()
    assert set(states) == {"sent"}


def test_done_stops_the_escalation(store, smtp):
    occurrence = "hyte-annual-report-municipality.m905.2026"
    for step in ("data-compiled", "responsible-body", "board", "council"):
        code, _, err = store("step", "set", occurrence, step, "done", "--by", "Anna",
                             "--evidence", "https://vasa.fi/pk/2026-12-14", "--force")
        assert (code, err) == (0, "")
    code, out, _ = store("remind", "--today", "2027-01-04")  # first escalation day
    assert code == 0, out
    erik = _mails_to(smtp, "erik.astrom@vasa.fi")
    assert all("välfärdsrapport" not in m.message["Subject"] for m in erik)
    assert any(m.message["Subject"].startswith("Försenad: ") for m in erik), \
        [m.message["Subject"] for m in erik]


def test_smtp_down_then_up_delivers_everything_once(store, smtp, teams):
    smtp.stop()
    code, out, _ = store("remind", "--today", "2026-12-01")
    assert code == 1
    assert_contains(out, "the SMTP server could not be reached", "Connection refused",
                    "waiting for a retry")
    assert len(teams.posts) == 1  # the failed channel did not hold the other back
    assert smtp.sink.received == []
    smtp.start()
    code, out, _ = store("remind", "--today", "2026-12-01", "--wait", "5")
    assert code == 0, out
    keys = smtp.sink.received_keys()
    assert keys
    assert len(keys) == len(set(keys))
    assert len(teams.posts) == 1


def _teams_rows(database_url: str) -> list[tuple[str, int, datetime, str | None]]:
    """(state, attempts, next attempt in UTC, last error) of every Teams message."""
    from notify.outbox import outbox_rows

    engine = make_engine(database_url)
    rows = [(row.state, row.attempts, utc(row.next_attempt_at), row.last_error)
            for row, _ in reversed(outbox_rows(engine)) if row.channel == "teams"]
    engine.dispose()
    return rows


def test_teams_500_is_retried_and_429_waits_for_its_retry_after(store, smtp, teams,
                                                                  database_url):
    teams.answers = [500, 429]
    teams.retry_after = "2"
    code, out, _ = store("remind", "--today", "2026-12-01", "--wait", "15")
    assert code == 0, out
    assert "error=500" in out
    assert "error=429" not in out  # asked to wait: not a failure
    assert "to retry later 0, given up 0." in out
    assert len(teams.posts) == 1
    assert [status for _, status in teams.requests] == [500, 429, 202]
    (_, refused), (accepted, _) = teams.requests[1], teams.requests[2]
    assert accepted - refused >= 2.0  # not before the time Teams gave
    # The 500 used an attempt, the 429 did not.
    assert [(state, attempts) for state, attempts, _, _ in _teams_rows(database_url)] == [
        ("sent", 2)]


def test_a_retry_after_beyond_the_run_keeps_the_message_for_a_later_run(
        store, smtp, teams, database_url):
    from email.utils import format_datetime

    before = datetime.now(UTC)
    teams.answers = [429]
    teams.retry_after = format_datetime(before + timedelta(hours=1), usegmt=True)  # a date
    code, out, _ = store("remind", "--today", "2026-12-01", "--wait", "0")
    assert code == 1, out  # a message still waits
    assert "error=429" not in out
    assert "to retry later 1, given up 0." in out
    [(state, attempts, due, error)] = _teams_rows(database_url)
    assert (state, attempts, error) == ("pending", 0, None)
    assert due >= before + timedelta(seconds=3598)  # HTTP dates have whole seconds
    # The next run does not try before that time: Teams hears nothing more.
    code, out, _ = store("remind", "--today", "2026-12-01", "--wait", "0")
    assert code == 1, out
    assert [status for _, status in teams.requests] == [429]
    assert teams.posts == []
    assert len(_teams_rows(database_url)) == 1  # and nothing was queued twice


def test_a_teams_refusal_that_retrying_cannot_help_is_given_up_at_once(store, smtp, teams,
                                                                       database_url):
    teams.answers = [404]  # the workflow was deleted
    code, out, _ = store("remind", "--today", "2026-12-01", "--wait", "5")
    assert code == 1, out
    assert "Teams answered 404 Not Found (error=404)" in out
    assert "given up 1." in out
    assert [status for _, status in teams.requests] == [404]
    [(state, attempts, _, error)] = _teams_rows(database_url)
    assert (state, attempts) == ("failed", 1)
    assert error is not None
    assert teams.signature not in error


def test_teams_posts_to_one_workflow_are_paced(store, smtp, teams, tmp_path, monkeypatch):
    monkeypatch.setenv("YHDYSPINTA_TEAMS_POSTS_PER_SECOND", "2")
    contacts = tmp_path / "contacts-teams.csv"
    contacts.write_text(
        "party,role,name,email,teams,language,delivery\n"
        f"905,council,Erik Åström,erik.astrom@vasa.fi,{teams.url()},sv,single\n",
        encoding="utf-8")
    code, out, err = store("contacts", "import", str(contacts))
    assert (code, err) == (0, ""), out
    code, out, _ = store("remind", "--today", "2026-12-01", "--workers", "3")
    assert code == 0, out
    # Erik (single, capped at 3 a day) and Anna's digest: one workflow, several posts.
    arrivals = [moment for moment, _ in teams.requests]
    assert len(arrivals) == len(teams.posts) >= 3
    # Half a second apart, across three sending threads (less a little: each sender keeps
    # its slot, and its post arrives a moment later, more or less on a busy machine).
    assert arrivals[-1] - arrivals[0] >= 0.5 * (len(arrivals) - 1) - 0.2, arrivals


def test_secrets_never_appear_in_output_or_store(store, smtp, teams, monkeypatch,
                                                 database_url, capfd):
    # A password with characters that URLs encode: it must be masked in both forms.
    monkeypatch.setenv("YHDYSPINTA_SMTP_URL", f"mailto://postmaster:Pa55%40Secret%2FWord@"
                       f"127.0.0.1:{smtp.port}?from=hyte@pohjanmaa.invalid&mode=insecure")
    monkeypatch.setenv("YHDYSPINTA_NOTIFY_MAX_ATTEMPTS", "1")
    teams.answers = [500]
    outputs = [store("remind", "--today", "2026-12-01")]
    outputs.append(store("outbox", "list"))
    outputs.append(store("contacts", "list"))
    outputs.append(store("remind", "--dry-run", "--today", "2026-12-02"))
    captured = capfd.readouterr()
    engine = make_engine(database_url)
    with engine.connect() as connection:
        errors = [row[0] or "" for row in connection.execute(
            text("SELECT last_error FROM outbox"))]
        payloads = [row[0] for row in connection.execute(text("SELECT payload FROM outbox"))]
    engine.dispose()
    assert any("error=500" in e for e in errors)
    shown = "\n".join([o for _, out, err in outputs for o in (out, err)] +
                      [captured.out, captured.err, *errors, *payloads])
    for secret in ("Pa55@Secret/Word", "Pa55%40Secret%2FWord", teams.signature,
                   teams.workflow):
        assert secret not in shown


def test_a_bad_smtp_url_is_one_line_and_does_not_hold_teams_back(store, monkeypatch, teams):
    monkeypatch.setenv("YHDYSPINTA_SMTP_URL", "smtp://mail.example.fi")
    code, _out, err = store("remind", "--today", "2026-12-01")
    assert code == 1
    assert len(teams.posts) == 1
    assert err.splitlines() == ["yhdyspinta: error: YHDYSPINTA_SMTP_URL: the SMTP server must "
                                "be given as a mailto:// or mailtos:// URL"]


def test_dry_run_shows_who_gets_what_and_sends_nothing(store, smtp, teams):
    code, out, _ = store("remind", "--dry-run", "--today", "2026-12-01", lang="sv")
    assert code == 0
    assert_contains(out, "→ Anna Sjöberg (m905 coordinator, email, sv): Yhdyspinta 1.12.2026",
                    "→ Anna Sjöberg (m905 coordinator, teams, sv)", "Torrkörning")
    assert smtp.sink.received == []
    assert teams.posts == []
    code, out, _ = store("outbox", "list")
    assert len(out.splitlines()) == 2  # header and rule: nothing was queued


def test_each_message_is_keyed_once_per_recipient_channel_and_day(store, smtp, teams):
    store("remind", "--today", "2026-12-01")
    store("remind", "--today", "2026-12-23")
    keys = Counter(smtp.sink.received_keys())
    assert keys
    assert max(keys.values()) == 1


def _one_message(engine, contact_id: int, key: str = "occ|step|reminder-7|c1|email|2026-12-01",
                 now=None):
    from notify.compose import Message
    from notify.outbox import enqueue
    from notify.plan import Channel, Contact

    contact = Contact(id=contact_id, party="m905", role="coordinator", name="A",
                      language="sv", delivery="single", channels=(Channel.EMAIL,))
    message = Message(key=key, contact=contact, channel=Channel.EMAIL, notice_keys=(key,),
                      occurrence_ids=("occ",), subject="s", text="t", html="<p>h</p>", card={},
                      ics=None, lang="sv", summary=())
    return enqueue(engine, [message], now=now)


def test_a_late_failure_does_not_undo_a_send_by_whoever_took_over(store, database_url):
    from datetime import UTC, datetime, timedelta

    from notify.outbox import claim, mark_failed, mark_sent

    engine = make_engine(database_url)
    with engine.connect() as connection:
        contact_id = connection.execute(text("SELECT min(id) FROM contact")).scalar_one()
    start = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
    # Queued at the test's own clock, not the real one: claim() takes only what is due.
    assert _one_message(engine, contact_id, now=start - timedelta(minutes=1)).messages == 1
    (slow,) = claim(engine, limit=1, lease=timedelta(minutes=5), now=start)
    # The slow dispatcher's lease runs out; another takes the message and sends it.
    (fast,) = claim(engine, limit=1, lease=timedelta(minutes=5),
                    now=start + timedelta(minutes=6))
    mark_sent(engine, fast, now=start + timedelta(minutes=6))
    assert not mark_failed(engine, slow, "timed out", retry_at=start + timedelta(minutes=7))
    assert claim(engine, limit=1, lease=timedelta(0), now=start + timedelta(hours=1)) == []
    with engine.connect() as connection:
        assert connection.execute(text("SELECT state FROM outbox")).scalar_one() == "sent"
    engine.dispose()


def test_a_message_about_steps_closed_since_is_not_sent(store, database_url, smtp):
    occurrence = "hyte-annual-report-municipality.m905.2026"
    engine = make_engine(database_url)
    with engine.connect() as connection:
        contact_id = connection.execute(text("SELECT min(id) FROM contact")).scalar_one()
    key = f"{occurrence}|council|reminder-7|c{contact_id}|email|2026-12-23"
    _one_message(engine, contact_id, key)
    code, _, err = store("step", "set", occurrence, "council", "done", "--by", "Anna", "--force",
                         "--note", "the minutes name the earlier steps")
    assert (code, err) == (0, "")
    code, out, _ = store("remind", "--today", "2026-11-30")  # nothing new is due that day
    assert code == 0, out
    assert key not in smtp.sink.received_keys()
    with engine.connect() as connection:
        state = connection.execute(text("SELECT state FROM outbox WHERE key = :key"),
                                   {"key": key}).scalar_one()
    engine.dispose()
    assert state == "obsolete"


@pytest.mark.parametrize(("name", "value"), [("YHDYSPINTA_NOTIFY_WORKERS", "0"),
                                             ("YHDYSPINTA_STATUS_PAGE_URL", "https://x/{who}")])
def test_bad_notify_settings_are_one_line(cli, monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    code, _, err = cli("remind", "--dry-run", "--today", "2026-12-01")
    assert code == 1
    assert len(err.splitlines()) == 1
    assert name in err


def test_a_permanent_smtp_refusal_is_given_up_at_once(store, smtp, database_url):
    smtp.sink.refuse, smtp.sink.refusal = 1, "550 5.1.1 Mailbox unknown"
    code, out, _ = store("remind", "--today", "2026-12-01", "--wait", "5")
    assert code == 1
    assert "550" in out
    engine = make_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT state, attempts FROM outbox WHERE last_error LIKE '%550%'")).all()
    engine.dispose()
    assert [(state, attempts) for state, attempts in rows] == [("failed", 1)]
    assert len(smtp.sink.received) >= 1  # the other messages went out


def test_a_second_run_says_how_many_were_queued_before(store, smtp, teams):
    code, first, _ = store("remind", "--today", "2026-12-01")
    assert code == 0, first
    queued = re.search(r"Queued (\d+) messages \((\d+) notices; 0 were queued before\)", first)
    assert queued is not None
    assert int(queued[1]) >= 1
    code, again, _ = store("remind", "--today", "2026-12-01")
    assert code == 0, again
    assert f"Queued 0 messages (0 notices; {queued[2]} were queued before)." in again


def test_email_notices_without_a_server_are_counted(store, smtp, teams, monkeypatch):
    monkeypatch.delenv("YHDYSPINTA_SMTP_URL")
    code, out, _ = store("remind", "--today", "2026-12-01", "--dry-run")
    assert code == 0, out
    counted = re.search(r"Not sent: (\d+) email notices, because no email server is "
                        r"configured \(YHDYSPINTA_SMTP_URL\)\.", out)
    assert counted is not None
    assert int(counted[1]) >= 2  # Anna's and Erik's
    assert "Erik Åström would get email" in out


def test_a_message_written_for_an_earlier_day_is_never_sent_but_written_again(
        store, smtp, teams, database_url):
    smtp.stop()  # 1.12: the messages are queued, and the mail server is down all day
    code, out, _ = store("remind", "--today", "2026-12-01")
    assert code == 1, out
    assert smtp.sink.received == []
    smtp.start()
    code, out, _ = store("remind", "--today", "2026-12-02", "--wait", "5")
    assert code == 0, out
    engine = make_engine(database_url)
    with engine.connect() as connection:
        retired = connection.execute(text(
            "SELECT count(*) FROM outbox WHERE state = 'obsolete' AND channel = 'email' "
            "AND last_error LIKE 'written for 2026-12-01, not sent on 2026-12-02'")).scalar_one()
    engine.dispose()
    assert retired >= 1
    assert smtp.sink.received
    for mail in smtp.sink.received:
        # Written again on 2.12 (the missed reminders caught up), with that day's count.
        assert "2026-12-02" in mail.key
        assert "(30 dagar kvar)" not in mail.part("text/plain")
