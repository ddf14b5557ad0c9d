"""ended relationships keep their pairing: a final mentee enrollment points at the pairing it ended with

Until now entering a final state cleared a mentee enrollment's pairing, so the contract,
check-ins and evaluations of a relationship that ended left its page and its mentor lost
sight of it. The engine now keeps the pairing; this restores it on enrollments that ended
before: the pairing that ended at the very moment the enrollment entered its final state
(a return to the pool ends a pairing earlier, and is left alone). No schema change.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "UPDATE enrollments SET pairing_id = ("
        "SELECT p.id FROM pairings p WHERE p.mentee_id = enrollments.id "
        "AND p.ended_at = enrollments.state_since ORDER BY p.started_at DESC LIMIT 1) "
        "WHERE role = 'mentee' AND is_final = true AND pairing_id IS NULL"
    )


def downgrade() -> None:
    # The earlier engine cleared the pairing of every final enrollment.
    op.execute("UPDATE enrollments SET pairing_id = NULL WHERE is_final = true")
