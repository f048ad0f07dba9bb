"""The test tables in tests/data/: a bad row fails collection naming its file and line."""

from __future__ import annotations

import pytest

from obligations.schema import Shift
from tests import tables
from tests.tables import TableError, csv_table, yaml_records


@pytest.fixture
def data(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "DATA", tmp_path)
    return tmp_path


def test_rows_become_cases_with_their_ids_and_converted_values(data):
    (data / "t.csv").write_text("# why\nid,shift,days,note\nfirst,none,3,\n", encoding="utf-8")
    columns, cases = csv_table("t.csv", ("shift", "days", "note"), {"shift": Shift, "days": int})
    assert columns == ("shift", "days", "note")
    assert [(c.id, c.values) for c in cases] == [("first", (Shift.NONE, 3, None))]


@pytest.mark.parametrize(("text", "columns", "error"), [
    ("id,a\nx,1,2\n", ("a",), "t.csv:2: 3 values, the header has 2"),
    ("id,a\n# a comment keeps the line count\nx,soon\n", ("a",),
     "t.csv:3: a: invalid literal for int() with base 10: 'soon'"),
    ("id,a\nx,1\n", ("b",), "t.csv:1: no column b"),
])
def test_a_bad_row_names_file_line_and_column(data, text, columns, error):
    (data / "t.csv").write_text(text, encoding="utf-8")
    with pytest.raises(TableError) as caught:
        csv_table("t.csv", columns, {"a": int})
    assert str(caught.value) == f"{data}/{error}"


def test_a_yaml_case_without_its_keys_is_named(data):
    (data / "t.yaml").write_text("- id: a\n  text: x\n", encoding="utf-8")
    with pytest.raises(TableError, match=r"t\.yaml: case 1: needs the keys id, text, problems"):
        yaml_records("t.yaml", ("text", "problems"))
