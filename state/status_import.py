"""Import step statuses from CSV (onboarding a county mid-term): all rows or none.

Columns (UTF-8, header row, Excel's byte-order mark accepted): `occurrence` (an id), or
`obligation`, `party` (m564 / r19 / r19-m564) and `period` instead; `step`, `status`
(not_started, in_progress, done, waived, not_applicable) and optionally `evidence_url`,
`decided_by`, `decided_on` (YYYY-MM-DD), `section` and `note` (needed for waived and
not_applicable). The whole file is checked first; every problem is reported as
`file:line: column: problem`. Then every row goes through `apply_step_status` (the
predecessor rule included, rows in file order) in one transaction, audited with the
channel `cli`; a dry run does the same and rolls back, so it reports exactly what a real
run would do. The upload form of the administration pages passes the channel `web`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine, select
from sqlmodel import Session

from calendars.duty import Duty
from state.db import write_session
from state.errors import FileProblem, StateError, StatusImportError, UnsafeUrlError
from state.models import EvidenceRow, StepStatus
from state.queries import duty_states
from state.steps import Evidence, apply_step_status, check_url

COLUMNS = ("occurrence", "obligation", "party", "period", "step", "status", "evidence_url",
           "decided_by", "decided_on", "section", "note")
REASON_NEEDED = (StepStatus.WAIVED, StepStatus.NOT_APPLICABLE)
MAX_ROWS = 100_000


@dataclass(frozen=True, slots=True)
class StatusRow:
    """One checked row."""

    line: int
    occurrence_id: str
    step: str
    status: StepStatus
    evidence: Evidence
    note: str | None


@dataclass(frozen=True, slots=True)
class Change:
    """What a row did (or, in a dry run, would do)."""

    line: int
    occurrence_id: str
    step: str
    old: str
    new: str
    changed: bool


def parse_status_csv(text: str, source: str, engine: Engine) -> list[StatusRow]:
    """The rows of a file, checked against the store; StatusImportError lists every problem."""
    text = text.removeprefix("\ufeff")
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        header = [name.strip() for name in (reader.fieldnames or [])]
    except csv.Error as error:
        raise StatusImportError(source, [FileProblem(1, "header", str(error))]) from None
    problems: list[FileProblem] = []
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        problems.append(FileProblem(1, unknown[0],
                                    "unknown column; columns: " + ", ".join(COLUMNS)))
    for needed in ("step", "status"):
        if needed not in header:
            problems.append(FileProblem(1, needed, "missing column"))
    if "occurrence" not in header and not {"obligation", "party", "period"} <= set(header):
        problems.append(FileProblem(1, "occurrence",
                                "missing column (or obligation, party and period)"))
    if problems:
        raise StatusImportError(source, problems)
    reader.fieldnames = header
    raw: list[tuple[int, dict[str, str]]] = []
    try:
        for record in reader:
            if len(raw) >= MAX_ROWS:
                raise StatusImportError(source, [FileProblem(reader.line_num, "", "too many rows")])
            values = {k: (v or "").strip() for k, v in record.items() if k is not None}
            if None in record:
                problems.append(FileProblem(reader.line_num, "", "more values than columns"))
            if any(values.values()):
                raw.append((reader.line_num, values))
    except csv.Error as error:
        raise StatusImportError(source, [FileProblem(reader.line_num, "", str(error))]) from None
    ids = {_occurrence_id(values) for _, values in raw}
    duties = {d.id: d for d in duty_states(engine, occurrence_ids=frozenset(ids))}
    rows: list[StatusRow] = []
    seen: dict[tuple[str, str], int] = {}
    for line, values in raw:
        row = _row(line, values, duties, problems)
        if row is None:
            continue
        key = (row.occurrence_id, row.step)
        if key in seen:
            problems.append(FileProblem(line, "step", f"the same step as on line {seen[key]}"))
            continue
        seen[key] = line
        rows.append(row)
    if problems:
        raise StatusImportError(source, problems)
    return rows


def _occurrence_id(values: dict[str, str]) -> str:
    if values.get("occurrence"):
        return values["occurrence"]
    return ".".join((values.get("obligation", ""), values.get("party", ""),
                     values.get("period", "")))


def _row(line: int, values: dict[str, str], duties: dict[str, Duty],
         problems: list[FileProblem],
         ) -> StatusRow | None:
    before = len(problems)
    occurrence_id = _occurrence_id(values)
    column = "occurrence" if values.get("occurrence") else "obligation"
    duty = duties.get(occurrence_id)
    if duty is None:
        problems.append(FileProblem(line, column, f"no occurrence {occurrence_id[:200]!r} in the "
                                              "store"))
    elif duty.cancelled:
        problems.append(FileProblem(line, column, f"{occurrence_id!r} was cancelled"))
    step = values.get("step", "")
    if duty is not None and step not in {s.step for s in duty.steps}:
        problems.append(FileProblem(line, "step", f"no step {step[:80]!r}; steps: "
                                + ", ".join(s.step for s in duty.steps)))
    given = values.get("status", "")
    status = StepStatus(given) if given in {s.value for s in StepStatus} else None
    if status is None:
        problems.append(FileProblem(line, "status", f"{given[:40]!r} is not one of "
                                + ", ".join(s.value for s in StepStatus)))
    note = values.get("note") or None
    if note is not None and len(note) > 2000:
        problems.append(FileProblem(line, "note", "longer than 2000 characters"))
    if status in REASON_NEEDED and not note:
        problems.append(FileProblem(line, "note", f"{given} needs the reason in the note"))
    url = values.get("evidence_url") or None
    if url is not None:
        try:
            check_url("evidence_url", url)
        except UnsafeUrlError as error:
            problems.append(FileProblem(line, "evidence_url", str(error)))
    decided_on: date | None = None
    if values.get("decided_on"):
        try:
            decided_on = date.fromisoformat(values["decided_on"])
        except ValueError:
            problems.append(FileProblem(line, "decided_on",
                                    f"{values['decided_on'][:40]!r} is not a date (YYYY-MM-DD)"))
    decided_by = values.get("decided_by") or None
    if decided_by is not None and len(decided_by) > 200:
        problems.append(FileProblem(line, "decided_by", "longer than 200 characters"))
    section = values.get("section") or None
    if section is not None and len(section) > 40:
        problems.append(FileProblem(line, "section", "longer than 40 characters"))
    if len(problems) > before or status is None:
        return None
    return StatusRow(line, occurrence_id, step, status,
                     Evidence(url=url, decided_by=decided_by, decided_on=decided_on,
                              section=section), note)


def _recorded(session: Session, occurrence_id: str, step: str, evidence: Evidence) -> bool:
    """True if the same evidence is already stored (importing a file twice adds nothing)."""
    rows = session.execute(select(EvidenceRow).where(
        EvidenceRow.occurrence_id == occurrence_id,  # type: ignore[arg-type]
        EvidenceRow.step == step)).scalars()  # type: ignore[arg-type]
    return any((r.url, r.decided_by, r.decided_on, r.section) == (
        evidence.url, evidence.decided_by, evidence.decided_on, evidence.section) for r in rows)


class _DryRunError(Exception):
    """Rolls a dry run's transaction back."""


def import_statuses(engine: Engine, rows: list[StatusRow], source: str, *, by: str,
                    now: datetime, dry_run: bool, channel: str = "cli") -> list[Change]:
    """Apply every row in one transaction (a dry run rolls it back): all or nothing.

    Audited with `channel` (`cli`; `web` from the administrators' upload form).
    """
    if not by.strip():
        raise StateError("say who makes the change (--by NAME)")
    changes: list[Change] = []
    try:
        with write_session(engine) as session:
            for row in rows:
                evidence = row.evidence if row.evidence and not _recorded(
                    session, row.occurrence_id, row.step, row.evidence) else None
                try:
                    done = apply_step_status(session, row.occurrence_id, row.step, row.status,
                                             by=by, now=now, note=row.note,
                                             evidence=evidence, channel=channel)
                except StateError as error:
                    raise StatusImportError(source, [FileProblem(row.line, "status",
                                                             str(error))]) from None
                changes.append(Change(row.line, row.occurrence_id, row.step, done.old.value,
                                      done.new.value, done.changed))
            if dry_run:
                raise _DryRunError
    except _DryRunError:
        pass
    return changes
