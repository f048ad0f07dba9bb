"""The `yhdyspinta` command: outputs, exit codes, one clear line per error."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from yhdyspinta.cli import main

BROKEN = Path(__file__).parent / "broken_definitions"
CONFIG = Path(__file__).parents[1] / "fixtures" / "config"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_validate_shipped():
    assert run("validate", "--lang", "en") == (
        0, "17 definitions and 0 configuration files are valid.\n", "")


def test_validate_with_configuration():
    code, out, _ = run("--config", str(CONFIG), "validate", "--lang", "sv")
    assert (code, out) == (0, "17 definitioner och 1 inställningsfil är giltiga.\n")


def test_validate_broken_folder_lists_every_problem(tmp_path):
    for defect in ("unknown-field", "bad-role"):
        shutil.copy(BROKEN / f"{defect}.yaml", tmp_path)
    code, out, err = run("validate", str(tmp_path), "--lang", "en")
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"{tmp_path}/bad-role.yaml:27: steps[1].role: Input should be 'preparer', "
        "'coordinator', 'responsible_body', 'multisector_group', 'board', 'council', 'auditor', "
        "'audit_committee', 'finance_office', 'council_secretary', 'communications', "
        "'top_management', 'elected_leadership' or 'experts'",
        f"{tmp_path}/unknown-field.yaml:14: cadense: unknown field; did you mean 'cadence'?",
        "2 problems; nothing was used.",
    ]


def test_validate_missing_folder(tmp_path):
    code, _, err = run("validate", str(tmp_path / "nowhere"), "--lang", "fi")
    assert code == 1
    assert err.splitlines() == [f"{tmp_path / 'nowhere'}: (file): is not a folder",
                                "1 virhe; mitään ei otettu käyttöön."]


def test_plan_json_shape():
    code, out, err = run("plan", "--from", "2029-01-01", "--to", "2029-12-31",
                         "--municipality", "564", "--obligation", "municipal-financial-statements",
                         "--format", "json", "--lang", "en")
    assert (code, err) == (0, "")
    records = json.loads(out)
    assert [r["id"] for r in records] == ["municipal-financial-statements.m564.2028"]
    record = records[0]
    assert {k: record[k] for k in ("obligation", "municipality", "region", "term_year", "due",
                                   "due_effective", "shift_reason")} == {
        "obligation": "municipal-financial-statements", "municipality": "564", "region": "19",
        "term_year": 1, "due": "2029-06-30", "due_effective": "2029-06-29",
        "shift_reason": "30.6.2029 is a Saturday; the last day is the working day before, "
                        "Friday 29.6.2029",
    }
    assert {k: record[k] for k in ("due_source", "due_kind", "due_verification",
                                   "legal_limit")} == {
        "due_source": "statute", "due_kind": "internal_decision",
        "due_verification": "statute_text", "legal_limit": "2029-06-30"}
    first = record["steps"][0]
    assert {k: first[k] for k in ("step", "role", "due", "due_effective", "legal_limit")} == {
        "step": "board-signs", "role": "board", "due": "2029-03-31",
        "due_effective": "2029-03-29", "legal_limit": "2029-03-31"}


def test_plan_json_tax_rates_filing_moves_to_monday():
    """17.11.2029 is a Saturday: the filing with the Tax Administration is due Monday."""
    code, out, _ = run("plan", "--from", "2029-12-31", "--to", "2029-12-31",
                       "--municipality", "564", "--obligation", "municipal-budget",
                       "--format", "json", "--lang", "en")
    assert code == 0
    steps = {s["step"]: s for s in json.loads(out)[0]["steps"]}
    filing = steps["tax-rates-notified"]
    assert {k: filing[k] for k in ("due", "due_effective", "due_kind", "legal_limit")} == {
        "due": "2029-11-17", "due_effective": "2029-11-19", "due_kind": "authority_filing",
        "legal_limit": "2029-11-19"}
    assert filing["shift_reason"] == (
        "17.11.2029 is a Saturday and 18.11.2029 a Sunday; under Act 150/1930 §5 the last day "
        "is the next working day, Monday 19.11.2029")
    assert steps["tax-rates"]["due_effective"] == "2029-11-16"


def test_plan_json_in_swedish():
    _, out, _ = run("plan", "--from", "2029-01-01", "--to", "2029-12-31", "--municipality",
                    "905", "--obligation", "municipal-financial-statements", "--format", "json",
                    "--lang", "sv")
    record = json.loads(out)[0]
    assert record["party_name"] == "Vasa"
    assert record["steps"][0]["role_name"] == "kommunstyrelsen"
    assert record["shift_reason"] == ("30.6.2029 är en lördag; sista dagen är föregående "
                                      "vardag, fredag 29.6.2029")


def test_plan_csv():
    _, out, _ = run("plan", "--from", "2026-01-01", "--to", "2026-12-31", "--region", "20",
                    "--format", "csv", "--lang", "fi")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows
    assert {r["region"] for r in rows} == {"20"}
    assert rows[0].keys() >= {"id", "due", "due_effective", "term_year"}


def test_plan_summary_default_window_is_the_current_term():
    code, out, _ = run("plan", "--format", "summary", "--today", "2026-11-28", "--lang", "en")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Yhdyspinta – obligations 1.6.2025–31.5.2029"
    assert lines[1] == ("Registry 2026: 292 municipalities, 21 counties and the City of "
                        "Helsinki.")
    assert "Next statutory or target dates from 28.11.2026:" in lines


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(("plan", "--region", "99"), "yhdyspinta: error: unknown county code '99'",
                     id="unknown-region"),
        pytest.param(("plan", "--municipality", "588"),
                     "yhdyspinta: error: unknown municipality code '588'",
                     id="merged-municipality"),
        pytest.param(("plan", "--from", "2022-01-01", "--to", "2022-12-31"),
                     "yhdyspinta: error: cannot plan: planning starts at 2023-01-01, when the "
                     "counties took over; 2022-01-01 is earlier", id="before-reform"),
        pytest.param(("plan", "--from", "2027-01-01", "--to", "2026-01-01"),
                     "yhdyspinta: error: cannot plan: the window starts (2027-01-01) after it "
                     "ends (2026-01-01)", id="reversed"),
    ],
)
def test_plan_errors_are_one_line(argv, message):
    code, out, err = run(*argv, "--lang", "en")
    assert (code, out, err) == (1, "", message + "\n")


def test_unknown_obligation_names_the_known_ones():
    code, _, err = run("plan", "--obligation", "budget", "--lang", "en")
    assert code == 1
    assert err.startswith("yhdyspinta: error: unknown obligation 'budget'; known: "
                          "child-youth-welfare-plan, ")


def test_malformed_date_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["plan", "--from", "2026-13-01", "--lang", "en"])
    assert caught.value.code == 2
    assert "invalid date '2026-13-01' (expected YYYY-MM-DD)" in capsys.readouterr().err


def test_bad_setting_from_environment(monkeypatch):
    monkeypatch.setenv("YHDYSPINTA_REGISTRY_YEAR", "last-year")
    code, _, err = run("parties", "--lang", "en")
    assert code == 1
    assert err.startswith("yhdyspinta: error: invalid setting YHDYSPINTA_REGISTRY_YEAR: ")


def test_parties_json():
    _, out, _ = run("parties", "--format", "json")
    payload = json.loads(out)
    assert payload["year"] == 2026
    assert len(payload["municipalities"]) == 292
    helsinki = next(r for r in payload["regions"] if r["code"] == "90")
    assert (helsinki["organiser_type"], helsinki["municipalities"]) == ("city_of_helsinki",
                                                                       ["091"])


def test_parties_table_in_finnish():
    _, out, _ = run("parties", "--lang", "fi")
    assert out.splitlines()[0].split() == ["koodi", "nimi", "järjestäjä", "kielisuhde"]
    assert any(line.split()[:2] == ["205", "Kajaani"] for line in out.splitlines())


HEAVY = ("pydantic", "holidays", "yaml", "calendars.schedule", "sqlalchemy", "sqlmodel",
         "prefect", "jinja2", "apprise", "starlette", "granian", "app.planning")
"""What `--help` must not import: each of these takes tens to hundreds of milliseconds."""


def test_help_does_not_import_the_heavy_modules():
    """--help stays instant: not for the program, nor for any command or action."""
    script = (
        "import sys, contextlib, io\n"
        "from yhdyspinta.cli import build_parser, main\n"
        "import argparse\n"
        "def paths(parser, prefix):\n"
        "    for action in parser._actions:\n"
        "        if isinstance(action, argparse._SubParsersAction):\n"
        "            for name, sub in action.choices.items():\n"
        "                yield from paths(sub, [*prefix, name])\n"
        "            return\n"
        "    yield prefix\n"
        "commands = [[]] + list(paths(build_parser('en'), []))\n"
        "for command in commands:\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        "        try:\n"
        "            main([*command, '--help'])\n"
        "        except SystemExit:\n"
        "            pass\n"
        f"heavy = sorted(m for m in {HEAVY!r} if m in sys.modules)\n"
        "print(len(commands), ','.join(heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True)
    counted, _, heavy = result.stdout.strip().partition(" ")
    assert int(counted) > 25  # every command and action was asked for its help
    assert heavy == ""


def test_the_help_check_sees_a_heavy_import():
    """The check above can fail: a program that imports SQLAlchemy is caught by it."""
    script = ("import sys\nimport sqlalchemy\n"
              f"print(','.join(sorted(m for m in {HEAVY!r} if m in sys.modules)))\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "sqlalchemy"


def test_console_script_exit_code_and_no_traceback(tmp_path):
    shutil.copy(BROKEN / "yaml-syntax-error.yaml", tmp_path)
    exe = Path(sys.executable).parent / "yhdyspinta"
    result = subprocess.run([str(exe), "validate", str(tmp_path), "--lang", "en"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == (
        f"{tmp_path}/yaml-syntax-error.yaml:14: (file): YAML syntax error: did not find "
        "expected ',' or ']'")


def test_every_command_is_documented_in_the_readme():
    import argparse

    from yhdyspinta.cli import build_parser

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")

    def commands(parser: argparse.ArgumentParser, prefix: str):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, subparser in action.choices.items():
                    yield from commands(subparser, f"{prefix} {name}")
                return
        yield prefix, parser

    found = list(commands(build_parser("en"), "yhdyspinta"))
    assert len(found) >= 10
    for command, parser in found:
        assert command in readme, command
        for action in parser._actions:
            for option in action.option_strings:
                if option.startswith("--") and option != "--help":
                    assert option in readme, f"{command} {option}"


def test_serve_runs_on_uvloop_where_granian_can_build_it():
    """uvloop is a dependency (granian[uvloop]); `serve` names it, not Granian's `auto`."""
    from granian import loops
    from granian.constants import Loops

    from yhdyspinta.cli.serve import event_loop

    assert "uvloop" in loops
    assert event_loop(loops.keys()) is Loops.uvloop
    assert event_loop({"asyncio", "auto", "rloop"}) is Loops.asyncio
