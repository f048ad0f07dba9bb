"""CSV that a spreadsheet cannot run: every writer of ours goes through `formula_safe_writer`.

Cells hold text from definitions, configuration and people (names, notes, ids). A cell
that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to Excel and
LibreOffice (OWASP, "CSV Injection"), so it gets a leading `'`, which the spreadsheet shows
as text and does not evaluate. Every such cell is prefixed, numbers included: telling a
negative number from a formula (`-1+cmd|' /C calc'!A0`) is where such filters fail, and no
column we write holds a negative number (dates are ISO, counts and days late are >= 0).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """The cell as text, with a leading `'` if a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


class _SafeDictWriter(csv.DictWriter):  # type: ignore[type-arg]
    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return super().writerow({k: safe_cell(v) for k, v in rowdict.items()})

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        for row in rowdicts:
            self.writerow(row)


def formula_safe_writer(stream: IO[str], fieldnames: Sequence[str],
                        **options: Any) -> csv.DictWriter:  # type: ignore[type-arg]
    """A `csv.DictWriter` whose every cell goes through `safe_cell` (the header too)."""
    return _SafeDictWriter(stream, fieldnames=list(fieldnames), **options)
