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

from obligations.parties import Registry
from obligations.schema import Role
from state.channels import ChannelConfigError, parse_teams_url
from state.db import write_session
from state.models import ContactRow

COLUMNS = ("party", "role", "name", "email", "teams", "language", "delivery")
_EMAIL = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[A-Za-z]{2,}")
_LIMITS = {"name": 200, "email": 320, "teams": 2000}


@dataclass(frozen=True, slots=True)
class ContactProblem:
    """One bad value: line and column of the CSV file."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.line}: {self.column}: {self.message}"


class ContactImportError(Exception):
    """Raised with every problem of a file; nothing was imported."""

    def __init__(self, source: str, problems: list[ContactProblem]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("\n".join(f"{source}:{p}" for p in problems))


@dataclass(frozen=True, slots=True)
class ImportReport:
    """How many contacts were added and updated."""

    added: int
    updated: int


def parse_contacts(text: str, source: str, registry: Registry) -> list[ContactRow]:
    """Validate a whole CSV text; raise ContactImportError listing every bad value."""
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))  # Excel writes a BOM
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ContactImportError(source, [ContactProblem(1, ", ".join(missing),
                                                         "missing column(s) in the header")])
    counties = {r.code for r in registry.counties}
    municipalities = {m.code for m in registry.municipalities}
    roles = {r.value for r in Role}
    problems: list[ContactProblem] = []
    contacts: list[ContactRow] = []
    seen: dict[tuple[str, str, str], int] = {}
    for row in reader:
        line = reader.line_num
        values = {c: (row.get(c) or "").strip() for c in COLUMNS}
        before = len(problems)
        for column, limit in _LIMITS.items():
            if len(values[column]) > limit:
                problems.append(ContactProblem(line, column, f"longer than {limit} characters"))
        party = values["party"]
        if party in municipalities:
            party_key = f"m{party}"
        elif party in counties:
            party_key = f"r{party}"
        else:
            party_key = ""
            problems.append(ContactProblem(line, "party", f"{party!r} is neither a municipality "
                                           "code (\"564\") nor a county code (\"19\")"))
        if values["role"] not in roles:
            problems.append(ContactProblem(line, "role", f"unknown role {values['role']!r}; "
                                           f"known: {', '.join(sorted(roles))}"))
        if not values["name"]:
            problems.append(ContactProblem(line, "name", "empty"))
        if values["email"] and not _EMAIL.fullmatch(values["email"]):
            shown = "a URL (not shown: it may hold a secret)" if "://" in values["email"] \
                else repr(values["email"])
            problems.append(ContactProblem(line, "email", f"{shown} is not an email address"))
        if values["teams"]:
            try:
                parse_teams_url(values["teams"])
            except ChannelConfigError as error:
                # The message names the scheme at most, never the address (a secret).
                problems.append(ContactProblem(line, "teams", str(error)))
        if not values["email"] and not values["teams"]:
            problems.append(ContactProblem(line, "email", "give an email or a teams address"))
        if values["language"] not in ("fi", "sv", "en"):
            problems.append(ContactProblem(line, "language",
                                           f"{values['language']!r} is not fi, sv or en"))
        delivery = values["delivery"] or "digest"
        if delivery not in ("digest", "single"):
            problems.append(ContactProblem(line, "delivery",
                                           f"{delivery!r} is not digest or single"))
        key = (party_key, values["role"], values["name"])
        if len(problems) == before and key in seen:
            problems.append(ContactProblem(line, "name", f"the same party, role and name as "
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
    added = updated = 0
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
            else:
                existing.email = contact.email
                existing.teams = contact.teams
                existing.language = contact.language
                existing.delivery = contact.delivery
                updated += 1
    return ImportReport(added, updated)


def list_contacts(engine: Engine) -> list[ContactRow]:
    """Every contact, by party, role and name."""
    with Session(engine) as session:
        return list(session.execute(
            select(ContactRow).order_by(ContactRow.party, ContactRow.role, ContactRow.name)
        ).scalars())
