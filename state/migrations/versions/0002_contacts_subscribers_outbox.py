"""Contacts, calendar subscribers (hashed tokens) and the notification outbox.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "contact",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("party", sa.String(20), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320)),
        sa.Column("teams", sa.Text()),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("delivery", sa.String(20), nullable=False),
        sa.UniqueConstraint("party", "role", "name", name="uq_contact_party_role_name"),
    )
    op.create_index("ix_contact_party", "contact", ["party"])
    op.create_table(
        "subscriber",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("feeds", sa.Text(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("revoked_at", _TS),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(400), nullable=False, unique=True),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("recipient", sa.Integer(), sa.ForeignKey("contact.id"), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _TS, nullable=False),
        sa.Column("claimed_at", _TS),
        sa.Column("sent_at", _TS),
        sa.Column("last_error", sa.Text()),
        sa.Column("created_at", _TS, nullable=False),
    )


def downgrade() -> None:
    for table in ("outbox", "subscriber", "contact"):
        op.drop_table(table)
