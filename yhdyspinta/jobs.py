"""The steps of the scheduled jobs as plain functions; the Prefect flows only call them.

Kept apart from the flows so that the same steps run without Prefect (the benchmark
compares the two) and so that a flow never holds logic of its own.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from calendars.feeds import FeedSpec
from calendars.schedule import Occurrence, PlanFilter, PlanWindow, plan
from calendars.terms import Body, term_containing
from calendars.wording import finnish_date
from calendars.workdays import NonWorkingDays, finnish_non_working_days
from obligations.config import Configuration
from obligations.parties import Registry
from obligations.schema import LANGS, ObligationDefinition
from yhdyspinta import clock
from yhdyspinta.settings import Settings


@dataclass(frozen=True)
class Inputs:
    """Everything a job reads before it starts: definitions, registry, configuration."""

    settings: Settings
    definitions: tuple[ObligationDefinition, ...]
    registry: Registry
    configuration: Configuration

    def definition(self, obligation: str) -> ObligationDefinition:
        """The definition with this id (KeyError names the known ones)."""
        for definition in self.definitions:
            if definition.id == obligation:
                return definition
        raise KeyError(f"no obligation {obligation!r}; known: "
                       f"{', '.join(d.id for d in self.definitions)}")


def load_inputs(settings: Settings) -> Inputs:
    """Definitions, registry and configuration as the settings name them."""
    from obligations.loader import load_configuration, load_definitions
    from obligations.parties import load_registry

    definitions = load_definitions(settings.definitions_dir)
    registry = load_registry(settings.registry_dir, year=settings.registry_year)
    configuration = load_configuration(settings.config_dir, definitions, registry)
    return Inputs(settings, definitions, registry, configuration)


def sync_window(today: date) -> PlanWindow:
    """The current council term and the next: what the store keeps planned."""
    term = term_containing(Body.REGIONAL_COUNCIL, today)
    if term is None:
        raise ValueError(f"no council term known for {today.isoformat()}")
    following = term_containing(Body.REGIONAL_COUNCIL, term.end + timedelta(days=1)) or term
    return PlanWindow(term.start, following.end)


def non_working_days_for(window: PlanWindow) -> NonWorkingDays:
    """Finnish non-working days for every year a window's plan may touch."""
    return finnish_non_working_days(*window.years_needed)


def plan_county(inputs: Inputs, window: PlanWindow, region: str,
                obligations: frozenset[str] | None) -> tuple[Occurrence, ...]:
    """One county's (or Helsinki's) occurrences of the chosen obligations."""
    return plan(inputs.definitions, inputs.registry, non_working_days_for(window), window,
                inputs.configuration, PlanFilter(obligations=obligations, region=region))


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


def sync_occurrences(inputs: Inputs, occurrences: Sequence[Occurrence], window: PlanWindow,
                     obligations: frozenset[str] | None, today: date) -> dict[str, int]:
    """Upsert the occurrences (of the chosen obligations) in one transaction."""
    from state.db import ensure_schema, make_engine
    from state.sync import definition_fingerprints, sync_plan

    engine = make_engine(inputs.settings.effective_database_url)
    try:
        ensure_schema(engine)
        report = sync_plan(engine, occurrences, definition_fingerprints(inputs.definitions),
                           window=window, obligations=obligations, now=clock.now(),
                           today=today)
    finally:
        engine.dispose()
    return {"new": report.new, "changed": report.changed, "cancelled": report.cancelled,
            "unchanged": report.unchanged}


@dataclass(frozen=True)
class CountyStatus:
    """One county's table of pairs × steps, and its overdue steps."""

    region: str
    rows: list[dict[str, str]]
    overdue: list[str]


def county_status(inputs: Inputs, obligation: str, region: str, today: date,
                  window: PlanWindow) -> CountyStatus:
    """The status table of one obligation in one county (rows: party × step)."""
    from calendars.feeds import FeedRenderer
    from obligations.parties import Parties
    from state.db import make_engine
    from state.queries import feed_view
    from yhdyspinta.publish import PRODID

    definition = inputs.definition(obligation)
    engine = make_engine(inputs.settings.effective_database_url)
    try:
        view = [o for o in feed_view(engine, start=window.start, end=window.end, today=today,
                                     keep_cancelled_days=0, region=region,
                                     obligations=frozenset({obligation}))
                if not o.cancelled]
    finally:
        engine.dispose()
    renderer = FeedRenderer(definitions={d.id: d for d in inputs.definitions},
                            registry=inputs.registry,
                            non_working_days=non_working_days_for(window), occurrences=view,
                            prodid=PRODID,
                            parties=Parties(inputs.registry, inputs.configuration.group_names()))
    rows: list[dict[str, str]] = []
    overdue: list[str] = []
    for occurrence in view:
        party = renderer.party_name(occurrence, "fi")
        for step in occurrence.steps:
            name = definition.step(step.step).names.fi
            rows.append({"period": occurrence.period, "party": party, "step": name,
                         "status": step.status, "due": step.due.isoformat(),
                         "effective": step.due_effective.isoformat()})
            if not step.closed and step.due_effective < today:
                late = (today - step.due_effective).days
                overdue.append(f"| {party} | {occurrence.period} | {name} | "
                               f"{finnish_date(step.due_effective)} | {late} |")
    return CountyStatus(region, rows, overdue)


