"""outbox retries: tries, last error, next try, set aside; a reminder queued once

A message that fails is tried again later and set aside after a few tries, so it never
holds up the others. Reminders already queued get their key, the earliest row of any
pair of duplicates a past race wrote, so the unique index can be built.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("last_error", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("next_try_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("set_aside_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("dedupe_key", sa.String(length=100), nullable=True))
    op.execute(
        "UPDATE outbox SET dedupe_key = reason WHERE reason LIKE 'reminder:%' AND id = "
        "(SELECT MIN(o.id) FROM outbox o "
        "WHERE o.to_email = outbox.to_email AND o.reason = outbox.reason)"
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ux_outbox_dedupe", ["to_email", "dedupe_key"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ux_outbox_dedupe")
        batch_op.drop_column("dedupe_key")
        batch_op.drop_column("set_aside_at")
        batch_op.drop_column("next_try_at")
        batch_op.drop_column("last_error")
        batch_op.drop_column("attempts")
