"""Planning and syncing: the one place a plan is made and written into the store.

`plan_and_sync` is what `yhdyspinta sync`, `calendars export`, `serve` and the nightly
flow all run; `run_obligation` plans county by county (one Prefect task each) and then
calls `sync_occurrences`, the same write.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Engine

from app.errors import AppError
from app.inputs import Inputs
from calendars.schedule import Occurrence, PlanFilter, PlanningError, PlanWindow, plan
from calendars.terms import Body, term_containing
from calendars.workdays import NonWorkingDays, finnish_non_working_days
from obligations.catalogue import N_
from obligations.config import Configuration
from obligations.parties import Registry
from obligations.schema import ObligationDefinition
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
          selection: PlanFilter) -> tuple[Occurrence, ...]:
    try:
        return plan(inputs.definitions, inputs.registry, non_working_days, window,
                    inputs.configuration, selection)
    except PlanningError as exc:
        raise AppError(N_("cli.error.planning"), reason=exc) from None


def plan_window(inputs: Inputs, window: PlanWindow, today: date, *,
                obligations: frozenset[str] | None = None, region: str | None = None,
                municipality: str | None = None) -> PlannedRun:
    """Plan the window (of the chosen obligations, county or municipality)."""
    non_working_days = non_working_days_for(window)
    occurrences = _plan(inputs, window, non_working_days,
                        PlanFilter(obligations=obligations, region=region,
                                   municipality=municipality))
    return PlannedRun(inputs.definitions, inputs.registry, inputs.configuration,
                      non_working_days, window, today, occurrences)


def plan_county(inputs: Inputs, window: PlanWindow, region: str,
                obligations: frozenset[str] | None) -> tuple[Occurrence, ...]:
    """One county's (or Helsinki's) occurrences of the chosen obligations."""
    return _plan(inputs, window, non_working_days_for(window),
                 PlanFilter(obligations=obligations, region=region))


def sync_occurrences(engine: Engine, definitions: Sequence[ObligationDefinition],
                     occurrences: Sequence[Occurrence], window: PlanWindow,
                     obligations: frozenset[str] | None, today: date) -> SyncReport:
    """Upsert the occurrences (of the chosen obligations) in one transaction.

    Only occurrences due inside `window` (and of `obligations`) can be cancelled by their
    absence from `occurrences`.
    """
    from state.sync import definition_fingerprints, sync_plan

    return sync_plan(engine, occurrences, definition_fingerprints(definitions), window=window,
                     obligations=obligations, now=clock.now(), today=today)


def plan_and_sync(engine: Engine, inputs: Inputs, today: date, *, start: date | None = None,
                  end: date | None = None,
                  obligations: frozenset[str] | None = None) -> tuple[PlannedRun, SyncReport]:
    """Plan the current and the next council term (or the window given) and sync it."""
    window = terms_window(today, SYNC_TERMS, start, end)
    planned = plan_window(inputs, window, today, obligations=obligations)
    report = sync_occurrences(engine, inputs.definitions, planned.occurrences, window,
                              obligations, today)
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
