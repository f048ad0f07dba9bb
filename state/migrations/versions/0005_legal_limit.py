"""The legal limit beside the target (issue 13): the last day the law allows.

`occurrence.legal_limit` and `occurrence_step.legal_limit` are added. Rows stored before
are given their target (`due`) as the limit until the next sync writes the real one (the
content hash covers the limit, so every such occurrence counts as changed then).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"

_TABLES = ("occurrence", "occurrence_step")


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in _TABLES:
        # SQLite adds a NOT NULL column only with a default; it is replaced at once.
        op.add_column(table, sa.Column("legal_limit", sa.Date(), nullable=False,
                                       server_default=sa.text("'2000-01-01'")))
        op.execute(f"UPDATE {table} SET legal_limit = due")
        if postgresql:
            op.alter_column(table, "legal_limit", server_default=None)


def downgrade() -> None:
    for table in _TABLES:
        op.drop_column(table, "legal_limit")
