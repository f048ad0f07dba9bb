"""The duty page, `/duty/{occurrence}`: the checklist, and a form per step for those who may.

A signed-in person whose grants cover a step (see `state.people.Person.may_change`) gets
its form; everyone else sees the checklist read-only, and their POST is a 403. The form
carries the step's revision: if the step changed since the page was read, nothing is saved
and both versions are shown (409). Every change goes through `set_step_status`, audited
with the person and the channel `web`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from calendars.duty import Duty, DutyStep
from calendars.urls import Urls
from obligations.catalogue import gettext
from obligations.lang import Lang, step_status_label
from state.audit import evidence_and_audit
from state.errors import StaleStepError, StateError, TransitionError, UnsafeUrlError
from state.models import StepStatus
from state.owners import granted_for, set_owner, step_owners
from state.people import Person, list_people
from state.queries import duty_states
from state.steps import Evidence, set_step_status
from web.errors import HttpError

if TYPE_CHECKING:
    from web.markdone import MarkDone
    from web.pages import Pages

REASON_NEEDED = (StepStatus.WAIVED, StepStatus.NOT_APPLICABLE)
FIELDS = ("step", "revision", "status", "note", "url", "decided_by", "decided_on", "section",
          "force")
StepAction = Callable[[Request, dict[str, str | None], Lang, Duty, DutyStep, Person], Response]
"""A change of one step by the person signed in, once `DutyPage._changing` allowed it."""


def step_parties(duty: Duty, step: DutyStep) -> set[str]:
    """The party codes (m205, r20) a step belongs to."""
    return {party.key for party in duty.step_owners(step)}


def may_change(person: Person | None, duty: Duty, step: DutyStep) -> bool:
    """True if the person's grants cover this step of this duty."""
    return person is not None and any(
        person.may_change(party, step.role, duty.region)
        for party in step_parties(duty, step))


@dataclass(frozen=True, slots=True)
class StepInput:
    """What a step form (or an API body) asks for, checked."""

    status: StepStatus
    note: str | None
    evidence: Evidence
    force: bool


