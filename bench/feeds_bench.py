"""Benchmark the feeds: rendering, and serving over HTTP.

1. Render every feed of all of Finland for one council term (each feed in its default
   language), against a baseline in the same run: the same components built with bare
   icalendar calls (each distinct component once, as we do) and joined per feed.
2. Requests per second of `yhdyspinta serve` for a private, token-checked feed (full GET
   and 304), against nginx serving the same bytes as a static file, measured with wrk on
   127.0.0.1 in the same run. Needs `wrk` and `nginx` (Debian packages); skipped without.

    python bench/feeds_bench.py [--http-only | --render-only]
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import icalendar

from calendars.duty import Duty, planned_duty
from calendars.feeds import FeedRenderer, feed_catalogue
from calendars.schedule import PlanWindow, plan
from calendars.workdays import finnish_non_working_days
from obligations.loader import load_definitions
from obligations.parties import load_registry

TERM = PlanWindow(date(2025, 6, 1), date(2029, 5, 31))
STAMP = datetime(2026, 1, 1, tzinfo=UTC)
BIN = Path(sys.executable).parent
ROUNDS = 3


def _view() -> tuple[list[Duty], object, object, object]:
    definitions = load_definitions()
    registry = load_registry()
    nwd = finnish_non_working_days(*TERM.years_needed)
    occurrences = plan(definitions, registry, nwd, TERM)
    view = [planned_duty(o, nwd, changed_at=STAMP) for o in occurrences]
    return view, definitions, registry, nwd


def render_bench() -> None:
    view, definitions, registry, nwd = _view()
    catalogue = feed_catalogue(registry, definitions)  # type: ignore[arg-type]

    started = time.perf_counter()
    renderer = FeedRenderer(definitions={d.id: d for d in definitions},  # type: ignore[attr-defined]
                            registry=registry, non_working_days=nwd,  # type: ignore[arg-type]
                            occurrences=view, prodid="-//bench//bench//FI")
    total = sum(len(renderer.render(spec, spec.default_lang)) for spec in catalogue)
    ours = time.perf_counter() - started

    started = time.perf_counter()
    bare_total = _bare(view, catalogue, renderer)
    bare = time.perf_counter() - started
    print(f"render: {len(catalogue)} feeds, {len(view)} occurrences, {total / 1e6:.0f} MB")
    print(f"  yhdyspinta {ours:6.1f} s   bare icalendar {bare:6.1f} s   "
          f"ratio {ours / bare:.2f} (target <= 1.3)   [{bare_total / 1e6:.0f} MB]")


def _bare(view: list[Duty], catalogue: tuple[object, ...],
          renderer: FeedRenderer) -> int:
    """The same feeds, same texts, with icalendar called directly for each component.

    The texts come from the renderer (what a component says is the same work either way);
    what is compared is turning them into iCalendar bytes and feeds.
    """
    events: dict[tuple[str, str], bytes] = {}
    todos: dict[tuple[str, str, str], bytes] = {}
    total = 0
    for spec in catalogue:
        lang = spec.default_lang  # type: ignore[attr-defined]
        calendar = icalendar.Calendar()
        calendar.add("prodid", "-//bench//bench//FI")
        calendar.add("version", "2.0")
        calendar.add("name", renderer.feed_name(spec, lang))  # type: ignore[arg-type]
        parts = [bytes(calendar.to_ical())[: -len(b"END:VCALENDAR\r\n")]]
        for occurrence in renderer.candidates(spec):  # type: ignore[arg-type]
            if not spec.selects(occurrence):  # type: ignore[attr-defined]
                continue
            key = (occurrence.id, lang)
            if key not in events:
                data = renderer.event_data(occurrence, lang)
                event = icalendar.Event()
                event.add("uid", data.uid)
                event.add("dtstamp", data.stamp)
                event.add("dtstart", data.day)
                event.add("dtend", data.day + timedelta(days=1))
                event.add("summary", data.summary, parameters={"LANGUAGE": lang})
                event.add("description", data.description, parameters={"LANGUAGE": lang})
                event.add("url", data.url, parameters={"VALUE": "URI"})
                event.add("categories", list(data.categories))
                event.add("sequence", data.sequence)
                event.add("status", "CONFIRMED")
                event.add("transp", "TRANSPARENT")
                for moment in data.alarms:
                    alarm = icalendar.Alarm()
                    alarm.add("uid", f"{data.uid}-alarm-{moment:%Y%m%d}")
                    alarm.add("action", "DISPLAY")
                    alarm.add("description", data.summary)
                    alarm.add("trigger", moment, parameters={"VALUE": "DATE-TIME"})
                    event.add_component(alarm)
                events[key] = bytes(event.to_ical())
            parts.append(events[key])
            for step in occurrence.steps:
                if not spec.takes_step(occurrence, step):  # type: ignore[attr-defined]
                    continue
                step_key = (occurrence.id, step.step, lang)
                if step_key not in todos:
                    todo_data = renderer.todo_data(occurrence, step, lang)
                    todo = icalendar.Todo()
                    todo.add("uid", todo_data.uid)
                    todo.add("dtstamp", todo_data.stamp)
                    todo.add("due", todo_data.due)
                    todo.add("summary", todo_data.summary, parameters={"LANGUAGE": lang})
                    todo.add("description", todo_data.description,
                             parameters={"LANGUAGE": lang})
                    todo.add("status", todo_data.status)
                    todo.add("percent-complete", todo_data.percent)
                    todo.add("related-to", todo_data.related_to,
                             parameters={"RELTYPE": "PARENT"})
                    todo.add("categories", list(todo_data.categories))
                    todo.add("sequence", todo_data.sequence)
                    todos[step_key] = bytes(todo.to_ical())
                parts.append(todos[step_key])
        parts.append(b"END:VCALENDAR\r\n")
        total += len(b"".join(parts))
    return total


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait(url: str) -> None:
    for _ in range(600):
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not come up")


def _wrk(url: str, header: str | None = None) -> float:
    command = ["wrk", "-t2", "-c32", "-d8s", "--latency", url]
    if header:
        command[1:1] = ["-H", header]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    codes = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if match is None or codes is not None:
        raise SystemExit(f"wrk failed or saw errors:\n{out}")
    return float(match.group(1))


def _load() -> str:
    """The one-minute load average: the machine is shared, and the figures say with what."""
    return f"{os.getloadavg()[0]:.2f}"


def http_bench() -> None:
    if not (shutil.which("wrk") and shutil.which("nginx")):
        print("http: skipped (install the Debian packages wrk and nginx-light)")
        return
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        port, nginx_port = _port(), _port()
        env = {**os.environ, "YHDYSPINTA_DATABASE_URL": f"sqlite:///{folder / 'b.db'}",
               "YHDYSPINTA_PUBLIC_URL": f"http://127.0.0.1:{port}", "YHDYSPINTA_LANG": "en"}
        out = subprocess.run([str(BIN / "yhdyspinta"), "subscribers", "add", "bench", "--feed",
                              "pair-564"], env=env, capture_output=True, text=True,
                             check=True).stdout
        url = re.search(r"(http://\S+/pair-564\.ics)", out).group(1)  # type: ignore[union-attr]
        server = subprocess.Popen([str(BIN / "yhdyspinta"), "serve", "--port", str(port),
                                   "--poll", "60", "--today", "2026-11-28"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        nginx = None
        try:
            _wait(f"http://127.0.0.1:{port}/healthz")
            with urllib.request.urlopen(url) as response:
                body, etag = response.read(), response.headers["ETag"]
            folder.chmod(0o755)  # nginx's worker runs as an unprivileged user
            (folder / "www").mkdir(mode=0o755)
            (folder / "www" / "pair-564.ics").write_bytes(body)
            (folder / "nginx.conf").write_text(f"""
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  types {{ text/calendar ics; }}
  server {{
    listen 127.0.0.1:{nginx_port};
    root {folder}/www;
    etag on;
  }}
}}
""", encoding="utf-8")
            nginx = subprocess.Popen(["nginx", "-c", str(folder / "nginx.conf"), "-p",
                                      str(folder)], stderr=subprocess.DEVNULL)
            static = f"http://127.0.0.1:{nginx_port}/pair-564.ics"
            _wait(static)
            with urllib.request.urlopen(static) as response:
                nginx_etag = response.headers["ETag"]
            # Interleaved rounds; each round's ratios compare measurements taken side by
            # side, and the median of them is reported: this machine's neighbours make
            # single runs vary by a factor of two.
            print(f"http: pair-564 feed, {len(body) / 1000:.0f} kB, wrk -t2 -c32 -d8s on "
                  "127.0.0.1, one server process each, yhdyspinta / nginx", flush=True)
            rounds = []
            for number in range(1, ROUNDS + 1):
                load = _load()
                ours_full, nginx_full = _wrk(url), _wrk(static)
                ours_304 = _wrk(url, f"If-None-Match: {etag}")
                nginx_304 = _wrk(static, f"If-None-Match: {nginx_etag}")
                rounds.append((ours_full / nginx_full, ours_304 / nginx_304))
                print(f"  round {number} (load {load}): full GET {ours_full:6.0f} / "
                      f"{nginx_full:6.0f} = {rounds[-1][0]:.2f}   304 {ours_304:6.0f} / "
                      f"{nginx_304:6.0f} = {rounds[-1][1]:.2f}", flush=True)
        finally:
            server.terminate()
            server.wait(timeout=30)
            if nginx is not None:
                nginx.terminate()
                nginx.wait(timeout=30)
    print(f"  median of {ROUNDS} interleaved rounds (load now {_load()})")
    print(f"  full GET  ratio {statistics.median(r[0] for r in rounds):.2f} (target >= 0.4)")
    print(f"  304       ratio {statistics.median(r[1] for r in rounds):.2f} (target >= 0.5)")


if __name__ == "__main__":
    if "--http-only" not in sys.argv:
        render_bench()
    if "--render-only" not in sys.argv:
        http_bench()
