"""last active: each member's latest day with a check-in or a log, kept on their row
(so who-is-slipping reads one column instead of every log), filled from the history

Revision ID: 0013_last_active
Revises: 0012_counts_from
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_last_active"
down_revision: str | None = "0012_counts_from"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


#: The latest log, then a later check-in: two plain correlated subqueries (SQLite
#: cannot correlate into a subquery in FROM, which one UNION would need).
BACKFILL = (
    "UPDATE members SET last_active_on ="
    " (SELECT max(local_date) FROM hour_logs WHERE hour_logs.member_id = members.id)",
    "UPDATE members SET last_active_on ="
    " (SELECT max(local_date) FROM checkins WHERE checkins.member_id = members.id)"
    " WHERE EXISTS (SELECT 1 FROM checkins WHERE checkins.member_id = members.id"
    " AND (members.last_active_on IS NULL OR checkins.local_date > members.last_active_on))",
)


def upgrade() -> None:
    with op.batch_alter_table("members") as table:
        table.add_column(sa.Column("last_active_on", sa.Date(), nullable=True))
    for statement in BACKFILL:
        op.execute(statement)


def downgrade() -> None:
    with op.batch_alter_table("members") as table:
        table.drop_column("last_active_on")