def overdue_markdown(definition: ObligationDefinition, period: str, today: date,
                     counties: Sequence[CountyStatus]) -> str:
    """A markdown summary of what is overdue, for the Prefect UI."""
    lines = [f"# {definition.names.fi} / {definition.names.sv} ({period})", "",
             f"Tilanne {finnish_date(today)} · Läge · Status", ""]
    late = [line for county in counties for line in county.overdue]
    total = sum(len(county.rows) for county in counties)
    if not late:
        lines.append(f"Ei myöhässä olevia kohtia ({total} kohtaa). Inga försenade punkter. "
                     "Nothing overdue.")
        return "\n".join(lines) + "\n"
    lines += [f"**{len(late)} / {total}** kohtaa myöhässä · försenade · overdue", "",
              "| osapuoli / part / party | kausi / period | kohta / punkt / step | "
              "määräpäivä / sista dag / due | pv myöhässä / dagar / days late |",
              "| --- | --- | --- | --- | ---: |", *late]
    return "\n".join(lines) + "\n"


def obligation_feed_specs(inputs: Inputs, obligation: str) -> tuple[FeedSpec, ...]:
    """The obligation's own (national) feed."""
    from calendars.feeds import feed_catalogue

    return tuple(s for s in feed_catalogue(inputs.registry, inputs.definitions)
                 if s.kind == "obligation" and s.obligation == obligation)


def write_feeds(inputs: Inputs, specs: Sequence[FeedSpec], outdir: Path, today: date) -> int:
    """Write some feeds in every language, each file replaced atomically in place.

    Unlike the full export, which swaps the whole folder, this leaves the other feeds
    alone: an obligation's run refreshes its own feed only.
    """
    from state.db import make_engine
    from yhdyspinta.publish import build_renderer, file_name

    engine = make_engine(inputs.settings.effective_database_url)
    try:
        renderer, _ = build_renderer(engine, inputs.settings, inputs.definitions,
                                     inputs.registry, today, inputs.configuration)
    finally:
        engine.dispose()
    folder = outdir / "feeds"
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for spec in specs:
        for lang in LANGS:
            body = renderer.render(spec, lang)
            names = [file_name(spec, lang)] + ([file_name(spec, None)]
                                               if lang == spec.default_lang else [])
            for name in names:
                handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-")
                with os.fdopen(handle, "wb") as stream:
                    stream.write(body)
                Path(temporary).replace(folder / name)
                written += 1
    return written


def queue_reminders(inputs: Inputs, today: date,
                    obligations: frozenset[str] | None = None) -> dict[str, int]:
    """Plan today's notices (of the chosen obligations) and queue their messages."""
    from notify.outbox import expire_stale
    from state.db import ensure_schema, make_engine
    from yhdyspinta.reminders import plan_reminders, queue

    engine = make_engine(inputs.settings.effective_database_url)
    try:
        ensure_schema(engine)
        expire_stale(engine, today)
        plan_ = plan_reminders(engine, inputs.settings, inputs.definitions, inputs.registry,
                               inputs.configuration, today, obligations=obligations)
        if not plan_.working_day:
            return {"working_day": 0, "messages": 0, "notices": 0, "already_queued": 0,
                    "unaddressed": 0, "no_email_server": 0}
        report = queue(engine, plan_)
    finally:
        engine.dispose()
    return {"working_day": 1, "messages": report.messages, "notices": report.notices,
            "already_queued": plan_.already_queued + report.already_queued,
            "unaddressed": len(plan_.unaddressed), "no_email_server": plan_.no_email_server}


def export_all(inputs: Inputs, outdir: Path, today: date,
               region: str | None = None) -> dict[str, int]:
    """Every feed (or one county's) in every language, replacing the previous export whole.

    Records the store's fingerprint beside it, so that `publish_calendars` can tell whether
    anything changed since.
    """
    import json

    from state.db import make_engine
    from web.feeds import store_fingerprint
    from yhdyspinta.publish import build_renderer, export, export_base_url, feeds_of_region

    engine = make_engine(inputs.settings.effective_database_url)
    try:
        fingerprint = store_fingerprint(engine, today)
        renderer, catalogue = build_renderer(engine, inputs.settings, inputs.definitions,
                                             inputs.registry, today, inputs.configuration)
    finally:
        engine.dispose()
    if region is not None:
        catalogue = feeds_of_region(catalogue, inputs.registry, region)
    report = export(outdir, renderer, catalogue, export_base_url(inputs.settings))
    (outdir / "feeds" / ".fingerprint").write_text(
        json.dumps([region, fingerprint], default=str), encoding="utf-8")
    return {"feeds": report.feeds, "files": report.files}


def export_is_current(inputs: Inputs, outdir: Path, today: date,
                      region: str | None = None) -> bool:
    """True when the last export was made from the store as it is now."""
    import json

    from state.db import make_engine
    from web.feeds import store_fingerprint

    marker = outdir / "feeds" / ".fingerprint"
    if not marker.exists():
        return False
    engine = make_engine(inputs.settings.effective_database_url)
    try:
        fingerprint = store_fingerprint(engine, today)
    finally:
        engine.dispose()
    return marker.read_text(encoding="utf-8") == json.dumps([region, fingerprint], default=str)
