"""The pages and the JSON API in process (the real app, templates and store; no browser).

The store is synced for all of Finland as of 28.11.2026, Kajaani's 2026 wellbeing report
is approved with its minutes, and Kajaani has a contact and a subscriber with a key.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integration.conftest import assert_contains
from tests.integration.conftest import cli_output as _cli

TODAY = "2026-11-28"
REPORT = "hyte-annual-report-municipality.m205.2026"
STATEMENTS = "municipal-financial-statements.m205.2025"


def _store(database_url: str, folder: Path) -> str:
    """Sync, record a decision, add a contact and a subscriber; return the key."""
    _cli("sync", "--today", TODAY)
    for step in ("data-compiled", "responsible-body", "board"):
        _cli("step", "set", REPORT, step, "done", "--by", "Maija Meikäläinen")
    _cli("step", "set", REPORT, "council", "done", "--by", "Maija Meikäläinen",
         "--evidence", "https://www.kajaani.fi/poytakirjat/kv-16-11-2026",
         "--decided-by", "Kajaanin kaupunginvaltuusto", "--decided-on", "2026-11-16",
         "--section", "87")
    contacts = folder / "contacts.csv"
    contacts.write_text("party,role,name,email,teams,language,delivery\n"
                        "205,coordinator,Maija Meikäläinen,maija.meikalainen@kajaani.fi,,fi,"
                        "digest\n", encoding="utf-8")
    _cli("contacts", "import", str(contacts))
    out = _cli("subscribers", "add", "Kainuu coordinator", "--feed", "pair-205",
               "--feed", "region-20")
    return re.search(r"/feeds/([A-Za-z0-9_-]+)/", out).group(1)  # type: ignore[union-attr]


class Site:
    """The app in process, and a way to ask it things."""

    def __init__(self, app: Any, token: str) -> None:
        self.app = app
        self.token = token

    def get(self, path: str, *, lang: str | None = None, cookies: dict[str, str] | None = None,
            accept_language: str = "fi") -> httpx.Response:
        return asyncio.run(self._request("GET", path, lang=lang, cookies=cookies,
                                         accept_language=accept_language))

    def post(self, path: str, data: dict[str, str],
             cookies: dict[str, str] | None = None) -> httpx.Response:
        return asyncio.run(self._request("POST", path, data=data, cookies=cookies))

    async def _request(self, method: str, path: str, *, lang: str | None = None,
                       cookies: dict[str, str] | None = None, accept_language: str = "fi",
                       data: dict[str, str] | None = None) -> httpx.Response:
        transport = httpx.ASGITransport(app=self.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver",
                                     cookies=cookies) as client:
            if lang:
                path += ("&" if "?" in path else "?") + f"lang={lang}"
            return await client.request(method, path, data=data,
                                        headers={"accept-language": accept_language})


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("pages")
    database_url = f"sqlite:///{folder / 'store.db'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("YHDYSPINTA_DATABASE_URL", database_url)
        patch.setenv("YHDYSPINTA_TODAY", TODAY)
        patch.setenv("YHDYSPINTA_PUBLIC_FEEDS", '["region-*"]')
        patch.setenv("YHDYSPINTA_PUBLIC_URL", "https://hyte.example.fi")
        patch.setenv("YHDYSPINTA_POLL_SECONDS", "0")  # look at the store on every request
        token = _store(database_url, folder)
        from web.server import create

        app = create()
        yield Site(app, token)
        app.feeds.engine.dispose()


def _html_lang(page: httpx.Response) -> str:
    match = re.search(r'<html lang="([a-z]{2})">', page.text)
    assert match is not None
    return match.group(1)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize("path", ["/", "/county/20", "/county/19", "/municipality/205",
                                  "/municipality/091", "/vuosikello/pair-205/2026", "/login"])
def test_every_page_in_every_language(site, path, lang):
    page = site.get(path, lang=lang)
    assert page.status_code == 200
    assert _html_lang(page) == lang
    assert page.headers["content-language"] == lang
    assert "content-security-policy" in page.headers
    words = {"fi": "Rajapinta (JSON)", "sv": "Gränssnitt (JSON)", "en": "API (JSON)"}
    assert words[lang] in page.text
    assert f"yp_lang={lang}" in page.headers["set-cookie"]  # the switch is remembered


def test_language_from_the_browser_and_the_remembered_switch(site):
    assert _html_lang(site.get("/", accept_language="sv-FI,sv;q=0.9,en;q=0.8")) == "sv"
    assert _html_lang(site.get("/", accept_language="de-DE,en;q=0.5")) == "en"
    assert _html_lang(site.get("/", accept_language="de-DE")) == "fi"
    remembered = site.get("/", cookies={"yp_lang": "en"}, accept_language="sv")
    assert _html_lang(remembered) == "en"


def test_home_shows_counties_helsinki_and_the_term_year(site):
    page = site.get("/", lang="en")
    assert "Council term 2025-2029, year 2/4: implementation and monitoring" in page.text
    assert page.text.count('href="/county/') == 21
    assert 'href="/municipality/091"' in page.text  # Helsinki: no county page
    found = site.get("/find?q=kajaani")
    assert (found.status_code, found.headers["location"]) == (303, "/municipality/205")
    assert site.get("/find?q=Vasa").headers["location"] == "/municipality/905"
    for party, page in (("m205", "/municipality/205"), ("r20", "/county/20"),
                        ("r90", "/municipality/091")):
        assert site.get(f"/party/{party}").headers["location"] == page
    assert site.get("/party/m999").status_code == 404
    assert site.get("/party/x1").status_code == 404
    several = site.get("/find?q=joki", lang="en")
    assert several.status_code == 200
    assert "Several municipalities match “joki”" in several.text


def test_county_matrix_marks_overdue_by_text_and_filters(site):
    page = site.get("/county/20?term_year=1", lang="en")
    table = page.text[page.text.index('<table class="matrix">'):]
    table = table[:table.index("</table>")]
    rows = re.findall(r'<tr><th scope="row"><a href="/municipality/(\d{3})">', table)
    assert sorted(rows) == ["105", "205", "290", "578", "620", "697", "765", "777"]
    # Financial statements 2025 were due 30.6.2026 and nobody ticked them off: overdue,
    # said in words, not only by colour.
    assert_contains(table, "cell-overdue", "Past the legal limit", "days late")
    # Issue 13: a welfare report past its practice target (29.5.2026) but not past its
    # legal limit (the term's last day) is late against the target, said so, with both dates.
    assert_contains(table, "cell-late", "Late against the target",
                    "29.5.2026</span> <span class=\"muted\">(Legal limit 31.5.2029)</span>")
    only = site.get("/county/20?term_year=2&obligation=municipal-budget", lang="en")
    assert only.status_code == 200
    head = only.text[only.text.index("<thead>"):only.text.index("</thead>")]
    assert "Budget" in head or "budget" in head
    assert head.count('<th scope="col">') == 2  # municipality + the one obligation


def test_county_csv_is_the_same_table(site):
    answer = site.get("/county/20.csv?term_year=2&obligation=municipal-financial-statements")
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in answer.headers["content-disposition"]
    assert answer.content.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with a BOM
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert {r["municipality_code"] for r in rows} == {"105", "205", "290", "578", "620",
                                                       "697", "765", "777"}
    kajaani = next(r for r in rows if r["occurrence"] == STATEMENTS)
    assert (kajaani["state"], kajaani["due_effective"], kajaani["legal_limit"]) == (
        "overdue", "2026-06-30", "2026-06-30")
    assert int(kajaani["days_late"]) == 242  # since its first step (the board) was due, 31.3.


NOT_FOUND = {  # the address names nothing there is: 404, saying what is unknown
    "/county/99": "Unknown county: 99",
    "/county/abc": "Unknown county: abc",
    "/municipality/999": "Unknown municipality: 999",
    "/municipality/%3Cscript%3E": "Unknown municipality: &lt;script&gt;",
    "/vuosikello/pair-999/2026": "Unknown party: pair-999",
    "/vuosikello/pair-205/2026.gif": "Page not found",
    "/no/such/page": "Page not found",
}
BAD_REQUEST = {  # a parameter the page cannot take: 400, naming the parameter
    "/county/20?term_year=7": "Parameter term_year",
    "/county/20?obligation=nope": "Unknown obligation: nope",
    "/vuosikello/pair-205/20x6": "Parameter year",
    "/vuosikello/pair-205/1999": "Parameter year",
    "/find?q=": "Parameter q",
}


@pytest.mark.parametrize(("path", "status", "words"), [
    *((path, 404, words) for path, words in NOT_FOUND.items()),
    *((path, 400, words) for path, words in BAD_REQUEST.items())])
def test_bad_parameters_are_a_4xx_page_in_the_language(site, path, status, words):
    page = site.get(path, lang="en")
    assert page.status_code == status
    assert words in page.text
    assert "<script>" not in page.text
    assert "Traceback" not in page.text


def test_other_methods_are_refused_and_head_has_no_body(site):
    refused = site.post("/county/20", {})
    assert (refused.status_code, refused.headers["allow"]) == (405, "GET, HEAD")
    head = asyncio.run(_head(site.app, "/county/20"))
    assert (head.status_code, head.content) == (200, b"")


async def _head(app: Any, path: str) -> httpx.Response:
    return await _send(app, "HEAD", path)


async def _send(app: Any, method: str, path: str, **options: Any) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        return await client.request(method, path, **options)


@pytest.mark.parametrize(("method", "path", "lang", "allowed", "words"), [
    ("POST", "/county/20", "en", "GET, HEAD", "does not take POST requests. Allowed: GET, HEAD"),
    ("PUT", "/login", "sv", "GET, HEAD, POST", "tar inte emot PUT-begäranden. Tillåtna: GET, "
                                               "HEAD, POST"),
    ("DELETE", "/logout", "fi", "POST", "ei voi lähettää DELETE-pyyntöä. Sallitut: POST"),
    ("POST", "/static/site.css", "en", "GET, HEAD", "Allowed: GET, HEAD"),
])
def test_405_names_the_allowed_methods_in_the_readers_language(site, method, path, lang,
                                                                allowed, words):
    refused = asyncio.run(_send(site.app, method, f"{path}?lang={lang}"))
    assert (refused.status_code, refused.headers["allow"]) == (405, allowed)
    assert _html_lang(refused) == lang
    assert words in refused.text


def test_every_answer_carries_the_security_headers(site):
    for path in ("/", "/no/such/page", "/static/site.css", "/api/v1/regions",
                 "/api/v1/nothing", "/find?q="):
        answer = site.get(path)
        assert (answer.headers["x-content-type-options"], answer.headers["referrer-policy"],
                answer.headers["x-frame-options"]) == ("nosniff", "no-referrer", "DENY"), path


def test_static_files(site):
    css = site.get("/static/site.css")
    assert (css.status_code, css.headers["content-type"]) == (200, "text/css; charset=utf-8")
    assert css.headers["cache-control"] == "public, max-age=3600"
    assert css.content == (Path("web/static/site.css")).read_bytes()
    script = site.get("/static/site.js")
    assert script.headers["content-type"].startswith("text/javascript")
    again = asyncio.run(_send(
        site.app, "GET", "/static/site.css", headers={"if-none-match": css.headers["etag"]}))
    assert again.status_code == 304
    for missing in ("/static/nope.css", "/static/../pages.py", "/static/"):
        answer = site.get(missing, lang="sv")
        assert answer.status_code == 404, missing
        assert "Sidan hittas inte" in answer.text


async def _chunks() -> AsyncIterator[bytes]:
    yield b"token="
    for _ in range(20):
        yield b"x" * 1000


@pytest.mark.parametrize("body", [
    {"data": {"token": "x" * 20_000}},  # with a Content-Length: refused before reading
    {"content": "chunks"},  # chunked, no length: refused when the limit is passed
])
def test_a_body_over_the_limit_is_refused_unread(site, body):
    if body.get("content") == "chunks":
        body = {"content": _chunks(),
                "headers": {"content-type": "application/x-www-form-urlencoded"}}
    answer = asyncio.run(_send(site.app, "POST", "/login?lang=en", **body))
    assert answer.status_code == 413
    assert "The request is too large." in answer.text
    assert "set-cookie" not in answer.headers


def test_a_bug_is_a_500_in_the_language_logged_without_the_key(site, monkeypatch, caplog):
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(site.app.pages.site, "viewer", broken)
    page = site.get("/county/20", lang="sv", cookies={"yp_key": site.token})
    assert page.status_code == 500
    assert page.text == "Serverfel. Försök igen om en stund."
    assert page.headers["x-frame-options"] == "DENY"
    monkeypatch.setattr(site.app.api.site, "duties", broken)
    api = site.get("/api/v1/occurrences?region=20")
    assert (api.status_code, api.json()) == (500, {"error": "internal error",
                                                   "parameter": None})
    logged = [r for r in caplog.records if r.name == "yhdyspinta.web"]
    assert [r.getMessage() for r in logged] == ["GET /county/20 failed",
                                                "GET /api/v1/occurrences failed"]
    assert all(r.exc_info for r in logged)
    assert site.token not in caplog.text


def test_pages_show_the_target_and_the_legal_limit(site):
    """Issue 13: the duty page and the municipality page give both dates, and a duty late
    only against its target reads so, in the reader's language."""
    late = site.get("/api/v1/occurrences?municipality=205&state=late").json()["items"]
    duty = next(o for o in late if o["due_effective"] == "2026-05-29")
    assert duty["legal_limit"] == "2029-05-31"
    page = site.get(f"/duty/{duty['id']}", lang="fi").text
    assert "Tavoitepäivä 29.5.2026 · Lain takaraja 31.5.2029" in page
    assert "Myöhässä tavoitteesta" in page
    assert "Lain määräaika ylitetty" not in page
    article = site.get("/municipality/205", lang="sv").text
    article = article[article.index(f'id="{duty["id"]}"'):]
    article = article[:article.index("</article>")]
    assert_contains(article, "<dt>Måldag</dt><dd>29.5.2026</dd>",
                    "<dt>Lagens sista dag</dt><dd>31.5.2029</dd>", "Försenad mot måldagen")


