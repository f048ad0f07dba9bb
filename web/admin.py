"""The administration pages, `/admin…`, for county and national administrators.

People and their grants, contacts, subscribers with their private feeds, the audit log
with filters and the status-import upload form. Every rule is the CLI's, in `app/`: who
administers which parties (`app.people.administered`), who may grant what
(`check_may_grant`), which feeds an administrator may hand out (`app.subscribers.within`),
the contact and status-import checks. Each POST is CSRF-checked by the middleware and
checks the signed-in person again here: someone without the grant gets a 403 page, bad
input a 400 page naming the field, and nothing is written unless all of it is good.
Changes are audited with the channel `web`. A new subscriber's key is shown once, in its
feed addresses, and never logged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from hmac import compare_digest
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from app.contacts import add_one, remove, shown_email
from app.contacts import listed as listed_contacts
from app.errors import AppError
from app.people import (
    NotAllowedError,
    administered,
    check_may_add,
    check_may_grant,
    check_party,
    is_administrator,
)
from app.people import add as add_person
from app.people import grant as give
from app.people import listed as listed_people
from app.people import revoke as take
from app.steps import import_statuses
from app.subscribers import add as add_subscriber
from app.subscribers import feed_parties, within
from app.subscribers import listed as listed_subscribers
from app.subscribers import revoke as revoke_subscriber
from calendars.ics import utc
from obligations.catalogue import N_, gettext, ngettext
from obligations.lang import STEP_STATUS_KEYS, Lang, step_status_label
from obligations.parties import PartyRef
from obligations.schema import PartyKind, Role
from obligations.vocabulary import role_label
from state.audit import AuditEntry, AuditFilter, audit_page
from state.errors import ContactImportError, StateError, StatusImportError
from state.people import GRANT_ROLES, Person
from web.errors import HttpError
from web.middleware import is_upload

if TYPE_CHECKING:
    from web.pages import Pages
    from web.site import SiteData


def csrf_token(request: Request) -> str:
    """The page's CSRF token (web/pages.py), imported late: pages import this module."""
    from web.pages import csrf_token as token

    return token(request)

PAGE_SIZE = 50
"""Audit entries per page."""
MAX_UPLOAD = 1024 * 1024
"""The largest status file the upload form takes (the body limit of `/admin/import`)."""
CHANNELS = ("web", "api", "cli", "flow", "email")
CHANNEL_WORDS = {"web": N_("web.admin.channel.web"), "api": N_("web.admin.channel.api"),
                 "cli": N_("web.admin.channel.cli"), "flow": N_("web.admin.channel.flow"),
                 "email": N_("web.admin.channel.email")}
"""A channel's name for people; the code stays the form's value."""
ADMIN_ROLE_WORDS = {"county_admin": N_("web.admin.role.county_admin"),
                    "national_admin": N_("web.admin.role.national_admin"),
                    "reader": N_("web.admin.role.reader")}
"""The grant roles that are no step role; the others are named by `role_label`."""


def grant_role_label(role: str, party: str, lang: Lang) -> str:
    """A grant's role in words, worded for the party's kind (an unknown code as it is).

    A board is "kunnanhallitus" for a municipality and "aluehallitus" for a county.
    """
    if role in ADMIN_ROLE_WORDS:
        return gettext(ADMIN_ROLE_WORDS[role], lang)
    try:
        kind = PartyKind.REGION if party and not PartyRef.parse(party).is_municipality \
            else PartyKind.MUNICIPALITY
        return role_label(Role(role), kind, lang)
    except (KeyError, ValueError):
        return role


def channel_label(channel: str, lang: Lang) -> str:
    """A channel of the audit log in words (an unknown code as it is)."""
    return gettext(CHANNEL_WORDS[channel], lang) if channel in CHANNEL_WORDS else channel
SECTIONS = (("people", "/admin", N_("web.admin.people")),
            ("contacts", "/admin/contacts", N_("web.admin.contacts")),
            ("subscribers", "/admin/subscribers", N_("web.admin.subscribers")),
            ("audit", "/admin/audit", N_("web.admin.audit")),
            ("import", "/admin/import", N_("web.admin.import")))
_FIELDS = {"cli.error.bad_party": "party", "cli.error.unknown_party_code": "party",
           "cli.error.bad_role": "role", "cli.error.bad_email": "email",
           "cli.error.unknown_person": "email", "cli.error.person_exists": "email",
           "cli.error.bad_name": "name", "cli.error.no_feeds": "feeds",
           "cli.error.unknown_feed": "feeds"}
