"""the access log: who read whose enrollment, submission or file, when, through which door

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reader_id", sa.String(length=16), nullable=True),
        sa.Column("reader", sa.String(length=320), nullable=False),
        sa.Column("subject_person_id", sa.String(length=16), nullable=False),
        sa.Column("program_id", sa.String(length=63), nullable=False),
        sa.Column("enrollment_id", sa.String(length=16), nullable=False),
        sa.Column("form_id", sa.String(length=64), nullable=True),
        sa.Column("submission_id", sa.String(length=16), nullable=True),
        sa.Column("attachment_id", sa.String(length=16), nullable=True),
        sa.Column("what", sa.String(length=20), nullable=False),
        sa.Column("door", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_access_log_subject", "access_log", ["subject_person_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_access_log_subject", table_name="access_log")
    op.drop_table("access_log")