def test_municipality_page_without_login_shows_no_personal_data(site):
    page = site.get("/municipality/205", lang="en")
    text = page.text
    assert f'id="{REPORT}"' in text
    assert "https://www.kajaani.fi/poytakirjat/kv-16-11-2026" in text  # evidence link
    assert "Kajaanin kaupunginvaltuusto" in text
    assert "Maija" not in text
    assert "kajaani.fi</a>" not in text
    assert "(log in to see)" in text
    assert ": status not started → done" in text  # the audit in words, not codes
    finnish = site.get("/municipality/205", lang="fi").text
    assert ": tila ei aloitettu → valmis" in finnish
    assert site.token not in text
    # region-* is public here: its subscribe box has the addresses; the pair feed is private.
    assert "webcal://hyte.example.fi/public/region-20.en.ics" in text
    assert "https://hyte.example.fi/public/region-20.en.ics" in text
    assert "/public/pair-205" not in text
    assert "This feed is private" in text
    assert page.headers["cache-control"] == "no-cache"


def test_login_shows_contacts_and_private_links_and_logout_forgets(site):
    refused = site.post("/login", {"token": "not-a-key"})
    assert refused.status_code == 401
    assert "Tunnus ei kelpaa." in refused.text
    assert "yp_key" not in refused.headers.get("set-cookie", "")  # only the form's CSRF cookie
    accepted = site.post("/login", {"token": site.token})
    assert accepted.status_code == 303
    cookie = _cookie(accepted.headers["set-cookie"])
    assert cookie["yp_key"] == site.token
    assert {"httponly", "secure"} <= set(cookie)  # Secure: the site is served over https
    assert (cookie["samesite"].lower(), cookie["path"], cookie["max-age"]) == (
        "strict", "/", str(8 * 3600))
    page = site.get("/municipality/205", lang="en", cookies={"yp_key": site.token})
    assert "Logged in: Kainuu coordinator" in page.text
    assert "maija.meikalainen@kajaani.fi" in page.text
    assert "Maija Meikäläinen" in page.text  # the audit's actor
    assert f"https://hyte.example.fi/feeds/{site.token}/pair-205.en.ics" in page.text
    assert page.headers["cache-control"] == "private, no-store"
    # The key grants pair-205 and region-20, not the municipality-only feed.
    assert f"/feeds/{site.token}/municipality-205" not in page.text
    other = site.get("/municipality/564", lang="en", cookies={"yp_key": site.token})
    assert "Maija" not in other.text  # Oulu's page: not this key's party
    csrf = csrf_of(site, {"yp_key": site.token})
    out = site.post("/logout", {"csrftoken": csrf}, cookies={"yp_key": site.token,
                                                          "csrftoken": csrf})
    forgotten = _cookie(out.headers["set-cookie"])
    assert (forgotten["yp_key"], forgotten["max-age"]) == ("", "0")
    assert {"httponly", "secure"} <= set(forgotten)


