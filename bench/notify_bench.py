"""Benchmark: 1,000 reminder emails through the real dispatch path to a local SMTP server.

Baseline, in the same run: plain smtplib sending the same 1,000 messages (HTML, text and
the .ics attachment) over one connection. The dispatch path claims each message in the
store (SQLite), builds it with `EmailMessage`, sends it over the sending thread's kept-open
SMTP connection (`notify/smtp.py`) and marks it sent. Figures: messages per second and the
ratio to smtplib, for 1 worker (the default) and 4.

Run: `make bench` or `.venv/bin/python bench/notify_bench.py`.
"""

from __future__ import annotations

import json
import os
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from email.message import EmailMessage

from aiosmtpd.controller import Controller

MESSAGES = int(os.environ.get("YHDYSPINTA_BENCH_MESSAGES", "1000"))
HTML = ("<p>Hej Anna Sjöberg,</p><p>här är dagens sammandrag av dina lagstadgade "
        "samarbetsuppgifter.</p>" + "<p><strong>Uppgift:</strong> Behandlad av "
        "kommunfullmäktige<br><strong>Sista dag:</strong> 31.12.2026 (30 dagar kvar)</p>" * 20)
ICS = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Yhdyspinta//bench//FI\r\n" +
       "BEGIN:VEVENT\r\nUID:x@yhdyspinta.fi\r\nDTSTAMP:20261201T000000Z\r\n"
       "DTSTART;VALUE=DATE:20261231\r\nSUMMARY:Välfärdsrapport\r\nEND:VEVENT\r\n" * 10 +
       "END:VCALENDAR\r\n")


class Sink:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
        self.count += 1
        return "250 OK"


def baseline(port: int) -> float:
    """smtplib over one connection: seconds for MESSAGES messages."""
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as connection:
        for n in range(MESSAGES):
            message = EmailMessage()
            message["From"] = "hyte@pohjanmaa.invalid"
            message["To"] = f"person{n % 50}@vasa.fi"
            message["Subject"] = f"Yhdyspinta 1.12.2026: {n} aktuella uppgifter"
            message.set_content("Hej")
            message.add_alternative(HTML, subtype="html")
            message.add_attachment(ICS.encode(), maintype="text", subtype="calendar",
                                   filename="yhdyspinta.ics")
            connection.send_message(message)
    return time.perf_counter() - started


def dispatch_run(port: int, workers: int) -> float:
    """The real path: queue MESSAGES in a fresh store, then time the dispatch."""
    from notify.compose import Message
    from notify.dispatch import RetryPolicy, dispatch
    from notify.outbox import enqueue
    from notify.plan import Channel, Contact
    from notify.transport import AppriseTransport
    from obligations.parties import load_registry
    from state.contacts import import_contacts, parse_contacts
    from state.db import ensure_schema, make_engine

    folder = tempfile.mkdtemp(prefix="yhdyspinta-notify-bench-")
    engine = make_engine(f"sqlite:///{folder}/store.db")
    ensure_schema(engine)
    rows = "".join(f"905,coordinator,Person {n},person{n}@vasa.fi,,sv,single\n"
                   for n in range(50))
    import_contacts(engine, parse_contacts("party,role,name,email,teams,language,delivery\n"
                                           + rows, "bench.csv", load_registry()))
    messages = []
    for n in range(MESSAGES):
        contact = Contact(id=n % 50 + 1, party="m905", role="coordinator", name="P",
                          language="sv", delivery="single", channels=(Channel.EMAIL,))
        key = f"bench-{n}|step|reminder-30|c{contact.id}|email|2026-12-01"
        messages.append(Message(key=key, contact=contact, channel=Channel.EMAIL,
                                notice_keys=(key,), occurrence_ids=(f"bench-{n}",),
                                subject=f"Yhdyspinta 1.12.2026: {n} aktuella uppgifter",
                                text="Hej", html=HTML, card={}, ics=ICS.encode(), lang="sv",
                                summary=()))
    enqueue(engine, messages)
    transport = AppriseTransport(f"mailto://127.0.0.1:{port}?from=hyte@pohjanmaa.invalid"
                                 "&mode=insecure")
    started = time.perf_counter()
    report = dispatch(engine, transport, workers=workers,
                      policy=RetryPolicy(lease=timedelta(minutes=5)))
    elapsed = time.perf_counter() - started
    engine.dispose()
    if report.sent != MESSAGES:
        raise SystemExit(f"only {report.sent} of {MESSAGES} sent: {report.errors[:3]}")
    return elapsed


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        port, workers = map(int, sys.argv[2].split(":"))
        print(json.dumps({"seconds": dispatch_run(port, workers)}))
        return
    sink = Sink()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        base = baseline(port)
        print(f"{MESSAGES} reminder emails to a local aiosmtpd server")
        print(f"  plain smtplib, one connection   {MESSAGES / base:7.0f} msg/s  (baseline)")
        for label, workers in [("dispatch, 1 worker (default)", 1), ("dispatch, 4 workers", 4)]:
            child = subprocess.run(
                [sys.executable, __file__, "--child", f"{port}:{workers}"],
                capture_output=True, text=True, check=True)
            seconds = json.loads(child.stdout.strip().splitlines()[-1])["seconds"]
            print(f"  {label:<32}{MESSAGES / seconds:7.0f} msg/s  ratio {seconds / base:5.1f}x")
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
