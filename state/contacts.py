"""Import contacts from CSV: all rows valid, or nothing imported.

Columns: party (municipality code "564" or county code "19"), role, name, email, teams
(a Teams workflow address: `workflows://…` or `https://…`), language (fi, sv, en),
delivery (digest or single). Email or teams (or both) must be given.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlmodel import Session

from obligations.parties import PartyRef, Registry
from obligations.schema import Role
from state.channels import ChannelConfigError, parse_teams_url
from state.db import write_session
from state.errors import ContactImportError, FileProblem
from state.models import ContactRow

COLUMNS = ("party", "role", "name", "email", "teams", "language", "delivery")
_EMAIL = re.compile(r"[^@\s,;<>:/]+@[^@\s,;<>:/]+\.[A-Za-z]{2,}")
"""An address, not a URL: no `:` or `/` (`mailtos://user:password@smtp…` is refused)."""
_LIMITS = {"name": 200, "email": 320, "teams": 2000}


@dataclass(frozen=True, slots=True)
class ImportReport:
    """How many contacts were added, changed, and found as they were."""

    added: int
    updated: int
    unchanged: int = 0


FIELD_LIMIT = 100_000
"""Longer physical lines are refused before the csv module sees them (its own limit,
131,072 characters a field, ends in an exception that names no column)."""


def _column_at(header: list[str], line: str, position: int) -> str:
    """The header's name of the column `position` of `line` falls in (commas counted)."""
    index = line.count(",", 0, position)
    return header[index] if index < len(header) else f"column {index + 1}"


def _unreadable(text: str) -> list[FileProblem]:
    """NUL bytes and giant fields, which the csv module cannot read, with line and column."""
    problems = []
    lines = text.split("\n")
    header = [c.strip() for c in lines[0].split(",")] if lines else []
    for number, line in enumerate(lines, start=1):
        if "\x00" in line:
            column = "(header)" if number == 1 else _column_at(header, line,
                                                                 line.index("\x00"))
            problems.append(FileProblem(number, column,
                                           "holds a NUL byte (is this a CSV text file?)"))
        elif len(line) > FIELD_LIMIT:
            fields = line.split(",")
            longest = max(range(len(fields)), key=lambda i: len(fields[i]))
            name = header[longest] if longest < len(header) else f"column {longest + 1}"
            problems.append(FileProblem(number, name,
                                           f"longer than {FIELD_LIMIT} characters"))
    return problems


def parse_contacts(text: str, source: str, registry: Registry) -> list[ContactRow]:
    """Validate a whole CSV text; raise ContactImportError listing every bad value."""
    text = text.removeprefix("\ufeff")  # Excel writes a BOM
    unreadable = _unreadable(text)
    if unreadable:
        raise ContactImportError(source, unreadable)
    try:
        return _parse(text, source, registry)
    except csv.Error as error:  # e.g. a quoted field that runs on past the limit
        raise ContactImportError(source, [FileProblem(
            getattr(error, "line", 0) or 0, "(row)", f"not readable as CSV: {error}")]) from None


