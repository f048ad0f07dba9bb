"""Planning and syncing: the one place a plan is made and written into the store.

`plan_and_sync` is what `yhdyspinta sync`, `calendars export`, `serve` and the nightly
flow all run; `run_obligation` plans county by county (one Prefect task each) and then
calls `sync_occurrences`, the same write.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine

from app.errors import AppError
from app.inputs import Inputs
from calendars.schedule import (
    Approvals,
    Occurrence,
    PlanFilter,
    PlanningError,
    PlanWindow,
    Unanchored,
    plan,
    unanchored,
)
from calendars.terms import Body, term_containing
from calendars.workdays import NonWorkingDays, finnish_non_working_days
from obligations.catalogue import N_
from obligations.config import Configuration
from obligations.parties import Registry
from obligations.schema import Cadence, ObligationDefinition
from state.approvals import RecordedApprovals
from state.sync import SyncReport
from yhdyspinta import clock

SYNC_TERMS = 2
"""The store keeps the current council term and the next planned."""


@dataclass(frozen=True)
class PlannedRun:
    """A plan with everything used to make it (the output needs names and days)."""

    definitions: tuple[ObligationDefinition, ...]
    registry: Registry
    configuration: Configuration
    non_working_days: NonWorkingDays
    window: PlanWindow
    today: date
    occurrences: tuple[Occurrence, ...]
    unanchored: tuple[Unanchored, ...] = ()
    """Rolling duties whose last approval is unknown: no due date yet (docs/law.md)."""


def terms_window(today: date, terms: int = 1, start: date | None = None,
                 end: date | None = None) -> PlanWindow:
    """`terms` council terms from the one containing `today`; `start`/`end` override."""
    term = term_containing(Body.REGIONAL_COUNCIL, today)
    try:
        if term is None:
            raise PlanningError(f"no council term known for {today.isoformat()}")
        last = term
        for _ in range(terms - 1):
            following = term_containing(Body.REGIONAL_COUNCIL, last.end + timedelta(days=1))
            last = following or last
        return PlanWindow(start or term.start, end or last.end)
    except PlanningError as exc:
        raise AppError(N_("cli.error.planning"), reason=exc) from None


def sync_window(today: date) -> PlanWindow:
    """The current council term and the next: what the store keeps planned."""
    return terms_window(today, SYNC_TERMS)


def non_working_days_for(window: PlanWindow) -> NonWorkingDays:
    """Finnish non-working days for every year a window's plan may touch."""
    return finnish_non_working_days(*window.years_needed)


def _plan(inputs: Inputs, window: PlanWindow, non_working_days: NonWorkingDays,
          selection: PlanFilter, approvals: Approvals) -> tuple[Occurrence, ...]:
    try:
        return plan(inputs.definitions, inputs.registry, non_working_days, window,
                    inputs.configuration, selection, approvals)
    except PlanningError as exc:
        raise AppError(N_("cli.error.planning"), reason=exc) from None


def anchor_steps(definitions: Sequence[ObligationDefinition],
                 obligations: frozenset[str] | None = None) -> dict[str, str]:
    """Rolling duty (of the chosen ones) → the step whose decision is its approval."""
    return {d.id: d.anchor_step for d in definitions
            if d.cadence is Cadence.ROLLING and d.anchor_step is not None
            and (obligations is None or d.id in obligations)}


def recorded_approvals(engine: Engine, definitions: Sequence[ObligationDefinition],
                       obligations: frozenset[str] | None = None) -> RecordedApprovals:
    """The approvals the store holds for the rolling duties (none read if there are none)."""
    from state.approvals import recorded_approvals as read

    return read(engine, anchor_steps(definitions, obligations))


def unknown_approvals(engine: Engine, definitions: Sequence[ObligationDefinition],
                      registry: Registry, configuration: Configuration,
                      region: str) -> tuple[Unanchored, ...]:
    """A county's rolling duties whose last approval is known to neither store nor config.

    The pages list them: having no date, they are no duty yet.
    """
    if not anchor_steps(definitions):
        return ()
    return unanchored(definitions, registry, recorded_approvals(engine, definitions).latest,
                      configuration, PlanFilter(region=region))


