"""The JSON API: occurrences and their status, described by an OpenAPI 3.1 document.

Public and read-only (no contacts, no audit actors, no feed tokens), except one step's
GET and PATCH, which take a personal access token (`Authorization: Bearer`) whose grants
cover the step (the step's owner is personal data, so reading it needs the same grants as
writing it), answer the step's revision and owner as its ETag and refuse a PATCH whose
If-Match is stale (412). The response models
below are what is sent and what the OpenAPI document describes, so the two cannot drift.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.json_schema import models_json_schema
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from calendars.duty import Duty
from obligations.lang import LANGS, Lang, step_status_label
from obligations.parties import PartyRef
from obligations.schema import PartyKind, Role
from obligations.vocabulary import role_label
from state.audit import evidence_and_audit
from state.owners import StepView
from state.people import Person
from state.urls import is_http_url
from web.errors import HttpError, allowed_methods
from web.site import SiteData
from web.views import cell_of, moved_because, party_of, step_name
from yhdyspinta import __version__

PREFIX = "/api/v1"
STATES = ("complete", "open", "late", "overdue", "not_tracked", "cancelled")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Model(BaseModel):
    """Every API object: closed, so the document says exactly what is sent."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Names(Model):
    """A name in the three languages."""

    fi: str
    sv: str
    en: str


class RegionOut(Model):
    """A wellbeing services county, or Helsinki (which organises its services itself)."""

    code: str = Field(pattern=r"^\d{2}$", examples=["20"])
    names: Names
    is_county: bool
    municipalities: list[str] = Field(description="Municipality codes, in code order.")


StatusName = Literal["not_started", "in_progress", "done", "waived", "not_applicable"]
"""`obligations.lang.StepStatus` as the OpenAPI document spells it (a test keeps them equal)."""


class StepOut(Model):
    """A checklist step and its status in the store."""

    step: str
    name: str
    role: str
    role_name: str
    party: Literal["municipality", "region"]
    optional: bool
    due: date = Field(description="The step's target (the law's, practice or local date).")
    due_effective: date = Field(description="The target moved off non-working days.")
    legal_limit: date = Field(description="The last day the law allows for the step.")
    status: StatusName
    status_name: str


class OccurrenceOut(Model):
    """A dated duty of a party, with where it stands."""

    id: str = Field(examples=["municipal-budget.m205.2027"])
    obligation: str
    name: str
    period: str
    owed_by: str
    party_name: str
    municipality: str | None
    region: str | None
    participants: list[str]
    term: str
    term_year: int = Field(ge=1, le=4)
    due: date = Field(description="The target: the law's date, or a practice or local date "
                                  "where the law sets only a cadence.")
    due_effective: date = Field(description="The target moved off non-working days.")
    legal_limit: date = Field(description="The last day the law allows: the law's own date "
                                          "(a filing's as moved by 150/1930 §5), else the "
                                          "period's last day. On or after the target.")
    shift_reason: str | None
    state: Literal["complete", "open", "late", "overdue", "not_tracked", "cancelled"] = Field(
        description="late: a step is past its target but none past its legal limit; "
                    "overdue: a step is past its legal limit; not_tracked: due before its "
                    "party's tracked_from day, so never late.")
    days_late: int = Field(ge=0, description="Days since the earliest missed target.")
    days_past_limit: int = Field(ge=0, description="Days since the earliest missed legal "
                                                   "limit.")
    steps_done: int = Field(ge=0)
    steps_total: int = Field(ge=0)
    tracked: bool = Field(description="False when the target is before the party's "
                                      "tracked_from day (the county's configuration).")
    tracked_from: date | None = Field(description="The owing party's tracked_from day, "
                                                  "if its county sets one.")
    steps: list[StepOut]


class EvidenceOut(Model):
    """A decision or document recorded for a step (who recorded it is not shown)."""

    step: str
    url: str | None
    decided_by: str | None
    decided_on: date | None
    section: str | None


class OccurrenceDetail(OccurrenceOut):
    """An occurrence with its evidence."""

    evidence: list[EvidenceOut]


class OccurrencePage(Model):
    """A page of occurrences, in effective-date order."""

    total: int = Field(ge=0)
    limit: int
    offset: int
    items: list[OccurrenceOut]


class ErrorOut(Model):
    """What was wrong with a request."""

    error: str
    parameter: str | None = None


# --- issue 14: the write API -----------------------------------------------------------

