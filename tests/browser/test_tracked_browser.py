"""A duty before its party's "tracked from" day reads "not tracked", in Chromium, axe-clean.

`yhdyspinta serve` with the test configuration (tests/fixtures/config/: Oulu tracked from
1.7.2026), on 1.7.2026: Oulu's financial statements of 2025 (due 30.6.2026) are not
tracked, Liminka's (tracked from its county's 1.1.2026) are past the legal limit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import axe_violations, format_violations
from tests.servers import serving

CONFIG = Path(__file__).parents[1] / "fixtures" / "config"
OULU = "municipal-financial-statements.m564.2025"
LIMINKA = "municipal-financial-statements.m425.2025"
WORDS = {"fi": ("Ei seurannassa", "Lain määräaika ylitetty"),
         "sv": ("Ej uppföljd", "Lagens tidsfrist överskriden"),
         "en": ("Not tracked", "Past the legal limit")}


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(tmp_path_factory.mktemp("tracked"), "2026-07-01",
                 {"YHDYSPINTA_CONFIG_DIR": str(CONFIG)}) as url:
        yield url


def _axe_clean(page: Page) -> None:
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_not_tracked_on_the_duty_municipality_and_year_clock_pages(page: Page, base_url, lang):
    not_tracked, past_limit = WORDS[lang]
    page.goto(f"{base_url}/duty/{OULU}?lang={lang}")
    expect(page.locator(".state-not_tracked").first).to_have_text(re.compile(not_tracked))
    expect(page.locator(".state-overdue")).to_have_count(0)
    _axe_clean(page)

    page.goto(f"{base_url}/municipality/564?lang={lang}")
    article = page.locator(f'article[id="{OULU}"]')
    expect(article.locator(".state-not_tracked")).to_have_text(re.compile(not_tracked))
    _axe_clean(page)

    page.goto(f"{base_url}/municipality/425?lang={lang}")
    article = page.locator(f'article[id="{LIMINKA}"]')
    expect(article.locator(".state-overdue").first).to_have_text(re.compile(past_limit))
    expect(article.locator(".state-not_tracked")).to_have_count(0)

    page.goto(f"{base_url}/vuosikello/municipality-564/2026?lang={lang}")
    row = page.locator("tr", has_text="2025").filter(has_text=not_tracked)
    expect(row.first).to_be_visible()
    _axe_clean(page)
