"""`yhdyspinta status import` (issue 14.5) on SQLite and PostgreSQL: the whole file checked
first with every problem named by line and column, a dry run that changes nothing, all or
nothing, audited with the channel `cli`."""

from __future__ import annotations

from pathlib import Path

import pytest

from state.audit import AuditEntry, audit_trail
from state.db import make_engine

REPORT = "hyte-annual-report-municipality.m205.2026"
HEADER = ("occurrence,obligation,party,period,step,status,evidence_url,decided_by,"
          "decided_on,section,note\n")


@pytest.fixture
def cli(cli):
    """The shared CLI, with the annual report synced."""
    code, _, err = cli("sync", "--today", "2026-11-28", "--obligation",
                       "hyte-annual-report-municipality")
    assert (code, err) == (0, "")
    return cli


def _audit(database_url: str) -> list[AuditEntry]:
    engine = make_engine(database_url)
    try:
        return [a for a in audit_trail(engine) if a.occurrence_id]
    finally:
        engine.dispose()


def _write(tmp_path: Path, rows: str) -> str:
    path = tmp_path / "statuses.csv"
    path.write_text("\ufeff" + HEADER + rows, encoding="utf-8")  # as Excel saves it
    return str(path)


GOOD = (f"{REPORT},,,,data-compiled,done,,,,,\n"
        ",hyte-annual-report-municipality,m205,2026,responsible-body,done,,,,,\n"
        f"{REPORT},,,,board,done,https://www.kajaani.fi/poytakirjat/kh-2026-11-23,"
        "Kajaanin kaupunginhallitus,2026-11-23,312,\n"
        ",hyte-annual-report-municipality,m564,2026,published,not_applicable,,,,,"
        "published with the budget\n")


def test_a_dry_run_shows_the_changes_and_the_import_makes_them_all(cli, tmp_path,
                                                                   database_url):
    path = _write(tmp_path, GOOD)
    code, out, err = cli("status", "import", path, "--dry-run", "--by", "Onboarding")
    assert (code, err) == (0, ""), out
    assert f"{path}:2: {REPORT} data-compiled: not_started → done" in out
    assert out.splitlines()[-1] == "Dry run: would change 4, unchanged 0. Nothing was saved."
    assert _audit(database_url) == []
    code, out, err = cli("status", "import", path, "--by", "Onboarding")
    assert (code, err) == (0, "")
    assert out.splitlines()[-1] == "Imported: changed 4, unchanged 0."
    audit = _audit(database_url)
    assert {(a.step, a.action, a.channel, a.actor) for a in audit} >= {
        ("board", "evidence", "cli", "Onboarding"), ("published", "status", "cli", "Onboarding")}
    code, out, _ = cli("status", "import", path, "--by", "Onboarding")
    assert out.splitlines()[-1] == "Imported: changed 0, unchanged 4."


def test_every_bad_value_is_named_by_line_and_column_and_nothing_is_imported(
        cli, tmp_path, database_url):
    bad = (GOOD
           + f"{REPORT},,,,nonesuch,done,,,,,\n"
           + f"{REPORT},,,,council,finished,,,,,\n"
           + f"{REPORT},,,,council,waived,,,,,\n"
           + f"{REPORT},,,,published,done,javascript:alert(1),,,,\n"
           + f"{REPORT},,,,published,done,,,31.12.2026,,\n"
           + ",hyte-annual-report-municipality,m999,2026,board,done,,,,,\n"
           + f"{REPORT},,,,board,in_progress,,,,,\n")
    path = _write(tmp_path, bad)
    code, out, err = cli("status", "import", path, "--by", "Onboarding")
    assert code == 1
    assert out == ""
    lines = [line.removeprefix("yhdyspinta: error: ") for line in err.strip().splitlines()]
    assert lines[0].startswith(f"{path}:6: step: no step 'nonesuch'")
    assert lines[1].startswith(f"{path}:7: status: 'finished' is not one of")
    assert lines[2] == f"{path}:8: note: waived needs the reason in the note"
    assert lines[3].startswith(f"{path}:9: evidence_url: ")
    assert lines[4].startswith(f"{path}:10: decided_on: '31.12.2026' is not a date")
    assert lines[5].startswith(f"{path}:11: obligation: no occurrence "
                               "'hyte-annual-report-municipality.m999.2026'")
    assert lines[6] == f"{path}:12: step: the same step as on line 4"
    assert "Traceback" not in err
    assert _audit(database_url) == []


def test_a_row_the_store_refuses_rolls_back_the_whole_file(cli, tmp_path, database_url):
    # The council cannot be done before the board: nothing of the file is kept.
    path = _write(tmp_path, f"{REPORT},,,,data-compiled,done,,,,,\n"
                            f"{REPORT},,,,council,done,,,,,\n")
    code, _, err = cli("status", "import", path, "--by", "Onboarding")
    assert code == 1
    err = err.removeprefix("yhdyspinta: error: ")
    assert err.startswith(f"{path}:3: status: step 'council' cannot be done before")
    assert _audit(database_url) == []
    bad_header = tmp_path / "header.csv"
    bad_header.write_text("occurence,step,status\n", encoding="utf-8")
    code, _, err = cli("status", "import", str(bad_header), "--by", "Onboarding")
    assert code == 1
    assert err.removeprefix("yhdyspinta: error: ").startswith(
        f"{bad_header}:1: occurence: unknown column")
    code, _, err = cli("status", "import", str(bad_header))
    assert code == 1
    assert err.strip().removeprefix("yhdyspinta: error: ") == (
        "usage: yhdyspinta status import FILE.csv [--dry-run] --by NAME")
