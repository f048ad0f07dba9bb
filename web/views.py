"""What the pages show, computed from the store's duty states: pure, so it is tested alone.

A duty (occurrence) is in one of six states for a reader: complete, open, late (a step
is past its target, none past its legal limit), overdue (a step is past the last day the
law allows), not tracked (due before its party's "tracked from" day, `Duty.tracked`) or
cancelled. The county matrix, the pair page, the vuosikello, the CSV and
the JSON API all take it from `duty_state`, so they never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from calendars.duty import Duty
from calendars.terms import Body, CouncilTerm, term_containing
from calendars.vuosikello import ClockMark, MarkState
from calendars.wording import describe_shift
from obligations.parties import Municipality, Parties
from obligations.schema import Lang, ObligationDefinition, PartyKind


def duty_state(duty: Duty, today: date) -> MarkState:
    """How a duty stands today, as every page shows it."""
    if duty.cancelled:
        return MarkState.CANCELLED
    if duty.complete:
        return MarkState.COMPLETE
    if not duty.tracked:
        return MarkState.NOT_TRACKED
    if duty.days_past_limit(today) > 0:
        return MarkState.OVERDUE
    if duty.days_late(today) > 0:
        return MarkState.LATE
    return MarkState.OPEN


def current_term(today: date) -> CouncilTerm | None:
    """The council term in force (municipal and county terms run together since 2025)."""
    return term_containing(Body.MUNICIPAL_COUNCIL, today)


def is_county_own(duty: Duty) -> bool:
    """A duty the county owes alone (no municipality takes part)."""
    return duty.county_own


def involves(duty: Duty, municipality: str) -> bool:
    """True if the municipality owes or takes part in the duty."""
    return municipality in duty.participants


def roles_with_steps(duties: Iterable[Duty], municipality: str) -> frozenset[str]:
    """The municipality's roles with a step in its duties: the role feeds with content."""
    return frozenset(step.role for duty in duties if involves(duty, municipality)
                     for step in duty.steps if step.party == PartyKind.MUNICIPALITY.value)


def party_of(duty: Duty, parties: Parties, lang: Lang) -> str:
    """Who owes the duty, as a person reads it."""
    return parties.display_name(duty.party, lang)


@dataclass(frozen=True, slots=True)
class Cell:
    """One duty in the county matrix."""

    duty: Duty
    state: MarkState
    days_late: int
    steps_done: int
    steps_total: int
    days_past_limit: int = 0
    """Days since the earliest missed legal limit (0 when none is missed)."""


def cell_of(duty: Duty, today: date) -> Cell:
    """A duty's state, lateness and progress over its required steps."""
    required = [s for s in duty.steps if not s.optional]
    return Cell(duty, duty_state(duty, today), duty.days_late(today),
                sum(1 for s in required if s.status.closed), len(required),
                duty.days_past_limit(today))


@dataclass(frozen=True, slots=True)
class CountyMatrix:
    """Duties × municipalities of one county, for one term and term year (or all four)."""

    obligations: tuple[ObligationDefinition, ...]
    rows: tuple[tuple[Municipality, tuple[tuple[Cell, ...], ...]], ...]
    """Per municipality, one tuple of cells per obligation (in `obligations` order)."""
    own: tuple[Cell, ...]
    """The county's own duties."""


def select_duties(duties: Iterable[Duty], *, term: str | None, term_year: int | None,
                  obligations: frozenset[str] | None) -> list[Duty]:
    """The duties of a term (and term year), of the chosen obligations."""
    return [d for d in duties
            if (term is None or d.term == term)
            and (term_year is None or d.term_year == term_year)
            and (obligations is None or d.obligation in obligations)]


def county_matrix(duties: Sequence[Duty], members: Sequence[Municipality],
                  definitions: Sequence[ObligationDefinition], today: date,
                  lang: Lang) -> CountyMatrix:
    """The matrix of a county page and its CSV: rows by name in `lang`, columns by definition."""
    cells = {d.id: cell_of(d, today) for d in duties}
    shared = [d for d in duties if not is_county_own(d)]
    present = {d.obligation for d in shared}
    columns = tuple(d for d in definitions if d.id in present)
    rows = []
    for municipality in sorted(members, key=lambda m: (m.name(lang), m.code)):
        mine = [d for d in shared if involves(d, municipality.code)]
        rows.append((municipality, tuple(
            tuple(cells[d.id] for d in mine if d.obligation == column.id)
            for column in columns)))
    own = tuple(cells[d.id] for d in duties if is_county_own(d))
    return CountyMatrix(columns, tuple(rows), own)


MATRIX_CSV_COLUMNS = ("municipality_code", "municipality", "obligation", "obligation_name",
                      "occurrence", "period", "term_year", "due", "due_effective",
                      "legal_limit", "state", "days_late", "days_past_limit", "steps_done",
                      "steps_total")


def matrix_csv_rows(matrix: CountyMatrix, county_name: str, lang: Lang) -> list[dict[str, str]]:
    """The county table as CSV rows: one per cell duty, then the county's own duties."""
    rows: list[dict[str, str]] = []

    def row(code: str, name: str, cell: Cell) -> dict[str, str]:
        occurrence = cell.duty
        definition = next((d for d in matrix.obligations if d.id == occurrence.obligation), None)
        return {
            "municipality_code": code, "municipality": name,
            "obligation": occurrence.obligation,
            "obligation_name": definition.names.get(lang) if definition else "",
            "occurrence": occurrence.id, "period": occurrence.period,
            "term_year": str(occurrence.term_year), "due": occurrence.due.isoformat(),
            "due_effective": occurrence.due_effective.isoformat(),
            "legal_limit": occurrence.limit.isoformat(), "state": cell.state.value,
            "days_late": str(cell.days_late), "days_past_limit": str(cell.days_past_limit),
            "steps_done": str(cell.steps_done), "steps_total": str(cell.steps_total),
        }

    for municipality, per_obligation in matrix.rows:
        for cells in per_obligation:
            rows.extend(row(municipality.code, municipality.name(lang), c) for c in cells)
    rows.extend(row("", county_name, c) for c in matrix.own)
    return rows


def clock_marks(duties: Sequence[Duty], year: int, today: date,
                names: Mapping[str, str], parties: Parties, lang: Lang,
                href: str | None = None) -> list[ClockMark]:
    """The vuosikello's marks: each duty of the year at its effective date."""
    marks = []
    for duty in duties:
        row = duty
        if row.due_effective.year != year:
            continue
        label = f"{names.get(row.obligation, row.obligation)} {row.period} – " \
                f"{party_of(duty, parties, lang)}"
        marks.append(ClockMark(day=row.due_effective, label=label, series=row.obligation,
                               state=duty_state(duty, today),
                               href=f"{href}#{row.id}" if href is not None else None))
    return marks


def step_name(definition: ObligationDefinition | None, step_id: str | None, lang: Lang) -> str:
    """A checklist step's name in `lang`; its id where the definition no longer has it."""
    if step_id is None or definition is None:
        return step_id or ""
    return next((s.names.get(lang) for s in definition.steps if s.id == step_id), step_id)


def moved_because(duty: Duty, lang: Lang) -> str:
    """Why the effective date differs from the statutory one ("" when it does not)."""
    return describe_shift(duty.shift, lang)
