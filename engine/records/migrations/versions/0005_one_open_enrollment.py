"""one open enrollment per person, program and role, held by a unique index

Before it, two presses of "Apply" at the same moment could both write an enrollment.
Records that already hold such a pair stop the upgrade with one sentence naming them:
a coordinator closes one of each pair (on its enrollment page), then upgrades again.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from alembic.util import CommandError

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    doubled = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT program_id, role, min(id), max(id) FROM enrollments "
                "WHERE NOT is_final GROUP BY person_id, program_id, role HAVING count(*) > 1"
            )
        )
        .all()
    )
    if doubled:
        pairs = "; ".join(f"{p} {r}: {a} and {b}" for p, r, a, b in doubled[:10])
        raise CommandError(  # told as one sentence when the database opens
            f"{len(doubled)} {'person holds' if len(doubled) == 1 else 'people hold'} two open "
            "enrollments in the same program and role "
            f"({pairs}): close one of each, then upgrade again."
        )
    with op.batch_alter_table("enrollments", schema=None) as batch_op:
        batch_op.create_index(
            "uq_enrollments_open",
            ["person_id", "program_id", "role"],
            unique=True,
            sqlite_where=sa.text("is_final = 0"),
            postgresql_where=sa.text("NOT is_final"),
        )


def downgrade() -> None:
    with op.batch_alter_table("enrollments", schema=None) as batch_op:
        batch_op.drop_index("uq_enrollments_open")
