"""Test tables kept as data in tests/data/: one case a row, read into `pytest.param`s.

A table of dates and ids reads better as a table than as a column of `pytest.param(...)`
calls. A CSV file here has a header naming its columns, one of them `id` (the case's test
id); a line starting with `#` is a comment on the rows below it. A row with too few or too
many values, or a value its column cannot take, fails collection with the file, the line
and the column, not a traceback from inside a test.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from _pytest.mark import ParameterSet

DATA = Path(__file__).parent / "data"


class TableError(ValueError):
    """A row of a test table that cannot be a case."""


def csv_table(name: str, columns: tuple[str, ...],
              convert: Mapping[str, Callable[[str], Any]] | None = None,
              ) -> tuple[tuple[str, ...], list[ParameterSet]]:
    """`parametrize`'s arguments for tests/data/`name`: `columns`, and one case a row.

    Used as `@pytest.mark.parametrize(*csv_table(...))`. `convert` turns a column's text
    into the value the test compares (`int`, an enum); other columns stay text. An empty
    value is None.
    """
    path = DATA / name
    lines = [(number, line) for number, line in
             enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise TableError(f"{path}: no header")
    header = next(csv.reader([lines[0][1]]))
    missing = [c for c in ("id", *columns) if c not in header]
    if missing:
        raise TableError(f"{path}:{lines[0][0]}: no column {', '.join(missing)}")
    cases = []
    for number, line in lines[1:]:
        values = next(csv.reader([line]))
        if len(values) != len(header):
            raise TableError(f"{path}:{number}: {len(values)} values, the header has "
                             f"{len(header)}")
        row = dict(zip(header, values, strict=True))
        cases.append(pytest.param(*(_value(path, number, c, row[c], convert or {})
                                    for c in columns), id=row["id"]))
    return columns, cases


def _value(path: Path, number: int, column: str, text: str,
           convert: Mapping[str, Callable[[str], Any]]) -> Any:
    if text == "":
        return None
    try:
        return convert.get(column, str)(text)
    except ValueError as error:
        raise TableError(f"{path}:{number}: {column}: {error}") from None


def yaml_records(name: str, keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """The mappings listed in tests/data/`name`, each holding exactly `id` and `keys`.

    For tables whose values are prose (a sentence in three languages) rather than columns.
    """
    path = DATA / name
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(records, list):
        raise TableError(f"{path}: the file must hold a list of cases")
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict) or set(record) != {"id", *keys}:
            found = sorted(record) if isinstance(record, dict) else type(record).__name__
            raise TableError(f"{path}: case {number}: needs the keys id, {', '.join(keys)}; "
                             f"has {found}")
    return records
