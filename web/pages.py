"""The status pages: home, county, municipality (pair), vuosikello and login. Server-rendered.

Every page is rendered from `web/templates` with Jinja (autoescaped) in the reader's
language; pages that carry contacts or private feed addresses show them only to a logged-in
subscriber, and are then never cached. Bad input is a 4xx page in the reader's language.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from jinja2 import FileSystemLoader, StrictUndefined, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from app.people import is_administrator
from calendars.duty import Duty
from calendars.feeds import FeedSpec, is_public
from calendars.ics import utc
from calendars.urls import Urls
from calendars.vuosikello import MarkState, render_vuosikello
from calendars.wording import finnish_date, legal_url, section_citation
from obligations.catalogue import N_, gettext
from obligations.errors import UnknownPartyError
from obligations.lang import LANGS, STEP_STATUS_KEYS, Lang, step_status_label
from obligations.parties import Municipality, PartyRef, Region
from obligations.schema import PartyKind, Role
from obligations.vocabulary import role_label
from state.audit import AuditEntry, EvidenceEntry, evidence_and_audit
from state.contacts import list_contacts
from state.owners import step_owners
from state.people import Person
from state.urls import is_http_url
from web.errors import HttpError, allowed_methods
from web.needs import Need, needs_of
from web.png import svg_to_png
from web.signin import SESSION_COOKIE
from web.site import SiteData, Viewer
from web.views import (
    MATRIX_CSV_COLUMNS,
    CountyMatrix,
    cell_of,
    clock_marks,
    county_matrix,
    current_term,
    involves,
    is_county_own,
    matrix_csv_rows,
    moved_because,
    party_of,
    roles_with_steps,
    select_duties,
    step_name,
)
from web.words import negotiate
from yhdyspinta.csvsafe import formula_safe_writer
from yhdyspinta.templating import environment

_PHASES = (N_("web.phase.1"), N_("web.phase.2"), N_("web.phase.3"), N_("web.phase.4"))
"""Where the council term stands, by its year 1–4."""
_FEED_KINDS = {"pair": N_("web.feed.pair"), "municipality": N_("web.feed.municipality"),
               "region": N_("web.feed.region")}
_AUDIT_ACTIONS = {"status": N_("web.audit.status"), "status_forced": N_("web.audit.status_forced"),
                  "evidence": N_("web.audit.evidence"), "owner": N_("web.audit.owner")}
_STATES = {MarkState.COMPLETE: N_("web.state.complete"), MarkState.OPEN: N_("web.state.open"),
           MarkState.LATE: N_("web.state.late"), MarkState.OVERDUE: N_("web.state.overdue"),
           MarkState.NOT_TRACKED: N_("web.state.not_tracked"),
           MarkState.CANCELLED: N_("web.state.cancelled")}

HERE = Path(__file__).parent
LANG_COOKIE = "yp_lang"
KEY_COOKIE = "yp_key"
STATIC_DIR = HERE / "static"
CSP = ("default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
_CODE = re.compile(r"^\d{1,3}$")
_YEARS = (2021, 2045)
HELSINKI = ZoneInfo("Europe/Helsinki")


def csrf_token(request: Request) -> str:
    """The CSRF token for a form of this page (asgi-csrf sets its cookie when asked)."""
    make = request.scope.get("csrftoken")
    return str(make()) if callable(make) else ""


def redirect(location: str) -> Response:
    """See other: after a form, or to a found page."""
    return RedirectResponse(location, status_code=303)


class StaticFilesCached(StaticFiles):
    """web/static (stylesheet, copy button), cacheable for an hour."""

    def file_response(self, full_path: Any, stat_result: Any, scope: Scope,
                      status_code: int = 200) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["cache-control"] = "public, max-age=3600"
        return response


@dataclass(frozen=True, slots=True)
class Page:
    """A template to render and its values."""

    template: str
    values: dict[str, Any]


View = Callable[[Request, Lang, Viewer | None], Page | Response]
"""A page: the request, the reader's language and who is logged in, to a page or an answer."""