def csrf_of(site: Site, cookies: dict[str, str]) -> str:
    """The CSRF token a page's forms carry (the same value as its cookie)."""
    page = site.get("/login", cookies=cookies)
    match = re.search(r'name="csrftoken" value="([^"]+)"', page.text)
    assert match is not None
    assert f"csrftoken={match.group(1)}" in page.headers["set-cookie"]
    return match.group(1)


def _cookie(header: str) -> dict[str, str]:
    """A Set-Cookie header's name=value and attributes (names case-insensitive, RFC 6265)."""
    first, *attributes = (part.strip() for part in header.split(";"))
    name, _, value = first.partition("=")
    parsed = {name: value.strip('"')}
    for attribute in attributes:
        key, _, val = attribute.partition("=")
        parsed[key.strip().lower()] = val.strip()
    return parsed


def test_vuosikello_page_svg_and_png(site):
    page = site.get("/vuosikello/pair-205/2026", lang="sv")
    svg = page.text[page.text.index("<svg"):page.text.index("</svg>") + 6]
    root = ET.fromstring(svg)
    marks = [g for g in root.iter("{http://www.w3.org/2000/svg}g")
             if g.get("class") == "mark"]
    api = site.get("/api/v1/occurrences?municipality=205&from=2026-01-01&to=2026-12-31"
                   "&limit=1000").json()
    own = site.get("/api/v1/occurrences?region=20&from=2026-01-01&to=2026-12-31"
                   "&limit=1000").json()
    expected = {o["id"] for o in api["items"]} | {
        o["id"] for o in own["items"] if o["municipality"] is None and not o["participants"]}
    assert len(marks) == len(expected) > 5
    assert "Ladda ned PNG" in page.text
    download = site.get("/vuosikello/pair-205/2026.svg", lang="sv")
    assert download.headers["content-type"] == "image/svg+xml; charset=utf-8"
    assert ET.fromstring(download.content).get("{http://www.w3.org/XML/1998/namespace}lang") \
        == "sv"
    png = site.get("/vuosikello/pair-205/2026.png")
    assert png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")


