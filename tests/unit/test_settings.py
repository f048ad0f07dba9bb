"""Every setting is checked once, at start: one line naming it, no secret, exit 1."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from yhdyspinta.cli import main

SECRET = "s3cret-pw"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def _invalid(name: str, reason: str) -> str:
    return f"yhdyspinta: error: invalid setting {name}: {reason}"


NOT_A_DATABASE_URL = ("not a database URL such as sqlite:///var/yhdyspinta.db or "
                      "postgresql+psycopg://user:password@host/db")


@pytest.mark.parametrize(("name", "value", "reason"), [
    pytest.param("DATABASE_URL", f"not a url with {SECRET}", NOT_A_DATABASE_URL,
                 id="malformed-url"),
    pytest.param("DATABASE_URL", f"postgresql+psycopg://u:{SECRET}@db:abc/x",
                 NOT_A_DATABASE_URL, id="port-not-a-number"),
    pytest.param("DATABASE_URL", f"mysql+pymysql://u:{SECRET}@db/x",
                 "the database driver 'pymysql' is not installed", id="no-driver"),
    pytest.param("DATABASE_URL", f"oracle2://u:{SECRET}@db/x", "unknown database 'oracle2'",
                 id="unknown-dialect"),
    pytest.param("FEED_FUTURE_DAYS", "99999999999", "must be at most 3660", id="huge-future"),
    pytest.param("FEED_PAST_DAYS", "1e400", "not a whole number", id="past-1e400"),
    pytest.param("FEED_PAST_DAYS", "-1", "must be at least 0", id="past-negative"),
    pytest.param("KEEP_CANCELLED_DAYS", "10000000", "must be at most 3660", id="keep-cancelled"),
    pytest.param("POLL_SECONDS", "nan", "not a finite number", id="poll-nan"),
    pytest.param("POLL_SECONDS", "-0.5", "must be at least 0", id="poll-negative"),
    pytest.param("POLL_SECONDS", "86400", "must be at most 3600", id="poll-day"),
    pytest.param("NOTIFY_RETRY_SECONDS", "inf", "not a finite number", id="retry-inf"),
    pytest.param("REGISTRY_YEAR", "20260", "must be at most 2100", id="year"),
    pytest.param("TODAY", "9999-12-31", "must lie between 2000-01-01 and 2199-12-31",
                 id="today-far"),
    pytest.param("TODAY", "tomorrow", "not a date (YYYY-MM-DD)", id="today-word"),
    pytest.param("PUBLIC_URL", "javascript:alert(1)", "only http:// or https:// addresses",
                 id="public-url-scheme"),
    pytest.param("PUBLIC_URL", f"https://u:{SECRET}@hyte.example.fi:80a/",
                 "not a valid http(s) address", id="public-url-port"),
    pytest.param("STATUS_PAGE_URL", f"ftp://u:{SECRET}@h/{{party}}",
                 "only http:// or https:// addresses", id="status-page-scheme"),
])
def test_bad_setting_is_one_line_without_its_value(monkeypatch, name, value, reason):
    monkeypatch.setenv(f"YHDYSPINTA_{name}", value)
    code, out, err = run("plan", "--lang", "en")
    assert (code, out) == (1, "")
    assert err.splitlines() == [_invalid(f"YHDYSPINTA_{name}", reason)]
    assert SECRET not in err



def test_data_dir_that_is_a_file(monkeypatch, tmp_path):
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    monkeypatch.setenv("YHDYSPINTA_DATA_DIR", str(tmp_path / "a-file" / "below"))
    code, _, err = run("status", "--lang", "en")
    assert (code, err.splitlines()) == (1, [_invalid(
        "YHDYSPINTA_DATA_DIR", f"{tmp_path / 'a-file'} is not a folder")])


def test_sqlite_file_under_a_file(monkeypatch, tmp_path):
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    monkeypatch.setenv("YHDYSPINTA_DATABASE_URL", f"sqlite:///{tmp_path}/a-file/store.db")
    code, _, err = run("status", "--lang", "en")
    assert (code, err.splitlines()) == (1, [_invalid(
        "YHDYSPINTA_DATABASE_URL", f"{tmp_path / 'a-file'} is not a folder")])


def test_every_bad_setting_is_named_in_the_readers_language(monkeypatch):
    monkeypatch.setenv("YHDYSPINTA_FEED_FUTURE_DAYS", "ten")
    monkeypatch.setenv("YHDYSPINTA_DATABASE_URL", "mysql+pymysql://u:p@h/x")
    code, _, err = run("plan", "--lang", "fi")
    assert code == 1
    assert err.splitlines() == [
        "yhdyspinta: virhe: virheellinen asetus YHDYSPINTA_DATABASE_URL: tietokanta-ajuria "
        "'pymysql' ei ole asennettu",
        "yhdyspinta: virhe: virheellinen asetus YHDYSPINTA_FEED_FUTURE_DAYS: ei ole "
        "kokonaisluku",
    ]


def test_good_limits_are_accepted(monkeypatch):
    monkeypatch.setenv("YHDYSPINTA_FEED_FUTURE_DAYS", "3660")
    monkeypatch.setenv("YHDYSPINTA_FEED_PAST_DAYS", "0")
    monkeypatch.setenv("YHDYSPINTA_PUBLIC_URL", "https://hyte.example.fi:8443/")
    code, _, err = run("validate", "--lang", "en")
    assert (code, err) == (0, "")


def test_console_script_bad_settings_no_traceback(tmp_path):
    exe = Path(sys.executable).parent / "yhdyspinta"
    env = {"PATH": "/usr/bin:/bin", "YHDYSPINTA_DATA_DIR": str(tmp_path),
           "YHDYSPINTA_DATABASE_URL": f"mssql+pyodbc://sa:{SECRET}@db/x"}
    result = subprocess.run([str(exe), "status", "--lang", "sv"], capture_output=True,
                            text=True, check=False, env=env)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "yhdyspinta: fel: ogiltig inställning YHDYSPINTA_DATABASE_URL: databasdrivrutinen "
        "'pyodbc' är inte installerad"]
    assert SECRET not in result.stderr + result.stdout


@pytest.mark.parametrize(("argv", "message"), [
    pytest.param(("plan", "--today", "9999-12-31"),
                 "argument --today: the day '9999-12-31' is not between 2000-01-01 and "
                 "2199-12-31", id="plan-today-far"),
    pytest.param(("status", "--today", "1999-12-31"),
                 "argument --today: the day '1999-12-31' is not between 2000-01-01 and "
                 "2199-12-31", id="status-today-early"),
    pytest.param(("remind", "--today", "0001-01-01"),
                 "argument --today: the day '0001-01-01' is not between 2000-01-01 and "
                 "2199-12-31", id="remind-today-first"),
    pytest.param(("serve", "--poll", "-5"),
                 "argument --poll: '-5' is not a number of seconds (0 to 3600)",
                 id="poll-negative"),
    pytest.param(("serve", "--poll", "nan"),
                 "argument --poll: 'nan' is not a number of seconds (0 to 3600)",
                 id="poll-nan"),
    pytest.param(("serve", "--poll", "3601"),
                 "argument --poll: '3601' is not a number of seconds (0 to 3600)",
                 id="poll-over-an-hour"),
])
def test_out_of_range_arguments_are_usage_errors(capsys, argv, message):
    with pytest.raises(SystemExit) as caught:
        main([*argv, "--lang", "en"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1].endswith(message)
    assert "Traceback" not in err


def test_latest_today_plans_cleanly():
    code, out, err = run("plan", "--today", "2199-12-31", "--lang", "en")
    assert (code, out) == (1, "")
    assert err == "yhdyspinta: error: cannot plan: plans reach at most to 2199-12-31\n"
