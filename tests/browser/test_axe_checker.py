"""The accessibility checker itself: axe-core in Debian's Chromium finds real WCAG violations
under our Content-Security-Policy, so a clean result on our pages means something."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import axe_violations, format_violations

# The real site's policy (web/pages.py): axe must run under it.
CSP = ("default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
PIXEL = "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"  # a 1x1 GIF
GOOD = f"""<!doctype html>
<html lang="fi"><head><meta charset="utf-8"><title>Yhdyspinta: savutesti</title></head>
<body><main><h1>Yhteistyövelvoitteet</h1>
<p>Kunnat ja hyvinvointialueet.</p>
<img src="data:image/gif;base64,{PIXEL}" alt="Kainuun vaakuna" width="1" height="1">
</main></body></html>
"""
# An image without alt text and low-contrast text (WCAG A and AA), and text outside any
# landmark (axe's best-practice rule "region", which the WCAG filter leaves out).
BAD = f"""<!doctype html>
<html lang="fi"><head><meta charset="utf-8"><title>Huono sivu</title>
<link rel="stylesheet" href="bad.css"></head>
<body><main><h1>Huono sivu</h1>
<img src="data:image/gif;base64,{PIXEL}" width="1" height="1">
<p class="faint">Haalea teksti</p>
</main><p>Maamerkin ulkopuolella</p></body></html>
"""
BAD_CSS = ".faint { color: #bbbbbb; background: #ffffff; }\n"


class _Handler(SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    """http.server on 127.0.0.1 serving good.html and bad.html; yields its base URL."""
    (tmp_path / "good.html").write_text(GOOD, encoding="utf-8")
    (tmp_path / "bad.html").write_text(BAD, encoding="utf-8")
    (tmp_path / "bad.css").write_text(BAD_CSS, encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.mark.parametrize("locale", ["fi-FI", "sv-FI"])
def test_served_page_renders_and_passes_axe(page: Page, site: str, locale: str) -> None:
    response = page.goto(f"{site}/good.html")
    assert response is not None
    assert response.ok
    assert page.locator("h1").inner_text() == "Yhteistyövelvoitteet"
    assert page.evaluate("() => navigator.language") == locale
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)


def test_axe_reports_image_without_alt(page: Page, site: str) -> None:
    page.goto(f"{site}/bad.html")
    found = axe_violations(page)
    violations = {v["id"]: v for v in found}
    assert sorted(violations) == ["color-contrast", "image-alt"], format_violations(found)
    assert violations["image-alt"]["impact"] == "critical"
    assert violations["image-alt"]["targets"] == ["img"]
    assert violations["color-contrast"]["targets"] == [".faint"]
    # Outside WCAG 2.1 A/AA: reported only when asked for.
    assert [v["id"] for v in axe_violations(page, tags=["best-practice"])] == ["region"]