def test_api_occurrences_regions_and_one_occurrence(site):
    regions = site.get("/api/v1/regions").json()
    assert len(regions) == 22
    kainuu = next(r for r in regions if r["code"] == "20")
    assert kainuu["names"]["sv"] == "Kajanalands välfärdsområde"
    page = site.get("/api/v1/occurrences?municipality=205&state=overdue&lang=en").json()
    assert STATEMENTS in {o["id"] for o in page["items"]}
    assert all(o["state"] == "overdue" and o["days_late"] > 0 for o in page["items"])
    # Past the limit of a step (the tax rates' 17.11) even where the duty's own is later.
    assert all(o["days_past_limit"] > 0 and any(
        s["legal_limit"] < TODAY and s["status"] not in ("done", "waived", "not_applicable")
        for s in o["steps"]) for o in page["items"])
    late = site.get("/api/v1/occurrences?municipality=205&state=late&lang=en").json()["items"]
    assert late, "a practice target missed before its legal limit"
    assert all(o["days_late"] > 0 and o["days_past_limit"] == 0
               and o["due_effective"] < TODAY <= o["legal_limit"] for o in late)
    assert all(s["legal_limit"] >= s["due_effective"] for o in late for s in o["steps"])
    detail = site.get(f"/api/v1/occurrences/{REPORT}?lang=sv").json()
    assert detail["steps_done"] == 4
    assert detail["state"] == "open"
    assert detail["evidence"][0]["url"] == "https://www.kajaani.fi/poytakirjat/kv-16-11-2026"
    assert "recorded_by" not in json.dumps(detail)
    assert "Maija" not in json.dumps(detail)
    assert detail["steps"][0]["status_name"] == "klar"


