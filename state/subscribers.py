"""Calendar subscribers and the store's fingerprint, shared by the feed server and the jobs.

Here rather than in `web/` because the export jobs (app/) read the fingerprint and add
subscribers too, and the application layer may not import the server.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, text
from sqlmodel import Session, select

from state.db import write_session
from state.models import SubscriberRow

ALL_FEEDS = "*"
"""A subscriber's grant of every feed."""


def token_hash(token: str) -> str:
    """How a token is stored: SHA-256, hex. The token itself is shown once and never kept."""
    return hashlib.sha256(token.encode()).hexdigest()


def store_fingerprint(engine: Engine, today: date) -> tuple[Any, ...]:
    """Changes whenever anything a feed shows may have changed (or the day turned)."""
    with engine.connect() as connection:
        occurrences = connection.execute(
            text("SELECT count(*), max(changed_at), sum(revision) FROM occurrence")).one()
        statuses = connection.execute(
            text("SELECT count(*), max(changed_at), sum(revision) FROM step_status")).one()
        subscribers = connection.execute(text(
            "SELECT count(*), max(created_at), max(revoked_at), count(revoked_at) "
            "FROM subscriber")).one()
    return (today, tuple(occurrences), tuple(statuses), tuple(subscribers))


def add_subscriber(engine: Engine, name: str, token: str, feeds: list[str],
                   now: datetime) -> int:
    """Store a subscriber with the hash of its token; returns its id."""
    with write_session(engine) as session:
        row = SubscriberRow(name=name, token_hash=token_hash(token), feeds=" ".join(feeds),
                            created_at=now)
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id


def list_subscribers(engine: Engine) -> list[SubscriberRow]:
    """Every subscriber, revoked ones too, by id."""
    with Session(engine) as session:
        return list(session.exec(
            select(SubscriberRow).order_by(SubscriberRow.id)).all())  # type: ignore[arg-type]


def revoke_subscriber(engine: Engine, subscriber_id: int, now: datetime) -> bool:
    """Revoke a subscriber's token (False: no such subscriber). Revoking twice keeps the day."""
    with write_session(engine) as session:
        row = session.get(SubscriberRow, subscriber_id)
        if row is None:
            return False
        if row.revoked_at is None:
            row.revoked_at = now
    return True
