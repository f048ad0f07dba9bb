"""The one-click "mark done" link of a reminder email, `/mark-done?t=TOKEN`.

GET shows what the link would do and a confirmation form; nothing changes (mail scanners
follow links). The form's POST (CSRF-checked like every form) marks the step done as the
recipient the link was made for, audited with the channel `email`. The token is checked
by `state.marklinks` (an HMAC with the server's secret, bound to the step, its revision
and the recipient, with a last day); a tampered, expired or already used link, or one
whose recipient is no longer a contact or person for the step, is a clear page with the
way to the step's form. The token is never logged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from calendars.duty import Duty, DutyStep
from calendars.urls import Urls
from obligations.catalogue import N_, gettext
from obligations.lang import Lang
from state.contacts import list_contacts
from state.errors import StaleStepError, StateError
from state.marklinks import MarkLink, MarkLinkError, verify
from state.models import StepStatus
from state.people import person_by_email
from state.steps import set_step_status
from web.duty import DutyPages, may_change, step_parties
from web.errors import HttpError

if TYPE_CHECKING:
    from web.pages import Pages

_PROBLEMS = {"expired": N_("web.mark_done_expired"), "tampered": N_("web.mark_done_tampered")}


class MarkDone:
    """GET: the confirmation form; POST: the step marked done as the link's recipient."""

    def __init__(self, pages: Pages) -> None:
        self.pages = pages
        self.site = pages.site
        self.duties = DutyPages(pages)

    async def endpoint(self, request: Request) -> Response:
        if request.method != "POST":
            token = request.query_params.get("t", "")
            return await run_in_threadpool(self.handle, request, token, False)
        async with request.form(max_files=0, max_fields=8) as form:
            given = form.get("t")
        return await run_in_threadpool(self.handle, request,
                                       given if isinstance(given, str) else "", True)

    def _link(self, token: str, lang: Lang) -> MarkLink:
        try:
            return verify(self.site.secret_key, token, self.site.today())
        except MarkLinkError as error:
            raise HttpError(410 if error.reason == "expired" else 400,
                            gettext(_PROBLEMS[error.reason], lang)) from None

    def _actor(self, link: MarkLink, duty: Duty, step: DutyStep) -> str | None:
        """Who the change is recorded as: the person, or the contact, the link was for."""
        person = person_by_email(self.site.engine, link.email)
        if person is not None and may_change(person, duty, step):
            return person.label
        parties = step_parties(duty, step)
        for contact in list_contacts(self.site.engine):
            if contact.email and contact.email.strip().lower() == link.email \
                    and contact.party in parties:
                return f"{contact.name} <{link.email}>"
        return None

    def handle(self, request: Request, token: str, confirm: bool) -> Response:
        lang = self.pages.language(request)
        link = self._link(token, lang)
        try:
            duty = self.duties.find(link.occurrence_id, lang)
        except HttpError:
            raise HttpError(400, gettext("web.mark_done_tampered", lang)) from None
        step = next((s for s in duty.steps if s.step == link.step), None)
        if step is None:
            raise HttpError(400, gettext("web.mark_done_tampered", lang))
        values = self.duties._values(duty, None, lang, problem=None, field=None,
                                     conflict=None, saved=None)
        shown = next(s for s in values["steps"] if s["id"] == step.step)
        page: dict[str, Any] = {
            "duty": values["duty"], "step": shown, "email": link.email, "token": token,
            "form": Urls().step(duty.id, step.step),
            "problem": None, "done": False}
        if step.revision != link.revision:
            return self._changed(request, page, step, lang)
        actor = self._actor(link, duty, step)
        if actor is None:
            page["problem"] = gettext("web.mark_done_not_recipient", lang)
            return self.pages.respond(request, "markdone.html", page, 403)
        if not confirm:
            return self.pages.respond(request, "markdone.html", page)
        try:
            set_step_status(self.site.engine, duty.id, step.step, StepStatus.DONE,
                            by=actor, now=self.site.now(), channel="email",
                            expected_revision=link.revision)
        except StaleStepError:
            fresh = self.duties.find(duty.id, lang)
            now = next(s for s in fresh.steps if s.step == step.step)
            return self._changed(request, page, now, lang)
        except StateError as error:
            page["problem"] = gettext("web.duty_refused", lang, reason=str(error))
            return self.pages.respond(request, "markdone.html", page, 409)
        return Response(status_code=303, headers={
            "location": Urls().step(duty.id, step.step, saved=True),
            "cache-control": "no-store"})

    def _changed(self, request: Request, page: dict[str, Any], step: DutyStep,
                 lang: Lang) -> Response:
        """The step moved on since the message: done already, or changed by someone."""
        if step.status is StepStatus.DONE:
            page["done"] = True
            page["problem"] = gettext("web.mark_done_used", lang)
            return self.pages.respond(request, "markdone.html", page)
        page["problem"] = gettext("web.mark_done_changed", lang)
        return self.pages.respond(request, "markdone.html", page, 409)
