"""Planned occurrences, their steps, step status, evidence and the append-only audit log.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "occurrence",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("obligation", sa.String(80), nullable=False),
        sa.Column("owed_by", sa.String(40), nullable=False),
        sa.Column("municipality", sa.String(20)),
        sa.Column("region", sa.String(20)),
        sa.Column("participants", sa.Text(), nullable=False),
        sa.Column("group_id", sa.String(80)),
        sa.Column("period", sa.String(20), nullable=False),
        sa.Column("term", sa.String(20), nullable=False),
        sa.Column("term_year", sa.Integer(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("due_effective", sa.Date(), nullable=False),
        sa.Column("due_source", sa.String(20), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("lifecycle", sa.String(20), nullable=False),
        sa.Column("cancelled_on", sa.Date()),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("changed_at", _TS, nullable=False),
    )
    op.create_index("ix_occurrence_obligation", "occurrence", ["obligation"])
    op.create_index("ix_occurrence_municipality", "occurrence", ["municipality"])
    op.create_index("ix_occurrence_region_due", "occurrence", ["region", "due_effective"])
    op.create_table(
        "occurrence_step",
        sa.Column("occurrence_id", sa.String(200), sa.ForeignKey("occurrence.id"),
                  primary_key=True),
        sa.Column("step", sa.String(80), primary_key=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("party", sa.String(20), nullable=False),
        sa.Column("optional", sa.Boolean(), nullable=False),
        sa.Column("after", sa.Text(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("due_effective", sa.Date(), nullable=False),
    )
    op.create_table(
        "step_status",
        sa.Column("occurrence_id", sa.String(200), sa.ForeignKey("occurrence.id"),
                  primary_key=True),
        sa.Column("step", sa.String(80), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("changed_at", _TS, nullable=False),
        sa.Column("changed_by", sa.String(200), nullable=False),
    )
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("occurrence_id", sa.String(200), sa.ForeignKey("occurrence.id"),
                  nullable=False),
        sa.Column("step", sa.String(80), nullable=False),
        sa.Column("url", sa.Text()),
        sa.Column("decided_by", sa.String(200)),
        sa.Column("decided_on", sa.Date()),
        sa.Column("section", sa.String(40)),
        sa.Column("note", sa.Text()),
        sa.Column("recorded_at", _TS, nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
    )
    op.create_index("ix_evidence_occurrence_id", "evidence", ["occurrence_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", _TS, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("occurrence_id", sa.String(200), nullable=False),
        sa.Column("step", sa.String(80)),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("old_value", sa.Text()),
        sa.Column("new_value", sa.Text()),
        sa.Column("reason", sa.Text()),
    )
    op.create_index("ix_audit_log_occurrence_id", "audit_log", ["occurrence_id"])
    _forbid_audit_edits()


def _forbid_audit_edits() -> None:
    """The audit log is append-only: the database itself refuses UPDATE and DELETE."""
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
            )
    else:
        op.execute(
            "CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION audit_log_append_only()")
    for table in ("audit_log", "evidence", "step_status", "occurrence_step", "occurrence"):
        op.drop_table(table)
