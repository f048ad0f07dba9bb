"""The store through the command line: the coordinator's path from sync to audit."""

from __future__ import annotations

import io
import json

import pytest

from yhdyspinta.cli import main

OCCURRENCE = "hyte-annual-report-municipality.m205.2026"


@pytest.fixture
def cli(database_url, monkeypatch):
    monkeypatch.setenv("YHDYSPINTA_DATABASE_URL", database_url)

    def run(*argv: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        code = main([*argv, "--lang", "en"], out=out, err=err)
        return code, out.getvalue(), err.getvalue()

    return run


def test_mark_the_annual_report_approved_with_minutes(cli):
    code, out, err = cli("sync", "--today", "2026-11-28", "--obligation",
                         "hyte-annual-report-municipality")
    assert (code, err) == (0, "")
    assert out == "new 2336, changed 0, cancelled 0, unchanged 0\n"  # 292 × 2026–2033
    for step in ("data-compiled", "responsible-body", "board"):
        assert cli("step", "set", OCCURRENCE, step, "done", "--by", "Coordinator")[0] == 0
    code, out, err = cli("step", "set", OCCURRENCE, "council", "done",
                         "--evidence", "https://www.kajaani.fi/poytakirjat/kv-16-11-2026",
                         "--decided-by", "Kajaanin kaupunginvaltuusto",
                         "--decided-on", "2026-11-16", "--section", "87", "--by", "Maija")
    assert (code, out, err) == (0, f"{OCCURRENCE} / council: not started → done\n", "")
    code, out, _ = cli("status", "--municipality", "205", "--obligation",
                       "hyte-annual-report-municipality", "--today", "2026-11-28",
                       "--format", "json")
    record = next(r for r in json.loads(out) if r["id"] == OCCURRENCE)
    assert [(s["step"], s["status"]) for s in record["steps"]] == [
        ("data-compiled", "done"), ("responsible-body", "done"), ("board", "done"),
        ("council", "done"), ("published", "not_started")]
    assert (record["steps_done"], record["next_step"], record["days_late"]) == (4, "published", 0)
    code, out, _ = cli("audit", OCCURRENCE, "--format", "json")
    entries = json.loads(out)
    assert [(e["step"], e["action"], e["actor"]) for e in entries][-2:] == [
        ("council", "status", "Maija"), ("council", "evidence", "Maija")]
    assert "kv-16-11-2026" in entries[-1]["new"]


def test_overdue_first_with_days_late(cli):
    cli("sync", "--today", "2026-11-28", "--obligation", "municipal-financial-statements")
    code, out, _ = cli("status", "--region", "20", "--overdue", "--today", "2026-11-28",
                       "--format", "csv")
    lines = out.splitlines()
    assert code == 0
    assert lines[0] == ("id,name,party_name,due_effective,legal_limit,days_late,"
                        "days_past_limit,steps_done,steps_total,next_step,tracked,tracked_from")
    # The 2024 statements (board by 31.3.2025) are still overdue: older than a year, they
    # stay in view, most late first; then the 2025 ones (board by 31.3.2026). The law sets
    # those dates, so the target is the legal limit and days late are days past it.
    rows = [line.split(",") for line in lines[1:]]
    assert [row[5] for row in rows] == ["607"] * 8 + ["242"] * 8
    assert [row[6] for row in rows] == [row[5] for row in rows]
    assert [row[4] for row in rows] == ["2025-06-30"] * 8 + ["2026-06-30"] * 8
    assert {(row[10], row[11]) for row in rows} == {("true", "")}  # Kainuu sets no day


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(("step", "set", "nope", "council", "done", "--by", "x"),
                     "no occurrence 'nope' in the store", id="unknown-occurrence"),
        pytest.param(("audit", "nope"), "no occurrence 'nope' in the store", id="audit-unknown"),
        pytest.param(("step", "set", OCCURRENCE, "council", "waived", "--by", "x"),
                     "waiving a step needs a reason (--note TEXT)", id="waive-without-reason"),
    ],
)
def test_store_errors_are_one_line(cli, argv, message):
    cli("sync", "--today", "2026-11-28", "--obligation", "hyte-annual-report-municipality")
    code, out, err = cli(*argv)
    assert (code, out) == (1, "")
    assert err.count("\n") == 1
    assert message in err


def test_unreachable_database_is_one_line_without_the_password(monkeypatch):
    monkeypatch.setenv("YHDYSPINTA_DATABASE_URL",
                       "postgresql+psycopg://someone:s3cret-pw@127.0.0.1:1/none")
    out, err = io.StringIO(), io.StringIO()
    code = main(["status", "--lang", "en"], out=out, err=err)
    assert code == 1
    assert err.getvalue().startswith("yhdyspinta: error: cannot use the database "
                                     "postgresql+psycopg://someone:***@127.0.0.1:1/none: ")
    assert "s3cret" not in err.getvalue()
    assert err.getvalue().count("\n") == 1


def test_bad_contacts_file_imports_nothing(cli, tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text("party,role,name,email,teams,language,delivery\n"
                    "564,coordinator,Anna,anna@ouka.fi,,fi,digest\n"
                    "564,coordinator,Bad,bad-address,,fi,digest\n", encoding="utf-8")
    code, _, err = cli("contacts", "import", str(path))
    assert code == 1
    assert err.splitlines() == [
        f"yhdyspinta: error: {path}:3: email: 'bad-address' is not an email address",
        "yhdyspinta: error: 1 problem; nothing was used.",
    ]
    code, out, _ = cli("contacts", "list")
    assert (code, len(out.splitlines())) == (0, 2)  # header and rule only


@pytest.mark.parametrize(("env", "argv", "expected"), [
    ({"YHDYSPINTA_PUBLIC_FEEDS": "pair-205"}, ["plan"],
     "yhdyspinta: error: invalid setting YHDYSPINTA_PUBLIC_FEEDS: not valid: give a JSON "
     "list, e.g. [\"pair-205\", \"region-20\"]"),
    ({}, ["calendars", "export", "/proc/no-such-folder"],
     "yhdyspinta: error: /proc/no-such-folder: No such file or directory"),
    ({"YHDYSPINTA_DATA_DIR": "/proc/no-such-folder"}, ["nightly"],
     "yhdyspinta: error: /proc/no-such-folder: No such file or directory"),
])
def test_bad_settings_and_paths_are_one_line(cli, monkeypatch, env, argv, expected):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code, _, err = cli(*argv)
    assert code == 1
    assert err.splitlines() == [expected]


def test_serve_on_a_taken_port_is_one_line(cli):
    import socket

    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        code, _, err = cli("serve", "--port", str(port))
    assert code == 1
    assert err.splitlines() == [f"yhdyspinta: error: cannot listen on 127.0.0.1:{port}: "
                                "Address already in use"]
