"""streak memo: each member's streak through their last active day, kept on their row
(who-is-slipping reads it instead of every log), and a small index of blocked
check-ins by day (so finding the blocked reads a handful of rows, not a week of all)

No backfill: a streak is worked out from the logs wherever `streak_through` is not
the member's last active day, and every check-in or log from now on keeps it.

Revision ID: 0017_streak_memo
Revises: 0016_buddies
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_streak_memo"
down_revision: str | None = "0016_buddies"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BLOCKED = sa.text("status = 'blocked'")


def upgrade() -> None:
    with op.batch_alter_table("members") as table:
        table.add_column(sa.Column("streak_days", sa.Integer(), nullable=True))
        table.add_column(sa.Column("streak_through", sa.Date(), nullable=True))
    op.create_index(
        "ix_checkins_blocked_local_date",
        "checkins",
        ["local_date"],
        postgresql_where=BLOCKED,
        sqlite_where=BLOCKED,
    )


def downgrade() -> None:
    op.drop_index("ix_checkins_blocked_local_date", table_name="checkins")
    with op.batch_alter_table("members") as table:
        table.drop_column("streak_through")
        table.drop_column("streak_days")
