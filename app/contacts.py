"""Contacts by party and role: import from CSV (all rows or none), list."""

from __future__ import annotations

from sqlalchemy import Engine

from obligations.parties import Registry
from state.contacts import ImportReport
from state.models import ContactRow


def parse(text: str, source: str, registry: Registry) -> list[ContactRow]:
    """A contacts CSV's rows; any bad row raises ContactImportError naming its line."""
    from state.contacts import parse_contacts

    return parse_contacts(text, source, registry)


def import_rows(engine: Engine, contacts: list[ContactRow]) -> ImportReport:
    """Add new contacts and update changed ones, in one transaction."""
    from state.contacts import import_contacts

    return import_contacts(engine, contacts)


def shown_email(email: str | None) -> str:
    """An email address as listed; one stored before import refused URLs is masked."""
    if not email:
        return ""
    return "***" if ":" in email or "/" in email else email


def listed(engine: Engine) -> list[ContactRow]:
    """Every contact (a Teams address is a secret: show only whether it is set)."""
    from state.contacts import list_contacts

    return list_contacts(engine)


def add_one(engine: Engine, registry: Registry, values: dict[str, str]) -> ImportReport:
    """One contact from a form, checked by the same rules as a CSV row (`parse`).

    The values become a one-row file of the import's columns, so there is one set of
    rules; a problem raises ContactImportError naming the column. Adding the same party,
    role and name again updates that contact, as an import does.
    """
    from state.contacts import COLUMNS

    def cell(value: str) -> str:
        flat = " ".join(value.split())  # a form field is one line
        return '"' + flat.replace('"', '""') + '"'

    text = ",".join(COLUMNS) + "\n" + ",".join(cell(values.get(c, "")) for c in COLUMNS) + "\n"
    return import_rows(engine, parse(text, "form", registry))


def remove(engine: Engine, contact_id: int) -> ContactRow | None:
    """Remove a contact (None: there was none with that id)."""
    from state.contacts import remove_contact

    return remove_contact(engine, contact_id)
