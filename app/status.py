"""Where duties stand: the `status` records, the status report file, a county's table.

The CLI's `status`, the nightly `status.csv` and the `run_obligation` flow's artifacts
all read the store through these.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import Engine

from app.inputs import Inputs
from calendars.schedule import PlanWindow
from calendars.wording import finnish_date
from obligations.catalogue import N_, gettext, ngettext
from obligations.lang import Lang
from obligations.parties import Parties
from obligations.schema import ObligationDefinition
from yhdyspinta.csvsafe import formula_safe_writer

if TYPE_CHECKING:
    from calendars.duty import Duty, TrackedFrom

STATUS_COLUMNS = ("id", "name", "party_name", "due_effective", "legal_limit", "days_late",
                  "days_past_limit", "steps_done", "steps_total", "next_step", "tracked",
                  "tracked_from")
"""The columns of `status --format csv` and of the nightly `status.csv`."""


def _duty_record(duty: Duty, today: date, names: dict[str, str],
                 party_name: str) -> dict[str, Any]:
    occurrence = duty
    next_step = duty.next_step()
    return {
        "id": occurrence.id,
        "obligation": occurrence.obligation,
        "name": names.get(occurrence.obligation, occurrence.obligation),
        "party_name": party_name,
        "municipality": occurrence.municipality,
        "region": occurrence.region,
        "due": occurrence.due.isoformat(),
        "due_effective": occurrence.due_effective.isoformat(),
        "legal_limit": occurrence.limit.isoformat(),
        "complete": duty.complete,
        "days_late": duty.days_late(today),
        "days_past_limit": duty.days_past_limit(today),
        "steps_done": sum(s.status.closed for s in duty.steps),
        "steps_total": len(duty.steps),
        "next_step": next_step.step if next_step else None,
        "tracked": duty.tracked,
        "tracked_from": duty.tracked_from.isoformat() if duty.tracked_from else None,
        "steps": [
            {"step": s.step, "role": s.role, "status": s.status.value,
             "due_effective": s.due_effective.isoformat(),
             "legal_limit": s.limit.isoformat(), "note": s.note}
            for s in duty.steps
        ],
    }


def duty_records(engine: Engine, parties: Parties,
                 definitions: Sequence[ObligationDefinition], lang: Lang, today: date, *,
                 start: date | None = None, end: date | None = None, region: str | None = None,
                 municipality: str | None = None, obligations: frozenset[str] | None = None,
                 overdue_only: bool = False,
                 tracked_from: TrackedFrom | None = None) -> list[dict[str, Any]]:
    """Where every duty stands, overdue ones first (most days late first), then by date.

    Without `start`: a year back, and anything older that is still overdue (an old miss
    must not drop out of sight just because it is old). Without `end`: a year ahead.
    `tracked_from` is the configuration's (`Configuration.tracked_from`): a duty before
    its party's day is never late.
    """
    from state.queries import duty_states

    duties = duty_states(engine, start=start, end=end or today + timedelta(days=365),
                         region=region, municipality=municipality, obligations=obligations,
                         tracked_from=tracked_from)
    if start is None:
        since = today - timedelta(days=365)
        duties = [d for d in duties if d.due >= since or d.days_late(today) > 0]
    if overdue_only:
        duties = [d for d in duties if d.days_late(today) > 0]
    duties.sort(key=lambda d: (-d.days_late(today), d.due_effective, d.id))
    names = {d.id: d.names.get(lang) for d in definitions}
    return [_duty_record(d, today, names, parties.display_name(d.party, lang)) for d in duties]


def write_status_csv(records: Sequence[dict[str, Any]], stream: IO[str]) -> None:
    """The records as CSV (formula-safe), in `STATUS_COLUMNS`."""
    writer = formula_safe_writer(stream, STATUS_COLUMNS, extrasaction="ignore",
                                 lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: _cell(r[k]) for k in STATUS_COLUMNS} for r in records)


def _cell(value: Any) -> Any:
    """A CSV cell: empty for None, `true`/`false` for a flag (as in the JSON)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def write_status_report(engine: Engine, parties: Parties,
                        definitions: Sequence[ObligationDefinition], lang: Lang, today: date,
                        region: str | None, path: Path,
                        tracked_from: TrackedFrom | None = None) -> None:
    """The status table of every duty (of one county) as CSV, replaced atomically."""
    records = duty_records(engine, parties, definitions, lang, today, region=region,
                           tracked_from=tracked_from)
    temporary = path.with_name(f".{path.name}.tmp")
    with temporary.open("w", encoding="utf-8", newline="") as stream:
        write_status_csv(records, stream)
    temporary.chmod(0o644)  # readable by others, like the exported feeds
    temporary.replace(path)


@dataclass(frozen=True)
class CountyStatus:
    """One county's table of pairs × steps, and its overdue steps."""

    region: str
    rows: list[dict[str, str]]
    overdue: list[str]


def county_status(engine: Engine, inputs: Inputs, obligation: str, region: str, today: date,
                  window: PlanWindow, lang: Lang) -> CountyStatus:
    """The status table of one obligation in one county (rows: party × step), in `lang`."""
    from app.planning import non_working_days_for
    from app.publish import PRODID
    from calendars.feeds import FeedRenderer
    from state.queries import feed_view

    definition = inputs.definition(obligation)
    view = [o for o in feed_view(engine, start=window.start, end=window.end, today=today,
                                 keep_cancelled_days=0, region=region,
                                 obligations=frozenset({obligation}),
                                 tracked_from=inputs.configuration.tracked_from)
            if not o.cancelled]
    renderer = FeedRenderer(definitions={d.id: d for d in inputs.definitions},
                            registry=inputs.registry,
                            non_working_days=non_working_days_for(window), occurrences=view,
                            prodid=PRODID, parties=inputs.parties())
    rows: list[dict[str, str]] = []
    overdue: list[str] = []
    for occurrence in view:
        party = renderer.party_name(occurrence, lang)
        for step in occurrence.steps:
            name = definition.step(step.step).names.get(lang)
            rows.append({"period": occurrence.period, "party": party, "step": name,
                         "status": step.status.value, "due": step.due.isoformat(),
                         "effective": step.due_effective.isoformat(),
                         "tracked": "true" if occurrence.tracked else "false"})
            if occurrence.tracked and not step.closed and step.due_effective < today:
                late = (today - step.due_effective).days
                overdue.append(f"| {party} | {occurrence.period} | {name} | "
                               f"{finnish_date(step.due_effective)} | {late} |")
    return CountyStatus(region, rows, overdue)


def overdue_markdown(definition: ObligationDefinition, period: str, today: date,
                     counties: Sequence[CountyStatus], lang: Lang) -> str:
    """A markdown summary of what is overdue, for the Prefect UI, in `lang`."""
    lines = [f"# {definition.names.get(lang)} ({period})", "",
             gettext("flow.overdue.as_of", lang, date=finnish_date(today)), ""]
    late = [line for county in counties for line in county.overdue]
    total = sum(len(county.rows) for county in counties)
    if not late:
        lines.append(ngettext("flow.overdue.none", "flow.overdue.none.n", total, lang,
                              count=total))
        return "\n".join(lines) + "\n"
    headers = [gettext(key, lang) for key in (
        N_("cli.col.party"), N_("web.period"), N_("cli.col.step"), N_("cli.col.due"),
        N_("cli.col.days_late"))]
    lines += [gettext("flow.overdue.count", lang, late=len(late), total=total), "",
              "| " + " | ".join(headers) + " |", "| --- | --- | --- | --- | ---: |", *late]
    return "\n".join(lines) + "\n"
