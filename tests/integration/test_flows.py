"""The nightly flow, run by Prefect (a temporary local API from prefect_test_harness)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from state.db import make_engine


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    # Before Prefect is imported: its settings are read then. No telemetry, own home.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_HOME", str(tmp_path_factory.mktemp("prefect-home")))
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def test_nightly_flow_syncs_and_exports_and_a_rerun_changes_nothing(
    prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.sync_obligations import sync_obligations

    url = f"sqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setenv("YHDYSPINTA_DATABASE_URL", url)
    first = sync_obligations(today=date(2026, 11, 28), feeds_dir=str(tmp_path / "out"),
                             feeds_region="20")
    assert first["sync"]["new"] == 10310
    assert first["feeds"]["feeds"] == 116
    feed = (tmp_path / "out" / "feeds" / "pair-205.ics").read_text(encoding="utf-8")
    assert "UID:hyte-annual-report-municipality.m205.2026@yhdyspinta.fi" in feed
    second = sync_obligations(today=date(2026, 11, 28), feeds_dir=str(tmp_path / "out"),
                              feeds_region="20")
    assert second["sync"] == {"new": 0, "changed": 0, "cancelled": 0, "unchanged": 10310}
    assert (tmp_path / "out" / "feeds" / "pair-205.ics").read_text(encoding="utf-8") == feed
    engine = make_engine(url)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM occurrence")).scalar_one() \
            == 10310
    engine.dispose()
