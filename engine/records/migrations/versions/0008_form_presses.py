"""form presses: each form's one-time key, so a second press leads where the first did

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "form_presses",
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("location", sa.String(length=2000), nullable=True),
        sa.PrimaryKeyConstraint("key_hash"),
    )
    op.create_index("ix_form_presses_created", "form_presses", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_form_presses_created", table_name="form_presses")
    op.drop_table("form_presses")
