"""identity: verified addresses, server-side sessions, mailed links, a throttle per client

Accounts that exist today (people with a password) count as verified: nothing that
worked before stops working. Earlier sign-in attempts are kept as finished ones.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("email_verified_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("admin_by_provider", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("staff_roles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("granted_by", sa.String(length=20), nullable=False, server_default="staff")
        )
    op.execute("UPDATE people SET email_verified_at = created_at WHERE password_hash IS NOT NULL")
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("client", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.alter_column("succeeded", existing_type=sa.Boolean(), nullable=True)
        batch_op.create_index("ix_login_attempts_client_at", ["client", "at"], unique=False)
        batch_op.create_index("ix_login_attempts_at", ["at"], unique=False)
    op.create_table(
        "account_sessions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=16), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("account_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_account_sessions_person", ["person_id", "ended_at"], unique=False)
    op.create_table(
        "account_tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=16), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("grant", sa.JSON(), nullable=True),
        sa.Column("created_by_id", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["people.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("account_tokens", schema=None) as batch_op:
        batch_op.create_index("ix_account_tokens_person", ["person_id", "purpose"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("account_tokens", schema=None) as batch_op:
        batch_op.drop_index("ix_account_tokens_person")
    op.drop_table("account_tokens")
    with op.batch_alter_table("account_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_account_sessions_person")
    op.drop_table("account_sessions")
    op.execute("UPDATE login_attempts SET succeeded = false WHERE succeeded IS NULL")
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_login_attempts_at")
        batch_op.drop_index("ix_login_attempts_client_at")
        batch_op.alter_column("succeeded", existing_type=sa.Boolean(), nullable=False)
        batch_op.drop_column("client")
    with op.batch_alter_table("staff_roles", schema=None) as batch_op:
        batch_op.drop_column("granted_by")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("admin_by_provider")
        batch_op.drop_column("email_verified_at")