def _parse(text: str, source: str, registry: Registry) -> list[ContactRow]:
    reader = csv.DictReader(io.StringIO(text))
    try:
        fieldnames = reader.fieldnames
    except csv.Error as error:
        raise ContactImportError(source, [FileProblem(1, "(header)",
                                                         f"not readable as CSV: {error}")]
                                 ) from None
    missing = [c for c in COLUMNS if c not in (fieldnames or [])]
    if missing:
        raise ContactImportError(source, [FileProblem(1, ", ".join(missing),
                                                         "missing column(s) in the header")])
    counties = {r.code for r in registry.counties}
    municipalities = {m.code for m in registry.municipalities}
    roles = {r.value for r in Role}
    problems: list[FileProblem] = []
    contacts: list[ContactRow] = []
    seen: dict[tuple[str, str, str], int] = {}
    rows = iter(reader)
    while True:
        start = reader.line_num + 1  # the line the next record begins on
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as error:
            # A quoted field running on past the csv module's limit: it is the last field
            # begun on the record's first line.
            first = text.split("\n")[start - 1] if start <= text.count("\n") + 1 else ""
            header = list(fieldnames or [])
            problems.append(FileProblem(start, _column_at(header, first, len(first)),
                                           f"not readable as CSV: {error}"))
            break
        line = reader.line_num
        before = len(problems)
        extra = row.get(None)
        if extra:
            problems.append(FileProblem(line, f"column {len(fieldnames or []) + 1}",
                                           f"{len(extra)} more field(s) than the header"))
            continue
        values = {c: (row.get(c) or "").strip() for c in COLUMNS}
        for column, limit in _LIMITS.items():
            if len(values[column]) > limit:
                problems.append(FileProblem(line, column, f"longer than {limit} characters"))
        party = values["party"]
        if party in municipalities:
            party_key = PartyRef.of_municipality(party).key
        elif party in counties:
            party_key = PartyRef.of_county(party).key
        else:
            party_key = ""
            problems.append(FileProblem(line, "party", f"{party!r} is neither a municipality "
                                           "code (\"564\") nor a county code (\"19\")"))
        if values["role"] not in roles:
            problems.append(FileProblem(line, "role", f"unknown role {values['role']!r}; "
                                           f"known: {', '.join(sorted(roles))}"))
        if not values["name"]:
            problems.append(FileProblem(line, "name", "empty"))
        if values["email"] and not _EMAIL.fullmatch(values["email"]):
            shown = "a URL (not shown: it may hold a secret)" if "://" in values["email"] \
                else "the value (not shown: it may hold a secret)" if ":" in values["email"] \
                else repr(values["email"])
            problems.append(FileProblem(line, "email", f"{shown} is not an email address"))
        if values["teams"]:
            try:
                parse_teams_url(values["teams"])
            except ChannelConfigError as error:
                # The message names the scheme at most, never the address (a secret).
                problems.append(FileProblem(line, "teams", str(error)))
        if not values["email"] and not values["teams"]:
            problems.append(FileProblem(line, "email", "give an email or a teams address"))
        if values["language"] not in ("fi", "sv", "en"):
            problems.append(FileProblem(line, "language",
                                           f"{values['language']!r} is not fi, sv or en"))
        delivery = values["delivery"] or "digest"
        if delivery not in ("digest", "single"):
            problems.append(FileProblem(line, "delivery",
                                           f"{delivery!r} is not digest or single"))
        key = (party_key, values["role"], values["name"])
        if len(problems) == before and key in seen:
            problems.append(FileProblem(line, "name", f"the same party, role and name as "
                                           f"line {seen[key]}"))
        seen.setdefault(key, line)
        if len(problems) == before:
            contacts.append(ContactRow(party=party_key, role=values["role"], name=values["name"],
                                       email=values["email"] or None,
                                       teams=values["teams"] or None,
                                       language=values["language"], delivery=delivery))
    if problems:
        raise ContactImportError(source, problems)
    return contacts


def import_contacts(engine: Engine, contacts: list[ContactRow]) -> ImportReport:
    """Add or update contacts (keyed by party, role and name) in one transaction."""
    added = updated = unchanged = 0
    with write_session(engine) as session:
        for contact in contacts:
            existing = session.execute(
                select(ContactRow).where(
                    ContactRow.party == contact.party,  # type: ignore[arg-type]
                    ContactRow.role == contact.role,  # type: ignore[arg-type]
                    ContactRow.name == contact.name,  # type: ignore[arg-type]
                )
            ).scalar_one_or_none()
            if existing is None:
                session.add(contact)
                added += 1
            elif (existing.email, existing.teams, existing.language, existing.delivery) == (
                    contact.email, contact.teams, contact.language, contact.delivery):
                unchanged += 1
            else:
                existing.email = contact.email
                existing.teams = contact.teams
                existing.language = contact.language
                existing.delivery = contact.delivery
                updated += 1
    return ImportReport(added, updated, unchanged)


def list_contacts(engine: Engine) -> list[ContactRow]:
    """Every contact, by party, role and name."""
    with Session(engine) as session:
        return list(session.execute(
            select(ContactRow).order_by(ContactRow.party, ContactRow.role, ContactRow.name)
        ).scalars())


def remove_contact(engine: Engine, contact_id: int) -> ContactRow | None:
    """Delete one contact; the removed row (detached), or None if there was none."""
    with write_session(engine) as session:
        row = session.get(ContactRow, contact_id)
        if row is None:
            return None
        session.delete(row)
        session.flush()
        session.expunge(row)
        return row
