"""Tables of the status store (SQLModel). Schema changes go through Alembic migrations."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, DateTime, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

# The statuses are the core's (`obligations.lang`); the store keeps their values.
from obligations.lang import StepStatus as StepStatus


class Lifecycle(StrEnum):
    """Whether the plan still contains an occurrence."""

    ACTIVE = "active"
    CANCELLED = "cancelled"


def _timestamp() -> Column[datetime]:
    return Column(DateTime(timezone=True), nullable=False)


class OccurrenceRow(SQLModel, table=True):
    """One planned occurrence as the last sync saw it; cancelled ones are kept."""

    __tablename__ = "occurrence"
    __table_args__ = (Index("ix_occurrence_region_due", "region", "due_effective"),)

    id: str = Field(primary_key=True, max_length=200)
    obligation: str = Field(max_length=80, index=True)
    owed_by: str = Field(max_length=40)
    municipality: str | None = Field(default=None, max_length=20, index=True)
    region: str | None = Field(default=None, max_length=20)
    participants: str = Field(sa_column=Column(Text, nullable=False))
    """Municipality codes separated by spaces."""
    group_id: str | None = Field(default=None, max_length=80)
    period: str = Field(max_length=20)
    term: str = Field(max_length=20)
    term_year: int
    due: date
    due_effective: date
    due_source: str = Field(max_length=20)
    legal_limit: date
    """The last day the law allows (`due` is the target; see docs/law.md)."""
    content_hash: str = Field(max_length=64)
    revision: int = 0
    """Bumped on every change of content: the iCalendar SEQUENCE."""
    lifecycle: str = Field(default=Lifecycle.ACTIVE.value, max_length=20)
    cancelled_on: date | None = None
    created_at: datetime = Field(sa_column=_timestamp())
    changed_at: datetime = Field(sa_column=_timestamp())


class StepRow(SQLModel, table=True):
    """A checklist step of an occurrence as planned."""

    __tablename__ = "occurrence_step"

    occurrence_id: str = Field(primary_key=True, foreign_key="occurrence.id", max_length=200)
    step: str = Field(primary_key=True, max_length=80)
    position: int
    role: str = Field(max_length=40)
    party: str = Field(max_length=20)
    optional: bool = False
    after: str = Field(default="", sa_column=Column(Text, nullable=False))
    """Predecessor step ids separated by spaces."""
    due: date
    due_effective: date
    legal_limit: date
    """The last day the law allows for the step."""


class StepStatusRow(SQLModel, table=True):
    """A step's status; no row means not started."""

    __tablename__ = "step_status"

    occurrence_id: str = Field(primary_key=True, foreign_key="occurrence.id", max_length=200)
    step: str = Field(primary_key=True, max_length=80)
    status: str = Field(max_length=20)
    note: str | None = Field(default=None, sa_column=Column(Text))
    revision: int = 1
    changed_at: datetime = Field(sa_column=_timestamp())
    changed_by: str = Field(max_length=200)


class StepOwnerRow(SQLModel, table=True):
    """The person who answers for a step (one of those granted for its party); no row: none."""

    __tablename__ = "step_owner"

    occurrence_id: str = Field(primary_key=True, foreign_key="occurrence.id", max_length=200)
    step: str = Field(primary_key=True, max_length=80)
    person_id: int = Field(foreign_key="person.id", index=True)
    set_at: datetime = Field(sa_column=_timestamp())
    set_by: str = Field(max_length=200)


class EvidenceRow(SQLModel, table=True):
    """A decision or document that shows a step was done."""

    __tablename__ = "evidence"

    id: int | None = Field(default=None, primary_key=True)
    occurrence_id: str = Field(foreign_key="occurrence.id", max_length=200, index=True)
    step: str = Field(max_length=80)
    url: str | None = Field(default=None, sa_column=Column(Text))
    decided_by: str | None = Field(default=None, max_length=200)
    decided_on: date | None = None
    section: str | None = Field(default=None, max_length=40)
    note: str | None = Field(default=None, sa_column=Column(Text))
    recorded_at: datetime = Field(sa_column=_timestamp())
    recorded_by: str = Field(max_length=200)