"""Which form field an error of the application layer is about."""


@dataclass(frozen=True, slots=True)
class Admin:
    """Who is administering: the person and the parties they reach (None: every party)."""

    person: Person
    scope: frozenset[str] | None

    def sees(self, party: str) -> bool:
        """True if the party is theirs to administer."""
        return self.scope is None or party in self.scope


class FormError(Exception):
    """Bad input of a form: the field and what to say (a 400 page)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


Change = Callable[[Request, "Admin", str, dict[str, str], Lang], "Response | None"]
"""A section's change from its form: None (then back to the page) or a page to show."""
PageOf = Callable[[Request, "Admin", dict[str, str], "FormError | None", int], Response]
"""A section's page with the values of its forms, their problem and the status."""


def _bad_action(lang: Lang, actions: str) -> FormError:
    return FormError("action", gettext("web.bad_parameter", lang, name="action",
                                       problem=actions))


def _id(values: dict[str, str], lang: Lang) -> int:
    """The `id` field of a form: a row's number."""
    given = values.get("id", "")
    if not given.isdigit() or len(given) > 12:
        raise FormError("id", gettext("web.bad_parameter", lang, name="id", problem="1, 2, …"))
    return int(given)


async def _form(request: Request) -> dict[str, str]:
    """A urlencoded form's text fields (the middleware has checked its CSRF token)."""
    async with request.form(max_files=0, max_fields=20) as form:
        return {k: v for k, v in form.items() if isinstance(v, str)}