class InputError(Exception):
    """A field that is wrong: its name and what to say."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def parse_step_input(values: dict[str, str | None], lang: Lang) -> StepInput:
    """Checks a step change: status, reason where needed, an http(s) address, a date."""
    from state.steps import check_url

    given = (values.get("status") or "").strip()
    if given not in {s.value for s in StepStatus}:
        raise InputError("status", gettext("web.bad_parameter", lang, name="status",
                                       problem=", ".join(s.value for s in StepStatus)))
    status = StepStatus(given)
    note = (values.get("note") or "").strip() or None
    if note is not None and len(note) > 2000:
        raise InputError("note", gettext("web.bad_parameter", lang, name="note", problem="≤ 2000"))
    force = values.get("force") in ("1", "on", "true")
    if (status in REASON_NEEDED or force) and not note:
        raise InputError("note", gettext("web.duty_refused", lang,
                                         reason=gettext("web.duty_reason_needed", lang)))
    url = (values.get("url") or "").strip() or None
    if url is not None:
        try:
            check_url("url", url)
        except UnsafeUrlError:
            raise InputError("url", gettext("web.duty_refused", lang,
                                        reason=gettext("web.duty_bad_url", lang))) from None
    decided_on: date | None = None
    text = (values.get("decided_on") or "").strip()
    if text:
        try:
            decided_on = date.fromisoformat(text)
        except ValueError:
            raise InputError("decided_on", gettext("web.duty_refused", lang,
                                               reason=gettext("web.duty_bad_date", lang))) from None
    decided_by = (values.get("decided_by") or "").strip()[:200] or None
    section = (values.get("section") or "").strip()[:40] or None
    return StepInput(status, note, Evidence(url=url, decided_by=decided_by,
                                            decided_on=decided_on, section=section), force)


class DutyPages:
    """GET: the duty with its checklist; POST: one step changed."""

    def __init__(self, pages: Pages) -> None:
        self.pages = pages
        self.site = pages.site
        self._mark_done: MarkDone | None = None

    async def mark_done(self, request: Request) -> Response:
        """`/mark-done`: the one-click link of reminder emails (web/markdone.py)."""
        if self._mark_done is None:
            from web.markdone import MarkDone

            self._mark_done = MarkDone(self.pages)
        return await self._mark_done.endpoint(request)

    async def owner_endpoint(self, request: Request) -> Response:
        """POST: the step's owner chosen (or cleared) among the people granted for it."""
        async with request.form(max_files=0, max_fields=8) as form:
            values = {name: (str(form[name]) if isinstance(form.get(name), str) else None)
                      for name in ("step", "owner")}
        return await run_in_threadpool(self._changing, request, values, self.set_owner)

    def set_owner(self, request: Request, values: dict[str, str | None], lang: Lang,
                  duty: Duty, step: DutyStep, person: Person) -> Response:
        try:
            set_owner(self.site.engine, duty.id, step.step,
                      (values.get("owner") or "").strip() or None, by=person.label,
                      now=self.site.now(), channel="web")
        except StateError:
            return self.show(request, status=400, field=step.step,
                             problem=gettext("web.duty_owner_refused", lang))
        return Response(status_code=303, headers={
            "location": Urls().step(duty.id, step.step, saved=True),
            "cache-control": "no-store"})

    def _changing(self, request: Request, values: dict[str, str | None],
                  action: StepAction) -> Response:
        """`action` on the duty and step a form names, if the person signed in may change it.

        An unknown step is a 400; a step the person's grants do not cover (or nobody signed
        in) answers the page again with a 403 that says why.
        """
        lang = self.pages.language(request)
        person = self.pages.signed_in(request)
        duty = self.find(request.path_params["occurrence"], lang)
        step = next((s for s in duty.steps if s.step == values.get("step")), None)
        if step is None:
            raise HttpError(400, gettext("web.bad_parameter", lang, name="step",
                                   problem=", ".join(s.step for s in duty.steps)), "step")
        if person is None or not may_change(person, duty, step):
            problem = (gettext("web.duty_not_yours", lang) if person
                       else gettext("web.duty_read_only", lang))
            return self.show(request, status=403, problem=problem, field=step.step)
        return action(request, values, lang, duty, step, person)

    def find(self, occurrence_id: str, lang: Lang) -> Duty:
        """The duty, read fresh from the store (the form's revisions must be current)."""
        if len(occurrence_id) > 200:
            raise HttpError(404, gettext("web.not_found", lang))
        found = duty_states(self.site.engine, occurrence_ids=frozenset({occurrence_id}),
                            non_working_days=self.site.non_working_days,
                            tracked_from=self.site.configuration.tracked_from)
        if not found:
            raise HttpError(404, gettext("web.not_found", lang))
        return found[0]

    async def endpoint(self, request: Request) -> Response:
        if request.method != "POST":
            return await run_in_threadpool(self.show, request)
        async with request.form(max_files=0, max_fields=20) as form:
            values = {name: (str(form[name]) if isinstance(form.get(name), str) else None)
                      for name in FIELDS}
        return await run_in_threadpool(self._changing, request, values, self.change)

    def show(self, request: Request, *, status: int = 200, problem: str | None = None,
             field: str | None = None, conflict: dict[str, Any] | None = None,
             saved: str | None = None) -> Response:
        lang = self.pages.language(request)
        person = self.pages.signed_in(request)
        duty = self.find(request.path_params["occurrence"], lang)
        values = self._values(duty, person, lang, problem=problem, field=field,
                              conflict=conflict, saved=saved or request.query_params.get("saved"))
        # A message links to `?step=ID#step-ID`; the fragment never reaches the server, so
        # the sign-in link carries it in `next` and the form is in view after signing in.
        wanted = request.query_params.get("step")
        values["signin_next"] = Urls().duty(duty.id) + (
            f"#step-{wanted}" if any(s.step == wanted for s in duty.steps) else "")
        return self.pages.respond(request, "duty.html", values, status)

    def change(self, request: Request, values: dict[str, str | None], lang: Lang,
               duty: Duty, step: DutyStep, person: Person) -> Response:
        try:
            change = parse_step_input(values, lang)
        except InputError as problem:
            return self.show(request, status=400, problem=problem.message, field=step.step)
        revision = values.get("revision") or ""
        if not revision.isdigit():
            raise HttpError(400, gettext("web.bad_parameter", lang, name="revision",
                                         problem="0, 1, …"),
                            "revision")
        try:
            set_step_status(self.site.engine, duty.id, step.step, change.status,
                            by=person.label, now=self.site.now(), note=change.note,
                            evidence=change.evidence, force=change.force, channel="web",
                            expected_revision=int(revision))
        except StaleStepError as stale:
            current = str(getattr(stale.status, "value", stale.status))
            conflict = {
                "step": step.step,
                "current": {"status": step_status_label(current, lang),
                            "note": stale.note or "", "by": stale.changed_by},
                "yours": {"status": step_status_label(change.status.value, lang),
                          "note": change.note or "", "url": change.evidence.url or ""},
            }
            return self.show(request, status=409, problem=gettext("web.duty_stale", lang),
                             field=step.step, conflict=conflict)
        except TransitionError as error:
            return self.show(request, status=409, problem=gettext("web.duty_refused", lang,
                                                            reason=str(error)), field=step.step)
        except StateError as error:
            return self.show(request, status=400, problem=gettext("web.duty_refused", lang,
                                                            reason=str(error)), field=step.step)
        return Response(status_code=303, headers={
            "location": Urls().step(duty.id, step.step, saved=True),
            "cache-control": "no-store"})

    def _values(self, duty: Duty, person: Person | None, lang: Lang, *,
                problem: str | None, field: str | None, conflict: dict[str, Any] | None,
                saved: str | None) -> dict[str, Any]:
        evidence, audit = evidence_and_audit(self.site.engine,
                                             frozenset({duty.id}))
        owners = step_owners(self.site.engine, [duty.id])
        people = list_people(self.site.engine) if person is not None else []
        view = self.pages._duty_view(duty, lang, evidence.get(duty.id, []),
                                     audit.get(duty.id, []))
        steps = []
        for shown, state in zip(view["steps"], duty.steps, strict=True):
            owner = owners.get((duty.id, state.step))
            editable = may_change(person, duty, state)
            candidates = sorted(
                ((p.email, p.name) for p in granted_for(people, step_parties(duty, state),
                                                        duty.region, state.role)),
                key=lambda c: (c[1].lower(), c[0])) if editable else []
            steps.append({**shown, "id": state.step, "revision": state.revision,
                          "note": state.note or "", "editable": editable,
                          "owner": owner.name if owner else None,
                          "owner_email": owner.email if owner else "",
                          "candidates": candidates})
        row = duty
        return {"duty": view, "steps": steps, "problem": problem, "field": field,
                "conflict": conflict, "saved": saved, "statuses": [
                    (s.value, step_status_label(s.value, lang)) for s in StepStatus],
                "back": Urls().municipality(row.municipality) if row.municipality
                else (Urls().county(row.region) if row.region else "/")}
