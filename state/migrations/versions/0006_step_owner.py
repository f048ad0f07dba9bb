"""An owner per step (issue 14.3).

The person, among those granted for the party, who answers for the step; reminders go to
the owner first.

Revision ID: 0006
Revises: 0004 (re-chained onto 0005 when merged with the legal-limit migration)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    op.create_table(
        "step_owner",
        sa.Column("occurrence_id", sa.String(200), sa.ForeignKey("occurrence.id"),
                  primary_key=True),
        sa.Column("step", sa.String(80), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("set_by", sa.String(200), nullable=False),
    )
    op.create_index("ix_step_owner_person_id", "step_owner", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_step_owner_person_id", table_name="step_owner")
    op.drop_table("step_owner")