class AuditRow(SQLModel, table=True):
    """Append-only: who changed what, when, from what to what. Triggers forbid edits."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=_timestamp())
    actor: str = Field(max_length=200)
    occurrence_id: str = Field(max_length=200, index=True)
    step: str | None = Field(default=None, max_length=80)
    action: str = Field(max_length=40)
    old_value: str | None = Field(default=None, sa_column=Column(Text))
    new_value: str | None = Field(default=None, sa_column=Column(Text))
    reason: str | None = Field(default=None, sa_column=Column(Text))
    channel: str | None = Field(default=None, max_length=10)
    """Where the change came from: web, api, cli or flow (None before issue 14)."""


class ContactRow(SQLModel, table=True):
    """A person (or channel) to notify for one party and role."""

    __tablename__ = "contact"
    __table_args__ = (UniqueConstraint("party", "role", "name", name="uq_contact_party_role_name"),)

    id: int | None = Field(default=None, primary_key=True)
    party: str = Field(max_length=20, index=True)
    """`m564` for a municipality, `r19` for a county."""
    role: str = Field(max_length=40)
    name: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=320)
    teams: str | None = Field(default=None, sa_column=Column(Text))
    """A Teams workflow address: a secret, never shown."""
    language: str = Field(max_length=2)
    delivery: str = Field(default="digest", max_length=20)


class SubscriberRow(SQLModel, table=True):
    """A calendar subscriber with a capability token (only its hash is stored)."""

    __tablename__ = "subscriber"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    token_hash: str = Field(max_length=64, unique=True)
    feeds: str = Field(sa_column=Column(Text, nullable=False))
    """Feed ids separated by spaces."""
    created_at: datetime = Field(sa_column=_timestamp())
    revoked_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


class OutboxState(StrEnum):
    """Where a message of the outbox stands."""

    PENDING = "pending"
    """Waiting for its next attempt."""
    SENDING = "sending"
    """Claimed by a dispatcher; reclaimed if that dispatcher dies (its lease runs out)."""
    SENT = "sent"
    FAILED = "failed"
    """Gave up after the last attempt; kept with its error until retried by hand."""
    OBSOLETE = "obsolete"
    """Not sent: every step it was about was closed before its turn came."""


class OutboxRow(SQLModel, table=True):
    """A message to send, unique by its key so that nothing is queued or sent twice."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state_next", "state", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=400, unique=True)
    channel: str = Field(max_length=20)
    recipient: int = Field(foreign_key="contact.id")
    payload: str = Field(sa_column=Column(Text, nullable=False))
    state: str = Field(default="pending", max_length=20)
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_column=_timestamp())
    claimed_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    sent_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(sa_column=_timestamp())


class OutboxItemRow(SQLModel, table=True):
    """One reminder or escalation for one recipient and channel, and the message carrying it."""

    __tablename__ = "outbox_item"

    key: str = Field(primary_key=True, max_length=400)
    outbox_id: int = Field(foreign_key="outbox.id", index=True)
    occurrence_id: str = Field(max_length=200)
    step: str = Field(max_length=80)


class PersonRow(SQLModel, table=True):
    """Someone who signs in; linked to contacts by email (kept lower-case)."""

    __tablename__ = "person"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, unique=True)
    name: str = Field(max_length=200)
    is_admin: bool = False
    """A national administrator: may change every step and grant anyone."""
    created_at: datetime = Field(sa_column=_timestamp())


class GrantRow(SQLModel, table=True):
    """A person's role for one party: what steps they may change."""

    __tablename__ = "person_grant"
    __table_args__ = (UniqueConstraint("person_id", "party", "role",
                                       name="uq_grant_person_party_role"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    party: str = Field(max_length=20)
    role: str = Field(max_length=40)
    created_at: datetime = Field(sa_column=_timestamp())


class WebSessionRow(SQLModel, table=True):
    """A signed-in browser; only the SHA-256 of the cookie's value is stored."""

    __tablename__ = "web_session"

    id_hash: str = Field(primary_key=True, max_length=64)
    person_id: int = Field(foreign_key="person.id")
    created_at: datetime = Field(sa_column=_timestamp())
    last_seen_at: datetime = Field(sa_column=_timestamp())
    expires_at: datetime = Field(sa_column=_timestamp())
    """The absolute timeout; the idle timeout counts from `last_seen_at`."""
    ended_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


class SigninLinkRow(SQLModel, table=True):
    """A sign-in link asked for (also for unknown addresses, so that asking is rate-limited)."""

    __tablename__ = "signin_link"
    __table_args__ = (Index("ix_signin_link_email", "email", "created_at"),
                      Index("ix_signin_link_client", "client", "created_at"))

    token_hash: str = Field(primary_key=True, max_length=64)
    email: str = Field(max_length=320)
    client: str = Field(max_length=64)
    """SHA-256 of the asking client's address."""
    created_at: datetime = Field(sa_column=_timestamp())
    expires_at: datetime = Field(sa_column=_timestamp())
    used_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


class AccessTokenRow(SQLModel, table=True):
    """A personal access token for the write API; only its hash is stored."""

    __tablename__ = "access_token"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    person_id: int = Field(foreign_key="person.id")
    label: str = Field(max_length=200)
    created_at: datetime = Field(sa_column=_timestamp())
    expires_at: datetime = Field(sa_column=_timestamp())
    revoked_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
