"""A real sync client subscribes to a served feed: vdirsyncer (http → folder), then khal.

The feed is served by `yhdyspinta serve` on 127.0.0.1 behind a capability URL; a duty that
leaves the plan must reach the client as cancelled.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.integration.test_feed_server import _free_port, _wait_for

BIN = Path(sys.executable).parent
EXE = str(BIN / "yhdyspinta")
DEFINITIONS = Path(__file__).parents[1] / "fixtures" / "definitions"


def _run(*argv: str, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(list(argv), env=env, capture_output=True, text=True, check=False,
                            timeout=300)
    assert result.returncode == 0, f"{argv[0]} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture
def served(tmp_path: Path):
    port = _free_port()
    env = {**os.environ, "YHDYSPINTA_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}",
           "YHDYSPINTA_DEFINITIONS_DIR": str(DEFINITIONS),
           "YHDYSPINTA_LANG": "en", "YHDYSPINTA_PUBLIC_URL": f"http://127.0.0.1:{port}"}
    with (tmp_path / "serve.log").open("wb") as log:
        server = subprocess.Popen([EXE, "serve", "--port", str(port), "--poll", "0.3",
                                   "--today", "2026-11-28"], env=env, stdout=log,
                                  stderr=subprocess.STDOUT)
        try:
            _wait_for(f"http://127.0.0.1:{port}/healthz")
            yield env
        finally:
            server.terminate()
            server.wait(timeout=30)


def _configure(tmp_path: Path, url: str) -> tuple[Path, Path, Path]:
    local = tmp_path / "calendars" / "kajaani"
    local.mkdir(parents=True)
    vdirsyncer = tmp_path / "vdirsyncer.conf"
    vdirsyncer.write_text(f"""
[general]
status_path = "{tmp_path / 'status'}/"

[pair kajaani]
a = "kajaani_feed"
b = "kajaani_local"
collections = null
conflict_resolution = "a wins"

[storage kajaani_feed]
type = "http"
url = "{url}"

[storage kajaani_local]
type = "filesystem"
path = "{local}/"
fileext = ".ics"
""", encoding="utf-8")
    khal = tmp_path / "khal.conf"
    khal.write_text(f"""
[calendars]
[[kajaani]]
path = {local}/
type = calendar

[locale]
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M

[sqlite]
path = {tmp_path / 'khal.db'}
""", encoding="utf-8")
    return vdirsyncer, khal, local


def _sync(vdirsyncer: Path) -> None:
    _run(str(BIN / "vdirsyncer"), "-c", str(vdirsyncer), "discover")
    _run(str(BIN / "vdirsyncer"), "-c", str(vdirsyncer), "sync")


def _khal(khal: Path) -> list[str]:
    out = _run(str(BIN / "khal"), "-c", str(khal), "list", "--format",
               "{start-date} {title} {cancelled}", "2026-12-01", "2027-01-10")
    return [line.strip() for line in out.splitlines() if line.strip()]


def test_vdirsyncer_and_khal_follow_a_served_feed(served, tmp_path):
    env = served
    out = _run(EXE, "subscribers", "add", "Kajaani", "--feed", "pair-205", env=env)
    feed = re.search(r"(http://\S+/pair-205)\.ics", out).group(1)  # type: ignore[union-attr]
    url = f"{feed}.en.ics"
    vdirsyncer, khal, local = _configure(tmp_path, url)
    _sync(vdirsyncer)
    listed = _khal(khal)
    budget = "Municipal budget and financial plan 2027 – Kajaani"
    assert any(line.startswith("2026-12-31 ") and budget in line for line in listed), listed
    assert any("Annual wellbeing and health report to the municipal council 2026 – Kajaani"
               in line for line in listed)
    items = [p.read_text(encoding="utf-8") for p in local.glob("*.ics")]
    report = next(i for i in items
                  if "UID:hyte-annual-report-municipality.m205.2026@yhdyspinta.fi" in i)
    assert report.count("BEGIN:VALARM") == 5
    # 30 days before 31.12 is Tuesday 1.12, 09:00 in Helsinki (07:00 UTC), first the
    # primary (7 days: Thursday 24.12 is Christmas Eve, so Wednesday 23.12).
    assert "TRIGGER;VALUE=DATE-TIME:20261201T070000Z" in report
    assert report.index("TRIGGER;VALUE=DATE-TIME:20261223T070000Z") < \
        report.index("TRIGGER;VALUE=DATE-TIME:20261201T070000Z")

    # The budget leaves the plan: sync with definitions that no longer have it.
    reduced = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS, reduced)
    (reduced / "municipal-budget.yaml").unlink()
    (reduced / "region-budget.yaml").unlink()
    _run(EXE, "sync", "--definitions", str(reduced), "--today", "2026-11-28", env=env)
    time.sleep(1.5)  # the server's poll
    _sync(vdirsyncer)
    listed = _khal(khal)
    cancelled = [line for line in listed if budget in line]
    assert cancelled, listed
    assert all("CANCELLED" in line for line in cancelled)
