"""Outbox items: which reminder or escalation went into which message, so none goes twice.

A digest carries many items; a single message carries one. The item key is unique, so a
re-run (or a second dispatcher) can never queue the same reminder again.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.create_table(
        "outbox_item",
        sa.Column("key", sa.String(400), primary_key=True),
        sa.Column("outbox_id", sa.Integer(), sa.ForeignKey("outbox.id"), nullable=False),
        sa.Column("occurrence_id", sa.String(200), nullable=False),
        sa.Column("step", sa.String(80), nullable=False),
    )
    op.create_index("ix_outbox_item_outbox_id", "outbox_item", ["outbox_id"])
    op.create_index("ix_outbox_state_next", "outbox", ["state", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_state_next", "outbox")
    op.drop_table("outbox_item")