def plan_window(inputs: Inputs, window: PlanWindow, today: date, *,
                obligations: frozenset[str] | None = None, region: str | None = None,
                municipality: str | None = None,
                approvals: Approvals | None = None) -> PlannedRun:
    """Plan the window (of the chosen obligations, county or municipality).

    `approvals` are the store's (`recorded_approvals`); without them a rolling duty is
    anchored only by the configuration's last approvals.
    """
    non_working_days = non_working_days_for(window)
    selection = PlanFilter(obligations=obligations, region=region, municipality=municipality)
    occurrences = _plan(inputs, window, non_working_days, selection, approvals or {})
    return PlannedRun(inputs.definitions, inputs.registry, inputs.configuration,
                      non_working_days, window, today, occurrences,
                      unanchored(inputs.definitions, inputs.registry, approvals or {},
                                 inputs.configuration, selection))


def plan_county(inputs: Inputs, window: PlanWindow, region: str,
                obligations: frozenset[str] | None) -> tuple[Occurrence, ...]:
    """One county's (or Helsinki's) occurrences of the chosen obligations.

    A rolling duty among them is anchored by the store's approvals, read here.
    """
    return _plan(inputs, window, non_working_days_for(window),
                 PlanFilter(obligations=obligations, region=region),
                 stored_approvals(inputs, obligations))


def stored_approvals(inputs: Inputs, obligations: frozenset[str] | None = None) -> Approvals:
    """The store's approvals of the rolling duties, for a plan made without writing.

    Reading never creates a store: an SQLite file not there yet has no approvals.
    """
    if not anchor_steps(inputs.definitions, obligations):
        return {}
    from sqlalchemy.engine.url import make_url

    from app.store import store

    url = make_url(inputs.settings.effective_database_url)
    if url.get_backend_name() == "sqlite" and not (url.database and Path(url.database).exists()):
        return {}
    with store(inputs.settings) as engine:
        return recorded_approvals(engine, inputs.definitions, obligations).latest


def sync_occurrences(engine: Engine, definitions: Sequence[ObligationDefinition],
                     occurrences: Sequence[Occurrence], window: PlanWindow,
                     obligations: frozenset[str] | None, today: date,
                     decided: frozenset[str] | None = None) -> SyncReport:
    """Upsert the occurrences (of the chosen obligations) in one transaction.

    Only occurrences due inside `window` (and of `obligations`) can be cancelled by their
    absence from `occurrences`; a rolling review whose approval is recorded (`decided`,
    read from the store when not given) is kept: the plan has moved on to the next one.
    """
    from state.sync import definition_fingerprints, sync_plan

    if decided is None:
        decided = recorded_approvals(engine, definitions, obligations).decided
    return sync_plan(engine, occurrences, definition_fingerprints(definitions), window=window,
                     obligations=obligations, now=clock.now(), today=today,
                     keep=_reviews(decided))


def _reviews(decided: frozenset[str]) -> frozenset[str]:
    """The rolling reviews among `decided` (period a year), not per-term ones of old."""
    return frozenset(i for i in decided if i.rsplit(".", 1)[-1].isdigit())


def plan_and_sync(engine: Engine, inputs: Inputs, today: date, *, start: date | None = None,
                  end: date | None = None,
                  obligations: frozenset[str] | None = None) -> tuple[PlannedRun, SyncReport]:
    """Plan the current and the next council term (or the window given) and sync it.

    Rolling duties are anchored by the approvals the store holds (docs/DESIGN.md).
    """
    window = terms_window(today, SYNC_TERMS, start, end)
    recorded = recorded_approvals(engine, inputs.definitions, obligations)
    planned = plan_window(inputs, window, today, obligations=obligations,
                          approvals=recorded.latest)
    report = sync_occurrences(engine, inputs.definitions, planned.occurrences, window,
                              obligations, today, recorded.decided)
    return planned, report


def counts(report: SyncReport) -> dict[str, int]:
    """A sync's counts as a plain mapping (a flow's result, a line of output)."""
    return {"new": report.new, "changed": report.changed, "cancelled": report.cancelled,
            "unchanged": report.unchanged}


def period_label(definition: ObligationDefinition, today: date) -> str:
    """The period a run on `today` is mostly about: a year, a fiscal year or a term."""
    if definition.cadence.per_term:
        body = Body.REGIONAL_COUNCIL if definition.owed_by.value != "municipality" \
            else Body.MUNICIPAL_COUNCIL
        term = term_containing(body, today)
        return term.id if term is not None else str(today.year)
    if definition.cadence.value == "annual_fiscal_year":
        return str(today.year + 1)
    return str(today.year)