class AdminPages:
    """The endpoints of `/admin…` (routed in web/server.py)."""

    def __init__(self, pages: Pages) -> None:
        self.pages = pages

    @property
    def site(self) -> SiteData:
        """The pages' warm data (read when a request comes, not when routes are built)."""
        return self.pages.site

    # --- who ------------------------------------------------------------------------

    def _admin(self, request: Request) -> Admin:
        """The signed-in administrator; anyone else is refused with a 403 page."""
        lang = self.pages.language(request)
        person = self.pages.signed_in(request)
        if person is None:
            raise HttpError(403, gettext("web.admin.sign_in_first", lang))
        if not is_administrator(person, self.site.registry):
            raise HttpError(403, gettext("web.admin.forbidden", lang))
        return Admin(person, administered(person, self.site.registry))

    def _page(self, request: Request, admin: Admin, section: str, template: str,
              values: dict[str, Any], problem: FormError | None = None,
              status: int = 200) -> Response:
        """An administration page: its navigation, and the saved note or the form's problem."""
        lang = self.pages.language(request)
        nav = [(key, href, gettext(label, lang), key == section)
               for key, href, label in SECTIONS]
        return self.pages.respond(request, template, {
            "nav": nav, "national": admin.scope is None,
            "saved": request.query_params.get("saved") if problem is None else None,
            "problem": problem.message if problem else None,
            "bad_field": problem.field if problem else None,
            "role_name": lambda role, party="": grant_role_label(role, party, lang),
            "channel_name": lambda channel: channel_label(channel, lang), **values}, status)

    def _refused(self, error: Exception, lang: Lang) -> FormError | HttpError:
        """An error of the application layer or the store as the answer to a form."""
        if isinstance(error, NotAllowedError):
            return HttpError(403, error.text(lang))
        key = error.key if isinstance(error, AppError | StateError) else None
        return FormError(_FIELDS.get(key or "", "form"), _message(error, lang))

    async def _run(self, request: Request, change: Change, page: PageOf,
                   back: str) -> Response:
        """One section's GET (its page) or POST (a change, then back to the page).

        Bad input is the page again with the problem (400), a change the administrator
        may not make a 403; the store writes each change in one transaction, so a refused
        one leaves nothing behind.
        """
        values = await _form(request) if request.method == "POST" else None

        def run() -> Response:
            admin = self._admin(request)
            lang = self.pages.language(request)
            if values is None:
                return page(request, admin, {}, None, 200)
            action = values.get("action", "")
            try:
                answer = change(request, admin, action, values, lang)
            except FormError as problem:
                return page(request, admin, values, problem, 400)
            except (AppError, StateError) as error:
                refused = self._refused(error, lang)
                if isinstance(refused, HttpError):
                    raise refused from None
                return page(request, admin, values, refused, 400)
            return answer or _see_other(f"{back}?{urlencode({'saved': action})}")

        return await run_in_threadpool(run)

    # --- people and grants ----------------------------------------------------------

    async def people(self, request: Request) -> Response:
        """GET: people and grants with the forms; POST: add a person, grant or revoke."""
        return await self._run(request, self._change_people, self._people_page, "/admin")

    def _change_people(self, request: Request, admin: Admin, action: str,
                       values: dict[str, str], lang: Lang) -> None:
        """One change of people or grants, after the same checks as the CLI's."""
        registry = self.site.registry
        email = values.get("email", "").strip()
        by = admin.person.label
        if action == "add":
            national = values.get("admin") in ("1", "on")
            check_may_add(admin.person, admin=national, registry=registry)
            add_person(self.site.engine, email, values.get("name", ""), admin=national, by=by,
                       channel="web")
        elif action in ("grant", "revoke"):
            party = values.get("party", "").strip()
            role = values.get("role", "").strip()
            check_may_grant(admin.person, party, role, registry)
            change = give if action == "grant" else take
            change(self.site.engine, email, party, role, by=by, channel="web")
        else:
            raise _bad_action(lang, "add, grant, revoke")

    def _people_page(self, request: Request, admin: Admin, values: dict[str, str],
                     problem: FormError | None, status: int) -> Response:
        people = []
        for person in listed_people(self.site.engine):
            grants = sorted(g for g in person.grants if admin.sees(g[0]))
            if admin.scope is None or grants or not person.grants:
                people.append({"email": person.email, "name": person.name,
                               "national": person.is_admin, "grants": grants})
        roles = [r for r in GRANT_ROLES if admin.scope is None or r != "national_admin"]
        return self._page(request, admin, "people", "admin_people.html", {
            "people": people, "roles": roles, "values": values}, problem, status)

    # --- contacts -------------------------------------------------------------------

    async def contacts(self, request: Request) -> Response:
        """GET: the contacts of the administrator's parties; POST: add or remove one."""
        return await self._run(request, self._change_contacts, self._contacts_page,
                               "/admin/contacts")

    def _change_contacts(self, request: Request, admin: Admin, action: str,
                         values: dict[str, str], lang: Lang) -> None:
        if action == "remove":
            contact_id = _id(values, lang)
            contact = next((c for c in listed_contacts(self.site.engine)
                            if c.id == contact_id), None)
            if contact is None:
                raise FormError("id", gettext("web.admin.no_contact", lang, id=contact_id))
            if not admin.sees(contact.party):
                raise HttpError(403, gettext("web.admin.not_yours", lang, party=contact.party))
            remove(self.site.engine, contact_id)
        elif action == "add":
            party = values.get("party", "").strip()
            check_party(self.site.registry, party)
            if not admin.sees(party):
                raise HttpError(403, gettext("web.admin.not_yours", lang, party=party))
            try:  # the CSV's party column is a bare code
                add_one(self.site.engine, self.site.registry, dict(values, party=party[1:]))
            except ContactImportError as error:
                first = error.problems[0]
                raise FormError(first.column, gettext("web.admin.problem", lang,
                                                      field=first.column,
                                                      problem=first.message)) from None
        else:
            raise _bad_action(lang, "add, remove")

    def _contacts_page(self, request: Request, admin: Admin, values: dict[str, str],
                       problem: FormError | None, status: int) -> Response:
        contacts = [{"id": c.id, "party": c.party, "role": c.role, "name": c.name,
                     "email": shown_email(c.email), "teams": bool(c.teams),
                     "language": c.language, "delivery": c.delivery}
                    for c in listed_contacts(self.site.engine) if admin.sees(c.party)]
        return self._page(request, admin, "contacts", "admin_contacts.html", {
            "contacts": contacts, "values": values}, problem, status)

    # --- subscribers ----------------------------------------------------------------

    async def subscribers(self, request: Request) -> Response:
        """GET: subscribers; POST: add one (its private addresses shown once) or revoke."""
        return await self._run(request, self._change_subscribers, self._subscribers_page,
                               "/admin/subscribers")

    def _change_subscribers(self, request: Request, admin: Admin, action: str,
                            values: dict[str, str], lang: Lang) -> Response | None:
        if action == "revoke":
            subscriber_id = _id(values, lang)
            row = next((r for r in listed_subscribers(self.site.engine)
                        if r.id == subscriber_id), None)
            parties = feed_parties(self.site.registry, self.site.definitions,
                                   row.feeds.split() if row else [])
            revoke_subscriber(self.site.engine, subscriber_id,
                              allowed=row is None or within(admin.scope, parties))
            return None
        if action != "add":
            raise _bad_action(lang, "add, revoke")
        name = " ".join(values.get("name", "").split())
        if not name or len(name) > 200:
            raise FormError("name", gettext("web.bad_parameter", lang, name="name",
                                            problem="1–200"))
        feeds = values.get("feeds", "").replace(",", " ").split()
        added = add_subscriber(self.site.engine, self.site.registry, self.site.definitions,
                               name, feeds, every_feed=values.get("all") in ("1", "on"),
                               scope=admin.scope)
        urls = self.site.urls
        shown = [(feed, urls.feed(feed, lang, token=added.token)) for feed in added.feeds[:50]]
        return self._subscribers_page(request, admin, {}, None, 200, added_name=name,
                                      added=[(f, u, urls.webcal(u)) for f, u in shown])

    def _subscribers_page(self, request: Request, admin: Admin, values: dict[str, str],
                          problem: FormError | None, status: int, *,
                          added_name: str | None = None,
                          added: list[tuple[str, str, str]] | None = None) -> Response:
        rows = listed_subscribers(self.site.engine)
        parties = feed_parties(self.site.registry, self.site.definitions,
                               sorted({f for r in rows for f in r.feeds.split()}))
        shown = [{"id": r.id, "name": r.name, "feeds": r.feeds.split(),
                  "created": utc(r.created_at).date(),
                  "revoked": utc(r.revoked_at).date() if r.revoked_at else None}
                 for r in rows
                 if within(admin.scope, {f: parties.get(f) for f in r.feeds.split()})]
        return self._page(request, admin, "subscribers", "admin_subscribers.html", {
            "subscribers": shown, "values": values, "added": added,
            "added_name": added_name}, problem, status)

    # --- audit log ------------------------------------------------------------------

    def audit(self, request: Request) -> Response:
        """The audit log, newest first, filtered and paged (blocking: a sync endpoint)."""
        admin = self._admin(request)
        lang = self.pages.language(request)
        query = request.query_params
        given = {k: (query.get(k) or "").strip() for k in (
            "party", "person", "channel", "obligation", "occurrence", "from", "to", "page")}
        where = self._audit_filter(admin, given, lang)
        page = int(given["page"] or "1")
        entries, total = audit_page(self.site.engine, where, offset=(page - 1) * PAGE_SIZE,
                                    limit=PAGE_SIZE)
        pages = max(1, -(-total // PAGE_SIZE))
        kept = [(k, v) for k, v in given.items() if v and k != "page"]

        def link(number: int) -> str:
            return "/admin/audit?" + urlencode([*kept, ("page", str(number))])

        return self._page(request, admin, "audit", "admin_audit.html", {
            "given": given, "channels": CHANNELS, "total": total, "page": page,
            "pages": pages, "previous": link(page - 1) if page > 1 else None,
            "next": link(page + 1) if page < pages else None,
            "count": ngettext("web.admin.audit_count", "web.admin.audit_count.n", total, lang,
                              count=total),
            "definitions": self.site.definitions,
            "entries": [self._audit_view(e, lang) for e in entries]})

    def _audit_filter(self, admin: Admin, given: dict[str, str], lang: Lang) -> AuditFilter:
        """The checked filters; a bad one is a 400 naming the parameter."""
        def bad(name: str, problem: str) -> HttpError:
            return HttpError(400, gettext("web.bad_parameter", lang, name=name,
                                          problem=problem), name)

        party = given["party"]
        if party:
            try:
                check_party(self.site.registry, party)
            except (AppError, StateError):
                raise bad("party", "m564, r19") from None
            if not admin.sees(party):
                raise HttpError(403, gettext("web.admin.not_yours", lang, party=party))
        if given["channel"] and given["channel"] not in CHANNELS:
            raise bad("channel", ", ".join(CHANNELS))
        if given["obligation"] and given["obligation"] not in self.site.definitions_by_id:
            raise bad("obligation", gettext("web.unknown_obligation", lang,
                                            value=given["obligation"][:80]))
        days: dict[str, date | None] = {}
        for name in ("from", "to"):
            try:
                days[name] = date.fromisoformat(given[name]) if given[name] else None
            except ValueError:
                raise bad(name, "YYYY-MM-DD") from None
        if given["page"] and (not given["page"].isdigit() or not 1 <= int(given["page"]) <= 10**6):
            raise bad("page", "1, 2, …")
        for name in ("person", "occurrence"):
            if len(given[name]) > 200:
                raise bad(name, "≤ 200")
        return AuditFilter(parties=frozenset({party}) if party else None, scope=admin.scope,
                           actor=given["person"] or None, channel=given["channel"] or None,
                           obligation=given["obligation"] or None,
                           occurrence=given["occurrence"] or None,
                           start=days["from"], end=days["to"])

    def _audit_view(self, entry: AuditEntry, lang: Lang) -> dict[str, Any]:
        from web.pages import HELSINKI

        def value(text: str | None) -> str:
            return step_status_label(text, lang) if text in STEP_STATUS_KEYS else (text or "")

        change = (f"{value(entry.old_value)} → {value(entry.new_value)}"
                  if entry.action.startswith("status") else value(entry.new_value))
        return {"at": entry.at.astimezone(HELSINKI), "actor": entry.actor,
                "channel": entry.channel or "", "occurrence": entry.occurrence_id,
                "step": entry.step or "", "action": entry.action, "change": change,
                "reason": entry.reason or ""}

    # --- status import --------------------------------------------------------------

    async def status_import(self, request: Request) -> Response:
        """GET: the upload form; POST: a file's preview (a dry run) or, confirmed, the import."""
        if request.method != "POST":
            return await run_in_threadpool(self._import, request, None, "", False)
        lang = self.pages.language(request)
        async with request.form(max_files=1, max_fields=8,
                                max_part_size=MAX_UPLOAD) as form:
            token = form.get("csrftoken")
            if is_upload(request.scope) and not (isinstance(token, str) and compare_digest(
                    token, csrf_token(request))):
                raise HttpError(403, gettext("web.csrf_failed", lang))
            upload = form.get("file")
            confirm = form.get("confirm") == "1"
            if isinstance(upload, UploadFile):
                source = (upload.filename or "upload.csv")[-120:]
                data = await upload.read()
                try:
                    text = data.decode("utf-8-sig")
                except UnicodeDecodeError:
                    text = None
            else:
                given, named = form.get("csv"), form.get("source")
                text = given if isinstance(given, str) else None
                source = named[-120:] if isinstance(named, str) and named else "upload.csv"
        if text is None or not text.strip():
            return await run_in_threadpool(self._import, request, None, source, False,
                                           gettext("web.admin.import_no_file", lang))
        return await run_in_threadpool(self._import, request, text, source, confirm)

    def _import(self, request: Request, text: str | None, source: str, confirm: bool,
                refused: str | None = None) -> Response:
        """The upload form; with a file, its dry run or (confirmed) the import itself."""
        admin = self._admin(request)
        lang = self.pages.language(request)
        values: dict[str, Any] = {"problems": [], "preview": None, "applied": None,
                                  "csv": text or "", "source": source}
        if refused is not None or text is None:
            problem = FormError("file", refused) if refused is not None else None
            return self._page(request, admin, "import", "admin_import.html", values, problem,
                              400 if problem else 200)
        try:
            changes = import_statuses(self.site.engine, text, source, by=admin.person.label,
                                      dry_run=not confirm, channel="web", scope=admin.scope)
        except StatusImportError as error:
            values["problems"] = [f"{error.source}:{p}" for p in error.problems]
            return self._page(request, admin, "import", "admin_import.html", values, FormError(
                "file", ngettext("cli.error.problems", "cli.error.problems.n",
                                 len(error.problems), lang, count=len(error.problems))), 400)
        except StateError as error:
            return self._page(request, admin, "import", "admin_import.html", values,
                              FormError("file", _message(error, lang)), 400)
        rows = [{"line": c.line, "occurrence": c.occurrence_id, "step": c.step,
                 "old": step_status_label(c.old, lang), "new": step_status_label(c.new, lang),
                 "changed": c.changed} for c in changes]
        changed = sum(1 for c in changes if c.changed)
        key = N_("cli.status_import.done") if confirm else N_("cli.status_import.dry_run")
        summary = gettext(key, lang, changed=changed, unchanged=len(changes) - changed)
        values["applied" if confirm else "preview"] = {"rows": rows, "summary": summary}
        return self._page(request, admin, "import", "admin_import.html", values)


def _message(error: Exception, lang: Lang) -> str:
    """What an error of the application layer or the store says, in the reader's language."""
    if isinstance(error, AppError):
        return error.text(lang)
    if isinstance(error, StateError) and error.key is not None:
        return gettext(error.key, lang, **error.values)
    return str(error)


def _see_other(location: str) -> Response:
    """After a saved form: back to its page (no-store: it names people)."""
    return Response(status_code=303, headers={"location": location,
                                              "cache-control": "no-store"})