class EvidenceIn(BaseModel):
    """What shows the step was done: the minutes' address (http or https), body, date, §."""

    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(None, max_length=2000, examples=["https://www.kajaani.fi/ptk/87"])
    decided_by: str | None = Field(None, max_length=200)
    decided_on: date | None = None
    section: str | None = Field(None, max_length=40)


class StepPatch(BaseModel):
    """A step's new status and/or owner; waived and not applicable need a note (the reason).

    A member left out is kept; `"owner": null` clears the owner. Both in one body are
    written together or not at all.
    """

    model_config = ConfigDict(extra="forbid")

    status: StatusName | None = Field(None, description="Left out: the status is kept.")
    note: str | None = Field(None, max_length=2000)
    evidence: EvidenceIn | None = None
    force: bool = Field(False, description="Done before its predecessors; needs a note.")
    owner: str | None = Field(None, max_length=254, examples=["maija@kajaani.fi"],
                              description="The owner's email address, one of "
                                          "`owner_candidates`; null: no owner; left out: "
                                          "kept.")


class OwnerOut(Model):
    """A person who owns, or may own, a step (personal data: only to those granted)."""

    email: str
    name: str


class StepStateOut(Model):
    """A step of an occurrence as the store has it, for a person who may read it."""

    occurrence_id: str
    step: str
    status: StatusName
    note: str | None
    revision: int = Field(ge=0, description="Bumped on every change; the ETag carries it.")
    may_change: bool = Field(description="True if the token's grants cover this step "
                                         "(always, since a step is answered only then).")
    owner: OwnerOut | None = Field(description="Who answers for the step; reminders go to "
                                                "them first.")
    owner_candidates: list[OwnerOut] = Field(description="The people granted for the step, "
                                                         "among whom its owner is chosen.")
    evidence: list[EvidenceOut]


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 description of this API."""
    _, schemas = models_json_schema(
        [(m, "serialization") for m in (RegionOut, OccurrencePage, OccurrenceDetail, ErrorOut,
                                        StepStateOut)] + [(StepPatch, "validation")],
        ref_template="#/components/schemas/{model}")

    def ref(name: str) -> dict[str, Any]:
        return {"$ref": f"#/components/schemas/{name}"}

    def answer(description: str, schema: dict[str, Any]) -> dict[str, Any]:
        return {"description": description, "content": {"application/json": {"schema": schema}}}

    bad = answer("A parameter is malformed or unknown.", ref("ErrorOut"))
    lang = {"name": "lang", "in": "query", "required": False,
            "description": "Language of names and reasons.",
            "schema": {"type": "string", "enum": list(LANGS), "default": "fi"}}
    day = {"type": "string", "format": "date"}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Yhdyspinta API", "version": __version__,
                 "description": "Statutory duties of Finnish municipalities and wellbeing "
                                "services counties, with their status. Public and read-only, "
                                "except a step's GET and PATCH with a personal access token."},
        "paths": {
            f"{PREFIX}/regions": {"get": {
                "operationId": "listRegions", "summary": "Counties and Helsinki",
                "responses": {"200": answer("Every organiser.",
                                            {"type": "array", "items": ref("RegionOut")})}}},
            f"{PREFIX}/occurrences": {"get": {
                "operationId": "listOccurrences", "summary": "Occurrences with their status",
                "parameters": [
                    {"name": "region", "in": "query", "required": False,
                     "schema": {"type": "string", "pattern": r"^\d{2}$"}},
                    {"name": "municipality", "in": "query", "required": False,
                     "schema": {"type": "string", "pattern": r"^\d{3}$"}},
                    {"name": "obligation", "in": "query", "required": False,
                     "schema": {"type": "string", "pattern": r"^[a-z0-9]+(-[a-z0-9]+)*$"}},
                    {"name": "state", "in": "query", "required": False,
                     "schema": {"type": "string", "enum": list(STATES)}},
                    {"name": "from", "in": "query", "required": False, "schema": day,
                     "description": "First effective date."},
                    {"name": "to", "in": "query", "required": False, "schema": day,
                     "description": "Last effective date."},
                    {"name": "limit", "in": "query", "required": False,
                     "schema": {"type": "integer", "minimum": 1, "maximum": 1000,
                                "default": 100}},
                    {"name": "offset", "in": "query", "required": False,
                     "schema": {"type": "integer", "minimum": 0, "maximum": 1000000,
                                "default": 0}},
                    lang],
                "responses": {"200": answer("A page of occurrences.", ref("OccurrencePage")),
                              "400": bad,
                              "404": answer("Unknown region, municipality or obligation.",
                                            ref("ErrorOut"))}}},
            f"{PREFIX}/occurrences/{{occurrence_id}}": {"get": {
                "operationId": "getOccurrence", "summary": "One occurrence with its evidence",
                "parameters": [{"name": "occurrence_id", "in": "path", "required": True,
                                "schema": {"type": "string", "minLength": 1,
                                           "maxLength": 200}}, lang],
                "responses": {"200": answer("The occurrence.", ref("OccurrenceDetail")),
                              "400": bad,
                              "404": answer("No such occurrence.", ref("ErrorOut"))}}},
            f"{PREFIX}/occurrences/{{occurrence_id}}/steps/{{step}}": _step_operations(
                ref, answer, bad),
        },
        "components": {"schemas": schemas["$defs"], "securitySchemes": {
            "personalAccessToken": {"type": "http", "scheme": "bearer",
                                    "description": "A personal access token from "
                                                   "`yhdyspinta users token`."}}},
    }


def _step_operations(ref: Any, answer: Any, bad: dict[str, Any]) -> dict[str, Any]:
    """GET and PATCH of one step (issue 14): a bearer token, ETag and If-Match."""
    parameters = [
        {"name": "occurrence_id", "in": "path", "required": True,
         "schema": {"type": "string", "minLength": 1, "maxLength": 200}},
        {"name": "step", "in": "path", "required": True,
         "schema": {"type": "string", "minLength": 1, "maxLength": 80}}]
    etag = {"ETag": {"description": "The step's revision and owner.",
                     "schema": {"type": "string"}}}
    step = {**answer("The step.", ref("StepStateOut")), "headers": etag}
    denied = {"401": answer("No valid personal access token.", ref("ErrorOut")),
              "403": answer("The token's grants do not cover this step.", ref("ErrorOut")),
              "404": answer("No such occurrence or step.", ref("ErrorOut"))}
    security: list[dict[str, list[str]]] = [{"personalAccessToken": []}]
    return {
        "get": {"operationId": "getStep",
                "summary": "A step's status, note, owner and evidence",
                "security": security, "parameters": parameters,
                "responses": {"200": step, "400": bad, **denied}},
        "patch": {"operationId": "patchStep",
                  "summary": "Record a step's status and evidence, or choose its owner",
                  "security": security,
                  "parameters": [*parameters, {
                      "name": "If-Match", "in": "header", "required": False,
                      "description": "The ETag read; a step changed since is refused (412).",
                      "schema": {"type": "string"}}],
                  "requestBody": {"required": True, "content": {
                      "application/json": {"schema": ref("StepPatch")}}},
                  "responses": {
                      "200": step, "400": bad, **denied,
                      "409": answer("Not allowed now (e.g. before its predecessors).",
                                    ref("ErrorOut")),
                      "412": answer("The step changed since the ETag given.", ref("ErrorOut")),
                      "415": answer("The body is not JSON.", ref("ErrorOut"))}},
    }


Query = dict[str, list[str]]


def _query(request: Request) -> Query:
    query: Query = {}
    for name, value in request.query_params.multi_items():
        query.setdefault(name, []).append(value)
    return query


class Api:
    """The endpoints under /api/v1, routed by web/server.py.

    Blocking (the store), so Starlette runs them in its thread pool.
    """

    def __init__(self, site: SiteData) -> None:
        self.site = site
        self.document_bytes = json.dumps(openapi_document(), ensure_ascii=False).encode()

    async def document(self, request: Request) -> Response:
        """The OpenAPI document (ready-made bytes: no thread needed)."""
        return Response(self.document_bytes, media_type="application/json")

    def regions(self, request: Request) -> Response:
        """Every county and Helsinki."""
        self._known(_query(request), set())
        return _json([self._region(code) for code in
                      (r.code for r in self.site.registry.regions)])

    def occurrences_endpoint(self, request: Request) -> Response:
        """A filtered page of occurrences."""
        return _json(self.occurrences(_query(request)))

    def occurrence_endpoint(self, request: Request) -> Response:
        """One occurrence with its evidence."""
        return _json(self.occurrence(request.path_params["occurrence_id"], _query(request)))

    # --- issue 14: one step, read and written with a personal access token --------------

    async def step_endpoint(self, request: Request) -> Response:
        """GET or PATCH one step (the body is read here, the store in the thread pool)."""
        body = await request.body() if request.method == "PATCH" else b""
        return await run_in_threadpool(self.step, request, body)

    def step(self, request: Request, body: bytes) -> Response:
        """A step's state (GET), or its change (PATCH) with If-Match against its ETag."""
        from state.owners import owner_tag

        person = self._bearer(request)
        self._known(_query(request), set())
        view = self._step_view(request)
        # The people who may own the step are exactly those whose grants cover it.
        if all(candidate.id != person.id for candidate in view.candidates):
            raise HttpError(403, "your grants do not cover this step", "step")
        if request.method == "PATCH":
            self._patch(request, body, person, view.occurrence_id, view.step)
            view = self._step_view(request, view.candidates)
        out = StepStateOut(
            occurrence_id=view.occurrence_id, step=view.step, status=view.status.value,
            note=view.note, revision=view.revision, may_change=True,
            owner=OwnerOut(email=view.owner.email, name=view.owner.name) if view.owner
            else None,
            owner_candidates=[OwnerOut(email=p.email, name=p.name) for p in view.candidates],
            evidence=[EvidenceOut(step=view.step, url=e.url if is_http_url(e.url) else None,
                                  decided_by=e.decided_by, decided_on=e.decided_on,
                                  section=e.section) for e in view.evidence])
        tag = owner_tag(view.owner.email if view.owner else None)
        return Response(out.model_dump_json(), media_type="application/json",
                        headers={"etag": f'"rev-{view.revision}' + (f'-{tag}"' if tag else '"'),
                                 "cache-control": "no-store"})

    def _patch(self, request: Request, body: bytes, person: Person, occurrence_id: str,
               step: str) -> None:
        """The body checked whole, then status and owner written in one transaction."""
        from state.errors import StaleStepError, StateError, TransitionError
        from state.owners import StepUpdate, update_step
        from web.duty import InputError, parse_step_input

        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media != "application/json":
            raise HttpError(415, "the body must be JSON (application/json)", "body")
        try:
            patch = StepPatch.model_validate_json(body)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "body"
            raise HttpError(400, f"{where}: {first['msg']}"[:300], where) from None
        update = StepUpdate(change_owner="owner" in patch.model_fields_set,
                            owner=(patch.owner or "").strip() or None)
        if patch.status is None:
            extra = next((name for name in ("note", "evidence", "force")
                          if name in patch.model_fields_set), None)
            if extra is not None:
                raise HttpError(400, f"{extra} needs a status", extra)
            if not update.change_owner:
                raise HttpError(400, "give a status, an owner or both", "body")
        else:
            evidence = patch.evidence or EvidenceIn()
            try:
                change = parse_step_input({
                    "status": patch.status, "note": patch.note, "url": evidence.url,
                    "decided_by": evidence.decided_by, "section": evidence.section,
                    "decided_on": evidence.decided_on.isoformat() if evidence.decided_on
                    else None, "force": "1" if patch.force else None}, "en")
            except InputError as problem:
                where = f"evidence.{problem.field}" if problem.field in (
                    "url", "decided_on") else problem.field
                raise HttpError(400, problem.message, where) from None
            update = StepUpdate(status=change.status, note=change.note,
                                evidence=change.evidence, force=change.force,
                                change_owner=update.change_owner, owner=update.owner)
        revision, owner = self._if_match(request)
        try:
            update_step(self.site.engine, occurrence_id, step, update, by=person.label,
                        now=self.site.now(), channel="api", expected_revision=revision,
                        expected_owner=owner)
        except StaleStepError:
            raise HttpError(412, "the step changed since that ETag; GET it again",
                            "If-Match") from None
        except TransitionError as error:
            raise HttpError(409, str(error), "status") from None
        except StateError as error:
            where = "owner" if error.key == "cli.error.owner_not_granted" else "body"
            raise HttpError(400, str(error), where) from None

    def _bearer(self, request: Request) -> Person:
        from state.people import person_for_token

        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        person = person_for_token(self.site.engine, token.strip(), self.site.now()) \
            if scheme.lower() == "bearer" else None
        if person is None:
            raise HttpError(401, "a valid personal access token is needed "
                                 "(Authorization: Bearer TOKEN)", "Authorization")
        return person

    def _step_view(self, request: Request,
                   candidates: list[Person] | None = None) -> StepView:
        from state.errors import UnknownOccurrenceError, UnknownStepError
        from state.owners import step_view

        occurrence_id: str = request.path_params["occurrence_id"]
        step_id: str = request.path_params["step"]
        try:
            if not 0 < len(occurrence_id) <= 200:
                raise UnknownOccurrenceError(occurrence_id[:200])
            return step_view(self.site.engine, occurrence_id, step_id, candidates)
        except UnknownOccurrenceError:
            raise HttpError(404, f"no occurrence {occurrence_id[:200]}",
                            "occurrence_id") from None
        except UnknownStepError:
            raise HttpError(404, f"no step {step_id[:80]} in {occurrence_id[:200]}",
                            "step") from None

    @staticmethod
    def _if_match(request: Request) -> tuple[int | None, str | None]:
        """The revision and owner tag an If-Match names (None, None: no precondition)."""
        given = request.headers.get("if-match")
        if given is None or given.strip() == "*":
            return None, None
        match = re.fullmatch(r'\s*(?:W/)?"rev-(\d{1,9})(?:-([0-9a-f]{12}))?"\s*', given)
        if match is None:
            raise HttpError(412, "If-Match must be an ETag of this step", "If-Match")
        return int(match.group(1)), match.group(2) or ""

    @staticmethod
    def error(request: Request, error: HTTPException) -> Response:
        """What was wrong, as an ErrorOut object (the API speaks English)."""
        headers = {}
        if isinstance(error, HttpError):
            body = ErrorOut(error=error.detail, parameter=error.parameter)
        elif error.status_code == 404:
            body = ErrorOut(error=f"no such resource: {request.scope['path'][:200]}")
        elif error.status_code == 405:
            headers["allow"] = allowed_methods(error)
            body = ErrorOut(error=f"only {headers['allow']}")
        else:
            body = ErrorOut(error=error.detail.lower()[:200])
        if error.status_code == 401:
            headers["www-authenticate"] = 'Bearer realm="yhdyspinta"'
        return Response(body.model_dump_json(), error.status_code, headers,
                        media_type="application/json")

    @staticmethod
    def server_error(request: Request) -> Response:
        """A bug (logged by web.middleware.ServerErrors): a plain 500."""
        return Response(ErrorOut(error="internal error").model_dump_json(), 500,
                        media_type="application/json")

    def occurrences(self, query: Query) -> OccurrencePage:
        """A filtered page of occurrences."""
        self._known(query, {"region", "municipality", "obligation", "state", "from", "to",
                            "limit", "offset", "lang"})
        lang = self._lang(query)
        region = _one(query, "region")
        municipality = _one(query, "municipality")
        obligation = _one(query, "obligation")
        state = _one(query, "state")
        start, end = _date(query, "from"), _date(query, "to")
        limit = _integer(query, "limit", 100, 1, 1000)
        offset = _integer(query, "offset", 0, 0, 1_000_000)
        registry = self.site.registry
        if region is not None and region not in {r.code for r in registry.regions}:
            raise HttpError(404, f"unknown region: {region[:20]}", "region")
        if municipality is not None:
            known = {m.code: m for m in registry.municipalities}
            if municipality not in known:
                raise HttpError(404, f"unknown municipality: {municipality[:20]}",
                                "municipality")
            if region is not None and known[municipality].region_code != region:
                return OccurrencePage(total=0, limit=limit, offset=offset, items=[])
            region = known[municipality].region_code
        if obligation is not None and obligation not in self.site.definitions_by_id:
            raise HttpError(404, f"unknown obligation: {obligation[:80]}", "obligation")
        if state is not None and state not in STATES:
            raise HttpError(400, f"state must be one of {', '.join(STATES)}", "state")
        today = self.site.today()
        regions = [region] if region else [r.code for r in registry.regions]
        duties = [d for code in regions for d in self.site.duties(code)
                  if (municipality is None or municipality in d.participants)
                  and (obligation is None or d.obligation == obligation)
                  and (start is None or d.due_effective >= start)
                  and (end is None or d.due_effective <= end)]
        if state is not None:
            duties = [d for d in duties if cell_of(d, today).state.value == state]
        duties.sort(key=lambda d: (d.due_effective, d.id))
        items = [self._occurrence(d, lang, today) for d in duties[offset:offset + limit]]
        return OccurrencePage(total=len(duties), limit=limit, offset=offset, items=items)

    def occurrence(self, occurrence_id: str, query: Query) -> OccurrenceDetail:
        """One occurrence, found through its region (the id names its party)."""
        self._known(query, {"lang"})
        lang = self._lang(query)
        duty = self._find(occurrence_id)
        if duty is None:
            raise HttpError(404, f"no such occurrence: {occurrence_id[:200]}",
                            "occurrence_id")
        evidence, _ = evidence_and_audit(self.site.engine, frozenset({occurrence_id}))
        base = self._occurrence(duty, lang, self.site.today())
        return OccurrenceDetail(**base.model_dump(), evidence=[
            EvidenceOut(step=e.step, url=e.url if is_http_url(e.url) else None,
                        decided_by=e.decided_by,
                        decided_on=e.decided_on, section=e.section)
            for e in evidence.get(occurrence_id, [])])

    # --- parts ----------------------------------------------------------------------

    def _find(self, occurrence_id: str) -> Duty | None:
        parts = occurrence_id.split(".")
        registry = self.site.registry
        regions: list[str] = []
        try:
            party = PartyRef.parse(parts[1]) if len(parts) >= 3 else None
        except ValueError:
            party = None
        if party is not None and party.is_municipality:
            known = {m.code: m.region_code for m in registry.municipalities}
            if party.code in known:
                regions = [known[party.code]]
        elif party is not None:
            regions = [r.code for r in registry.regions if r.code == party.code]
        for code in regions:
            for duty in self.site.duties(code):
                if duty.id == occurrence_id:
                    return duty
        return None

    def _region(self, code: str) -> RegionOut:
        region = self.site.registry.region(code)
        return RegionOut(code=code, names=Names(fi=region.name("fi"), sv=region.name("sv"),
                                                en=region.name("en")),
                         is_county=region.is_county,
                         municipalities=[m.code for m in self.site.registry.members(code)])

    def _occurrence(self, duty: Duty, lang: Lang, today: date) -> OccurrenceOut:
        row = duty
        definition = self.site.definitions_by_id.get(row.obligation)
        cell = cell_of(duty, today)
        reason = moved_because(duty, lang)
        steps = []
        for step in duty.steps:
            steps.append(StepOut(
                step=step.step, name=step_name(definition, step.step, lang), role=step.role,
                role_name=role_label(Role(step.role), PartyKind(step.party), lang),
                party=PartyKind(step.party).value,
                optional=step.optional, due=step.due, due_effective=step.due_effective,
                legal_limit=step.limit, status=step.status.value,
                status_name=step_status_label(step.status.value, lang)))
        return OccurrenceOut(
            id=row.id, obligation=row.obligation,
            name=definition.names.get(lang) if definition else row.obligation,
            period=row.period, owed_by=row.owed_by,
            party_name=party_of(duty, self.site.parties, lang),
            municipality=row.municipality, region=row.region,
            participants=list(row.participants), term=row.term, term_year=row.term_year,
            due=row.due, due_effective=row.due_effective, legal_limit=row.limit,
            shift_reason=reason or None, state=cell.state.value, days_late=cell.days_late,
            days_past_limit=cell.days_past_limit,
            steps_done=cell.steps_done, steps_total=cell.steps_total,
            tracked=duty.tracked, tracked_from=duty.tracked_from, steps=steps)

    @staticmethod
    def _known(query: Query, allowed: set[str]) -> None:
        for name in query:
            if name not in allowed:
                raise HttpError(400, f"unknown parameter: {name[:40]}", name[:40])

    @staticmethod
    def _lang(query: Query) -> Lang:
        value = _one(query, "lang")
        if value is None:
            return "fi"
        for known in LANGS:
            if known == value:
                return known
        raise HttpError(400, "lang must be fi, sv or en", "lang")


def _json(value: BaseModel | list[RegionOut]) -> Response:
    if isinstance(value, list):
        body = "[" + ",".join(v.model_dump_json() for v in value) + "]"
    else:
        body = value.model_dump_json()
    return Response(body, media_type="application/json",
                    headers={"access-control-allow-origin": "*"})


def _one(query: Query, name: str) -> str | None:
    values = query.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise HttpError(400, f"{name} given more than once", name)
    return values[0]


def _date(query: Query, name: str) -> date | None:
    value = _one(query, name)
    if value is None:
        return None
    try:
        if not _DATE.match(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise HttpError(400, f"{name} must be a date, YYYY-MM-DD", name) from None


def _integer(query: Query, name: str, default: int, low: int, high: int) -> int:
    value = _one(query, name)
    if value is None:
        return default
    if not re.fullmatch(r"-?\d{1,9}", value) or not low <= int(value) <= high:
        raise HttpError(400, f"{name} must be an integer from {low} to {high}", name)
    return int(value)
