"""Headless Chromium (Debian's package, driven by Playwright) and axe-core for the browser tests.

The browser is the system one (`apt-get install chromium`); Playwright's own browser download
is never used. A missing browser fails the tests instead of skipping them.

Playwright's sync API marks its event loop as running in the main thread for as long as it is
started (playwright/_impl/_greenlets.py: wait_for_future), so any later `asyncio.run()` in the
main thread raises "cannot be called from a running event loop". Its fixtures are therefore
package-scoped: Playwright stops when the last test in tests/browser has run, before the rest
of the suite.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, TypedDict

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "test-artifacts" / "screenshots"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ENV = "YHDYSPINTA_CHROMIUM"
DEFAULT_LOCALE = "fi-FI"
# Playwright already passes --headless, --no-sandbox (chromium_sandbox=False, needed as root)
# and --disable-dev-shm-usage; nothing else is needed for Debian's Chromium.
CHROMIUM_ARGS: tuple[str, ...] = ()
WCAG_21_AA_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class AxeViolation(TypedDict):
    """One failed axe rule, reduced to what an assertion message needs."""

    id: str
    impact: str | None
    help: str
    help_url: str
    targets: list[str]  # CSS selectors; across iframes or shadow roots joined by " >> "


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """The Chromium executable: $YHDYSPINTA_CHROMIUM, else Debian's /usr/bin/chromium."""
    configured = os.environ.get(CHROMIUM_ENV, "")
    path = Path(configured or DEFAULT_CHROMIUM)
    if not (path.is_file() and os.access(path, os.X_OK)):
        where = f"${CHROMIUM_ENV}={configured}" if configured else DEFAULT_CHROMIUM
        pytest.fail(f"no Chromium executable at {where}: the browser tests need Debian's "
                    "chromium package (apt-get install --no-install-recommends chromium), or "
                    f"{CHROMIUM_ENV} set to a Chromium executable", pytrace=False)
    return path


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as started:
        yield started


@pytest.fixture(scope="package")
def browser(playwright: Playwright, chromium_path: Path) -> Iterator[Browser]:
    """One headless Chromium for the tests of this package."""
    browser = playwright.chromium.launch(executable_path=chromium_path, headless=True,
                                         chromium_sandbox=False, args=list(CHROMIUM_ARGS))
    yield browser
    browser.close()


@pytest.fixture
def locale() -> str:
    """The browser locale; override with @pytest.mark.parametrize("locale", [...])."""
    return DEFAULT_LOCALE


@pytest.fixture
def page(browser: Browser, locale: str, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page in a fresh context; its screenshot is saved to var/test-artifacts/screenshots."""
    context = browser.new_context(locale=locale, timezone_id="Europe/Helsinki")
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
        if not page.is_closed():
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SCREENSHOTS / f"{artifact_name(request.node)}.png",
                            full_page=True)
    finally:
        context.close()


def artifact_name(node: pytest.Item) -> str:
    """A file name from a test's id: module stem, class and test name, parameters included."""
    module, _, rest = node.nodeid.partition("::")
    name = f"{Path(module).stem}__{rest}" if rest else Path(module).stem
    return _UNSAFE_NAME.sub("_", name).strip("_.")[:200] or "test"


@cache
def axe_script() -> str:
    """axe.min.js as bundled in the axe-playwright-python wheel (no network at run time)."""
    return (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")


def axe_violations(page: Page, *, context: str | Mapping[str, Any] | None = None,
                   tags: Sequence[str] = WCAG_21_AA_TAGS) -> list[AxeViolation]:
    """Run axe-core in the page (or in `context`, an axe selector/context) for WCAG 2.1 A/AA.

    The script is evaluated through the DevTools protocol, so it also runs under a page's
    Content-Security-Policy (an injected <script> tag would be blocked by script-src 'self').
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_script())
    options = {"runOnly": {"type": "tag", "values": list(tags)}, "resultTypes": ["violations"]}
    results: dict[str, Any] = page.evaluate(
        "([context, options]) => axe.run(context ?? document, options)", [context, options])
    return [AxeViolation(id=rule["id"], impact=rule.get("impact"), help=rule["help"],
                         help_url=rule["helpUrl"],
                         targets=[" >> ".join(map(str, node["target"])) for node in rule["nodes"]])
            for rule in results["violations"]]


def format_violations(violations: Sequence[AxeViolation]) -> str:
    """One line per failed rule, for an assertion message."""
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(v['targets'])}"
                     for v in violations) or "no violations"


def assert_axe_clean(page: Page) -> None:
    """The page as it stands passes axe-core's WCAG 2.1 A/AA rules."""
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)


def seed_signed_up(patch: pytest.MonkeyPatch, folder: Path, email: str, name: str,
                   party: str = "m205", role: str = "coordinator") -> None:
    """A store in `folder` (no SMTP: links go to the console) with one person granted a role.

    The environment is set through `patch`, so that `tests.servers.serving` serves this store.
    """
    import io

    from yhdyspinta.cli import main

    patch.setenv("YHDYSPINTA_DATABASE_URL", f"sqlite:///{folder / 'store.db'}")
    patch.delenv("YHDYSPINTA_SMTP_URL", raising=False)
    for argv in (("users", "add", email, "--name", name),
                 ("users", "grant", email, "--party", party, "--role", role)):
        out, err = io.StringIO(), io.StringIO()
        assert main([*argv, "--lang", "en"], out=out, err=err) == 0, err.getvalue()