@pytest.mark.parametrize(("query", "parameter"), [
    ("from=2026-13-01", "from"), ("to=yesterday", "to"), ("limit=0", "limit"),
    ("limit=abc", "limit"), ("state=tardy", "state"), ("lang=de", "lang"), ("lang=", "lang"),
    ("colour=red", "colour"),
    ("region=20&region=19", "region"),
])
def test_api_bad_parameters_are_400_naming_the_parameter(site, query, parameter):
    answer = site.get(f"/api/v1/occurrences?{query}")
    assert answer.status_code == 400
    assert answer.json()["parameter"] == parameter


def test_api_refuses_other_methods_in_json_and_head_has_no_body(site):
    refused = asyncio.run(_send(site.app, "POST", "/api/v1/regions"))
    assert (refused.status_code, refused.headers["allow"]) == (405, "GET, HEAD")
    assert refused.json() == {"error": "only GET, HEAD", "parameter": None}
    head = asyncio.run(_head(site.app, "/api/v1/regions"))
    assert (head.status_code, head.content) == (200, b"")
    assert int(head.headers["content-length"]) == len(site.get("/api/v1/regions").content)


def test_api_unknown_things_are_404(site):
    assert site.get("/api/v1/occurrences/nope").status_code == 404
    assert site.get("/api/v1/occurrences?region=99").json()["parameter"] == "region"
    assert site.get("/api/v1/occurrences?obligation=nope").json()["parameter"] == "obligation"
    assert site.get("/api/v1/nothing").status_code == 404


