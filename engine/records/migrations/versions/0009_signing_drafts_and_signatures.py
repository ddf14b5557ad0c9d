"""drafts saved on the server; signatures keep the typed name and the signed text's hash

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "drafts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("person_id", sa.String(length=16), nullable=False),
        sa.Column("program_id", sa.String(length=63), nullable=False),
        sa.Column("form_id", sa.String(length=64), nullable=False),
        sa.Column("enrollment_id", sa.String(length=16), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("person_id", "program_id", "form_id", "enrollment_id"),
    )
    with op.batch_alter_table("signatures") as batch:
        batch.add_column(sa.Column("typed_name", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("text_sha256", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("signatures") as batch:
        batch.drop_column("text_sha256")
        batch.drop_column("typed_name")
    op.drop_table("drafts")