class Pages:
    """The pages' endpoints (routed by web/server.py); the feeds and the API live elsewhere."""

    def __init__(self, site: SiteData) -> None:
        self.site = site
        self.env = environment(loader=FileSystemLoader(HERE / "templates"),
                               autoescape=select_autoescape(default=True),
                               undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        self.env.globals["readable_date"] = finnish_date
        self.env.tests["http_url"] = is_http_url  # only http(s) addresses become links

    # --- dispatch -------------------------------------------------------------------

    def language(self, request: Request) -> Lang:
        """The reader's language: the switch, the remembered choice, the browser."""
        return negotiate(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE),
                         request.headers.get("accept-language", ""))

    def endpoint(self, view: View) -> Callable[[Request], Response]:
        """A Starlette endpoint for a view: language, viewer, template, page headers.

        Blocking (the store, Jinja): Starlette runs it in its thread pool.
        """
        def run(request: Request) -> Response:
            lang = self.language(request)
            viewer = self.site.viewer(request.cookies.get(KEY_COOKIE))
            self.signed_in(request)
            page = view(request, lang, viewer)
            if isinstance(page, Response):
                return page
            private = viewer is not None or request.scope.get("yp.person") is not None
            response = Response(self.render(page, request, lang, viewer), media_type="text/html",
                                headers={"content-security-policy": CSP,
                                         "content-language": lang,
                                         "vary": "accept-language, cookie",
                                         "cache-control": "private, no-store" if private
                                         else "no-cache"})
            if request.query_params.get("lang") in LANGS:  # remember the switch
                response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, secure=self.secure,
                                    httponly=False, samesite="strict")
            return response

        run.__name__ = run.__qualname__ = view.__name__
        return run

    def signed_in(self, request: Request) -> Person | None:
        """Who is signed in (looked up once per request, kept in the scope)."""
        if "yp.person" not in request.scope:
            request.scope["yp.person"] = self.site.person(request.cookies.get(SESSION_COOKIE))
        person: Person | None = request.scope["yp.person"]
        return person

    def respond(self, request: Request, template: str, values: dict[str, Any],
                status: int = 200) -> Response:
        """A page (blocking: call it in the thread pool), never cached."""
        lang = self.language(request)
        viewer = self.site.viewer(request.cookies.get(KEY_COOKIE))
        self.signed_in(request)
        response = Response(self.render(Page(template, values), request, lang, viewer),
                            status, media_type="text/html",
                            headers={"content-security-policy": CSP, "content-language": lang,
                                     "vary": "accept-language, cookie",
                                     "cache-control": "private, no-store"})
        if request.query_params.get("lang") in LANGS:  # remember the switch
            response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, secure=self.secure,
                                httponly=False, samesite="strict")
        return response

    @property
    def secure(self) -> bool:
        """Cookies are Secure where the site is served over https."""
        return self.site.public_url.startswith("https://")

    # --- pages ----------------------------------------------------------------------

    def home(self, request: Request, lang: Lang, viewer: Viewer | None) -> Page:
        """The counties and Helsinki, and where the council term stands."""
        registry = self.site.registry
        today = self.site.today()
        term = current_term(today)
        year = term.term_year(today) if term else None
        regions = sorted(registry.regions, key=lambda r: (not r.is_county, r.name(lang)))
        municipalities = sorted(registry.municipalities, key=lambda m: m.name(lang))
        return Page("home.html", {
            "term": term, "term_year": year,
            "phase": gettext(_PHASES[year - 1], lang) if year else "",
            "regions": [(r, len(registry.members(r.code))) for r in regions],
            "municipalities": municipalities,
            "helsinki": next((m for r in registry.regions if not r.is_county
                              for m in registry.members(r.code)), None),
        })

    def find(self, request: Request, lang: Lang, viewer: Viewer | None) -> Page | Response:
        """The municipality a name or code names, or the ones it could mean."""
        query = (request.query_params.get("q") or "").strip()
        if not query or len(query) > 100:
            raise HttpError(400, gettext("web.bad_parameter", lang, name="q",
                                         problem=gettext("web.find_label", lang)), "q")
        needle = query.casefold()
        matches = [m for m in self.site.registry.municipalities
                   if needle in (m.code, m.name_fi.casefold(), m.name_sv.casefold())]
        if not matches:
            matches = [m for m in self.site.registry.municipalities
                       if needle in m.name_fi.casefold() or needle in m.name_sv.casefold()]
        if len(matches) == 1:
            return redirect(Urls().municipality(matches[0].code))
        return Page("find.html", {"query": query,
                                  "matches": sorted(matches, key=lambda m: m.name(lang))})

    def login_page(self, request: Request, lang: Lang, viewer: Viewer | None) -> Page:
        """The form for a subscription key."""
        return Page("login.html", {"failed": False})

    def county(self, request: Request, lang: Lang, viewer: Viewer | None) -> Page:
        """The matrix of duties × municipalities, with filters."""
        region, selection, matrix = self._county_matrix(request, request.path_params["code"],
                                                        lang)
        return Page("county.html", {
            "needs": self._needs(request, self.site.duties(region.code), lang),
            "region": region, "matrix": matrix, "today": self.site.today(), **selection,
            "definitions": self.site.definitions,
            "csv_link": f"/county/{region.code}.csv?" + urlencode(
                [("term_year", selection["term_year_arg"]),
                 *(("obligation", o) for o in sorted(selection["obligations"] or ()))]),
        })

    def county_csv(self, request: Request, lang: Lang, viewer: Viewer | None) -> Response:
        """The county table as CSV (UTF-8 with BOM, so that Excel reads ä and ö)."""
        region, selection, matrix = self._county_matrix(request, request.path_params["code"],
                                                        lang)
        out = io.StringIO()
        writer = formula_safe_writer(out, MATRIX_CSV_COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(matrix_csv_rows(matrix, region.name(lang), lang))
        name = f"yhdyspinta-{region.code}-{selection['term_year_arg']}.csv"
        return Response("\ufeff" + out.getvalue(), media_type="text/csv",
                        headers={"content-disposition": f'attachment; filename="{name}"',
                                 "content-language": lang})

    def municipality(self, request: Request, lang: Lang, viewer: Viewer | None) -> Page:
        """A municipality with its county: timeline, checklists, feeds, contacts."""
        municipality = self._municipality(request.path_params["code"], lang)
        region = self.site.registry.region(municipality.region_code)
        today = self.site.today()
        term = current_term(today)
        duties = [d for d in self.site.duties(region.code)
                  if (involves(d, municipality.code) or is_county_own(d))
                  and (term is None or d.term == term.id)]
        duties.sort(key=lambda d: (d.due_effective, d.obligation,
                                   d.id))
        evidence, audit = evidence_and_audit(self.site.engine,
                                             frozenset(d.id for d in duties))
        contacts = None
        parties = {PartyRef.of_municipality(municipality.code).key,
                   PartyRef.of_county(region.code).key}
        if viewer is not None:
            contacts = [c for c in list_contacts(self.site.engine)
                        if c.party in parties and viewer.sees_party(c.party)]
        years = sorted({d.due_effective.year for d in duties}) or [today.year]
        return Page("municipality.html", {
            "needs": self._needs(request, [d for d in self.site.duties(region.code)
                                           if involves(d, municipality.code)
                                           or is_county_own(d)], lang),
            "municipality": municipality, "region": region, "term": term,
            "duties": [self._duty_view(d, lang, evidence.get(d.id, []),
                                       audit.get(d.id, [])) for d in duties],
            "contacts": [(c, role_label(Role(c.role), PartyKind.MUNICIPALITY if
                                        PartyRef.parse(c.party).is_municipality
                                        else PartyKind.REGION, lang))
                         for c in contacts] if contacts is not None else None,
            "feeds": self._feeds(municipality, region, lang, viewer),
            "unknown_approvals": [
                {"name": self.site.definitions_by_id[u.obligation].names.get(lang),
                 "party": self.site.parties.display_name(PartyRef.parse(u.party), lang),
                 "years": self.site.definitions_by_id[u.obligation].every_years}
                for u in self.site.unanchored(region.code)
                if u.municipality in (municipality.code, None)],
            "vuosikello_years": years,
            "vuosikello_year": today.year if today.year in years else years[0],
            "pair_feed": f"pair-{municipality.code}" if region.is_county
            else f"municipality-{municipality.code}",
        })

    def _needs(self, request: Request, duties: list[Duty],
               lang: Lang) -> list[dict[str, Any]] | None:
        """"What needs me" for the person signed in (None for anyone else)."""
        person: Person | None = request.scope.get("yp.person")
        if person is None:
            return None
        today = self.site.today()
        found = needs_of(person, duties, step_owners(self.site.engine), today)

        def rows(needs: tuple[Need, ...]) -> list[dict[str, Any]]:
            out = []
            for need in needs:
                row = need.duty
                definition = self.site.definitions_by_id.get(row.obligation)
                out.append({
                    "href": Urls().step(row.id, need.step.step),
                    "duty": f"{definition.names.get(lang) if definition else row.obligation} "
                            f"{row.period} – {party_of(need.duty, self.site.parties, lang)}",
                    "step": step_name(definition, need.step.step, lang),
                    "due": need.step.due_effective,
                    "days_late": max((today - need.step.due_effective).days, 0)
                    if need.duty.tracked else 0,
                    "tracked": need.duty.tracked,
                    "owner": need.owner.name if need.owner else None,
                    "role": role_label(Role(need.step.role), PartyKind(need.step.party), lang),
                })
            return out

        return [{"id": "needs-late", "title": gettext("web.needs_late", lang),
                 "rows": rows(found.late)},
                {"id": "needs-month", "title": gettext("web.needs_month", lang),
                 "rows": rows(found.this_month)},
                {"id": "needs-waiting", "title": gettext("web.needs_waiting", lang),
                 "rows": rows(found.waiting)}]

    def vuosikello(self, request: Request, lang: Lang, viewer: Viewer | None) -> Page | Response:
        """The year clock of a party or pair: a page, or the SVG or PNG itself."""
        feed: str = request.path_params["feed"]
        stem, dot, extension = request.path_params["year"].partition(".")
        if dot and extension not in ("svg", "png"):
            raise HttpError(404, gettext("web.not_found", lang))
        year = self._year(stem, lang)
        spec = self.site.feeds_by_id.get(feed)
        if spec is None or spec.kind not in ("pair", "municipality", "region"):
            raise HttpError(404, gettext("web.unknown_party", lang, value=feed))
        name, duties, href = self._party_duties(spec, lang)
        today = self.site.today()
        names = {d.id: d.names.get(lang) for d in self.site.definitions}
        marks = clock_marks(duties, year, today, names, self.site.parties, lang, href)
        title = gettext("web.vuosikello_title", lang, party=name)
        # No links inside the picture: an image is one thing to a screen reader, and the
        # table under it links each duty instead.
        svg = render_vuosikello(year=year, title=title, lang=lang,
                                marks=[replace(m, href=None) for m in marks],
                                series_names=names, today=today)
        filename = f"vuosikello-{feed}-{year}-{lang}"
        if extension == "svg":
            return Response(svg, media_type="image/svg+xml; charset=utf-8", headers={
                "content-disposition": f'attachment; filename="{filename}.svg"'})
        if extension == "png":
            return Response(svg_to_png(svg), media_type="image/png", headers={
                "content-disposition": f'attachment; filename="{filename}.png"'})
        counts = {state: sum(1 for m in marks if m.state is state) for state in MarkState}
        return Page("vuosikello.html", {
            "feed": feed, "year": year, "title": title, "marks": marks,
            "svg": svg.split("?>", 1)[1].lstrip() if svg.startswith("<?xml") else svg,
            "counts": counts, "party_name": name, "back": href, "states": MarkState,
            "years": [y for y in range(year - 2, year + 3) if _YEARS[0] <= y <= _YEARS[1]],
        })

    def party(self, request: Request, lang: Lang, viewer: Viewer | None) -> Response:
        """A party id of the store (`m205`, `r20`) to its page, for links in messages."""
        party: str = request.path_params["party"]
        urls = Urls()
        if re.fullmatch(r"m\d{3}", party):
            code = PartyRef.parse(party).code
            return redirect(urls.municipality(self._municipality(code, lang).code))
        if re.fullmatch(r"r\d{2}", party):
            region = self._region(PartyRef.parse(party).code, lang)
            if region.is_county:
                return redirect(urls.county(region.code))
            members = self.site.registry.members(region.code)
            return redirect(urls.municipality(members[0].code))
        raise HttpError(404, gettext("web.unknown_party", lang, value=party[:40]))

    # --- login ----------------------------------------------------------------------

    async def login(self, request: Request) -> Response:
        """The login form (GET), or a subscription key checked and kept in a cookie (POST).

        A bad key is a 401 page.
        """
        if request.method != "POST":
            return await run_in_threadpool(self.endpoint(self.login_page), request)
        async with request.form(max_files=0, max_fields=8) as form:
            token = form.get("token")
        token = token.strip() if isinstance(token, str) else ""
        return await run_in_threadpool(self._check_key, request, token)

    def _check_key(self, request: Request, token: str) -> Response:
        lang = self.language(request)
        if self.site.viewer(token) is None:
            body = self.render(Page("login.html", {"failed": True}), request, lang, None)
            return Response(body, 401, media_type="text/html",
                            headers={"content-security-policy": CSP,
                                     "cache-control": "no-store", "content-language": lang})
        response = redirect("/")
        response.set_cookie(KEY_COOKIE, token, max_age=8 * 3600, secure=self.secure,
                            httponly=True, samesite="strict")
        return response

    def logout(self, request: Request) -> Response:
        """Forget the key."""
        response = redirect("/")
        response.delete_cookie(KEY_COOKIE, secure=self.secure, httponly=True, samesite="strict")
        return response

    # --- parts ----------------------------------------------------------------------

    def render(self, page: Page, request: Request, lang: Lang, viewer: Viewer | None) -> str:
        """A template in the reader's language, with the switch to the other two."""
        path: str = request.scope["path"]
        switch = []
        for other in LANGS:
            query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
            query.append(("lang", other))
            switch.append((other, f"{quote(path)}?{urlencode(query)}"))
        return self.env.get_template(page.template).render(
            lang=lang, switch=switch, state_word=lambda state: gettext(_STATES[state], lang),
            viewer=viewer, path=path, person=request.scope.get("yp.person"),
            administrator=is_administrator(request.scope.get("yp.person"), self.site.registry),
            csrf=lambda: csrf_token(request), **page.values)

    def error(self, request: Request, error: HTTPException) -> Response:
        """A 4xx page that says what was wrong, in the reader's language."""
        lang = self.language(request)
        status = error.status_code
        headers = {"content-security-policy": CSP, "cache-control": "no-store",
                   "content-language": lang}
        if isinstance(error, HttpError):
            message = error.detail
        elif status == 404:
            message = gettext("web.not_found", lang)
        elif status == 405:
            headers["allow"] = allowed_methods(error)
            message = gettext("web.method_not_allowed", lang, method=request.method[:20],
                        allowed=headers["allow"])
        elif status == 413:
            message = gettext("web.too_large", lang)
        else:
            message = gettext("web.bad_request", lang)
        title = (gettext("web.not_found", lang) if status == 404
                 else gettext("web.forbidden", lang) if status == 403
                 else gettext("web.bad_request", lang))
        body = self.env.get_template("error.html").render(
            lang=lang, viewer=None, person=None, csrf=lambda: csrf_token(request),
            switch=[(other, f"/?lang={other}") for other in LANGS], path="/",
            title=title, message=message, status=status)
        return Response(body, status, headers, media_type="text/html")

    def server_error(self, request: Request) -> Response:
        """What a reader sees of a bug (it is logged by web.middleware.ServerErrors)."""
        return PlainTextResponse(gettext("web.server_error", self.language(request)), 500,
                                 {"cache-control": "no-store"})

    def _region(self, code: str, lang: Lang) -> Region:
        if _CODE.match(code):
            for region in self.site.registry.regions:
                if region.code == code.zfill(2):
                    return region
        raise HttpError(404, gettext("web.unknown_county", lang, value=code[:40]))

    def _municipality(self, code: str, lang: Lang) -> Municipality:
        if _CODE.match(code):
            try:
                return self.site.registry.municipality(code.zfill(3))
            except UnknownPartyError:
                pass
        raise HttpError(404, gettext("web.unknown_municipality", lang, value=code[:40]))

    def _year(self, text: str, lang: Lang) -> int:
        low, high = _YEARS
        if not re.fullmatch(r"\d{4}", text) or not low <= int(text) <= high:
            problem = gettext("web.bad_year", lang, low=low, high=high)
            raise HttpError(400, gettext("web.bad_parameter", lang, name="year",
                                         problem=problem), "year")
        return int(text)

    def _selection(self, request: Request, lang: Lang) -> dict[str, Any]:
        """The county page's filters, checked: term year (1–4 or all) and obligations."""
        term = current_term(self.site.today())
        given = request.query_params.get("term_year")
        if given in (None, ""):
            term_year = term.term_year(self.site.today()) if term else None
        elif given == "all":
            term_year = None
        elif given in ("1", "2", "3", "4"):
            term_year = int(given)
        else:
            raise HttpError(400, gettext("web.bad_parameter", lang, name="term_year",
                                         problem=gettext("web.bad_term_year", lang)),
                            "term_year")
        chosen = [o for o in request.query_params.getlist("obligation") if o]
        for obligation in chosen:
            if obligation not in self.site.definitions_by_id:
                raise HttpError(400, gettext("web.unknown_obligation", lang, value=obligation[:80]),
                                "obligation")
        return {"term": term, "term_year": term_year,
                "term_year_arg": str(term_year) if term_year else "all",
                "obligations": frozenset(chosen) if chosen else None}

    def _county_matrix(self, request: Request, code: str,
                       lang: Lang) -> tuple[Region, dict[str, Any], CountyMatrix]:
        """The county, its checked filters, and the matrix both the page and the CSV show."""
        region = self._region(code, lang)
        selection = self._selection(request, lang)
        term = selection["term"]
        duties = select_duties(self.site.duties(region.code), term=term.id if term else None,
                               term_year=selection["term_year"],
                               obligations=selection["obligations"])
        matrix = county_matrix(duties, self.site.registry.members(region.code),
                               self.site.definitions, self.site.today(), lang)
        return region, selection, matrix

    def _party_duties(self, spec: FeedSpec, lang: Lang) -> tuple[str, list[Duty], str]:
        """A party's (or pair's) name, its duties, and the page its marks link to."""
        registry = self.site.registry
        party = spec.party or PartyRef.of_county("")
        if not party.is_municipality:
            region = registry.region(party.code)
            return region.name(lang), self.site.duties(region.code), Urls().county(region.code)
        municipality = registry.municipality(party.code)
        region = registry.region(municipality.region_code)
        duties = [d for d in self.site.duties(region.code)
                  if involves(d, municipality.code)
                  or (spec.kind == "pair" and is_county_own(d))]
        name = municipality.name(lang)
        if spec.kind == "pair":
            name = f"{name} – {region.name(lang)}"
        return name, duties, Urls().municipality(municipality.code)

    def _feeds(self, municipality: Municipality, region: Region, lang: Lang,
               viewer: Viewer | None) -> list[dict[str, Any]]:
        """The subscribe boxes: each feed of the pair, with its address where one may see it."""
        urls = self.site.urls
        wanted = [f"pair-{municipality.code}", f"municipality-{municipality.code}",
                  f"region-{region.code}"]
        # Only role feeds that hold something: a role with a step here in the feeds' window
        # (the store plans two council terms, the feeds look 1100 days ahead).
        today = self.site.today()
        start = today - timedelta(days=self.site.feed_past_days)
        end = today + timedelta(days=self.site.feed_future_days)
        roles = roles_with_steps([d for d in self.site.duties(region.code)
                                  if start <= d.due <= end], municipality.code)
        wanted += [s.id for s in self.site.catalogue
                   if s.kind == "role" and s.party == PartyRef.of_municipality(municipality.code)
                   and s.role in roles]
        feeds = []
        for feed_id in wanted:
            spec = self.site.feeds_by_id.get(feed_id)
            if spec is None:
                continue
            if spec.kind == "role" and spec.role:
                label = gettext("web.feed.role", lang, role=role_label(Role(spec.role),
                                                             PartyKind.MUNICIPALITY, lang))
            else:
                label = gettext(_FEED_KINDS[spec.kind], lang)
            url = None
            if is_public(feed_id, self.site.public_feeds):
                url = urls.feed(feed_id, lang)
            elif viewer is not None and viewer.grants(feed_id):
                url = urls.feed(feed_id, lang, token=viewer.token)
            feeds.append({"id": feed_id, "label": label, "kind": spec.kind, "url": url,
                          "webcal": Urls.webcal(url) if url else None})
        return feeds

    def _duty_view(self, duty: Duty, lang: Lang, evidence: list[EvidenceEntry],
                   audit: list[AuditEntry]) -> dict[str, Any]:
        """One duty as the municipality page shows it, every word in the reader's language."""
        row = duty
        definition = self.site.definitions_by_id.get(row.obligation)

        def value(text: str | None) -> str:
            if text in STEP_STATUS_KEYS:
                return step_status_label(text, lang)
            return text or "–"

        today = self.site.today()
        cell = cell_of(duty, today)
        overdue = duty.overdue_steps(today)
        past_limit = duty.past_limit_steps(today)
        steps = []
        for step in duty.steps:
            steps.append({
                "name": step_name(definition, step.step, lang),
                "role": role_label(Role(step.role), PartyKind(step.party), lang),
                "due": step.due_effective, "optional": step.optional,
                "status": step_status_label(step.status.value, lang),
                "status_key": step.status.value, "closed": step.status.closed,
                "late": step in overdue, "past_limit": step in past_limit,
                "legal_limit": step.limit,
            })
        return {
            "id": row.id, "name": definition.names.get(lang) if definition else row.obligation,
            "period": row.period, "party": party_of(duty, self.site.parties, lang),
            "term_year": row.term_year, "due": row.due, "due_effective": row.due_effective,
            "legal_limit": row.limit,
            "reason": moved_because(duty, lang),
            "state": cell.state, "days_late": cell.days_late, "steps": steps,
            "done": cell.steps_done, "total": cell.steps_total,
            "evidence": [{"step": step_name(definition, e.step, lang),
                          "url": e.url if is_http_url(e.url) else None,
                          "decided_by": e.decided_by, "decided_on": e.decided_on,
                          "section": e.section} for e in evidence],
            "audit": [{"at": utc(a.at).astimezone(HELSINKI), "actor": a.actor,
                       "step": step_name(definition, a.step, lang),
                       "action": gettext(_AUDIT_ACTIONS[a.action], lang)
                       if a.action in _AUDIT_ACTIONS else a.action,
                       "change": f"{value(a.old_value)} → {value(a.new_value)}"
                       if a.action.startswith("status")
                       else ("" if a.action == "owner" else a.new_value or ""),
                       "reason": a.reason} for a in audit],
            "basis": [{"title": b.title.get(lang), "act": b.act,
                       "sections": ", ".join(section_citation(s, lang) for s in b.sections),
                       "url": legal_url(b, lang)}
                      for b in definition.legal_basis] if definition else [],
        }