def test_a_change_in_the_store_shows_on_the_next_page(site):
    """The pages keep duty states per county until the store changes, not longer."""
    duty = "municipal-financial-statements.m105.2025"
    before = site.get(f"/api/v1/occurrences/{duty}").json()
    assert before["state"] == "overdue"
    for step in [s["step"] for s in before["steps"]]:
        _cli("step", "set", duty, step, "done", "--by", "Hyrynsalmen kunnansihteeri")
    assert site.get(f"/api/v1/occurrences/{duty}").json()["state"] == "complete"
    page = site.get("/county/20?term_year=2&obligation=municipal-financial-statements",
                    lang="en")
    row = page.text[page.text.index('href="/municipality/105"'):]
    assert row[:row.index("</tr>")].count("Complete") == 1


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_pages_and_api_on_postgresql(database_url, monkeypatch):
    """The same reads (duty states, evidence and audit of many duties) on a real PostgreSQL."""
    monkeypatch.setenv("YHDYSPINTA_DATABASE_URL", database_url)
    monkeypatch.setenv("YHDYSPINTA_TODAY", TODAY)
    _cli("sync", "--today", TODAY, "--obligation", "hyte-annual-report-municipality")
    _cli("step", "set", REPORT, "council", "done", "--by", "Maija Meikäläinen", "--force",
         "--note", "decided before the earlier steps were recorded",
         "--evidence", "https://www.kajaani.fi/poytakirjat/kv-16-11-2026")
    from web.server import create

    app = create()
    postgres_site = Site(app, "")
    try:
        _check_postgres_site(postgres_site)
    finally:
        app.feeds.engine.dispose()


def _check_postgres_site(postgres_site: Site) -> None:
    page = postgres_site.get("/municipality/205", lang="en")
    assert page.status_code == 200
    assert "https://www.kajaani.fi/poytakirjat/kv-16-11-2026" in page.text
    assert "Maija" not in page.text
    county = postgres_site.get("/county/20?term_year=all", lang="en")
    assert county.text.count('<tr><th scope="row"><a href="/municipality/') == 8
    detail = postgres_site.get(f"/api/v1/occurrences/{REPORT}").json()
    assert [s["status"] for s in detail["steps"] if s["step"] == "council"] == ["done"]
