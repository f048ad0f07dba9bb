"""`status` as a table: days late against the target beside the legal limit and days past it."""

from __future__ import annotations

import io
import re

import pytest

from tests.conftest import FIXTURE_DEFINITIONS
from yhdyspinta.cli import main


@pytest.fixture
def cli(database_url, monkeypatch):
    monkeypatch.setenv("YHDYSPINTA_DATABASE_URL", database_url)
    monkeypatch.setenv("YHDYSPINTA_DEFINITIONS_DIR", str(FIXTURE_DEFINITIONS))

    def run(*argv: str) -> str:
        out, err = io.StringIO(), io.StringIO()
        assert main([*argv, "--lang", "en", "--today", "2026-12-02"], out=out, err=err) == 0
        assert err.getvalue() == ""
        return out.getvalue()

    return run


def _table(text: str) -> list[dict[str, str]]:
    """The rows of a printed table, cut at the columns its dashes mark."""
    header, dashes, *lines = text.splitlines()
    spans = [(m.start(), m.end()) for m in re.finditer(r"-+", dashes)]
    spans[-1] = (spans[-1][0], None)  # type: ignore[assignment]
    names = [header[a:b].strip() for a, b in spans]
    return [{n: line[a:b].strip() for n, (a, b) in zip(names, spans, strict=True)}
            for line in lines]


def test_the_table_tells_late_against_the_target_from_past_the_legal_limit(cli):
    obligations = ("--obligation", "welfare-report-plan-municipality", "--obligation",
                   "municipal-financial-statements")
    cli("sync", *obligations)
    rows = {r["id"]: r for r in _table(cli("status", "--municipality", "205", "--overdue",
                                           *obligations))}
    shown = ("effective", "days late", "legal limit", "days past limit")
    # The welfare plan's target was 29.5.2026 (year 1, practice); the law allows the term:
    # 187 days late, nothing past the limit of 31.5.2029.
    welfare = rows["welfare-report-plan-municipality.m205.2025-2029"]
    assert tuple(welfare[c] for c in shown) == ("2026-05-29", "187", "2029-05-31", "")
    # The 2025 statements: the law sets their dates, so days late are days past the limit.
    statements = rows["municipal-financial-statements.m205.2025"]
    assert tuple(statements[c] for c in shown) == ("2026-06-30", "246", "2026-06-30", "246")
