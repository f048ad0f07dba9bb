"""The distributed setup end to end: a real `prefect server` (its database on PostgreSQL), a
process worker, the deployments from prefect.yaml, the status store on PostgreSQL.

Triggers one obligation's deployment and the nightly one, then checks the store, the feeds
and the artifacts. Every part is a separate process, as on separate hosts.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine.url import make_url

from tests.receivers import free_port

ROOT = Path(__file__).parents[2]
BIN = Path(sys.executable).parent


def _database(server_url: str, driver: str) -> str:
    name = f"e2e_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return make_url(server_url).set(database=name, drivername=driver).render_as_string(
        hide_password=False)


def _api(url: str, path: str, body: dict[str, object] | None = None) -> object:
    request = urllib.request.Request(
        f"{url}{path}", data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json"}, method="POST" if body is not None
        else "GET")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


@pytest.fixture
def prefect_server(tmp_path: Path, postgres_url: str) -> Iterator[dict[str, str]]:
    home = tmp_path / "home"
    home.mkdir()
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("PREFECT_")}
    env.update({
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_API_DATABASE_CONNECTION_URL": _database(postgres_url, "postgresql+asyncpg"),
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
        "PREFECT_UI_ENABLED": "false",
        "YHDYSPINTA_HOME": str(home),
        "YHDYSPINTA_DATABASE_URL": _database(postgres_url, "postgresql+psycopg"),
    })
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1",
                               "--port", str(port)], env=env, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                _api(env["PREFECT_API_URL"], "/health")
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "server.log").read_text()
                assert time.monotonic() < deadline, "prefect server did not start"
                time.sleep(1)
        yield env
    finally:
        _stop_group(server)
        log.close()


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    """Stop a process started in its own session, with all it started; kill it if it hangs."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def _prefect(env: dict[str, str], *args: str, cwd: Path, timeout: int = 300,
             ) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(BIN / "prefect"), *args], env=env, cwd=cwd,
                            capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def test_deploy_from_prefect_yaml_and_run_with_a_process_worker(
        prefect_server: dict[str, str], tmp_path: Path) -> None:
    env = prefect_server
    home = Path(env["YHDYSPINTA_HOME"])
    # What a worker host needs beside the installed package: the flows and prefect.yaml.
    shutil.copytree(ROOT / "flows", home / "flows",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "prefect.yaml", home / "prefect.yaml")
    _prefect(env, "work-pool", "create", "yhdyspinta-process", "--type", "process", cwd=home)
    deployed = _prefect(env, "--no-prompt", "deploy", "--all", cwd=home)
    assert "obligation-hyte-annual-report-region" in deployed.stdout + deployed.stderr

    deployments = _api(env["PREFECT_API_URL"], "/deployments/filter", {"limit": 100})
    assert isinstance(deployments, list)
    names = {d["name"] for d in deployments}
    assert "sync-obligations-nightly" in names
    assert len([n for n in names if n.startswith("obligation-")]) == 17
    by_name = {d["name"]: d for d in deployments}
    schedule = by_name["obligation-municipal-financial-statements"]["schedules"][0]["schedule"]
    assert schedule["timezone"] == "Europe/Helsinki"
    assert "BYMONTH=2,3,4,5,6,7,8" in schedule["rrule"]

    worker_log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen([str(BIN / "prefect"), "worker", "start", "--pool",
                               "yhdyspinta-process"], env=env, cwd=home, stdout=worker_log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    try:
        # The nightly export replaces the feed folder whole; the obligation's run then
        # refreshes its own feed in it.
        _prefect(env, "deployment", "run", "sync_obligations/sync-obligations-nightly",
                 "--param", "today=\"2026-11-28\"", "--param", "feeds_region=\"20\"",
                 "--watch", "--watch-timeout", "600", cwd=home, timeout=660)
        _prefect(env, "deployment", "run",
                 "run_obligation/obligation-hyte-annual-report-region",
                 "--param", "today=\"2026-12-01\"", "--watch", "--watch-timeout", "600",
                 cwd=home, timeout=660)
    finally:
        _stop_group(worker)
        worker_log.close()

    # The deployments' own schedules add runs of their own (how many, and whether one falls
    # due while the test runs, depends on the day and hour): only the two triggered count.
    runs = _api(env["PREFECT_API_URL"], "/flow_runs/filter", {
        "limit": 200, "flow_runs": {"state": {"type": {"not_any_": ["SCHEDULED"]}}}})
    assert isinstance(runs, list)
    states = {run["name"]: run["state"]["type"] for run in runs if not run["auto_scheduled"]}
    assert states.get("hyte-annual-report-region 2026") == "COMPLETED", states
    assert list(states.values()).count("COMPLETED") == 2, states

    artifacts = _api(env["PREFECT_API_URL"], "/artifacts/filter", {"limit": 100})
    assert isinstance(artifacts, list)
    keys = {a["key"] for a in artifacts}
    assert "hyte-annual-report-region-overdue" in keys
    assert "hyte-annual-report-region-status-19" in keys

    engine = sa.create_engine(env["YHDYSPINTA_DATABASE_URL"])
    with engine.connect() as connection:
        count = connection.execute(sa.text("SELECT count(*) FROM occurrence")).scalar_one()
    engine.dispose()
    assert count == 10312  # the nightly run planned the whole country
    feeds = home / "var" / "export" / "feeds"
    assert (feeds / "obligation-hyte-annual-report-region.ics").exists()
    assert (feeds / "pair-205.ics").exists()
    assert (feeds / "index.html").exists()
